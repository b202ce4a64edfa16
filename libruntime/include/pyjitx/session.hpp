/* pyjitx/session.hpp: pyjitx::Session, a saved pipeline run by a C++ host
 * (docs/spec.md §4.4).  Included by <pyjitx/pyjitx.hpp>; header-only.
 *
 *     auto sess = pyjitx::Session::load("./my_dir", -1);
 *     pyjitx::Value out = sess.run({{"texts", pyjitx::Value::str("hello world")}});
 *
 * load() does what the Python loader does (docs/pipeline-format.md), in the
 * same order and with the same error names, before any code of the
 * directory runs: the manifest's JSON and schema, its format version and
 * digest, the ABI, the target triple and CPU features, the size and sha256
 * of every file, the state file (each saved argument against its
 * constructor's parameter), the runtime functions the ops import, and
 * whether the host can run the pipeline's TorchScript models.  Files are
 * read only as regular files inside the directory, never through a
 * symbolic link (session_files.hpp: UnsafeFileError).  A failure is
 * a pyjitx::LoadError whose type() is the Python loader's class name
 * ("ChecksumError", "AbiMismatchError", ...) and whose message names the
 * file and the mismatch.  Then the directory's lib<name>.so is opened
 * (dlopen), its ops' packed entry points are looked up, user exception
 * classes are registered with the runtime, the compiled-class instances of
 * the state are rebuilt by their constructor ops, and models are loaded.
 *
 * run(feed) runs the graph's nodes in order, values in a table local to
 * the call: one Session may run in many threads at once.  Each op call
 * locks the instances it receives and the containers it mutates
 * (pyjitx/lock.h), so ops that change a shared instance run one at a time,
 * as the same calls made from Python do.  Feed
 * values are checked against the parameter types of the ops that take
 * them (TypeError naming the op and parameter), and containers built with
 * other item kinds than an op needs (an empty Value::list({}) where a
 * List[int] is taken, ints where floats are) are converted first -- into a
 * copy, so such an argument's mutation is not seen by the caller.
 *
 * The host must link the runtime as a shared library (pyjitx::runtime,
 * -lpyjitx_runtime): lib<name>.so uses that same runtime, and a host
 * linked with the static archive would hold a second copy, with objects
 * that must not meet.  load() refuses such a host with a clear error.  A
 * loaded library stays mapped until the process exits: values made by its
 * code (instances, whose class descriptors live in it) may outlive the
 * Session.
 *
 * TorchScript models ("torch" nodes) run through libtorch when one source
 * file of the host includes <pyjitx/torch.hpp> (which registers a runner);
 * without it, load() refuses a pipeline with models (TorchUnavailableError).
 */
#ifndef PYJITX_SESSION_HPP
#define PYJITX_SESSION_HPP

#include <dlfcn.h>

#include <cctype>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <initializer_list>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include "pyjitx/json.hpp"
#include "pyjitx/lock.h"
#include "pyjitx/pyjitx.hpp"
#include "pyjitx/session_files.hpp"
#include "pyjitx/session_types.hpp"

namespace pyjitx {

/* A saved directory that cannot be loaded; type() is the name of the
 * Python loader's exception class for the same failure. */
class LoadError : public Error {
public:
    using Error::Error;
};

class Session;

/* ---- TorchScript models ------------------------------------------------------
 * What <pyjitx/torch.hpp> provides: a model loaded from a TorchScript file,
 * run on Values (NDArrays as tensors sharing memory; tensors back as
 * NDArrays).  forward() may be called from several threads at once. */
class TorchModel {
public:
    virtual ~TorchModel() = default;
    virtual Value forward(const std::vector<Value> &args) const = 0;
};
using TorchLoader = std::unique_ptr<TorchModel> (*)(const std::string &path, int device);

namespace detail {
inline TorchLoader &torch_loader() noexcept {
    static TorchLoader loader = nullptr; // one per process: an inline function's static
    return loader;
}
} // namespace detail

/* Installs the runner of "torch" nodes (torch.hpp calls it). */
inline bool register_torch_loader(TorchLoader loader) noexcept {
    detail::torch_loader() = loader;
    return true;
}

namespace detail {
namespace session {

using json::Json;

inline const char *manifest_file() { return "manifest.json"; }

[[noreturn]] inline void fail(const char *type, const std::string &message) {
    throw LoadError(type, message);
}

/* ---- the manifest's schema ------------------------------------------------------
 * Each check raises ManifestError (or StateError for the state file) naming
 * the file and the key, as pyjitx/pipeline/manifest.py does. */
class Checker {
public:
    Checker(const char *type, std::string file) : type_(type), file_(std::move(file)) {}

