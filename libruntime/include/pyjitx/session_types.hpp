/* pyjitx/session_types.hpp: boundary descriptors as pyjitx::Session reads
 * them (pyjitx/backend/abi.py writes them), and whether a saved value fits
 * one (included by session.hpp). */
#ifndef PYJITX_SESSION_TYPES_HPP
#define PYJITX_SESSION_TYPES_HPP

#include <charconv>
#include <cstdint>
#include <string>
#include <vector>

#include "pyjitx/json.hpp"
#include "pyjitx/object.h"

namespace pyjitx {
namespace detail {
namespace session {

/* ---- boundary descriptors (pyjitx/backend/abi.py) ------------------------------ */
struct Desc {
    char tag = 'a';            // i f b n s y a l e d t T o c A g u  (I, F read as i, f)
    bool mutated = false;      // '!': the op changes this container
    std::string text;          // as written, without '!': what pjx_any_cast takes
    std::vector<Desc> items;   // l e T o g: one; d: key, value; t u: one per item / member
    int64_t class_id = 0;      // c
};

inline int32_t kind_of(const Desc &d) {
    switch (d.tag) {
    case 'i': return PJX_KIND_INT;
    case 'f': return PJX_KIND_FLOAT;
    case 'b': return PJX_KIND_BOOL;
    case 'n': return PJX_KIND_NONE;
    default: return PJX_KIND_OBJ;
    }
}

class DescParser {
public:
    explicit DescParser(const std::string &s) : s_(s) {}
    bool parse(Desc &out) {
        if (!one(out, 0) || pos_ != s_.size()) return false;
        return true;
    }

private:
    bool one(Desc &d, int depth) {
        if (depth > 200 || pos_ >= s_.size()) return false;
        size_t start = pos_;
        char c = s_[pos_++];
        if (c == 'I') c = 'i';
        if (c == 'F') c = 'f';
        d.tag = c;
        switch (c) {
        case 'i': case 'f': case 'b': case 'n': case 's': case 'y': case 'a': break;
        case 'l': case 'e': case 'T': case 'o': case 'g':
            if (!open()) return false;
            d.items.resize(1);
            if (!one(d.items[0], depth + 1) || !close()) return false;
            break;
        case 'd':
            if (!open()) return false;
            d.items.resize(2);
            if (!one(d.items[0], depth + 1) || !one(d.items[1], depth + 1) || !close()) return false;
            break;
        case 't': case 'u': /* u: a union's members, held as an Any */
            if (!open()) return false;
            while (pos_ < s_.size() && s_[pos_] != ']') {
                d.items.emplace_back();
                if (!one(d.items.back(), depth + 1)) return false;
            }
            if (!close()) return false;
            break;
        case 'c': {
            if (!open()) return false;
            size_t digits = pos_;
            while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') pos_++;
            if (pos_ == digits || pos_ - digits > 19 || pos_ >= s_.size() || s_[pos_] != ':')
                return false;
            auto r = std::from_chars(s_.data() + digits, s_.data() + pos_, d.class_id);
            if (r.ec != std::errc()) return false;
            size_t name = ++pos_;
            while (pos_ < s_.size() && s_[pos_] != ']' && s_[pos_] != '[') pos_++;
            if (pos_ == name || !close()) return false;
            break;
        }
        case 'A': {
            if (!open()) return false;
            if (pos_ >= s_.size() || !(s_[pos_] == '*' || (s_[pos_] >= '0' && s_[pos_] <= '7')))
                return false;
            pos_++;
            if (pos_ < s_.size() && s_[pos_] == '*') pos_++;
            else {
                size_t digits = pos_;
                while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') pos_++;
                if (pos_ == digits || pos_ - digits > 2) return false;
            }
            if (!close()) return false;
            break;
        }
        default: return false;
        }
        d.text = s_.substr(start, pos_ - start);
        return true;
    }
    bool open() { return pos_ < s_.size() && s_[pos_++] == '['; }
    bool close() { return pos_ < s_.size() && s_[pos_++] == ']'; }

