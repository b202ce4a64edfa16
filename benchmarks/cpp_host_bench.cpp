// The C++ side of benchmarks/cpp_host.py: a saved pipeline run by
// pyjitx::Session, timed inside the host.
//
//   cpp_host_bench texts DIR TEXTS ROUNDS   run(texts[i]) for every text of
//                                           TEXTS (a JSON list of str), per round
//   cpp_host_bench ints DIR N ROUNDS        run(i) for i in range(N), per round
// Prints one JSON object: the seconds of each round and a checksum of the
// results (the number and the sum of the ids), which the runner compares
// with Python's.
#include <pyjitx/pyjitx.hpp>

#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

using pyjitx::Value;

int main(int argc, char **argv) {
    if (argc != 5) return 2;
    std::string mode = argv[1];
    auto sess = pyjitx::Session::load(argv[2]);
    const std::string input = sess.inputs().at(0);
    int rounds = std::stoi(argv[4]);
    std::vector<Value> feeds;
    if (mode == "texts") {
        std::ifstream f(argv[3], std::ios::binary);
        std::ostringstream s;
        s << f.rdbuf();
        pyjitx::json::Json texts = pyjitx::json::parse(s.str());
        for (const auto &text : texts.items()) feeds.push_back(Value::str(text.as_string()));
    } else {
        for (int64_t i = 0, n = std::stoll(argv[3]); i < n; i++) feeds.push_back(Value(i));
    }
    std::vector<double> seconds;
    int64_t count = 0, total = 0;
    for (int r = 0; r < rounds; r++) {
        count = total = 0;
        auto start = std::chrono::steady_clock::now();
        for (const Value &feed : feeds) {
            Value out = sess.run({{input, feed}});
            if (out.type() == pyjitx::Type::Int) {
                count++;
                total += out.as_int();
            } else {
                for (const Value &id : out.as_list()) {
                    count++;
                    total += id.as_int();
                }
            }
        }
        seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    std::cout << "{\"seconds\": [";
    for (size_t i = 0; i < seconds.size(); i++) std::cout << (i ? ", " : "") << Value(seconds[i]);
    std::cout << "], \"count\": " << count << ", \"total\": " << total << "}\n";
    return 0;
}