    [[noreturn]] void fail(const std::string &where, const std::string &message) const {
        detail::session::fail(type_, file_ + ": " + where + ": " + message);
    }
    /* `j` must be an object with exactly these keys. */
    const Json &obj(const Json &j, const std::string &where,
                    std::initializer_list<const char *> keys) const {
        if (!j.is_object()) fail(where, std::string("expected an object, got ") + j.kind_name());
        for (const char *key : keys)
            if (!j.find(key)) fail(where, std::string("missing key '") + key + "'");
        for (const auto &m : j.members()) {
            bool known = false;
            for (const char *key : keys) known = known || m.first == key;
            if (!known) fail(where, "unexpected key '" + m.first + "'");
        }
        return j;
    }
    const Json &member(const Json &j, const char *key) const { return *j.find(key); }
    const std::string &str(const Json &j, const std::string &where) const {
        if (!j.is_string()) fail(where, std::string("expected a string, got ") + j.kind_name());
        return j.as_string();
    }
    int64_t integer(const Json &j, const std::string &where) const {
        if (!j.is_int()) fail(where, std::string("expected an integer, got ") + j.kind_name());
        return j.as_int();
    }
    int64_t nonneg(const Json &j, const std::string &where) const {
        int64_t v = integer(j, where);
        if (v < 0) fail(where, "expected a non-negative integer, got " + std::to_string(v));
        return v;
    }
    const std::vector<Json> &list(const Json &j, const std::string &where) const {
        if (!j.is_array()) fail(where, std::string("expected a list, got ") + j.kind_name());
        return j.items();
    }
    std::vector<std::string> strings(const Json &j, const std::string &where) const {
        std::vector<std::string> out;
        const auto &items = list(j, where);
        for (size_t i = 0; i < items.size(); i++)
            out.push_back(str(items[i], where + "[" + std::to_string(i) + "]"));
        return out;
    }
    const std::string &ident(const Json &j, const std::string &where) const {
        const std::string &s = str(j, where);
        bool ok = !s.empty() && !(s[0] >= '0' && s[0] <= '9');
        for (char c : s) ok = ok && (std::isalnum((unsigned char)c) || c == '_');
        if (!ok) fail(where, "expected an identifier, got '" + s + "'");
        return s;
    }
    /* A relative, '/'-separated path of [A-Za-z0-9._+-] segments that do not
     * start with '.' or '-': never outside the directory. */
    const std::string &path(const Json &j, const std::string &where) const {
        const std::string &s = str(j, where);
        if (!safe_path(s)) fail(where, "expected a relative path inside the directory, got '" + s + "'");
        return s;
    }
    static bool safe_path(const std::string &s) {
        if (s.empty()) return false;
        size_t start = 0;
        for (;;) {
            size_t end = s.find('/', start);
            if (end == std::string::npos) end = s.size();
            if (end == start) return false;
            char first = s[start];
            if (!(std::isalnum((unsigned char)first) || first == '_')) return false;
            for (size_t i = start; i < end; i++) {
                char c = s[i];
                if (!(std::isalnum((unsigned char)c) || c == '.' || c == '_' || c == '+' || c == '-'))
                    return false;
            }
            if (end == s.size()) return true;
            start = end + 1;
        }
    }
    Desc descriptor(const Json &j, const std::string &where, bool params) const {
        const std::string &s = str(j, where);
        Desc d;
        if (!parse_desc(s, d) || (d.mutated && !params) || (d.tag == 'g' && params))
            fail(where, "not a boundary descriptor: '" + s + "'");
        return d;
    }

private:
    const char *type_;
    std::string file_;
};

/* ---- the machine ---------------------------------------------------------------- */
inline const char *host_triple() {
#if defined(__x86_64__) && defined(__linux__)
    return "x86_64-unknown-linux-gnu";
#elif defined(__aarch64__) && defined(__linux__)
    return "aarch64-unknown-linux-gnu";
#else
    return "unknown";
#endif
}

/* Does this CPU have the LLVM feature `name`?  Read from cpuid, as LLVM
 * itself finds the host's features; a name not known here is missing. */
inline bool cpu_has(const std::string &name) {
#if defined(__x86_64__)
    struct Bit {
        const char *name;
        unsigned leaf, subleaf;
        int reg; // 0 eax, 1 ebx, 2 ecx, 3 edx
        int bit;
    };
    static const Bit bits[] = {
        {"sse3", 1, 0, 2, 0}, {"pclmul", 1, 0, 2, 1}, {"ssse3", 1, 0, 2, 9}, {"fma", 1, 0, 2, 12},
        {"cx16", 1, 0, 2, 13}, {"sse4.1", 1, 0, 2, 19}, {"sse4.2", 1, 0, 2, 20},
        {"crc32", 1, 0, 2, 20}, {"movbe", 1, 0, 2, 22}, {"popcnt", 1, 0, 2, 23},
        {"aes", 1, 0, 2, 25}, {"xsave", 1, 0, 2, 26}, {"avx", 1, 0, 2, 28}, {"f16c", 1, 0, 2, 29},
        {"rdrnd", 1, 0, 2, 30}, {"cx8", 1, 0, 3, 8}, {"cmov", 1, 0, 3, 15}, {"mmx", 1, 0, 3, 23},
        {"fxsr", 1, 0, 3, 24}, {"sse", 1, 0, 3, 25}, {"sse2", 1, 0, 3, 26},
        {"fsgsbase", 7, 0, 1, 0}, {"bmi", 7, 0, 1, 3}, {"avx2", 7, 0, 1, 5}, {"bmi2", 7, 0, 1, 8},
        {"invpcid", 7, 0, 1, 10}, {"avx512f", 7, 0, 1, 16}, {"evex512", 7, 0, 1, 16},
        {"avx512dq", 7, 0, 1, 17}, {"rdseed", 7, 0, 1, 18}, {"adx", 7, 0, 1, 19},
        {"avx512ifma", 7, 0, 1, 21}, {"clflushopt", 7, 0, 1, 23}, {"clwb", 7, 0, 1, 24},
        {"avx512cd", 7, 0, 1, 28}, {"sha", 7, 0, 1, 29}, {"avx512bw", 7, 0, 1, 30},
        {"avx512vl", 7, 0, 1, 31}, {"avx512vbmi", 7, 0, 2, 1}, {"pku", 7, 0, 2, 3},
        {"avx512vbmi2", 7, 0, 2, 6}, {"shstk", 7, 0, 2, 7}, {"gfni", 7, 0, 2, 8},
        {"vaes", 7, 0, 2, 9}, {"vpclmulqdq", 7, 0, 2, 10}, {"avx512vnni", 7, 0, 2, 11},
        {"avx512bitalg", 7, 0, 2, 12}, {"avx512vpopcntdq", 7, 0, 2, 14}, {"rdpid", 7, 0, 2, 22},
        {"movdiri", 7, 0, 2, 27}, {"movdir64b", 7, 0, 2, 28}, {"serialize", 7, 0, 3, 14},
        {"avx512fp16", 7, 0, 3, 23}, {"avxvnni", 7, 1, 0, 4}, {"avx512bf16", 7, 1, 0, 5},
        {"xsaveopt", 13, 1, 0, 0}, {"xsavec", 13, 1, 0, 1}, {"xsaves", 13, 1, 0, 3},
        {"sahf", 0x80000001u, 0, 2, 0}, {"lzcnt", 0x80000001u, 0, 2, 5},
        {"sse4a", 0x80000001u, 0, 2, 6}, {"prfchw", 0x80000001u, 0, 2, 8},
        {"xop", 0x80000001u, 0, 2, 11}, {"fma4", 0x80000001u, 0, 2, 16},
        {"tbm", 0x80000001u, 0, 2, 21}, {"mwaitx", 0x80000001u, 0, 2, 29},
        {"64bit", 0x80000001u, 0, 3, 29}, {"clzero", 0x80000008u, 0, 1, 0},
        {"rdpru", 0x80000008u, 0, 1, 4}, {"wbnoinvd", 0x80000008u, 0, 1, 9},
    };
    for (const Bit &b : bits) {
        if (name != b.name) continue;
        unsigned r[4] = {0, 0, 0, 0};
        unsigned max = __get_cpuid_max(b.leaf & 0x80000000u, nullptr);
        if (max < b.leaf) return false;
        __cpuid_count(b.leaf, b.subleaf, r[0], r[1], r[2], r[3]);
        return (r[b.reg] >> b.bit) & 1u;
    }
    return false;
#else
    (void)name;
    return false;
#endif
}

/* The manifest's abi.hash, computed as pyjitx/pipeline/compat.py does from
 * this runtime's own tables (error kinds and their names). */
inline std::string abi_hash() {
    std::vector<std::pair<std::string, int>> kinds;
    for (int k = 1; k < PJX_EXC__COUNT; k++) kinds.emplace_back(pjx_err_kind_name(k), k);
    std::sort(kinds.begin(), kinds.end());
    std::string text = "pyjitx-abi|" + std::to_string(PJX_ABI_VERSION) + "|pjx_abi_v" +
                       std::to_string(PJX_ABI_VERSION) + "|";
    for (size_t i = 0; i < kinds.size(); i++)
        text += (i ? "," : "") + kinds[i].first + "=" + std::to_string(kinds[i].second);
    // 131072: pyjitx/exceptions.py's USER_SPAN, the number of user kinds.
    text += "|user-exceptions=" + std::to_string(PJX_USER_EXCEPTION_BASE) +
            "+131072|class-id=crc32(module.qualname)|2**32";
    return json::sha256_hex(text).substr(0, 32);
}

inline bool base64_decode(const std::string &in, std::string &out) {
    auto value = [](char c) -> int {
        if (c >= 'A' && c <= 'Z') return c - 'A';
        if (c >= 'a' && c <= 'z') return c - 'a' + 26;
        if (c >= '0' && c <= '9') return c - '0' + 52;
        if (c == '+') return 62;
        if (c == '/') return 63;
        return -1;
    };
    if (in.size() % 4 != 0) return false;
    out.clear();
    for (size_t i = 0; i < in.size(); i += 4) {
        int v[4];
        int pad = 0;
        for (int k = 0; k < 4; k++) {
            char c = in[i + (size_t)k];
            if (c == '=' && i + 4 == in.size() && k >= 2) {
                v[k] = 0;
                pad++;
            } else {
                if (pad) return false; // data after padding
                v[k] = value(c);
                if (v[k] < 0) return false;
            }
        }
        uint32_t n = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 | (uint32_t)v[3];
        out += (char)(n >> 16);
        if (pad < 2) out += (char)(n >> 8);
        if (pad < 1) out += (char)n;
    }
    return true;
}

/* ---- the loaded pipeline -------------------------------------------------------- */
using PackedEntry = int32_t (*)(const uint64_t *args, uint64_t *out);

struct Op {
    std::string id, name;
    PackedEntry entry = nullptr;
    std::vector<std::string> param_names;
    std::vector<Desc> params;
    Desc returns;
};

/* A graph expression compiled for run(): a constant decoded at load, a
 * graph value (by index), or a list/tuple/dict built around them. */
struct Expr {
    enum Kind { Const, Var, List, Tuple, Dict } kind = Const;
    Value constant;
    size_t var = 0;
    std::vector<Expr> items; // Dict: key, value, key, value, ...
    const Desc *desc = nullptr; // the type the taker wants (nullptr: unknown)
};

struct Node {
    enum Kind { CallOp, Item, Torch } kind = CallOp;
    size_t target = 0; // index into ops or models
    int64_t index = 0; // Item
    std::vector<Expr> inputs;
    size_t output = 0;
    std::string where;
};

struct Pipeline {
    std::string root, name;
    std::vector<std::string> inputs;
    std::vector<Op> ops;
    std::vector<std::unique_ptr<TorchModel>> models;
    std::vector<std::string> model_names;
    std::vector<Node> nodes;
    Expr outputs;
    size_t nvalues = 0;
    std::unordered_map<int32_t, std::string> exception_names; // user kinds -> class name
    std::unordered_map<std::string, Value> instances;
    std::vector<std::unique_ptr<Desc>> descs; // owns what Expr::desc points at
    static inline const Desc any_desc{};      // tag 'a'
};

/* The pending exception as an Error, user exception classes by their name. */
[[noreturn]] inline void throw_pending(const Pipeline &p) {
    int32_t kind = pjx_err_kind();
    auto named = p.exception_names.find(kind);
    if (named == p.exception_names.end()) detail::throw_pending();
    const char *message = pjx_err_message();
    std::string text = message ? message : "";
    pjx_err_clear();
    throw Error(named->second, std::move(text));
}

/* ---- values of the typed JSON format (state and graph constants) ---------------- */
class Decoder {
public:
    Decoder(const Checker &c, const Pipeline &p) : c_(c), p_(p) {}

