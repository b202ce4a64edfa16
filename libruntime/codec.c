/* str.encode and bytes.decode: UTF-8 (with CPython's exact error reporting),
 * ASCII and Latin-1. */
#include "str_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

typedef enum { ENC_UTF8, ENC_ASCII, ENC_LATIN1, ENC_UNKNOWN } encoding_id;

/* CPython's normalisation of codec names (encodings.normalize_encoding plus
 * lower-casing), then the aliases of the three codecs. */
static encoding_id lookup_encoding(pjx_str *name) {
    if (name == NULL) return ENC_UTF8;
    char buf[32];
    if (name->nbytes >= (int64_t)sizeof buf) return ENC_UNKNOWN;
    int64_t k = 0;
    for (int64_t i = 0; i < name->nbytes; i++) {
        unsigned char c = (unsigned char)name->data[i];
        if (c == ' ' || c == '-') c = '_';
        buf[k++] = (char)tolower(c);
    }
    buf[k] = '\0';
    static const char *const utf8[] = {"utf_8", "utf8", "u8", "utf", "utf8_ucs2", "utf8_ucs4", "cp65001", NULL};
    static const char *const ascii[] = {"ascii", "646", "ansi_x3.4_1968", "ansi_x3_4_1968", "ansi_x3.4_1986",
                                        "cp367", "csascii", "ibm367", "iso646_us", "iso_646.irv_1991",
                                        "iso_ir_6", "us", "us_ascii", NULL};
    static const char *const latin1[] = {"latin_1", "latin1", "8859", "cp819", "csisolatin1", "ibm819",
                                         "iso8859", "iso8859_1", "iso_8859_1", "iso_8859_1_1987",
                                         "iso_ir_100", "l1", "latin", NULL};
    for (int i = 0; utf8[i]; i++) if (strcmp(buf, utf8[i]) == 0) return ENC_UTF8;
    for (int i = 0; ascii[i]; i++) if (strcmp(buf, ascii[i]) == 0) return ENC_ASCII;
    for (int i = 0; latin1[i]; i++) if (strcmp(buf, latin1[i]) == 0) return ENC_LATIN1;
    return ENC_UNKNOWN;
}

static const char *codec_name(encoding_id e) {
    return e == ENC_UTF8 ? "utf-8" : e == ENC_ASCII ? "ascii" : "latin-1";
}

static void unknown_encoding(pjx_str *name) {
    pjx_err_format(PJX_EXC_LOOKUP, "unknown encoding: %s", name->data);
}

typedef enum { ERR_STRICT, ERR_IGNORE, ERR_REPLACE, ERR_BACKSLASH, ERR_XMLCHAR, ERR_AS_STRICT, ERR_UNKNOWN } handler_id;

static handler_id lookup_handler(pjx_str *errors) {
    if (errors == NULL) return ERR_STRICT;
    const char *e = errors->data;
    if (strcmp(e, "strict") == 0) return ERR_STRICT;
    if (strcmp(e, "ignore") == 0) return ERR_IGNORE;
    if (strcmp(e, "replace") == 0) return ERR_REPLACE;
    if (strcmp(e, "backslashreplace") == 0) return ERR_BACKSLASH;
    if (strcmp(e, "xmlcharrefreplace") == 0) return ERR_XMLCHAR;
    /* these produce surrogates, which pyjitx strings cannot hold */
    if (strcmp(e, "surrogateescape") == 0 || strcmp(e, "surrogatepass") == 0) return ERR_AS_STRICT;
    return ERR_UNKNOWN;
}

