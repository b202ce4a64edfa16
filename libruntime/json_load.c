/* json.loads: a JSON document (UTF-8) parsed into Any values, with the
 * results and the error messages and positions of CPython's C scanner
 * (Modules/_json.c: scan_once_unicode, scanstring_unicode,
 * _match_number_unicode) and of json.decoder.JSONDecoder.decode.
 *
 * The parser walks bytes; CPython counts characters.  Every decision that
 * CPython takes on a character is taken here on the byte that starts it,
 * and only for ASCII characters, whose bytes are themselves, so the two
 * agree; positions are turned into character counts only for a message. */
#include "internal.h"
#include "str_internal.h"
#include "pyjitx/any.h"
#include "pyjitx/containers.h"
#include "pyjitx/json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const unsigned char *s; /* the document */
    int64_t n;              /* its size in bytes */
} parser;

/* ---- errors -------------------------------------------------------------- */
/* The document of the latest JSONDecodeError on this thread, for the
 * Python bridge's e.doc (a malloc'd copy: not a counted runtime object). */
static _Thread_local char *tls_doc;
static _Thread_local int64_t tls_doc_size;
static _Thread_local char *tls_doc_message;

const char *pjx_json_error_document(const char *message, int64_t *nbytes) {
    if (tls_doc == NULL || tls_doc_message == NULL || strcmp(message, tls_doc_message) != 0)
        return NULL;
    *nbytes = tls_doc_size;
    return tls_doc;
}

static void keep_document(const parser *p) {
    free(tls_doc);
    free(tls_doc_message);
    tls_doc = malloc((size_t)p->n + 1);
    tls_doc_message = NULL;
    if (tls_doc == NULL) return;
    memcpy(tls_doc, p->s, (size_t)p->n);
    tls_doc[p->n] = '\0';
    tls_doc_size = p->n;
    const char *message = pjx_err_message();
    tls_doc_message = malloc(strlen(message) + 1);
    if (tls_doc_message != NULL) strcpy(tls_doc_message, message);
}

/* JSONDecodeError(msg, doc, pos): "msg: line L column C (char P)", where P
 * counts characters, L the newlines before P plus one and C the characters
 * since the last of them (JSONDecodeError.__init__). */
static int32_t fail(const parser *p, const char *msg, int64_t at) {
    if (at > p->n) at = p->n;
    int64_t pos = 0, line = 1, line_start = -1; /* character index of the last '\n' */
    for (int64_t i = 0; i < at; i++) {
        unsigned char c = p->s[i];
        if ((c & 0xC0) == 0x80) continue;
        if (c == '\n') {
            line++;
            line_start = pos;
        }
        pos++;
    }
    pjx_err_format(PJX_EXC_JSON_DECODE, "%s: line %lld column %lld (char %lld)", msg,
                   (long long)line, (long long)(pos - line_start), (long long)pos);
    keep_document(p);
    return -1;
}

static int32_t expecting_value(const parser *p, int64_t at) { return fail(p, "Expecting value", at); }