    /* `d` is the type the value is for (its containers get the item kinds
     * that type needs); nullptr where unknown (kinds follow the items). */
    Value decode(const Json &j, const Desc *d, const std::string &where, int depth = 0) const {
        if (depth > 200) c_.fail(where, "nested more than 200 levels deep");
        if (!j.is_object() || !j.find("type") || !j.find("type")->is_string())
            c_.fail(where, "expected a typed value ({\"type\": ...})");
        if (d && d->tag == 'o') d = &d->items[0];
        const std::string &type = j.find("type")->as_string();
        const Desc *item = d && !d->items.empty() ? &d->items[0] : nullptr;
        if (d && d->tag == 'a') item = &Pipeline::any_desc;
        if (type == "none") {
            c_.obj(j, where, {"type"});
            return Value();
        }
        if (type == "bool") {
            c_.obj(j, where, {"type", "value"});
            const Json &v = c_.member(j, "value");
            if (!v.is_bool()) c_.fail(where + ".value", std::string("expected a bool, got ") + v.kind_name());
            return Value(v.as_bool());
        }
        if (type == "int") {
            c_.obj(j, where, {"type", "value"});
            int64_t v = c_.integer(c_.member(j, "value"), where + ".value");
            if (d && d->tag == 'f') return Value((double)v);
            return Value(v);
        }
        if (type == "float") {
            c_.obj(j, where, {"type", "value"});
            const std::string &text = c_.str(c_.member(j, "value"), where + ".value");
            double v = 0;
            auto r = std::from_chars(text.data(), text.data() + text.size(), v);
            if (text.empty() || r.ec != std::errc() || r.ptr != text.data() + text.size())
                c_.fail(where + ".value", "expected a float written as a string, got '" + text + "'");
            return Value(v);
        }
        if (type == "str") {
            c_.obj(j, where, {"type", "value"});
            return Value::str(c_.str(c_.member(j, "value"), where + ".value"));
        }
        if (type == "bytes") {
            c_.obj(j, where, {"type", "base64"});
            std::string data;
            if (!base64_decode(c_.str(c_.member(j, "base64"), where + ".base64"), data))
                c_.fail(where + ".base64", "not base64");
            return Value::bytes(data);
        }
        if (type == "list" || type == "tuple" || type == "set") {
            c_.obj(j, where, {"type", "items"});
            const auto &items = c_.list(c_.member(j, "items"), where + ".items");
            std::vector<Value> values;
            for (size_t i = 0; i < items.size(); i++) {
                const Desc *di = item;
                if (type == "tuple" && d && d->tag == 't')
                    di = i < d->items.size() ? &d->items[i] : nullptr;
                values.push_back(decode(items[i], di, where + "[" + std::to_string(i) + "]", depth + 1));
            }
            if (type == "tuple") return make_tuple(values, d);
            if (type == "list")
                return item ? Value::list(values, (Kind)kind_of(*item)) : Value::list(values);
            return item ? Value::set(values, (Kind)kind_of(*item)) : Value::set(values);
        }
        if (type == "dict") {
            c_.obj(j, where, {"type", "items"});
            const auto &items = c_.list(c_.member(j, "items"), where + ".items");
            const Desc *kd = d && d->tag == 'd' ? &d->items[0] : (d && d->tag == 'a' ? item : nullptr);
            const Desc *vd = d && d->tag == 'd' ? &d->items[1] : kd;
            Value::Items pairs;
            for (size_t i = 0; i < items.size(); i++) {
                std::string w = where + ".items[" + std::to_string(i) + "]";
                const auto &pair = c_.list(items[i], w);
                if (pair.size() != 2) c_.fail(w, "expected [key, value]");
                pairs.emplace_back(decode(pair[0], kd, w + "[0]", depth + 1),
                                   decode(pair[1], vd, w + "[1]", depth + 1));
            }
            if (kd && vd) return Value::dict(pairs, (Kind)kind_of(*kd), (Kind)kind_of(*vd));
            return Value::dict(pairs);
        }
        if (type == "ndarray") return array(j, where);
        if (type == "instance") {
            c_.obj(j, where, {"type", "id"});
            const std::string &id = c_.str(c_.member(j, "id"), where + ".id");
            auto found = p_.instances.find(id);
            if (found == p_.instances.end())
                c_.fail(where + ".id", "no instance '" + id + "' is defined before this");
            return found->second;
        }
        if (type == "resource") {
            c_.obj(j, where, {"type", "file"});
            return Value::str(p_.root + "/" + c_.path(c_.member(j, "file"), where + ".file"));
        }
        c_.fail(where, "unknown value type '" + type + "'");
    }

    /* A tuple whose Any items are boxed (kind Object), as compiled code
     * holds a Tuple[Any, ...]; other items keep their own kind. */
    static Value make_tuple(const std::vector<Value> &values, const Desc *d) {
        Value t = Value::tuple(values);
        if (!d || (d->tag != 't' && d->tag != 'T' && d->tag != 'a')) return t;
        bool boxes = false;
        for (size_t i = 0; i < values.size(); i++) {
            const Desc *di = d->tag == 't' ? (i < d->items.size() ? &d->items[i] : nullptr)
                             : d->tag == 'T' ? &d->items[0] : d;
            boxes = boxes || (di && di->tag == 'a' && values[i].kind() != PJX_KIND_OBJ);
        }
        if (!boxes) return t;
        pjx_tuple *raw = check(pjx_tuple_new((int64_t)values.size()));
        Value boxed = Value::adopt(raw);
        for (size_t i = 0; i < values.size(); i++) {
            const Desc *di = d->tag == 't' ? (i < d->items.size() ? &d->items[i] : nullptr)
                             : d->tag == 'T' ? &d->items[0] : d;
            pjx_slot v;
            int32_t kind = values[i].kind();
            if (di && di->tag == 'a') {
                v.o = values[i].to_any();
                kind = PJX_KIND_OBJ;
            } else {
                v = values[i].slot();
                pjx_slot_incref(kind, v);
            }
            pjx_tuple_set_steal(raw, (int64_t)i, kind, v);
        }
        return boxed;
    }

private:
    Value array(const Json &j, const std::string &where) const {
        c_.obj(j, where, {"type", "dtype", "shape", "file"});
        const std::string &name = c_.str(c_.member(j, "dtype"), where + ".dtype");
        int32_t dtype = -1;
        for (int32_t k = 0; k < PJX_DT__COUNT; k++)
            if (name == pjx_dtype_name(k)) dtype = k;
        if (dtype < 0) c_.fail(where + ".dtype", "unknown dtype '" + name + "'");
        std::vector<int64_t> shape;
        int64_t count = 1;
        for (const Json &n : c_.list(c_.member(j, "shape"), where + ".shape")) {
            int64_t dim = c_.nonneg(n, where + ".shape");
            shape.push_back(dim);
            if (dim != 0 && count > INT64_MAX / 64 / dim) c_.fail(where + ".shape", "too large");
            count *= dim;
        }
        const std::string &file = c_.path(c_.member(j, "file"), where + ".file");
        int64_t nbytes = count * pjx_dtype_itemsize(dtype);
        std::string data;
        InsideFile f(p_.root, file);
        if (!f.ok() && f.why() != "missing")
            fail("UnsafeFileError", f.why() + ": a saved directory is read only through regular "
                                              "files inside it (copy the files themselves, not links to them)");
        if (!f.ok()) fail("MissingFileError", p_.root + "/" + file + ": cannot be read");
        if (f.size() != nbytes)
            c_.fail(where, file + " holds " + std::to_string(f.size()) + " bytes, the shape needs " +
                               std::to_string(nbytes));
        if (!f.read(nbytes, data) || (int64_t)data.size() != nbytes)
            fail("MissingFileError", p_.root + "/" + file + ": cannot be read");
        static const uint16_t one = 1;
        if (*reinterpret_cast<const unsigned char *>(&one) != 1)
            c_.fail(where, "arrays are stored little-endian; this host is big-endian");
        Value a = Value::zeros((pjx_dtype)dtype, shape);
        if (nbytes) std::memcpy(a.data(), data.data(), (size_t)nbytes);
        return a;
    }