/* ---- encode --------------------------------------------------------------- */
pjx_bytes *pjx_str_encode(pjx_str *s, pjx_str *encoding, pjx_str *errors) {
    encoding_id enc = lookup_encoding(encoding);
    if (enc == ENC_UNKNOWN) {
        unknown_encoding(encoding);
        return NULL;
    }
    if (enc == ENC_UTF8 || (s->ob.flags & PJX_STR_ASCII)) return pjx_bytes_from_data(s->data, s->nbytes);
    uint32_t limit = enc == ENC_ASCII ? 0x80 : 0x100;
    handler_id h = lookup_handler(errors);
    pjx_strbuf b;
    pjx_strbuf_init(&b);
    const unsigned char *base = (const unsigned char *)s->data, *p = base, *end = base + s->nbytes;
    int64_t pos = 0;
    while (p < end) {
        int n;
        uint32_t cp = pjx_u8_decode(p, &n);
        if (cp < limit) {
            char c = (char)cp;
            if (pjx_strbuf_append(&b, &c, 1) < 0) goto fail;
            p += n;
            pos++;
            continue;
        }
        /* the run of unencodable characters */
        const unsigned char *q = p;
        int64_t run = 0;
        while (q < end) {
            int m;
            uint32_t c2 = pjx_u8_decode(q, &m);
            if (c2 < limit) break;
            q += m;
            run++;
        }
        if (h == ERR_STRICT || h == ERR_AS_STRICT || h == ERR_UNKNOWN) {
            if (h == ERR_UNKNOWN) {
                pjx_err_format(PJX_EXC_LOOKUP, "unknown error handler name '%s'", errors->data);
            } else if (run == 1) {
                char esc[16];
                if (cp <= 0xFF) snprintf(esc, sizeof esc, "\\x%02x", cp);
                else if (cp <= 0xFFFF) snprintf(esc, sizeof esc, "\\u%04x", cp);
                else snprintf(esc, sizeof esc, "\\U%08x", cp);
                pjx_err_format(PJX_EXC_UNICODE_ENCODE,
                               "'%s' codec can't encode character '%s' in position %lld: ordinal not in range(%u)",
                               codec_name(enc), esc, (long long)pos, limit);
            } else {
                pjx_err_format(PJX_EXC_UNICODE_ENCODE,
                               "'%s' codec can't encode characters in position %lld-%lld: ordinal not in range(%u)",
                               codec_name(enc), (long long)pos, (long long)(pos + run - 1), limit);
            }
            goto fail;
        }
        for (; p < q; pos++) {
            uint32_t c2 = pjx_u8_decode(p, &n);
            p += n;
            char esc[16];
            int k = 0;
            if (h == ERR_REPLACE) { esc[0] = '?'; k = 1; }
            else if (h == ERR_BACKSLASH) {
                if (c2 <= 0xFF) k = snprintf(esc, sizeof esc, "\\x%02x", c2);
                else if (c2 <= 0xFFFF) k = snprintf(esc, sizeof esc, "\\u%04x", c2);
                else k = snprintf(esc, sizeof esc, "\\U%08x", c2);
            } else if (h == ERR_XMLCHAR) {
                k = snprintf(esc, sizeof esc, "&#%u;", c2);
            }
            if (k && pjx_strbuf_append(&b, esc, k) < 0) goto fail;
        }
    }
    pjx_bytes *r = pjx_bytes_from_data(b.data, b.size);
    pjx_strbuf_release(&b);
    return r;
fail:
    pjx_strbuf_release(&b);
    return NULL;
}

/* ---- decode ---------------------------------------------------------------- */
#define IS_CONT(c) (((c) & 0xC0) == 0x80)

/* CPython's utf8_decode error classification at s (s[0] >= 0x80):
 * returns the sequence length (> 0) when valid, or 0 with *err_len (bytes
 * covered by the error) and *reason set. */
static int utf8_check(const unsigned char *s, const unsigned char *end, int64_t *err_len,
                      const char **reason) {
    unsigned char ch = s[0];
    int64_t avail = end - s;
    if (ch < 0xC2) goto invalid_start;
    if (ch < 0xE0) {
        if (avail < 2) goto end_of_data;
        if (!IS_CONT(s[1])) goto cont1;
        return 2;
    }
    if (ch < 0xF0) {
        if (avail < 3) {
            if (avail < 2) goto end_of_data;
            if (!IS_CONT(s[1]) || (s[1] < 0xA0 ? ch == 0xE0 : ch == 0xED)) goto cont1;
            goto end_of_data;
        }
        if (!IS_CONT(s[1])) goto cont1;
        if (ch == 0xE0 ? s[1] < 0xA0 : (ch == 0xED && s[1] >= 0xA0)) goto cont1;
        if (!IS_CONT(s[2])) goto cont2;
        return 3;
    }
    if (ch < 0xF5) {
        if (avail < 4) {
            if (avail < 2) goto end_of_data;
            if (!IS_CONT(s[1]) || (s[1] < 0x90 ? ch == 0xF0 : ch == 0xF4)) goto cont1;
            if (avail < 3) goto end_of_data;
            if (!IS_CONT(s[2])) goto cont2;
            goto end_of_data;
        }
        if (!IS_CONT(s[1])) goto cont1;
        if (ch == 0xF0 ? s[1] < 0x90 : (ch == 0xF4 && s[1] >= 0x90)) goto cont1;
        if (!IS_CONT(s[2])) goto cont2;
        if (!IS_CONT(s[3])) goto cont3;
        return 4;
    }
invalid_start:
    *reason = "invalid start byte";
    *err_len = 1;
    return 0;
end_of_data:
    *reason = "unexpected end of data";
    *err_len = avail;
    return 0;
cont1:
    *reason = "invalid continuation byte";
    *err_len = 1;
    return 0;
cont2:
    *reason = "invalid continuation byte";
    *err_len = 2;
    return 0;
cont3:
    *reason = "invalid continuation byte";
    *err_len = 3;
    return 0;
}