    const std::string &s_;
    size_t pos_ = 0;
};

inline bool parse_desc(const std::string &text, Desc &out) {
    std::string body = text;
    bool mutated = !body.empty() && body[0] == '!';
    if (mutated) body.erase(0, 1);
    if (!DescParser(body).parse(out)) return false;
    out.mutated = mutated;
    return true;
}

/* ---- a saved value against the parameter it is for ----------------------------
 * Where the typed JSON value `v` does not fit `d`, as a phrase, or "" when it
 * fits: what passing it to the parameter would refuse with a TypeError,
 * found before the library is opened.  The rules of pyjitx/pipeline/state.py
 * (`misfit`), so that both loaders refuse the same state files: an instance
 * fits any class, an Any takes every value, and a value that is not well
 * formed does not fit (the Python loader refuses it as malformed, also with
 * a StateError). */
inline std::string misfit(const json::Json &v, const Desc &d, int depth = 0) {
    using json::Json;
    if (depth > 200) return "nested too deep";
    const Json *type = v.is_object() ? v.find("type") : nullptr;
    if (!type || !type->is_string()) return "not a typed value";
    const std::string &kind = type->as_string();
    char written = d.text.empty() ? d.tag : d.text[0]; /* I and F are read as i and f */
    auto one_of = [&](std::initializer_list<const char *> kinds) {
        for (const char *k : kinds)
            if (kind == k) return std::string();
        return "a " + kind + " where '" + std::string(1, written) + "' is needed";
    };
    auto items_of = [&](const Json &value) -> const std::vector<Json> * {
        const Json *items = value.find("items");
        return items && items->is_array() ? &items->items() : nullptr;
    };
    switch (written) {
    case 'a': return "";
    case 'i': return one_of({"int", "bool"});
    case 'I': return one_of({"int"});
    case 'f': return one_of({"float", "int", "bool"});
    case 'F': return one_of({"float"});
    case 'b': return one_of({"bool"});
    case 'n': return one_of({"none"});
    case 's': return one_of({"str", "resource"});
    case 'y': return one_of({"bytes"});
    case 'o': return kind == "none" ? "" : misfit(v, d.items[0], depth + 1);
    case 'u':
        for (const Desc &member : d.items)
            if (misfit(v, member, depth + 1).empty()) return "";
        return "a " + kind + " that is none of the union's types";
    default: break;
    }
    const char *expected = d.tag == 'l' ? "list" : d.tag == 'e' ? "set" : d.tag == 'd' ? "dict"
                         : d.tag == 'c' ? "instance" : d.tag == 'A' ? "ndarray" : "tuple";
    if (kind != expected) return "a " + kind + " where a " + expected + " is needed";
    if (d.tag == 'c') return "";
    if (d.tag == 'A') { /* A[<dtype code or *><ndim or *>] */
        static const char *const dtypes[] = {"bool", "uint8", "int8", "int32", "int64",
                                             "float16", "float32", "float64"};
        const Json *dtype = v.find("dtype"), *shape = v.find("shape");
        if (!dtype || !dtype->is_string() || !shape || !shape->is_array()) return "not a typed value";
        std::string code = d.text.substr(2, d.text.size() - 3);
        if (code[0] != '*' && dtype->as_string() != dtypes[code[0] - '0'])
            return "a " + dtype->as_string() + " array where " + dtypes[code[0] - '0'] + " is needed";
        if (code.substr(1) != "*" && std::stoi(code.substr(1)) != (int)shape->items().size())
            return "an array of " + std::to_string(shape->items().size()) + " dimensions where " +
                   code.substr(1) + " are needed";
        return "";
    }
    const std::vector<Json> *items = items_of(v);
    if (!items) return "not a typed value";
    if (d.tag == 't' && items->size() != d.items.size())
        return "a tuple of " + std::to_string(items->size()) + " items where " +
               std::to_string(d.items.size()) + " are needed";
    for (size_t i = 0; i < items->size(); i++) {
        std::string why;
        if (d.tag == 'd') {
            const Json &pair = (*items)[i];
            if (!pair.is_array() || pair.items().size() != 2) return "not a typed value";
            why = misfit(pair.items()[0], d.items[0], depth + 1);
            if (why.empty()) why = misfit(pair.items()[1], d.items[1], depth + 1);
            if (!why.empty()) return "entry " + std::to_string(i) + ": " + why;
        } else {
            why = misfit((*items)[i], d.tag == 't' ? d.items[i] : d.items[0], depth + 1);
            if (!why.empty()) return "item " + std::to_string(i) + ": " + why;
        }
    }
    return "";
}

} // namespace session
} // namespace detail
} // namespace pyjitx

#endif