    const Checker &c_;
    const Pipeline &p_;
};

/* ---- values into and out of packed entry points --------------------------------- */

/* `v` rebuilt so that its containers have the item kinds `d` needs (ints
 * as floats, an empty list of objects as a List[int]...); the type itself
 * is checked afterwards by pjx_any_cast. */
inline Value with_kinds(const Value &v, const Desc &d) {
    switch (d.tag) {
    case 'i': return v.type() == Type::Bool || v.type() == Type::Int ? Value(v.as_int()) : v;
    case 'f':
        return v.type() == Type::Int || v.type() == Type::Bool ? Value(v.as_float()) : v;
    case 'o': return v.is_none() ? v : with_kinds(v, d.items[0]);
    case 'l': case 'e': {
        if (v.type() != (d.tag == 'l' ? Type::List : Type::Set)) return v;
        std::vector<Value> items;
        for (const Value &item : d.tag == 'l' ? v.as_list() : v.as_set())
            items.push_back(with_kinds(item, d.items[0]));
        Kind kind = (Kind)kind_of(d.items[0]);
        return d.tag == 'l' ? Value::list(items, kind) : Value::set(items, kind);
    }
    case 'd': {
        if (v.type() != Type::Dict) return v;
        Value::Items items;
        for (const auto &kv : v.as_dict())
            items.emplace_back(with_kinds(kv.first, d.items[0]), with_kinds(kv.second, d.items[1]));
        return Value::dict(items, (Kind)kind_of(d.items[0]), (Kind)kind_of(d.items[1]));
    }
    case 't': case 'T': {
        if (v.type() != Type::Tuple) return v;
        std::vector<Value> items = v.as_tuple();
        if (d.tag == 't' && items.size() != d.items.size()) return v;
        for (size_t i = 0; i < items.size(); i++)
            items[i] = with_kinds(items[i], d.tag == 't' ? d.items[i] : d.items[0]);
        return Decoder::make_tuple(items, &d);
    }
    default: return v;
    }
}

/* Holds what one call's arguments need alive: converted copies and boxed Anys. */
struct CallFrame {
    std::vector<Value> keep;
    std::vector<pjx_object *> anys;
    CallFrame() = default;
    CallFrame(const CallFrame &) = delete;
    CallFrame &operator=(const CallFrame &) = delete;
    ~CallFrame() {
        for (pjx_object *a : anys) pjx_decref(a);
    }
};

[[noreturn]] inline void wrong_argument(const Op &op, size_t i, const std::string &message) {
    throw Error("TypeError", "op " + op.name + ", parameter '" + op.param_names[i] + "': " + message);
}

/* Value -> the 8-byte slot of a packed entry point's parameter `i`. */
inline uint64_t to_slot(const Op &op, size_t i, const Desc &d, const Value &v, CallFrame &frame) {
    pjx_slot s;
    s.bits = 0;
    try {
        switch (d.tag) {
        case 'i': s.i = v.as_int(); return s.bits;
        case 'f': s.f = v.as_float(); return s.bits;
        case 'b': s.i = v.as_bool() ? 1 : 0; return s.bits;
        case 'n':
            if (!v.is_none()) throw Error("TypeError", "expected None, got " + v.type_name());
            return 0;
        case 'a':
            frame.anys.push_back(v.to_any());
            s.o = frame.anys.back();
            return s.bits;
        case 'u': { /* an Any holding a value of one of the members */
            pjx_object *boxed = v.to_any();
            pjx_object *checked = nullptr;
            if (pjx_any_cast(boxed, d.text.c_str(), &checked) != 0) {
                std::string message = pjx_err_message() ? pjx_err_message() : "wrong type";
                pjx_err_clear();
                pjx_decref(boxed);
                throw Error("TypeError", message);
            }
            pjx_decref(checked); /* (boxed itself) */
            frame.anys.push_back(boxed);
            s.o = boxed;
            return s.bits;
        }
        case 'o':
            if (v.is_none()) return 0;
            return to_slot(op, i, d.items[0], v, frame);
        default: break;
        }
    } catch (const Error &e) {
        wrong_argument(op, i, e.message());
    }
    // An object: check (deeply, as compiled code trusts it) and, if only
    // the item kinds are off, convert.
    Value value = v;
    pjx_object *cast = nullptr;
    pjx_object *any = value.kind() == PJX_KIND_OBJ ? value.slot().o : nullptr;
    if (!any || pjx_any_cast(any, d.text.c_str(), &cast) != 0) {
        pjx_err_clear();
        value = with_kinds(v, d);
        pjx_object *boxed = value.to_any();
        int32_t status = pjx_any_cast(boxed, d.text.c_str(), &cast);
        pjx_decref(boxed);
        if (status != 0) {
            std::string message = pjx_err_message() ? pjx_err_message() : "wrong type";
            pjx_err_clear();
            wrong_argument(op, i, message);
        }
    }
    pjx_decref(cast); // (the same object as `value`, which holds it)
    s.o = value.slot().o;
    frame.keep.push_back(std::move(value));
    return s.bits;
}

inline Value from_slot(const Desc &d, uint64_t bits) {
    pjx_slot s;
    s.bits = bits;
    switch (d.tag) {
    case 'i': return Value(s.i);
    case 'f': return Value(s.f);
    case 'b': return Value(s.i != 0);
    case 'n': return Value();
    default: return Value::adopt(s.o); // a new reference; NULL is None
    }
}

/* The locks of one op call (pyjitx/lock.h), released when it ends: the
 * instances it receives and the containers it mutates, so that ops on one
 * instance from several threads run one at a time, as they do from Python. */
struct CallLocks {
    pjx_lockset set;
    CallLocks() { pjx_lockset_init(&set); }
    ~CallLocks() { pjx_lockset_release(&set); }
    CallLocks(const CallLocks &) = delete;
    CallLocks &operator=(const CallLocks &) = delete;
};

inline Value call_op(const Pipeline &p, const Op &op, const std::vector<Value> &args) {
    // taken before the arguments are read: to_slot checks containers item
    // by item, which must not meet another op's mutation of them
    CallLocks locks;
    for (size_t i = 0; i < args.size() && i < op.params.size(); i++) {
        if (args[i].kind() != PJX_KIND_OBJ) continue;
        pjx_object *o = args[i].slot().o;
        pjx_lockset_add_instance(&locks.set, o);
        if (o != nullptr && op.params[i].mutated && o->type_id != PJX_TYPE_INSTANCE)
            pjx_lockset_add(&locks.set, pjx_address_lock_word(o));
    }
    if (locks.set.full)
        throw Error("RuntimeError", "op " + op.name + ": one call can lock at most " +
                                        std::to_string(PJX_LOCKSET_MAX) +
                                        " instances and mutable arguments");
    pjx_lockset_lock(&locks.set);
    CallFrame frame;
    std::vector<uint64_t> slots(args.size() + 1);
    for (size_t i = 0; i < args.size(); i++) slots[i] = to_slot(op, i, op.params[i], args[i], frame);
    uint64_t out = 0;
    if (op.entry(slots.data(), &out) != 0) throw_pending(p);
    return from_slot(op.returns, out);
}

} // namespace session
} // namespace detail

/* A value written in the pipeline format's typed JSON (docs/pipeline-format.md,
 * "Typed values": what state/state.json holds), array and resource files
 * relative to `base_dir`; instance references are refused.  Containers
 * take their items' common kind (Value::list).  LoadError("ValueError")
 * names what is malformed. */
inline Value value_from_json(const json::Json &j, const std::string &base_dir) {
    detail::session::Pipeline none;
    none.root = base_dir;
    detail::session::Checker c("ValueError", "value");
    return detail::session::Decoder(c, none).decode(j, nullptr, "value");
}

/* ---- Session ----------------------------------------------------------------------- */
class Session {
public:
    using Feed = std::map<std::string, Value>;

