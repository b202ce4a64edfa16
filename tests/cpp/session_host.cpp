// The C++ side of tests/test_session.py: runs saved pipelines through
// pyjitx::Session and prints what happened, one line per event, in a form
// the test also produces from Python's own results.
//
//   session_host run DIR FEEDS      each feed of FEEDS (a JSON list of
//                                   {input: typed value}) through DIR:
//                                   "value <show>" or "raised <Type>: <msg>"
//   session_host threads DIR FEEDS N ROUNDS
//                                   every feed ROUNDS times in each of N
//                                   threads at once, compared with a
//                                   single-threaded run: "threads ok <runs>"
//   session_host load DIR...        "ok" or "<Type>: <message>" per directory
//   session_host canon FILE         sha256 of the canonical JSON of each line
//   session_host abi                the ABI hash this runtime computes
//   session_host interrupt DIR FEEDS
//                                   feed 0 run with an interrupt requested
//                                   and no hook (it is dropped), feed 1 with
//                                   a hook that cancels, requested 50 ms into
//                                   the run: the outcomes, each followed by
//                                   "pending <pjx_signal_pending>"
// Every mode ends with "live <n>": the runtime's live objects after all
// Sessions and Values are gone.
#include <pyjitx/pyjitx.hpp>
#ifdef PYJITX_TEST_WITH_TORCH
#include <pyjitx/torch.hpp>
#endif

#include <atomic>
#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

using pyjitx::Type;
using pyjitx::Value;

static std::string read_file(const std::string &path) {
    std::ifstream f(path, std::ios::binary);
    std::ostringstream s;
    s << f.rdbuf();
    return s.str();
}

static std::string element(const Value &a, int64_t offset) {
    const char *p = static_cast<const char *>(a.data());
    switch (a.dtype()) {
    case PJX_DT_BOOL: return Value((bool)p[offset]).repr();
    case PJX_DT_UINT8: return Value((int64_t)((const uint8_t *)p)[offset]).repr();
    case PJX_DT_INT8: return Value((int64_t)((const int8_t *)p)[offset]).repr();
    case PJX_DT_INT32: return Value((int64_t)((const int32_t *)p)[offset]).repr();
    case PJX_DT_INT64: return Value(((const int64_t *)p)[offset]).repr();
    case PJX_DT_FLOAT32: return Value((double)((const float *)p)[offset]).repr();
    case PJX_DT_FLOAT64: return Value(((const double *)p)[offset]).repr();
    default: return "?";
    }
}

static void elements(const Value &a, int dim, int64_t offset, std::string &out) {
    auto shape = a.shape();
    auto strides = a.strides();
    if (dim == a.ndim()) {
        out += (out.back() == '[' ? "" : ", ") + element(a, offset);
        return;
    }
    for (int64_t i = 0; i < shape[dim]; i++) elements(a, dim + 1, offset + i * strides[dim], out);
}

static bool has_array(const Value &v) {
    switch (v.type()) {
    case Type::NDArray: return true;
    case Type::List: for (const Value &x : v.as_list()) if (has_array(x)) return true; return false;
    case Type::Tuple: for (const Value &x : v.as_tuple()) if (has_array(x)) return true; return false;
    case Type::Dict:
        for (const auto &kv : v.as_dict()) if (has_array(kv.second)) return true;
        return false;
    default: return false;
    }
}

// repr(), except that NDArrays show dtype, shape and every element
// (tests/test_session.py's show() is the same in Python).
static std::string show(const Value &v) {
    if (!has_array(v)) return v.repr();
    std::string out;
    switch (v.type()) {
    case Type::NDArray: {
        out = "array(" + v.dtype_name() + ", [";
        auto shape = v.shape();
        for (size_t i = 0; i < shape.size(); i++) out += (i ? ", " : "") + std::to_string(shape[i]);
        out += "], [";
        elements(v, 0, 0, out);
        return out + "])";
    }
    case Type::List: case Type::Tuple: {
        auto items = v.type() == Type::List ? v.as_list() : v.as_tuple();
        out = v.type() == Type::List ? "[" : "(";
        for (size_t i = 0; i < items.size(); i++) out += (i ? ", " : "") + show(items[i]);
        if (v.type() == Type::Tuple && items.size() == 1) out += ",";
        return out + (v.type() == Type::List ? "]" : ")");
    }
    default: {
        out = "{";
        bool first = true;
        for (const auto &kv : v.as_dict()) {
            out += (first ? "" : ", ") + show(kv.first) + ": " + show(kv.second);
            first = false;
        }
        return out + "}";
    }
    }
}

