/* pyjitx/json.hpp: the little JSON a C++ host needs to read a saved
 * pipeline (manifest.json, state/state.json) -- header-only, no dependency.
 *
 *   Json     a parsed JSON value: null, bool, integer, string, array, or
 *            object (keys kept in file order).  Numbers with a fraction or
 *            an exponent are refused: the pipeline format holds none (its
 *            floats are strings, docs/pipeline-format.md), and the digest
 *            of a manifest is only reproducible without them.
 *   parse    UTF-8 text -> Json; JsonError naming the byte offset.
 *   canonical  the text Python's json.dumps(v, sort_keys=True,
 *            separators=(",", ":"), ensure_ascii=True) writes, which the
 *            manifest's `manifest_sha256` is the sha256 of.
 *   sha256_hex  the hex digest of some bytes (FIPS 180-4).
 *
 * These are details of pyjitx::Session (session.hpp), public only so that
 * tests can reach them. */
#ifndef PYJITX_JSON_HPP
#define PYJITX_JSON_HPP

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pyjitx {
namespace json {

class JsonError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class Json {
public:
    enum class Type { Null, Bool, Int, String, Array, Object };
    using Member = std::pair<std::string, Json>;

    Json() = default;
    static Json boolean(bool b) { Json j; j.type_ = Type::Bool; j.int_ = b; return j; }
    static Json integer(int64_t i) { Json j; j.type_ = Type::Int; j.int_ = i; return j; }
    static Json string(std::string s) { Json j; j.type_ = Type::String; j.str_ = std::move(s); return j; }
    static Json array() { Json j; j.type_ = Type::Array; return j; }
    static Json object() { Json j; j.type_ = Type::Object; return j; }

    Type type() const noexcept { return type_; }
    bool is_null() const noexcept { return type_ == Type::Null; }
    bool is_bool() const noexcept { return type_ == Type::Bool; }
    bool is_int() const noexcept { return type_ == Type::Int; }
    bool is_string() const noexcept { return type_ == Type::String; }
    bool is_array() const noexcept { return type_ == Type::Array; }
    bool is_object() const noexcept { return type_ == Type::Object; }

    /* Unchecked reads: callers test the type first (session.hpp's Checker). */
    bool as_bool() const noexcept { return int_ != 0; }
    int64_t as_int() const noexcept { return int_; }
    const std::string &as_string() const noexcept { return str_; }
    const std::vector<Json> &items() const noexcept { return items_; }
    const std::vector<Member> &members() const noexcept { return members_; }
    std::vector<Json> &items() noexcept { return items_; }
    std::vector<Member> &members() noexcept { return members_; }

    /* The member `key` of an object, nullptr when absent (or not an object). */
    const Json *find(std::string_view key) const noexcept {
        if (type_ != Type::Object) return nullptr;
        for (const Member &m : members_)
            if (m.first == key) return &m.second;
        return nullptr;
    }

    /* "an object", "a string"...: for error messages. */
    const char *kind_name() const noexcept {
        static const char *const names[] = {"null", "a bool", "an integer", "a string", "a list",
                                            "an object"};
        return names[(int)type_];
    }

private:
    Type type_ = Type::Null;
    int64_t int_ = 0;
    std::string str_;
    std::vector<Json> items_;
    std::vector<Member> members_;
};

namespace detail {

class Parser {
public:
    explicit Parser(std::string_view text) : text_(text) {}

    Json document() {
        skip_space();
        Json value = parse_value(0);
        skip_space();
        if (pos_ != text_.size()) fail("extra data after the JSON value");
        return value;
    }

private:
    static constexpr int max_depth = 512;

    [[noreturn]] void fail(const std::string &what) const {
        throw JsonError("not valid JSON (" + what + " at byte " + std::to_string(pos_) + ")");
    }
    void skip_space() {
        while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                       text_[pos_] == '\n' || text_[pos_] == '\r'))
            pos_++;
    }
    bool take(char c) {
        if (pos_ < text_.size() && text_[pos_] == c) {
            pos_++;
            return true;
        }
        return false;
    }
    void expect_word(const char *word) {
        size_t n = std::strlen(word);
        if (text_.substr(pos_, n) != word) fail("unexpected character");
        pos_ += n;
    }

    Json parse_value(int depth) {
        if (depth > max_depth) fail("nesting too deep");
        if (pos_ >= text_.size()) fail("unexpected end");
        char c = text_[pos_];
        switch (c) {
        case '{': return parse_object(depth);
        case '[': return parse_array(depth);
        case '"': return Json::string(parse_string());
        case 't': expect_word("true"); return Json::boolean(true);
        case 'f': expect_word("false"); return Json::boolean(false);
        case 'n': expect_word("null"); return Json();
        default: break;
        }
        if (c == '-' || (c >= '0' && c <= '9')) return parse_number();
        fail("unexpected character");
    }

    Json parse_object(int depth) {
        pos_++; // '{'
        Json obj = Json::object();
        skip_space();
        if (take('}')) return obj;
        for (;;) {
            skip_space();
            if (pos_ >= text_.size() || text_[pos_] != '"') fail("expected a string key");
            std::string key = parse_string();
            skip_space();
            if (!take(':')) fail("expected ':'");
            skip_space();
            Json value = parse_value(depth + 1);
            // Python's json keeps the last of duplicate keys; so does this.
            bool replaced = false;
            for (auto &m : obj.members())
                if (m.first == key) {
                    m.second = std::move(value);
                    replaced = true;
                    break;
                }
            if (!replaced) obj.members().emplace_back(std::move(key), std::move(value));
            skip_space();
            if (take('}')) return obj;
            if (!take(',')) fail("expected ',' or '}'");
        }
    }

    Json parse_array(int depth) {
        pos_++; // '['
        Json arr = Json::array();
        skip_space();
        if (take(']')) return arr;
        for (;;) {
            skip_space();
            arr.items().push_back(parse_value(depth + 1));
            skip_space();
            if (take(']')) return arr;
            if (!take(',')) fail("expected ',' or ']'");
        }
    }

    Json parse_number() {
        size_t start = pos_;
        bool negative = take('-');
        if (pos_ >= text_.size() || text_[pos_] < '0' || text_[pos_] > '9') fail("bad number");
        if (text_[pos_] == '0' && pos_ + 1 < text_.size() && text_[pos_ + 1] >= '0' &&
            text_[pos_ + 1] <= '9')
            fail("leading zero in a number");
        // Accumulate as a negative number: -2**63 fits, 2**63 does not.
        int64_t value = 0;
        while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
            int digit = text_[pos_] - '0';
            if (value < (INT64_MIN + digit) / 10) {
                pos_ = start;
                fail("integer out of the 64-bit range");
            }
            value = value * 10 - digit;
            pos_++;
        }
        if (pos_ < text_.size() && (text_[pos_] == '.' || text_[pos_] == 'e' || text_[pos_] == 'E'))
            fail("a floating-point number (the pipeline format writes floats as strings)");
        if (!negative) {
            if (value == INT64_MIN) {
                pos_ = start;
                fail("integer out of the 64-bit range");
            }
            value = -value;
        }
        return Json::integer(value);
    }

    static void append_utf8(std::string &out, uint32_t cp) {
        if (cp < 0x80) {
            out += (char)cp;
        } else if (cp < 0x800) {
            out += (char)(0xC0 | (cp >> 6));
            out += (char)(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out += (char)(0xE0 | (cp >> 12));
            out += (char)(0x80 | ((cp >> 6) & 0x3F));
            out += (char)(0x80 | (cp & 0x3F));
        } else {
            out += (char)(0xF0 | (cp >> 18));
            out += (char)(0x80 | ((cp >> 12) & 0x3F));
            out += (char)(0x80 | ((cp >> 6) & 0x3F));
            out += (char)(0x80 | (cp & 0x3F));
        }
    }

    uint32_t hex4() {
        if (pos_ + 4 > text_.size()) fail("short \\u escape");
        uint32_t v = 0;
        for (int i = 0; i < 4; i++) {
            char c = text_[pos_++];
            v <<= 4;
            if (c >= '0' && c <= '9') v |= (uint32_t)(c - '0');
            else if (c >= 'a' && c <= 'f') v |= (uint32_t)(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F') v |= (uint32_t)(c - 'A' + 10);
            else fail("bad \\u escape");
        }
        return v;
    }

    /* Checks one UTF-8 sequence starting at pos_ and copies it. */
    void copy_utf8(std::string &out) {
        unsigned char c = (unsigned char)text_[pos_];
        int n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
        if (n == 0 || pos_ + n > text_.size()) fail("invalid UTF-8");
        uint32_t cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
        for (int i = 1; i < n; i++) {
            unsigned char cc = (unsigned char)text_[pos_ + i];
            if ((cc & 0xC0) != 0x80) fail("invalid UTF-8");
            cp = (cp << 6) | (cc & 0x3F);
        }
        static const uint32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < smallest[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            fail("invalid UTF-8");
        out.append(text_.data() + pos_, (size_t)n);
        pos_ += (size_t)n;
    }

    std::string parse_string() {
        pos_++; // '"'
        std::string out;
        for (;;) {
            if (pos_ >= text_.size()) fail("unterminated string");
            char c = text_[pos_];
            if (c == '"') {
                pos_++;
                return out;
            }
            if ((unsigned char)c < 0x20) fail("control character in a string");
            if (c != '\\') {
                copy_utf8(out);
                continue;
            }
            pos_++;
            if (pos_ >= text_.size()) fail("unterminated string");
            char e = text_[pos_++];
            switch (e) {
            case '"': out += '"'; break;
            case '\\': out += '\\'; break;
            case '/': out += '/'; break;
            case 'b': out += '\b'; break;
            case 'f': out += '\f'; break;
            case 'n': out += '\n'; break;
            case 'r': out += '\r'; break;
            case 't': out += '\t'; break;
            case 'u': {
                uint32_t cp = hex4();
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    if (text_.substr(pos_, 2) != "\\u") fail("lone surrogate");
                    pos_ += 2;
                    uint32_t low = hex4();
                    if (low < 0xDC00 || low > 0xDFFF) fail("lone surrogate");
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                    fail("lone surrogate");
                }
                append_utf8(out, cp);
                break;
            }
            default: fail("bad escape");
            }
        }
    }

    std::string_view text_;
    size_t pos_ = 0;
};

inline void canonical_string(std::string &out, const std::string &s) {
    static const char hex[] = "0123456789abcdef";
    out += '"';
    for (size_t i = 0; i < s.size();) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"': out += "\\\""; i++; continue;
        case '\\': out += "\\\\"; i++; continue;
        case '\n': out += "\\n"; i++; continue;
        case '\r': out += "\\r"; i++; continue;
        case '\t': out += "\\t"; i++; continue;
        case '\b': out += "\\b"; i++; continue;
        case '\f': out += "\\f"; i++; continue;
        default: break;
        }
        if (c >= 0x20 && c < 0x7F) {
            out += (char)c;
            i++;
            continue;
        }
        // Decode one code point (parse() let only valid UTF-8 in) and
        // write it as \uXXXX, astral ones as a surrogate pair: ensure_ascii.
        uint32_t cp;
        int n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : 4;
        cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
        for (int k = 1; k < n && i + (size_t)k < s.size(); k++)
            cp = (cp << 6) | ((unsigned char)s[i + (size_t)k] & 0x3F);
        i += (size_t)n;
        auto u = [&](uint32_t unit) {
            out += "\\u";
            for (int shift = 12; shift >= 0; shift -= 4) out += hex[(unit >> shift) & 0xF];
        };
        if (cp >= 0x10000) {
            cp -= 0x10000;
            u(0xD800 + (cp >> 10));
            u(0xDC00 + (cp & 0x3FF));
        } else {
            u(cp);
        }
    }
    out += '"';
}