    /* Checks and loads the directory that Pipeline.save wrote (module
     * comment); `device` -1 is the CPU, the only device so far. */
    static Session load(const std::string &directory, int device = -1);

    /* Runs the graph; returns what the traced function returned. */
    Value run(const Feed &feed) const;

    const std::vector<std::string> &inputs() const noexcept { return p_->inputs; }
    const std::string &name() const noexcept { return p_->name; }
    const std::string &directory() const noexcept { return p_->root; }

private:
    explicit Session(std::shared_ptr<const detail::session::Pipeline> p) : p_(std::move(p)) {}
    std::shared_ptr<const detail::session::Pipeline> p_;
};

namespace detail {
namespace session {

class Loader {
public:
    Loader(std::string root, int device) : root_(std::move(root)), device_(device) {}

    std::shared_ptr<Pipeline> load() {
        check_shared_runtime();
        std::string text;
        std::error_code ec;
        if (!std::filesystem::is_directory(root_, ec)) fail("MissingFileError", root_ + ": no such directory");
        {
            InsideFile manifest(root_, manifest_file());
            if (!manifest.ok() && manifest.why() == "missing")
                fail("MissingFileError", root_ + ": manifest.json is missing");
            if (!manifest.ok()) unsafe(manifest.why());
            if (!manifest.read(manifest_limit, text))
                fail("MissingFileError", root_ + "/manifest.json: cannot be read");
            if ((int64_t)text.size() > manifest_limit)
                fail("ManifestError", "manifest.json: larger than " + std::to_string(manifest_limit) + " bytes");
        }
        try {
            m_ = json::parse(text);
        } catch (const json::JsonError &e) {
            fail("ManifestError", std::string("manifest.json: ") + e.what());
        }
        check_schema();
        check_digest();
        check_abi();
        check_target();
        check_files();
        read_state();
        check_imports();
        check_torch();
        return build();
    }

private:
    /* pyjitx/pipeline/manifest.py's MANIFEST_LIMIT */
    static constexpr int64_t manifest_limit = int64_t(256) << 20;

    [[noreturn]] static void unsafe(const std::string &why) {
        fail("UnsafeFileError", why + ": a saved directory is read only through regular files "
                                      "inside it (copy the files themselves, not links to them)");
    }

    /* A file the manifest lists, read as it was checked: MissingFileError or
     * UnsafeFileError otherwise. */
    std::string read_listed(const std::string &relative) const {
        InsideFile f(root_, relative);
        if (!f.ok() && f.why() == "missing")
            fail("MissingFileError", root_ + "/" + relative + ": missing (listed in manifest.json)");
        if (!f.ok()) unsafe(f.why());
        int64_t size = at("files").find(relative)->find("size")->as_int();
        std::string data;
        if (!f.read(size, data)) fail("MissingFileError", root_ + "/" + relative + ": cannot be read");
        if ((int64_t)data.size() != size) fail("ChecksumError", root_ + "/" + relative + ": changed while loading");
        return data;
    }

    /* ---- checks, in the Python loader's order */
    void check_shared_runtime() {
        Dl_info info{};
        if (!dladdr(reinterpret_cast<void *>(&pjx_live_objects), &info) || !info.dli_fname ||
            std::string(info.dli_fname).find("libpyjitx_runtime.so") == std::string::npos)
            fail("ObjectLoadError",
                 "Session::load needs the runtime as a shared library (link pyjitx::runtime or "
                 "-lpyjitx_runtime, not libpyjitx_runtime.a): the pipeline's library uses the "
                 "shared runtime, and this host has a copy of its own linked in");
    }