static std::vector<pyjitx::Session::Feed> read_feeds(const std::string &path, const std::string &base) {
    std::vector<pyjitx::Session::Feed> feeds;
    pyjitx::json::Json all = pyjitx::json::parse(read_file(path));
    for (const auto &feed : all.items()) {
        pyjitx::Session::Feed f;
        for (const auto &m : feed.members()) f[m.first] = pyjitx::value_from_json(m.second, base);
        feeds.push_back(std::move(f));
    }
    return feeds;
}

static std::string outcome(const pyjitx::Session &sess, const pyjitx::Session::Feed &feed) {
    try {
        return "value " + show(sess.run(feed));
    } catch (const pyjitx::Error &e) {
        return "raised " + e.type() + ": " + e.message();
    }
}

// A host's cancellation (runtime.h, "interrupts"): the next poll of the
// running code raises, and the run ends with that exception.
static int32_t cancel() {
    pjx_clear_interrupt();
    pjx_err_set(PJX_EXC_KEYBOARD_INTERRUPT, "cancelled by the host");
    return -1;
}

static int pending() { return __atomic_load_n(&pjx_signal_pending, __ATOMIC_SEQ_CST); }

static int run_mode(int argc, char **argv) {
    std::string mode = argv[1];
    if (mode == "abi") {
        std::cout << pyjitx::detail::session::abi_hash() << "\n";
    } else if (mode == "canon") {
        std::istringstream lines(read_file(argv[2]));
        std::string line;
        while (std::getline(lines, line)) {
            try {
                std::cout << pyjitx::json::sha256_hex(pyjitx::json::canonical(pyjitx::json::parse(line))) << "\n";
            } catch (const pyjitx::json::JsonError &e) {
                std::cout << "error " << e.what() << "\n";
            }
        }
    } else if (mode == "load") {
        for (int i = 2; i < argc; i++) {
            try {
                pyjitx::Session::load(argv[i]);
                std::cout << "ok\n";
            } catch (const pyjitx::Error &e) {
                std::cout << e.type() << ": " << e.message() << "\n";
            }
        }
    } else if (mode == "interrupt") {
        std::string base = std::string(argv[3]).substr(0, std::string(argv[3]).rfind('/'));
        auto feeds = read_feeds(argv[3], base);
        auto sess = pyjitx::Session::load(argv[2]);
        pjx_request_interrupt();
        std::cout << outcome(sess, feeds[0]) << "\npending " << pending() << "\n";
        pjx_set_signal_hook(cancel);
        std::thread later([] {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
            pjx_request_interrupt();
        });
        std::cout << outcome(sess, feeds[1]) << "\n";
        later.join();
        pjx_set_signal_hook(nullptr);
        std::cout << "pending " << pending() << "\n";
    } else if (mode == "run" || mode == "threads") {
        std::string base = std::string(argv[3]).substr(0, std::string(argv[3]).rfind('/'));
        auto feeds = read_feeds(argv[3], base);
        auto sess = pyjitx::Session::load(argv[2]);
        if (mode == "run") {
            for (const auto &feed : feeds) std::cout << outcome(sess, feed) << "\n";
        } else {
            std::vector<std::string> expected;
            for (const auto &feed : feeds) expected.push_back(outcome(sess, feed));
            int nthreads = std::stoi(argv[4]), rounds = std::stoi(argv[5]);
            std::atomic<int> runs{0}, wrong{0};
            std::vector<std::thread> threads;
            for (int t = 0; t < nthreads; t++)
                threads.emplace_back([&, t] {
                    for (int r = 0; r < rounds; r++)
                        for (size_t i = 0; i < feeds.size(); i++) {
                            size_t k = (i + (size_t)t) % feeds.size(); // threads out of step
                            if (outcome(sess, feeds[k]) != expected[k]) wrong++;
                            runs++;
                        }
                });
            for (auto &th : threads) th.join();
            if (wrong) std::cout << "threads wrong " << wrong << " of " << runs << "\n";
            else std::cout << "threads ok " << runs << "\n";
        }
    } else {
        std::cerr << "unknown mode " << mode << "\n";
        return 2;
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    int status;
    try {
        status = run_mode(argc, argv);
    } catch (const pyjitx::Error &e) {
        std::cout << "error " << e.what() << "\n";
        status = 1;
    }
    std::cout << "live " << pjx_live_objects() << "\n";
    return status;
}