inline void canonical_into(std::string &out, const Json &j, const std::string *skip_key) {
    switch (j.type()) {
    case Json::Type::Null: out += "null"; return;
    case Json::Type::Bool: out += j.as_bool() ? "true" : "false"; return;
    case Json::Type::Int: out += std::to_string(j.as_int()); return;
    case Json::Type::String: canonical_string(out, j.as_string()); return;
    case Json::Type::Array: {
        out += '[';
        bool first = true;
        for (const Json &item : j.items()) {
            if (!first) out += ',';
            first = false;
            canonical_into(out, item, nullptr);
        }
        out += ']';
        return;
    }
    case Json::Type::Object: {
        // sort_keys: Python compares str by code point, which is the byte
        // order of their UTF-8.
        std::vector<const Json::Member *> sorted;
        for (const Json::Member &m : j.members())
            if (!skip_key || m.first != *skip_key) sorted.push_back(&m);
        std::sort(sorted.begin(), sorted.end(),
                  [](const Json::Member *a, const Json::Member *b) { return a->first < b->first; });
        out += '{';
        bool first = true;
        for (const Json::Member *m : sorted) {
            if (!first) out += ',';
            first = false;
            canonical_string(out, m->first);
            out += ':';
            canonical_into(out, m->second, nullptr);
        }
        out += '}';
        return;
    }
    }
}

} // namespace detail