    void check_schema() {
        const Checker &c = c_;
        if (!m_.is_object()) c.fail("top level", std::string("expected an object, got ") + m_.kind_name());
        const Json *format = m_.find("format");
        if (!format || !format->is_string() || format->as_string() != "pyjitx-pipeline")
            c.fail("format", "expected 'pyjitx-pipeline'" +
                                 std::string(format && format->is_string() ? ", got '" + format->as_string() + "'" : ""));
        const Json *version = m_.find("format_version");
        if (!version || !version->is_int()) c.fail("format_version", "expected an integer");
        version_ = version->as_int();
        if (version_ != 1 && version_ != 2)
            fail("FormatVersionError", "manifest.json: format_version " + std::to_string(version_) +
                                           " is not supported by this pyjitx (it reads version 1 and 2)");
        if (version_ == 2)
            c.obj(m_, "top level", {"format", "format_version", "pyjitx_version", "name", "abi",
                                    "target", "unicode_version", "inputs", "outputs", "nodes", "ops",
                                    "exceptions", "state", "resources", "library", "files",
                                    "manifest_sha256", "torch"});
        else
            c.obj(m_, "top level", {"format", "format_version", "pyjitx_version", "name", "abi",
                                    "target", "unicode_version", "inputs", "outputs", "nodes", "ops",
                                    "exceptions", "state", "resources", "library", "files",
                                    "manifest_sha256"});
        c.str(at("pyjitx_version"), "pyjitx_version");
        name_ = c.str(at("name"), "name");
        bool name_ok = !name_.empty();
        for (char ch : name_) name_ok = name_ok && (std::isalnum((unsigned char)ch) || ch == '.' || ch == '_' || ch == '-');
        if (!name_ok) // (quoted as JSON: it may hold a newline)
            c.fail("name", "expected letters, digits, '.', '_' and '-', got " + json::canonical(Json::string(name_)));
        c.str(at("unicode_version"), "unicode_version");
        const Json &abi = c.obj(at("abi"), "abi", {"version", "hash"});
        c.integer(*abi.find("version"), "abi.version");
        c.str(*abi.find("hash"), "abi.hash");
        const Json &target = c.obj(at("target"), "target", {"triple", "cpu", "features"});
        c.str(*target.find("triple"), "target.triple");
        c.str(*target.find("cpu"), "target.cpu");
        c.strings(*target.find("features"), "target.features");
        const auto &inputs = c.list(at("inputs"), "inputs");
        for (size_t i = 0; i < inputs.size(); i++) {
            std::string w = "inputs[" + std::to_string(i) + "]";
            c.obj(inputs[i], w, {"name", "type"});
            input_names_.push_back(c.ident(*inputs[i].find("name"), w + ".name"));
            c.str(*inputs[i].find("type"), w + ".type");
        }
        const Json &files = at("files");
        if (!files.is_object()) c.fail("files", std::string("expected an object, got ") + files.kind_name());
        for (const auto &f : files.members()) {
            std::string w = "files['" + f.first + "']";
            if (!Checker::safe_path(f.first)) c.fail(w, "expected a relative path inside the directory");
            if (f.first == manifest_file()) c.fail("files", "lists manifest.json itself (its digest is manifest_sha256)");
            c.obj(f.second, w, {"sha256", "size"});
            check_sha(*f.second.find("sha256"), w + ".sha256");
            c.nonneg(*f.second.find("size"), w + ".size");
        }
        check_sha(at("manifest_sha256"), "manifest_sha256");
        const auto &ops = c.list(at("ops"), "ops");
        for (size_t i = 0; i < ops.size(); i++) {
            std::string w = "ops[" + std::to_string(i) + "]";
            c.obj(ops[i], w, {"id", "name", "object", "symbol", "entry", "exports", "params",
                              "returns", "signature", "imports"});
            const std::string &id = c.ident(*ops[i].find("id"), w + ".id");
            if (op_index_.count(id)) c.fail(w + ".id", "the op id '" + id + "' is used twice");
            op_index_[id] = i;
            listed(c.path(*ops[i].find("object"), w + ".object"), w + ".object");
            const std::string &symbol = c.str(*ops[i].find("symbol"), w + ".symbol");
            const std::string &entry = c.str(*ops[i].find("entry"), w + ".entry");
            if (c.strings(*ops[i].find("exports"), w + ".exports") != std::vector<std::string>{symbol, entry})
                c.fail(w + ".exports", "expected [symbol, entry]");
            c.str(*ops[i].find("name"), w + ".name");
            c.str(*ops[i].find("signature"), w + ".signature");
            c.strings(*ops[i].find("imports"), w + ".imports");
            const auto &params = c.list(*ops[i].find("params"), w + ".params");
            for (size_t j = 0; j < params.size(); j++) {
                std::string pw = w + ".params[" + std::to_string(j) + "]";
                c.obj(params[j], pw, {"name", "descriptor", "type"});
                c.ident(*params[j].find("name"), pw + ".name");
                c.descriptor(*params[j].find("descriptor"), pw + ".descriptor", true);
                c.str(*params[j].find("type"), pw + ".type");
            }
            const Json &returns = c.obj(*ops[i].find("returns"), w + ".returns", {"descriptor", "type"});
            c.descriptor(*returns.find("descriptor"), w + ".returns.descriptor", false);
            c.str(*returns.find("type"), w + ".returns.type");
        }
        const auto &exceptions = c.list(at("exceptions"), "exceptions");
        for (size_t i = 0; i < exceptions.size(); i++) {
            std::string w = "exceptions[" + std::to_string(i) + "]";
            c.obj(exceptions[i], w, {"name", "kind", "parent_kind"});
            c.str(*exceptions[i].find("name"), w + ".name");
            int64_t kind = c.integer(*exceptions[i].find("kind"), w + ".kind");
            int64_t parent = c.integer(*exceptions[i].find("parent_kind"), w + ".parent_kind");
            if (kind < PJX_USER_EXCEPTION_BASE || kind >= PJX_USER_EXCEPTION_BASE + 131072)
                c.fail(w + ".kind", "not a user exception kind");
            if (!(parent >= 1 && parent < PJX_EXC__COUNT) && !user_kinds_.count(parent))
                c.fail(w + ".parent_kind", "neither a built-in kind nor an earlier user kind");
            user_kinds_.insert(kind);
        }
        if (version_ == 2) {
            const auto &models = c.list(at("torch"), "torch");
            for (size_t i = 0; i < models.size(); i++) {
                std::string w = "torch[" + std::to_string(i) + "]";
                c.obj(models[i], w, {"id", "name", "file", "mode", "arity"});
                const std::string &id = c.ident(*models[i].find("id"), w + ".id");
                if (op_index_.count(id) || model_index_.count(id))
                    c.fail(w + ".id", "the id '" + id + "' is used twice");
                model_index_[id] = i;
                c.str(*models[i].find("name"), w + ".name");
                listed(c.path(*models[i].find("file"), w + ".file"), w + ".file");
                const std::string &mode = c.str(*models[i].find("mode"), w + ".mode");
                if (mode != "script" && mode != "trace")
                    c.fail(w + ".mode", "expected 'script' or 'trace', got '" + mode + "'");
                c.nonneg(*models[i].find("arity"), w + ".arity");
            }
        }
        const Json &state = at("state");
        if (!state.is_null()) {
            c.obj(state, "state", {"file", "format", "format_version"});
            listed(c.path(*state.find("file"), "state.file"), "state.file");
            c.str(*state.find("format"), "state.format");
            c.integer(*state.find("format_version"), "state.format_version");
        }
        const auto &resources = c.list(at("resources"), "resources");
        for (size_t i = 0; i < resources.size(); i++) {
            std::string w = "resources[" + std::to_string(i) + "]";
            c.obj(resources[i], w, {"file", "source"});
            listed(c.path(*resources[i].find("file"), w + ".file"), w + ".file");
            c.str(*resources[i].find("source"), w + ".source");
        }
        const Json &library = at("library");
        if (!library.is_null()) listed(c.path(library, "library"), "library");
        // The graph: names defined once, before use; ops and models exist.
        std::set<std::string> defined(input_names_.begin(), input_names_.end());
        if (defined.size() != input_names_.size()) c.fail("inputs", "an input is listed twice");
        const auto &nodes = c.list(at("nodes"), "nodes");
        for (size_t i = 0; i < nodes.size(); i++) {
            std::string w = "nodes[" + std::to_string(i) + "]";
            const Json &node = nodes[i];
            if (!node.is_object() || !node.find("kind")) c.fail(w, "expected a node object");
            const std::string &kind = c.str(*node.find("kind"), w + ".kind");
            if (kind == "item") c.obj(node, w, {"kind", "index", "inputs", "outputs", "where"});
            else if (kind == "op" || (kind == "torch" && version_ == 2))
                c.obj(node, w, {"kind", "op", "inputs", "outputs", "where"});
            else c.fail(w + ".kind", "unknown kind '" + kind + "'");
            if (kind == "op" && !op_index_.count(c.str(*node.find("op"), w + ".op")))
                c.fail(w + ".op", "no op '" + node.find("op")->as_string() + "'");
            if (kind == "torch" && !model_index_.count(c.str(*node.find("op"), w + ".op")))
                c.fail(w + ".op", "no model '" + node.find("op")->as_string() + "'");
            if (kind == "item") c.nonneg(*node.find("index"), w + ".index");
            c.str(*node.find("where"), w + ".where");
            const auto &inputs = c.list(*node.find("inputs"), w + ".inputs");
            if (kind == "item" && inputs.size() != 1) c.fail(w + ".inputs", "an item node takes one input");
            if (kind == "op") {
                const Json &op = at("ops").items()[op_index_[node.find("op")->as_string()]];
                if (op.find("params")->items().size() != inputs.size())
                    c.fail(w + ".inputs", "the op takes " + std::to_string(op.find("params")->items().size()) +
                                              " inputs, the node gives " + std::to_string(inputs.size()));
            }
            for (size_t k = 0; k < inputs.size(); k++) uses(inputs[k], defined, w + ".inputs", 0);
            auto outputs = c.strings(*node.find("outputs"), w + ".outputs");
            if (outputs.size() != 1) c.fail(w + ".outputs", "expected one output name");
            for (const auto &name : outputs) {
                c.ident(Json::string(name), w + ".outputs");
                if (!defined.insert(name).second) c.fail(w + ".outputs", "defines '" + name + "' again");
            }
        }
        uses(at("outputs"), defined, "outputs", 0);
    }

    /* Every graph value an expression names must be defined already. */
    void uses(const Json &e, const std::set<std::string> &defined, const std::string &where, int depth) {
        if (depth > 200) c_.fail(where, "nested more than 200 levels deep");
        if (!e.is_object()) c_.fail(where, "expected a typed value");
        const Json *type = e.find("type");
        if (!type || !type->is_string()) c_.fail(where, "expected a typed value ({\"type\": ...})");
        if (type->as_string() == "var") {
            c_.obj(e, where, {"type", "name"});
            const std::string &name = c_.str(*e.find("name"), where + ".name");
            if (!defined.count(name)) c_.fail(where, "uses '" + name + "' before it is defined");
            return;
        }
        const Json *items = e.find("items");
        if (!items || !items->is_array()) return; // a constant, checked when decoded
        for (const Json &item : items->items()) {
            if (type->as_string() == "dict" && item.is_array())
                for (const Json &kv : item.items()) uses(kv, defined, where, depth + 1);
            else
                uses(item, defined, where, depth + 1);
        }
    }