static inline int is_ws(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

static inline int64_t skip_ws(const parser *p, int64_t i) {
    while (i < p->n && is_ws(p->s[i])) i++;
    return i;
}

/* ---- strings ------------------------------------------------------------- */
static int hex4(const unsigned char *s, uint32_t *out) {
    uint32_t v = 0;
    for (int k = 0; k < 4; k++) {
        unsigned char d = s[k];
        v <<= 4;
        if (d >= '0' && d <= '9') v |= (uint32_t)(d - '0');
        else if (d >= 'a' && d <= 'f') v |= (uint32_t)(d - 'a' + 10);
        else if (d >= 'A' && d <= 'F') v |= (uint32_t)(d - 'A' + 10);
        else return -1;
    }
    *out = v;
    return 0;
}

static int32_t lone_surrogate(uint32_t c) {
    pjx_err_format(PJX_EXC_VALUE,
                   "pyjitx: json.loads() of a lone surrogate \\u%04x, which pyjitx strings "
                   "(UTF-8) cannot hold",
                   (unsigned)c);
    return -1;
}

/* The string whose opening quote is at start - 1: *out, and the index past
 * its closing quote in *end. */
static int32_t scan_string(const parser *p, int64_t start, int64_t *end, pjx_str **out) {
    const unsigned char *s = p->s;
    const int64_t n = p->n, begin = start - 1;
    int64_t i = start;
    /* the common case: no escape */
    while (i < n && s[i] != '"' && s[i] != '\\' && s[i] >= 0x20) i++;
    if (i < n && s[i] == '"') {
        *end = i + 1;
        *out = pjx_str_from_utf8((const char *)s + start, i - start);
        return *out == NULL ? -1 : 0;
    }
    pjx_strbuf b;
    pjx_strbuf_init(&b);
    int64_t chunk = start;
    for (;;) {
        while (i < n && s[i] != '"' && s[i] != '\\') {
            if (s[i] < 0x20) {
                pjx_strbuf_release(&b);
                return fail(p, "Invalid control character at", i);
            }
            i++;
        }
        if (i >= n) {
            pjx_strbuf_release(&b);
            return fail(p, "Unterminated string starting at", begin);
        }
        if (pjx_strbuf_append(&b, (const char *)s + chunk, i - chunk) < 0) goto oom;
        if (s[i] == '"') {
            *end = i + 1;
            *out = pjx_strbuf_finish(&b);
            return *out == NULL ? -1 : 0;
        }
        i++; /* past the backslash */
        if (i == n) {
            pjx_strbuf_release(&b);
            return fail(p, "Unterminated string starting at", begin);
        }
        unsigned char e = s[i];
        if (e != 'u') {
            char c;
            switch (e) {
            case '"': case '\\': case '/': c = (char)e; break;
            case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;
            case 'n': c = '\n'; break;
            case 'r': c = '\r'; break;
            case 't': c = '\t'; break;
            default:
                pjx_strbuf_release(&b);
                return fail(p, "Invalid \\escape", i - 1);
            }
            if (pjx_strbuf_append(&b, &c, 1) < 0) goto oom;
            i++;
        } else {
            /* the 'u' at i; CPython wants 4 hex digits and a character after
             * them (its `end >= len` check) */
            uint32_t c;
            if (i + 1 + 4 >= n || hex4(s + i + 1, &c) < 0) {
                pjx_strbuf_release(&b);
                return fail(p, "Invalid \\uXXXX escape", i);
            }
            i += 5;
            if (c >= 0xD800 && c <= 0xDBFF && i + 6 < n && s[i] == '\\' && s[i + 1] == 'u') {
                uint32_t c2;
                if (hex4(s + i + 2, &c2) < 0) {
                    pjx_strbuf_release(&b);
                    return fail(p, "Invalid \\uXXXX escape", i + 1);
                }
                if (c2 >= 0xDC00 && c2 <= 0xDFFF) {
                    c = 0x10000 + ((c - 0xD800) << 10) + (c2 - 0xDC00);
                    i += 6;
                }
            }
            if (c >= 0xD800 && c <= 0xDFFF) {
                pjx_strbuf_release(&b);
                return lone_surrogate(c);
            }
            char utf8[4];
            if (pjx_strbuf_append(&b, utf8, pjx_u8_encode(c, utf8)) < 0) goto oom;
        }
        chunk = i;
    }
oom:
    pjx_strbuf_release(&b);
    return -1;
}

/* ---- numbers ------------------------------------------------------------- */
static inline int is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

static int32_t match_number(const parser *p, int64_t start, int64_t *end, pjx_object **out) {
    const unsigned char *s = p->s;
    const int64_t n = p->n;
    int64_t i = start;
    int is_float = 0;
    if (s[i] == '-') {
        i++;
        if (i >= n) return expecting_value(p, start);
    }
    if (s[i] >= '1' && s[i] <= '9') {
        i++;
        while (i < n && is_digit(s[i])) i++;
    } else if (s[i] == '0') {
        i++;
    } else {
        return expecting_value(p, start);
    }
    if (i + 1 < n && s[i] == '.' && is_digit(s[i + 1])) {
        is_float = 1;
        i += 2;
        while (i < n && is_digit(s[i])) i++;
    }
    if (i + 1 < n && (s[i] == 'e' || s[i] == 'E')) {
        int64_t e_start = i;
        i++;
        if (i + 1 < n && (s[i] == '-' || s[i] == '+')) i++;
        while (i < n && is_digit(s[i])) i++;
        if (is_digit(s[i - 1])) is_float = 1;
        else i = e_start;
    }
    *end = i;
    if (!is_float) {
        int neg = s[start] == '-';
        uint64_t acc = 0;
        for (int64_t k = start + neg; k < i; k++) {
            unsigned d = (unsigned)(s[k] - '0');
            if (acc > (UINT64_MAX - d) / 10) goto big;
            acc = acc * 10 + d;
        }
        if (acc > (uint64_t)INT64_MAX + (uint64_t)neg) goto big;
        *out = pjx_box_int(neg ? (int64_t)(0 - acc) : (int64_t)acc);
        return *out == NULL ? -1 : 0;
    big:
        pjx_err_set(PJX_EXC_OVERFLOW, "int too large for pyjitx int (64-bit signed)");
        return -1;
    }
    /* glibc's strtod is correctly rounded, as CPython's float() */
    char small[64];
    size_t len = (size_t)(i - start);
    char *text = len < sizeof small ? small : pjx_alloc(len + 1);
    if (text == NULL) return -1;
    memcpy(text, s + start, len);
    text[len] = '\0';
    double v = strtod(text, NULL);
    if (text != small) pjx_free(text);
    *out = pjx_box_float(v);
    return *out == NULL ? -1 : 0;
}

/* ---- values -------------------------------------------------------------- */
static int32_t scan_value(const parser *p, int64_t i, int64_t *end, pjx_object **out);

static int32_t parse_object(const parser *p, int64_t i, int64_t *end, pjx_object **out) {
    pjx_dict *d = pjx_dict_new(PJX_KIND_OBJ, PJX_KIND_OBJ);
    if (d == NULL) return -1;
    i = skip_ws(p, i);
    if (i >= p->n || p->s[i] != '}') {
        for (;;) {
            if (i >= p->n || p->s[i] != '"') {
                fail(p, "Expecting property name enclosed in double quotes", i);
                goto bail;
            }
            pjx_str *key;
            if (scan_string(p, i + 1, &i, &key) < 0) goto bail;
            i = skip_ws(p, i);
            if (i >= p->n || p->s[i] != ':') {
                pjx_decref(key);
                fail(p, "Expecting ':' delimiter", i);
                goto bail;
            }
            i = skip_ws(p, i + 1);
            pjx_object *value;
            if (scan_value(p, i, &i, &value) < 0) {
                pjx_decref(key);
                goto bail;
            }
            /* a repeated key keeps its place and takes the last value, as
             * dict(pairs) does */
            pjx_slot k = {.o = (pjx_object *)key}, v = {.o = value};
            int32_t rc = pjx_dict_setitem(d, k, v);
            pjx_decref(key);
            pjx_decref(value);
            if (rc < 0) goto bail;
            i = skip_ws(p, i);
            if (i < p->n && p->s[i] == '}') break;
            if (i >= p->n || p->s[i] != ',') {
                fail(p, "Expecting ',' delimiter", i);
                goto bail;
            }
#if PJX_PY_AT_LEAST(3, 13)
            int64_t comma = i;
#endif
            i = skip_ws(p, i + 1);
#if PJX_PY_AT_LEAST(3, 13)
            if (i < p->n && p->s[i] == '}') {
                fail(p, "Illegal trailing comma before end of object", comma);
                goto bail;
            }
#endif
        }
    }
    *end = i + 1;
    *out = (pjx_object *)d;
    return 0;
bail:
    pjx_decref(d);
    return -1;
}

static int32_t parse_array(const parser *p, int64_t i, int64_t *end, pjx_object **out) {
    pjx_list *l = pjx_list_new(PJX_KIND_OBJ, 0);
    if (l == NULL) return -1;
    i = skip_ws(p, i);
    if (i >= p->n || p->s[i] != ']') {
        for (;;) {
            pjx_object *value;
            if (scan_value(p, i, &i, &value) < 0) goto bail;
            pjx_slot v = {.o = value};
            if (pjx_list_append_steal(l, v) < 0) {
                pjx_decref(value);
                goto bail;
            }
            i = skip_ws(p, i);
            if (i < p->n && p->s[i] == ']') break;
            if (i >= p->n || p->s[i] != ',') {
                fail(p, "Expecting ',' delimiter", i);
                goto bail;
            }
#if PJX_PY_AT_LEAST(3, 13)
            int64_t comma = i;
#endif
            i = skip_ws(p, i + 1);
#if PJX_PY_AT_LEAST(3, 13)
            if (i < p->n && p->s[i] == ']') {
                fail(p, "Illegal trailing comma before end of array", comma);
                goto bail;
            }
#endif
        }
    }
    *end = i + 1;
    *out = (pjx_object *)l;
    return 0;
bail:
    pjx_decref(l);
    return -1;
}

static inline int word_at(const parser *p, int64_t i, const char *word, int64_t len) {
    return i + len <= p->n && memcmp(p->s + i, word, (size_t)len) == 0;
}

static int32_t scan_value(const parser *p, int64_t i, int64_t *end, pjx_object **out) {
    *out = NULL;
    if (i >= p->n) return expecting_value(p, i);
    int32_t rc;
    switch (p->s[i]) {
    case '"': {
        pjx_str *s;
        if (scan_string(p, i + 1, end, &s) < 0) return -1;
        *out = (pjx_object *)s;
        return 0;
    }
    case '{':
        /* nesting deeper than the recursion limit: RecursionError, as
         * CPython's, not a C stack overflow */
        if (pjx_guard_enter(" while decoding a JSON object from a unicode string") < 0) return -1;
        rc = parse_object(p, i + 1, end, out);
        pjx_guard_leave();
        return rc;
    case '[':
        if (pjx_guard_enter(" while decoding a JSON array from a unicode string") < 0) return -1;
        rc = parse_array(p, i + 1, end, out);
        pjx_guard_leave();
        return rc;
    case 'n':
        if (word_at(p, i, "null", 4)) {
            *end = i + 4;
            return 0;
        }
        break;
    case 't':
        if (word_at(p, i, "true", 4)) {
            *end = i + 4;
            *out = pjx_box_bool(1);
            return 0;
        }
        break;
    case 'f':
        if (word_at(p, i, "false", 5)) {
            *end = i + 5;
            *out = pjx_box_bool(0);
            return 0;
        }
        break;
    case 'N':
        if (word_at(p, i, "NaN", 3)) {
            *end = i + 3;
            *out = pjx_box_float(__builtin_nan(""));
            return *out == NULL ? -1 : 0;
        }
        break;
    case 'I':
        if (word_at(p, i, "Infinity", 8)) {
            *end = i + 8;
            *out = pjx_box_float(__builtin_inf());
            return *out == NULL ? -1 : 0;
        }
        break;
    case '-':
        if (word_at(p, i, "-Infinity", 9)) {
            *end = i + 9;
            *out = pjx_box_float(-__builtin_inf());
            return *out == NULL ? -1 : 0;
        }
        break;
    default: break;
    }
    return match_number(p, i, end, out);
}

/* JSONDecoder.decode: whitespace, one value, whitespace, the end. */
static int32_t decode(const char *data, int64_t n, pjx_object **out) {
    parser p = {(const unsigned char *)data, n};
    *out = NULL;
    int64_t end;
    pjx_object *value;
    if (scan_value(&p, skip_ws(&p, 0), &end, &value) < 0) return -1;
    end = skip_ws(&p, end);
    if (end != n) {
        pjx_decref(value);
        return fail(&p, "Extra data", end);
    }
    *out = value;
    return 0;
}

int32_t pjx_json_loads(pjx_str *s, pjx_object **out) {
    /* json.loads refuses a str that starts with a BOM (bytes lose theirs
     * to utf-8-sig; a second one is then no value) */
    if (s->nbytes >= 3 && memcmp(s->data, "\xEF\xBB\xBF", 3) == 0) {
        parser p = {(const unsigned char *)s->data, s->nbytes};
        *out = NULL;
        return fail(&p, "Unexpected UTF-8 BOM (decode using utf-8-sig)", 0);
    }
    return decode(s->data, s->nbytes, out);
}

/* json.detect_encoding picks UTF-16/32 by a BOM or by zero bytes among the
 * first four: refused (pyjitx decodes UTF-8 only), never misread. */
static int utf16_or_32(const unsigned char *b, int64_t n) {
    if (n >= 2 && ((b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF))) return 1;
    if (n >= 4 && b[0] == 0 && b[1] == 0 && b[2] == 0xFE && b[3] == 0xFF) return 1;
    return (n >= 4 || n == 2) && (b[0] == 0 || b[1] == 0);
}

int32_t pjx_json_loads_bytes(pjx_bytes *b, pjx_object **out) {
    *out = NULL;
    const unsigned char *data = (const unsigned char *)b->data;
    int64_t n = b->size;
    if (n >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) { /* utf-8-sig */
        data += 3;
        n -= 3;
    } else if (utf16_or_32(data, n)) {
        pjx_err_set(PJX_EXC_VALUE, "pyjitx: json.loads() of UTF-16 or UTF-32 bytes is not "
                                   "supported; decode them to a str first");
        return -1;
    }
    /* bytes.decode('utf-8'): its UnicodeDecodeError for invalid bytes */
    pjx_bytes *view = (data == (const unsigned char *)b->data) ? b
                      : pjx_bytes_from_data((const char *)data, n);
    if (view == NULL) return -1;
    pjx_str *encoding = pjx_str_from_utf8("utf-8", 5);
    pjx_str *text = encoding ? pjx_bytes_decode(view, encoding, NULL) : NULL;
    pjx_decref(encoding);
    if (view != b) pjx_decref(view);
    if (text == NULL) return -1;
    int32_t rc = decode(text->data, text->nbytes, out);
    pjx_decref(text);
    return rc;
}

int32_t pjx_json_loads_any(pjx_object *a, pjx_object **out) {
    *out = NULL;
    if (a != NULL && a->type_id == PJX_TYPE_STR) return pjx_json_loads((pjx_str *)a, out);
    if (a != NULL && a->type_id == PJX_TYPE_BYTES) return pjx_json_loads_bytes((pjx_bytes *)a, out);
    pjx_err_format(PJX_EXC_TYPE, "the JSON object must be str, bytes or bytearray, not %s",
                   pjx_any_type_name(a));
    return -1;
}