inline Json parse(std::string_view text) { return detail::Parser(text).document(); }

/* The canonical text of `j`; `skip_key` leaves one top-level key out (the
 * manifest's own digest). */
inline std::string canonical(const Json &j, const std::string *skip_key = nullptr) {
    std::string out;
    detail::canonical_into(out, j, skip_key);
    return out;
}

/* ---- SHA-256 ------------------------------------------------------------ */
class Sha256 {
public:
    Sha256() { reset(); }
    void update(const void *data, size_t size) {
        const unsigned char *p = static_cast<const unsigned char *>(data);
        total_ += size;
        while (size > 0) {
            size_t n = std::min(size, (size_t)64 - used_);
            std::memcpy(block_ + used_, p, n);
            used_ += n;
            p += n;
            size -= n;
            if (used_ == 64) {
                compress(block_);
                used_ = 0;
            }
        }
    }
    std::string hex_digest() {
        uint64_t bits = total_ * 8;
        unsigned char pad = 0x80;
        update(&pad, 1);
        unsigned char zero = 0;
        while (used_ != 56) update(&zero, 1);
        unsigned char length[8];
        for (int i = 0; i < 8; i++) length[i] = (unsigned char)(bits >> (56 - 8 * i));
        update(length, 8);
        static const char hex[] = "0123456789abcdef";
        std::string out;
        for (uint32_t word : h_)
            for (int shift = 28; shift >= 0; shift -= 4) out += hex[(word >> shift) & 0xF];
        reset();
        return out;
    }

private:
    static uint32_t rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }
    void reset() {
        static const uint32_t init[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                         0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
        std::memcpy(h_, init, sizeof h_);
        used_ = 0;
        total_ = 0;
    }
    void compress(const unsigned char *b) {
        static const uint32_t k[64] = {
            0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
            0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
            0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
            0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
            0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
            0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
            0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
            0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
            0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
            0xc67178f2};
        uint32_t w[64];
        for (int i = 0; i < 16; i++)
            w[i] = (uint32_t)b[4 * i] << 24 | (uint32_t)b[4 * i + 1] << 16 |
                   (uint32_t)b[4 * i + 2] << 8 | (uint32_t)b[4 * i + 3];
        for (int i = 16; i < 64; i++) {
            uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
            uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16] + s0 + w[i - 7] + s1;
        }
        uint32_t a = h_[0], bb = h_[1], c = h_[2], d = h_[3], e = h_[4], f = h_[5], g = h_[6],
                 h = h_[7];
        for (int i = 0; i < 64; i++) {
            uint32_t t1 = h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) +
                          k[i] + w[i];
            uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & bb) ^ (a & c) ^ (bb & c));
            h = g;
            g = f;
            f = e;
            e = d + t1;
            d = c;
            c = bb;
            bb = a;
            a = t1 + t2;
        }
        h_[0] += a; h_[1] += bb; h_[2] += c; h_[3] += d;
        h_[4] += e; h_[5] += f; h_[6] += g; h_[7] += h;
    }

    uint32_t h_[8];
    unsigned char block_[64];
    size_t used_;
    uint64_t total_;
};

inline std::string sha256_hex(std::string_view data) {
    Sha256 h;
    h.update(data.data(), data.size());
    return h.hex_digest();
}

} // namespace json
} // namespace pyjitx

#endif /* PYJITX_JSON_HPP */