    void check_sha(const Json &j, const std::string &where) {
        const std::string &s = c_.str(j, where);
        bool ok = s.size() == 64;
        for (char ch : s) ok = ok && ((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'));
        if (!ok) c_.fail(where, "expected 64 lowercase hex digits");
    }
    void listed(const std::string &path, const std::string &where) {
        if (!at("files").find(path)) c_.fail(where, "the file '" + path + "' is not in 'files' (no checksum)");
    }
    const Json &at(const char *key) const { return *m_.find(key); }

    void check_digest() {
        static const std::string key = "manifest_sha256";
        if (json::sha256_hex(json::canonical(m_, &key)) != at("manifest_sha256").as_string())
            fail("ChecksumError", root_ + "/manifest.json: its content does not match its "
                                          "manifest_sha256 (the manifest was changed or damaged)");
    }

    void check_abi() {
        const Json &abi = at("abi");
        int64_t version = abi.find("version")->as_int();
        if (version != PJX_ABI_VERSION || PJX_ABI_SYMBOL != PJX_ABI_VERSION)
            fail("AbiMismatchError", "manifest.json: the ops were compiled for runtime ABI version " +
                                         std::to_string(version) + "; this runtime has ABI version " +
                                         std::to_string(PJX_ABI_VERSION));
        std::string ours = abi_hash();
        if (abi.find("hash")->as_string() != ours)
            fail("AbiMismatchError", "manifest.json: ABI hash " + abi.find("hash")->as_string() +
                                         " differs from this runtime's " + ours +
                                         " (same version number, different runtime tables)");
    }

    void check_target() {
        const Json &target = at("target");
        const std::string &triple = target.find("triple")->as_string();
        if (triple != host_triple())
            fail("TargetMismatchError", "manifest.json: the ops were compiled for " + triple +
                                            "; this machine is " + host_triple());
        std::string missing;
        for (const Json &f : target.find("features")->items())
            if (!cpu_has(f.as_string())) missing += (missing.empty() ? "" : ", ") + f.as_string();
        if (!missing.empty())
            fail("CpuFeatureError", "manifest.json: the ops were compiled for a " +
                                        target.find("cpu")->as_string() + " CPU and need the CPU features " +
                                        missing + ", which this machine lacks (save with the default "
                                                  "portable=True for a baseline CPU)");
    }

    void check_files() {
        for (const auto &f : at("files").members()) {
            std::string full = root_ + "/" + f.first;
            InsideFile file(root_, f.first);
            if (!file.ok() && file.why() == "missing")
                fail("MissingFileError", full + ": missing (listed in manifest.json)");
            if (!file.ok()) unsafe(file.why());
            int64_t expected = f.second.find("size")->as_int();
            // the size first: a file larger than the manifest says is not read
            if (file.size() != expected)
                fail("ChecksumError", full + ": " + std::to_string(file.size()) + " bytes, the manifest says " +
                                          std::to_string(expected));
            std::string data;
            if (!file.read(expected, data)) fail("MissingFileError", full + ": cannot be read");
            if ((int64_t)data.size() != expected)
                fail("ChecksumError", full + ": " + std::to_string(data.size()) + " bytes, the manifest says " +
                                          std::to_string(expected));
            std::string digest = json::sha256_hex(data);
            if (digest != f.second.find("sha256")->as_string())
                fail("ChecksumError", full + ": sha256 " + digest + " differs from the manifest's " +
                                          f.second.find("sha256")->as_string());
        }
    }

    void read_state() {
        const Json &entry = at("state");
        if (entry.is_null()) return;
        const std::string &file = entry.find("file")->as_string();
        Checker c("StateError", file);
        std::string text = read_listed(file);
        try {
            state_ = json::parse(text);
        } catch (const json::JsonError &e) {
            fail("StateError", file + ": " + e.what());
        }
        if (!state_.is_object()) c.fail("top level", "expected an object");
        const Json *format = state_.find("format");
        if (!format || !format->is_string() || format->as_string() != "pyjitx-state")
            c.fail("format", "expected 'pyjitx-state'");
        const Json *version = state_.find("format_version");
        if (!version || !version->is_int() || version->as_int() != 1)
            fail("FormatVersionError", file + ": format_version is not supported by this pyjitx (it reads version 1)");
        c.obj(state_, "top level", {"format", "format_version", "instances"});
        std::set<std::string> ids;
        const auto &instances = c.list(*state_.find("instances"), "instances");
        for (size_t i = 0; i < instances.size(); i++) {
            std::string w = "instances[" + std::to_string(i) + "]";
            c.obj(instances[i], w, {"id", "class", "class_id", "constructor", "args"});
            const std::string &id = c.ident(*instances[i].find("id"), w + ".id");
            if (!ids.insert(id).second) c.fail(w + ".id", "the instance id '" + id + "' is used twice");
            c.str(*instances[i].find("class"), w + ".class");
            int64_t class_id = c.integer(*instances[i].find("class_id"), w + ".class_id");
            const std::string &ctor = c.str(*instances[i].find("constructor"), w + ".constructor");
            auto op = op_index_.find(ctor);
            if (op == op_index_.end()) c.fail(w + ".constructor", "no op '" + ctor + "'");
            const Json &ret = *at("ops").items()[op->second].find("returns");
            Desc d;
            parse_desc(ret.find("descriptor")->as_string(), d);
            if (d.tag != 'c' || d.class_id != class_id)
                c.fail(w + ".constructor", "the op '" + ctor + "' does not construct class id " +
                                               std::to_string(class_id));
            const auto &args = c.list(*instances[i].find("args"), w + ".args");
            const auto &params = at("ops").items()[op->second].find("params")->items();
            if (args.size() != params.size())
                c.fail(w + ".args", "the constructor takes another number of arguments");
            for (size_t k = 0; k < args.size(); k++) {
                const std::string &text = params[k].find("descriptor")->as_string();
                Desc param;
                parse_desc(text, param);
                std::string why = misfit(args[k], param);
                if (!why.empty())
                    c.fail(w + ".args[" + std::to_string(k) + "]",
                           "does not fit the parameter '" + params[k].find("name")->as_string() + "' of " +
                               ctor + " (" + text + "): " + why);
            }
        }
    }

    void check_imports() {
        for (const Json &op : at("ops").items()) {
            std::string missing;
            for (const Json &name : op.find("imports")->items())
                if (!dlsym(RTLD_DEFAULT, name.as_string().c_str()))
                    missing += (missing.empty() ? "" : ", ") + name.as_string();
            if (!missing.empty())
                fail("AbiMismatchError", op.find("object")->as_string() + ": needs the runtime functions " +
                                             missing + ", which this runtime lacks (it was saved by a newer pyjitx)");
        }
    }

    void check_torch() {
        if (version_ != 2 || at("torch").items().empty()) return;
        if (!torch_loader()) {
            const Json &model = at("torch").items()[0];
            fail("TorchUnavailableError",
                 root_ + "/" + model.find("file")->as_string() + ": the pipeline runs the TorchScript model '" +
                     model.find("name")->as_string() + "' (a 'torch' node), and this host was built "
                     "without libtorch: include <pyjitx/torch.hpp> in one source file and link libtorch");
        }
    }

    /* ---- loading */
    std::shared_ptr<Pipeline> build() {
        auto p = std::make_shared<Pipeline>();
        p->root = root_;
        p->name = name_;
        p->inputs = input_names_;
        const Json &library = at("library");
        if (library.is_null())
            fail("ObjectLoadError", root_ + "/manifest.json: the pipeline was saved without a shared "
                                            "library (library: null); link its ops/*.o into the host instead");
        std::string path = root_ + "/" + library.as_string();
        // RTLD_LOCAL: two pipelines may export the same symbol names.  Never
        // closed (module comment).
        void *handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (!handle) fail("ObjectLoadError", path + ": cannot be loaded (" + std::string(dlerror()) + ")");
        for (const Json &op : at("ops").items()) {
            Op o;
            o.id = op.find("id")->as_string();
            o.name = op.find("name")->as_string();
            const std::string &entry = op.find("entry")->as_string();
            o.entry = reinterpret_cast<PackedEntry>(dlsym(handle, entry.c_str()));
            if (!o.entry) fail("ObjectLoadError", path + ": has no entry point " + entry);
            for (const Json &param : op.find("params")->items()) {
                o.param_names.push_back(param.find("name")->as_string());
                o.params.emplace_back();
                parse_desc(param.find("descriptor")->as_string(), o.params.back());
            }
            parse_desc(op.find("returns")->find("descriptor")->as_string(), o.returns);
            p->ops.push_back(std::move(o));
        }
        for (const Json &e : at("exceptions").items()) {
            int32_t kind = (int32_t)e.find("kind")->as_int();
            if (pjx_register_exception_class(kind, (int32_t)e.find("parent_kind")->as_int()) != 0)
                detail::throw_pending();
            std::string name = e.find("name")->as_string();
            p->exception_names[kind] = name.substr(name.rfind('.') + 1);
        }
        rebuild_instances(*p);
        if (version_ == 2) {
            for (const Json &model : at("torch").items()) {
                std::string file = root_ + "/" + model.find("file")->as_string();
                try {
                    p->models.push_back(torch_loader()(file, device_));
                } catch (const Error &) {
                    throw;
                } catch (const std::exception &e) {
                    fail("ObjectLoadError", file + ": torch::jit::load failed: " + e.what());
                }
                p->model_names.push_back(model.find("name")->as_string());
            }
        }
        compile_graph(*p);
        return p;
    }

    void rebuild_instances(Pipeline &p) {
        if (state_.is_null()) return;
        Checker c("StateError", at("state").find("file")->as_string());
        Decoder decoder(c, p);
        const auto &instances = state_.find("instances")->items();
        for (size_t i = 0; i < instances.size(); i++) {
            const Json &inst = instances[i];
            const Op &op = p.ops[op_index_[inst.find("constructor")->as_string()]];
            std::vector<Value> args;
            const auto &saved = inst.find("args")->items();
            for (size_t k = 0; k < saved.size(); k++)
                args.push_back(decoder.decode(saved[k], &op.params[k],
                                              "instances[" + std::to_string(i) + "].args[" + std::to_string(k) + "]"));
            p.instances[inst.find("id")->as_string()] = call_op(p, op, args);
        }
    }

    void compile_graph(Pipeline &p) {
        std::unordered_map<std::string, size_t> names;
        for (const std::string &input : p.inputs) names.emplace(input, names.size());
        Decoder decoder(c_, p);
        const auto &nodes = at("nodes").items();
        for (size_t i = 0; i < nodes.size(); i++) {
            const Json &n = nodes[i];
            std::string w = "nodes[" + std::to_string(i) + "]";
            Node node;
            const std::string &kind = n.find("kind")->as_string();
            const Op *op = nullptr;
            if (kind == "op") {
                node.kind = Node::CallOp;
                node.target = op_index_[n.find("op")->as_string()];
                op = &p.ops[node.target];
            } else if (kind == "torch") {
                node.kind = Node::Torch;
                node.target = model_index_[n.find("op")->as_string()];
            } else {
                node.kind = Node::Item;
                node.index = n.find("index")->as_int();
            }
            const auto &inputs = n.find("inputs")->items();
            for (size_t k = 0; k < inputs.size(); k++)
                node.inputs.push_back(expression(inputs[k], op ? &op->params[k] : nullptr, names, decoder,
                                                 w + ".inputs[" + std::to_string(k) + "]"));
            node.where = n.find("where")->as_string();
            const std::string &output = n.find("outputs")->items()[0].as_string();
            node.output = names.size();
            names.emplace(output, node.output);
            p.nodes.push_back(std::move(node));
        }
        p.outputs = expression(at("outputs"), nullptr, names, decoder, "outputs");
        p.nvalues = names.size();
    }

    static bool has_var(const Json &e) {
        const Json *type = e.find("type");
        if (!type || !type->is_string()) return false;
        if (type->as_string() == "var") return true;
        const Json *items = e.find("items");
        if (!items || !items->is_array() || type->as_string() == "set") return false;
        for (const Json &item : items->items()) {
            if (type->as_string() == "dict") {
                if (item.is_array())
                    for (const Json &kv : item.items())
                        if (has_var(kv)) return true;
            } else if (has_var(item)) {
                return true;
            }
        }
        return false;
    }

    Expr expression(const Json &e, const Desc *d, const std::unordered_map<std::string, size_t> &names,
                    const Decoder &decoder, const std::string &where) {
        Expr x;
        if (d && d->tag == 'o') d = &d->items[0];
        x.desc = d;
        if (!has_var(e)) {
            x.kind = Expr::Const;
            x.constant = decoder.decode(e, d, where);
            return x;
        }
        const std::string &type = e.find("type")->as_string();
        if (type == "var") {
            x.kind = Expr::Var;
            x.var = names.at(e.find("name")->as_string());
            return x;
        }
        const auto &items = e.find("items")->items();
        const Desc *any = d && d->tag == 'a' ? d : nullptr;
        if (type == "dict") {
            x.kind = Expr::Dict;
            const Desc *kd = d && d->tag == 'd' ? &d->items[0] : any;
            const Desc *vd = d && d->tag == 'd' ? &d->items[1] : any;
            for (size_t i = 0; i < items.size(); i++) {
                const auto &pair = c_.list(items[i], where);
                if (pair.size() != 2) c_.fail(where, "expected [key, value]");
                x.items.push_back(expression(pair[0], kd, names, decoder, where));
                x.items.push_back(expression(pair[1], vd, names, decoder, where));
            }
            return x;
        }
        if (type != "list" && type != "tuple") c_.fail(where, "a '" + type + "' cannot hold graph values");
        x.kind = type == "list" ? Expr::List : Expr::Tuple;
        for (size_t i = 0; i < items.size(); i++) {
            const Desc *di = any;
            if (d && (d->tag == 'l' || d->tag == 'T')) di = &d->items[0];
            if (d && d->tag == 't') di = i < d->items.size() ? &d->items[i] : nullptr;
            x.items.push_back(expression(items[i], di, names, decoder, where));
        }
        return x;
    }

    std::string root_;
    int device_;
    Checker c_{"ManifestError", "manifest.json"};
    Json m_, state_;
    int64_t version_ = 0;
    std::string name_;
    std::vector<std::string> input_names_;
    std::unordered_map<std::string, size_t> op_index_, model_index_;
    std::set<int64_t> user_kinds_;
};

inline Value evaluate(const Expr &x, const std::vector<Value> &env) {
    switch (x.kind) {
    case Expr::Const: return x.constant;
    case Expr::Var: return env[x.var];
    case Expr::List: case Expr::Tuple: {
        std::vector<Value> items;
        items.reserve(x.items.size());
        for (const Expr &item : x.items) items.push_back(evaluate(item, env));
        if (x.kind == Expr::Tuple) return Decoder::make_tuple(items, x.desc);
        const Desc *item = x.desc && x.desc->tag == 'l' ? &x.desc->items[0] : x.desc;
        return item ? Value::list(items, (Kind)kind_of(*item)) : Value::list(items);
    }
    case Expr::Dict: {
        Value::Items items;
        for (size_t i = 0; i + 1 < x.items.size(); i += 2)
            items.emplace_back(evaluate(x.items[i], env), evaluate(x.items[i + 1], env));
        if (x.desc && x.desc->tag == 'd')
            return Value::dict(items, (Kind)kind_of(x.desc->items[0]), (Kind)kind_of(x.desc->items[1]));
        if (x.desc) return Value::dict(items, Kind::Object, Kind::Object);
        return Value::dict(items);
    }
    }
    return Value();
}

} // namespace session
} // namespace detail

inline Session Session::load(const std::string &directory, int device) {
    if (device != -1)
        throw Error("NotImplementedError", "pyjitx::Session::load: device=" + std::to_string(device) +
                                               " is not supported yet; pipelines run on the CPU (device=-1)");
    std::error_code ec;
    std::filesystem::path root = std::filesystem::absolute(directory, ec).lexically_normal();
    std::string text = root.string();
    while (text.size() > 1 && text.back() == '/') text.pop_back();
    return Session(detail::session::Loader(text, device).load());
}

inline Value Session::run(const Feed &feed) const {
    using namespace detail::session;
    const Pipeline &p = *p_;
    auto list = [&]() {
        std::string names;
        for (const auto &n : p.inputs) names += (names.empty() ? "" : ", ") + n;
        return names.empty() ? std::string("none") : names;
    };
    std::vector<Value> env(p.nvalues);
    for (size_t i = 0; i < p.inputs.size(); i++) {
        auto found = feed.find(p.inputs[i]);
        if (found == feed.end())
            throw Error("TypeError", "Session::run: no value for the input '" + p.inputs[i] +
                                         "' (the inputs are " + list() + ")");
        env[i] = found->second;
    }
    for (const auto &kv : feed)
        if (std::find(p.inputs.begin(), p.inputs.end(), kv.first) == p.inputs.end())
            throw Error("TypeError", "Session::run: unexpected input '" + kv.first + "' (the inputs are " +
                                         list() + ")");
    std::vector<Value> args;
    for (const Node &node : p.nodes) {
        args.clear();
        for (const Expr &e : node.inputs) args.push_back(evaluate(e, env));
        switch (node.kind) {
        case Node::CallOp: env[node.output] = call_op(p, p.ops[node.target], args); break;
        case Node::Torch: env[node.output] = p.models[node.target]->forward(args); break;
        case Node::Item: {
            const Value &t = args[0];
            if (t.type() != Type::Tuple || node.index >= t.size())
                throw Error("TypeError", "pipeline node " + (node.where.empty() ? std::string("item") : node.where) +
                                             ": expected a tuple with an item " + std::to_string(node.index) +
                                             ", got " + t.type_name());
            env[node.output] = t.as_tuple()[(size_t)node.index];
            break;
        }
        }
    }
    return evaluate(p.outputs, env);
}

} // namespace pyjitx

#endif /* PYJITX_SESSION_HPP */