static void decode_error(const char *codec, const unsigned char *data, int64_t start, int64_t end,
                         const char *reason) {
    if (end - start == 1)
        pjx_err_format(PJX_EXC_UNICODE_DECODE, "'%s' codec can't decode byte 0x%02x in position %lld: %s",
                       codec, data[start], (long long)start, reason);
    else
        pjx_err_format(PJX_EXC_UNICODE_DECODE, "'%s' codec can't decode bytes in position %lld-%lld: %s",
                       codec, (long long)start, (long long)(end - 1), reason);
}

/* handles the error at [start, end); returns -1 when it raises */
static int32_t handle_decode_error(pjx_strbuf *b, int64_t *length, handler_id h, pjx_str *errors,
                                   const char *codec, const unsigned char *data, int64_t start,
                                   int64_t end, const char *reason) {
    switch (h) {
    case ERR_IGNORE: return 0;
    case ERR_REPLACE:
        ++*length;
        return pjx_strbuf_append(b, "\xEF\xBF\xBD", 3);
    case ERR_BACKSLASH:
        for (int64_t i = start; i < end; i++) {
            char esc[8];
            int k = snprintf(esc, sizeof esc, "\\x%02x", data[i]);
            if (pjx_strbuf_append(b, esc, k) < 0) return -1;
            *length += k;
        }
        return 0;
    case ERR_XMLCHAR:
        pjx_err_set(PJX_EXC_TYPE, "don't know how to handle UnicodeDecodeError in error callback");
        return -1;
    case ERR_UNKNOWN:
        pjx_err_format(PJX_EXC_LOOKUP, "unknown error handler name '%s'", errors->data);
        return -1;
    default:
        decode_error(codec, data, start, end, reason);
        return -1;
    }
}

pjx_str *pjx_bytes_decode(pjx_bytes *bytes, pjx_str *encoding, pjx_str *errors) {
    encoding_id enc = lookup_encoding(encoding);
    if (enc == ENC_UNKNOWN) {
        unknown_encoding(encoding);
        return NULL;
    }
    const unsigned char *data = (const unsigned char *)bytes->data;
    int64_t n = bytes->size, i = 0;
    /* ASCII prefix, 8 bytes at a time */
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, data + i, 8);
        if (w & 0x8080808080808080ull) break;
    }
    while (i < n && data[i] < 0x80) i++;
    if (i == n) return pjx_str_from_utf8_len(bytes->data, n, n);
    handler_id h = lookup_handler(errors);
    pjx_strbuf b;
    pjx_strbuf_init(&b);
    if (pjx_strbuf_append(&b, bytes->data, i) < 0) return NULL;
    int64_t length = i;
    while (i < n) {
        unsigned char c = data[i];
        if (c < 0x80) {
            int64_t j = i + 1;
            while (j < n && data[j] < 0x80) j++;
            if (pjx_strbuf_append(&b, (const char *)data + i, j - i) < 0) goto fail;
            length += j - i;
            i = j;
            continue;
        }
        if (enc == ENC_LATIN1) {
            char out[2];
            int k = pjx_u8_encode(c, out);
            if (pjx_strbuf_append(&b, out, k) < 0) goto fail;
            length++;
            i++;
            continue;
        }
        if (enc == ENC_ASCII) {
            /* CPython's ASCII decoder reports one byte at a time */
            if (handle_decode_error(&b, &length, h, errors, "ascii", data, i, i + 1,
                                    "ordinal not in range(128)") < 0)
                goto fail;
            i++;
            continue;
        }
        int64_t err_len;
        const char *reason;
        int k = utf8_check(data + i, data + n, &err_len, &reason);
        if (k) {
            if (pjx_strbuf_append(&b, (const char *)data + i, k) < 0) goto fail;
            length++;
            i += k;
            continue;
        }
        if (handle_decode_error(&b, &length, h, errors, "utf-8", data, i, i + err_len, reason) < 0)
            goto fail;
        i += err_len;
    }
    pjx_str *r = pjx_str_from_utf8_len(b.data, b.size, length);
    pjx_strbuf_release(&b);
    return r;
fail:
    pjx_strbuf_release(&b);
    return NULL;
}
