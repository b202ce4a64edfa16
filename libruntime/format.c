/* Numbers <-> text, exactly as CPython 3.11 does it (see pyjitx/format.h):
 * repr/str of ints and floats, the format-spec mini-language of
 * int/float/str/bool.__format__, printf-style '%' conversions, and
 * int(str, base) / float(str).
 *
 * The float code is a port of CPython's format_float_short (pystrtod.c),
 * format_float_internal and friends (formatter_unicode.c) and
 * unicode_format_arg_* (unicodeobject.c).  Where CPython calls David Gay's
 * _Py_dg_dtoa, we produce the same digit strings from glibc's correctly
 * rounded snprintf("%.*e"/"%.*f") (round-half-even on exact ties, like
 * dtoa), and the shortest round-trip digits (dtoa mode 0) by searching the
 * digit count with strtod round trips. */
#include "internal.h"
#include "str_internal.h"
#include "pyjitx/format.h"

#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define MIN(a, b) ((a) < (b) ? (a) : (b))

/* ---- Unicode helpers ------------------------------------------------------ */

/* Py_UNICODE_TODECIMAL: the digit value of a decimal character (category
 * Nd), else -1.  The property tables (unicode.c) come from the build
 * interpreter; every maximal run of consecutive decimal characters is a
 * sequence of whole 0..9 blocks (checked by the tests against
 * unicodedata.decimal), so the value is the offset from the run's start. */
static int unicode_decimal(uint32_t c) {
    if (c < 0x80) return (c >= '0' && c <= '9') ? (int)(c - '0') : -1;
    if (!(pjx_unicode_flags(c) & PJX_P_DECIMAL)) return -1;
    uint32_t start = c;
    while (start > 0 && (pjx_unicode_flags(start - 1) & PJX_P_DECIMAL)) start--;
    return (int)((c - start) % 10);
}

/* Py_UNICODE_ISSPACE (str.isspace of one character). */
static int unicode_isspace(uint32_t c) {
    if (c < 0x80) return (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x20);
    return pjx_unicode_isspace(c);
}

/* Decodes one code point of valid UTF-8 at s; returns its byte length. */
static int utf8_next(const unsigned char *s, uint32_t *c) {
    if (s[0] < 0x80) { *c = s[0]; return 1; }
    if (s[0] < 0xe0) { *c = ((uint32_t)(s[0] & 0x1f) << 6) | (s[1] & 0x3f); return 2; }
    if (s[0] < 0xf0) {
        *c = ((uint32_t)(s[0] & 0x0f) << 12) | ((uint32_t)(s[1] & 0x3f) << 6) | (s[2] & 0x3f);
        return 3;
    }
    *c = ((uint32_t)(s[0] & 0x07) << 18) | ((uint32_t)(s[1] & 0x3f) << 12) |
         ((uint32_t)(s[2] & 0x3f) << 6) | (s[3] & 0x3f);
    return 4;
}

static int utf8_encode(uint32_t c, char *out) {
    if (c < 0x80) { out[0] = (char)c; return 1; }
    if (c < 0x800) { out[0] = (char)(0xc0 | (c >> 6)); out[1] = (char)(0x80 | (c & 0x3f)); return 2; }
    if (c < 0x10000) {
        out[0] = (char)(0xe0 | (c >> 12)); out[1] = (char)(0x80 | ((c >> 6) & 0x3f));
        out[2] = (char)(0x80 | (c & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | (c >> 18)); out[1] = (char)(0x80 | ((c >> 12) & 0x3f));
    out[2] = (char)(0x80 | ((c >> 6) & 0x3f)); out[3] = (char)(0x80 | (c & 0x3f));
    return 4;
}

/* Byte offset of code point `index` in valid UTF-8. */
static int64_t utf8_offset(const char *data, int64_t nbytes, int64_t index) {
    int64_t i = 0;
    while (index > 0 && i < nbytes) {
        i++;
        while (i < nbytes && ((unsigned char)data[i] & 0xc0) == 0x80) i++;
        index--;
    }
    return i;
}

static int32_t append_repeat(pjx_strbuf *b, uint32_t c, int64_t n) {
    if (n <= 0) return 0;
    char enc[4];
    int k = utf8_encode(c, enc);
    if (pjx_strbuf_reserve(b, n * k) < 0) return -1;
    if (k == 1) memset(b->data + b->size, enc[0], (size_t)n);
    else for (int64_t i = 0; i < n; i++) memcpy(b->data + b->size + i * k, enc, (size_t)k);
    b->size += n * k;
    return 0;
}


/* pyjitx strings are UTF-8 and cannot hold surrogates (as pjx_chr says). */
static int reject_surrogate(int64_t cp) {
    if (cp >= 0xD800 && cp < 0xE000) {
        pjx_err_format(PJX_EXC_VALUE,
                       "pyjitx: chr(0x%llx) is a surrogate, which pyjitx strings (UTF-8) cannot hold",
                       (long long)cp);
        return -1;
    }
    return 0;
}

static int32_t append_char(pjx_strbuf *b, uint32_t c) { return append_repeat(b, c, 1); }

/* ---- digit generation (the role of _Py_dg_dtoa) ------------------------- */

typedef struct {
    char *digits;   /* len significant digits, no trailing zeros */
    int64_t len;
    int64_t decpt;  /* value = 0.digits * 10**decpt */
    int sign;
    int special;    /* 0 finite, 'i' infinity, 'n' nan */
    char *heap;     /* allocation owned by this result, if any */
    char small[64];
} digits_t;

static void digits_free(digits_t *r) {
    if (r->heap) pjx_free(r->heap);
    r->heap = NULL;
}

/* Parses snprintf's "%.*e" output in place into digits and decpt. */
static void parse_e_output(char *buf, digits_t *r) {
    int64_t len = 0;
    char *q = buf;
    while (*q != 'e') {
        if (*q != '.') buf[len++] = *q;
        q++;
    }
    r->decpt = strtol(q + 1, NULL, 10) + 1;
    while (len > 1 && buf[len - 1] == '0') len--;
    r->digits = buf;
    r->len = len;
}

static const uint64_t POW10[20] = {
    1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull, 10000000ull,
    100000000ull, 1000000000ull, 10000000000ull, 100000000000ull,
    1000000000000ull, 10000000000000ull, 100000000000000ull,
    1000000000000000ull, 10000000000000000ull, 100000000000000000ull,
    1000000000000000000ull, 10000000000000000000ull,
};

/* The nearest p-digit decimal (p < 17) to a double, from the double's
 * correctly rounded 17-digit expansion d (first-digit exponent *x): rounding
 * d again gives the correctly rounded p digits unless d's tail beyond p is
 * exactly 5000...0 (then the true value may lie on either side of the tie):
 * returns 0 for that case, else 1 with the p digits in out. */
static int round_expansion(const char *d, int p, char *out, int *x) {
    int up = d[p] > '5';
    if (d[p] == '5') {
        int rest_zero = 1;
        for (int i = p + 1; i < 17; i++) if (d[i] != '0') { rest_zero = 0; break; }
        if (rest_zero) return 0;
        up = 1;
    }
    memcpy(out, d, (size_t)p);
    if (up) {
        int i = p - 1;
        while (i >= 0 && out[i] == '9') out[i--] = '0';
        if (i < 0) { out[0] = '1'; (*x)++; } else out[i]++;
    }
    return 1;
}

/* dtoa mode 0 for a positive finite a: the shortest digit string that reads
 * back as a, the nearest to a among those. */
static void shortest_digits(double a, digits_t *r) {
    char *buf = r->small;
    uint64_t bits;
    memcpy(&bits, &a, sizeof bits);
    int asymmetric = (bits & 0xfffffffffffffull) == 0 && (bits >> 52) > 1;
    if (!asymmetric) {
        /* The rounding interval is symmetric, so if the nearest p-digit
         * decimal reads back, so does the nearest (p+1)-digit one: binary
         * search the smallest p.  The nearest p-digit decimals come from
         * one 17-digit expansion (see round_expansion). */
        char d17[32];
        snprintf(d17, sizeof d17, "%.16e", a);
        char digits17[17];
        digits17[0] = d17[0];
        memcpy(digits17 + 1, d17 + 2, 16);
        int x17 = (int)strtol(d17 + 19, NULL, 10);
        char best[17];
        int best_x = x17, best_p = 17;
        memcpy(best, digits17, 17);
        int lo = 1, hi = 17;
        while (lo < hi) {
            int mid = (lo + hi) / 2;
            char cand[17];
            int x = x17;
            if (!round_expansion(digits17, mid, cand, &x)) {
                /* a tie in the expansion: ask printf for this length */
                snprintf(buf, sizeof r->small, "%.*e", mid - 1, a);
                cand[0] = buf[0];
                if (mid > 1) memcpy(cand + 1, buf + 2, (size_t)mid - 1);
                x = (int)strtol(strchr(buf, 'e') + 1, NULL, 10);
            }
            char text[40];
            memcpy(text, cand, (size_t)mid);
            snprintf(text + mid, sizeof text - (size_t)mid, "e%d", x - mid + 1);
            if (strtod(text, NULL) == a) {
                hi = mid;
                memcpy(best, cand, (size_t)mid);
                best_x = x;
                best_p = mid;
            } else lo = mid + 1;
        }
        int n = best_p;
        while (n > 1 && best[n - 1] == '0') n--;
        memcpy(buf, best, (size_t)n);
        r->digits = buf;
        r->len = n;
        r->decpt = best_x + 1;
        return;
    }
    /* A power of two: the interval below is half as wide as above, so at a
     * given length the nearest decimal may fail while its other neighbour
     * (farther, on the wide side) reads back. */
    for (int p = 1; p <= 17; p++) {
        snprintf(buf, sizeof r->small, "%.*e", p - 1, a);
        double back = strtod(buf, NULL);
        if (back == a) { parse_e_output(buf, r); return; }
        uint64_t m = 0;
        char *q = buf;
        for (; *q != 'e'; q++) if (*q != '.') m = m * 10 + (uint64_t)(*q - '0');
        int64_t x = strtol(q + 1, NULL, 10); /* exponent of the first digit */
        if (back < a) {
            m++;
            if (m == POW10[p]) { m = POW10[p - 1]; x++; }
        } else {
            if (m == POW10[p - 1]) { m = POW10[p] - 1; x--; } else m--;
        }
        char other[48];
        snprintf(other, sizeof other, "%" PRIu64 "e%" PRId64, m, x - p + 1);
        if (strtod(other, NULL) == a) {
            int n = snprintf(buf, sizeof r->small, "%" PRIu64, m);
            while (n > 1 && buf[n - 1] == '0') n--;
            r->digits = buf;
            r->len = n;
            r->decpt = x + 1;
            return;
        }
    }
    /* unreachable: 17 digits always read back */
    snprintf(buf, sizeof r->small, "%.16e", a);
    parse_e_output(buf, r);
}

/* mode 0: shortest; mode 2: ndigits significant digits (ndigits >= 1);
 * mode 3: ndigits digits after the point.  Like dtoa, zero gives "0" with
 * decpt 1 and trailing zeros are stripped. */
static int32_t dtoa(double d, int mode, int64_t ndigits, digits_t *r) {
    r->heap = NULL;
    r->special = 0;
    r->sign = signbit(d) != 0;
    r->digits = r->small;
    r->len = 0;
    r->decpt = 0;
    if (isnan(d)) { r->special = 'n'; r->sign = 0; return 0; }
    if (isinf(d)) { r->special = 'i'; return 0; }
    double a = fabs(d);
    if (a == 0) {
        r->small[0] = '0';
        r->len = 1;
        r->decpt = 1;
        return 0;
    }
    if (mode == 0) { shortest_digits(a, r); return 0; }
    if (ndigits > INT_MAX - 2) {
        pjx_err_set(PJX_EXC_VALUE, "precision too big");
        return -1;
    }
    char *buf = r->small;
    int n = mode == 2 ? snprintf(buf, sizeof r->small, "%.*e", (int)ndigits - 1, a)
                      : snprintf(buf, sizeof r->small, "%.*f", (int)ndigits, a);
    if (n < 0) { pjx_err_set(PJX_EXC_MEMORY, NULL); return -1; }
    if ((size_t)n >= sizeof r->small) {
        r->heap = buf = pjx_alloc((size_t)n + 1);
        if (buf == NULL) return -1;
        if (mode == 2) snprintf(buf, (size_t)n + 1, "%.*e", (int)ndigits - 1, a);
        else snprintf(buf, (size_t)n + 1, "%.*f", (int)ndigits, a);
    }
    if (mode == 2) { parse_e_output(buf, r); return 0; }
    int64_t len = 0, ilen = -1;
    for (int64_t i = 0; i < n; i++) {
        if (buf[i] == '.') ilen = len; else buf[len++] = buf[i];
    }
    if (ilen < 0) ilen = len;
    int64_t start = 0, decpt = ilen;
    while (start < len && buf[start] == '0') { start++; decpt--; }
    if (start == len) { /* rounds to zero: no digits, fcvt style */
        r->digits = buf;
        r->len = 0;
        r->decpt = -ndigits;
        return 0;
    }
    while (len > start && buf[len - 1] == '0') len--;
    r->digits = buf + start;
    r->len = len - start;
    r->decpt = decpt;
    return 0;
}

/* ---- PyOS_double_to_string ------------------------------------------------ */
#define DTSF_SIGN 1
#define DTSF_ADD_DOT_0 2
#define DTSF_ALT 4
#define DTSF_NO_NEG_0 8

static int32_t double_to_string(pjx_strbuf *out, double val, int format_code, int64_t precision,
                                int flags) {
    int mode = 0, upper = 0;
    int code = format_code;
    switch (format_code) {
    case 'E': upper = 1; code = 'e'; /* fall through */
    case 'e': mode = 2; precision++; break;
    case 'F': upper = 1; code = 'f'; /* fall through */
    case 'f': mode = 3; break;
    case 'G': upper = 1; code = 'g'; /* fall through */
    case 'g': mode = 2; if (precision == 0) precision = 1; break;
    case 'r': mode = 0; precision = 0; break;
    default: pjx_err_set(PJX_EXC_RUNTIME, "bad float format code"); return -1;
    }
    int add_sign = flags & DTSF_SIGN, add_dot_0 = flags & DTSF_ADD_DOT_0, alt = flags & DTSF_ALT;
    digits_t r;
    if (dtoa(val, mode, precision, &r) < 0) return -1;
    int32_t rc = -1;
    if (r.special) {
        if (r.sign) { if (pjx_strbuf_append(out, "-", 1) < 0) goto done; }
        else if (add_sign && pjx_strbuf_append(out, "+", 1) < 0) goto done;
        const char *text = r.special == 'i' ? (upper ? "INF" : "inf") : (upper ? "NAN" : "nan");
        rc = pjx_strbuf_append(out, text, 3);
        goto done;
    }
    int sign = r.sign;
    const char *digits = r.digits;
    int64_t len = r.len, decpt = r.decpt;
    if ((flags & DTSF_NO_NEG_0) && sign && (len == 0 || (len == 1 && digits[0] == '0'))) sign = 0;

    int64_t vdigits_end = len, vdigits_start, exp = 0;
    int use_exp = 0;
    switch (code) {
    case 'e': use_exp = 1; vdigits_end = precision; break;
    case 'f': vdigits_end = decpt + precision; break;
    case 'g':
        if (decpt <= -4 || decpt > (add_dot_0 ? precision - 1 : precision)) use_exp = 1;
        if (alt) vdigits_end = precision;
        break;
    case 'r':
        if (decpt <= -4 || decpt > 16) use_exp = 1;
        break;
    }
    if (use_exp) { exp = decpt - 1; decpt = 1; }
    vdigits_start = decpt <= 0 ? decpt - 1 : 0;
    if (!use_exp && add_dot_0) vdigits_end = MAX(vdigits_end, decpt + 1);
    else vdigits_end = MAX(vdigits_end, decpt);

    if (sign) { if (pjx_strbuf_append(out, "-", 1) < 0) goto done; }
    else if (add_sign && pjx_strbuf_append(out, "+", 1) < 0) goto done;
    int64_t body = out->size;
    if (decpt <= 0) {
        if (append_repeat(out, '0', decpt - vdigits_start) < 0 || append_char(out, '.') < 0 ||
            append_repeat(out, '0', -decpt) < 0) goto done;
    } else if (append_repeat(out, '0', -vdigits_start) < 0) goto done;
    if (0 < decpt && decpt <= len) {
        if (pjx_strbuf_append(out, digits, decpt) < 0 || append_char(out, '.') < 0 ||
            pjx_strbuf_append(out, digits + decpt, len - decpt) < 0) goto done;
    } else if (pjx_strbuf_append(out, digits, len) < 0) goto done;
    if (len < decpt) {
        if (append_repeat(out, '0', decpt - len) < 0 || append_char(out, '.') < 0 ||
            append_repeat(out, '0', vdigits_end - decpt) < 0) goto done;
    } else if (append_repeat(out, '0', vdigits_end - len) < 0) goto done;
    if (out->size > body && out->data[out->size - 1] == '.' && !alt) out->size--;
    if (use_exp) {
        char e[32];
        int n = snprintf(e, sizeof e, "%c%+.02" PRId64, upper ? 'E' : 'e', exp);
        if (pjx_strbuf_append(out, e, n) < 0) goto done;
    }
    rc = 0;
done:
    digits_free(&r);
    return rc;
}

/* ---- repr / str ----------------------------------------------------------- */

pjx_str *pjx_int_repr(int64_t v) {
    char buffer[24];
    char *p = buffer + sizeof buffer;
    uint64_t m = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do { *--p = (char)('0' + m % 10); m /= 10; } while (m);
    if (v < 0) *--p = '-';
    return pjx_str_from_utf8(p, buffer + sizeof buffer - p);
}

pjx_str *pjx_float_repr(double v) {
    pjx_strbuf b;
    pjx_strbuf_init(&b);
    if (double_to_string(&b, v, 'r', 0, DTSF_ADD_DOT_0) < 0) {
        pjx_strbuf_release(&b);
        return NULL;
    }
    return pjx_strbuf_finish(&b);
}

pjx_str *pjx_float_str(double v) { return pjx_float_repr(v); }
pjx_str *pjx_int_to_str(int64_t v) { return pjx_int_repr(v); }
pjx_str *pjx_float_to_str(double v) { return pjx_float_repr(v); }
pjx_str *pjx_bool_to_str(int64_t v) {
    return v ? pjx_str_from_utf8("True", 4) : pjx_str_from_utf8("False", 5);
}

/* ---- the format-spec mini-language (formatter_unicode.c) ----------------- */

/* thousands separators: 0 none, ',' or '_' every 3, 'U' '_' every 4 (bin,
 * oct, hex), 'L' current locale ('n': the C locale has no grouping) */
typedef struct {
    uint32_t fill;
    uint32_t align;
    int alternate;
    int no_neg_0;
    uint32_t sign;
    int64_t width;
    int thousands;
    int64_t precision;
    uint32_t type;
} spec_t;

static int is_alignment_token(uint32_t c) { return c == '<' || c == '>' || c == '=' || c == '^'; }
static int is_sign_element(uint32_t c) { return c == ' ' || c == '+' || c == '-'; }

/* Reads Unicode decimal digits; returns how many, -1 on overflow. */
static int64_t get_integer(const uint32_t *s, int64_t *pos, int64_t end, int64_t *result) {
    int64_t acc = 0, n = 0, p = *pos;
    for (; p < end; p++, n++) {
        int digit = unicode_decimal(s[p]);
        if (digit < 0) break;
        if (acc > (INT64_MAX - digit) / 10) {
            pjx_err_set(PJX_EXC_VALUE, "Too many decimal digits in format string");
            *pos = p;
            return -1;
        }
        acc = acc * 10 + digit;
    }
    *pos = p;
    *result = acc;
    return n;
}

static void invalid_thousands_separator_type(int specifier, uint32_t type) {
    if (type > 32 && type < 128)
        pjx_err_format(PJX_EXC_VALUE, "Cannot specify '%c' with '%c'.", specifier, (char)type);
    else
        pjx_err_format(PJX_EXC_VALUE, "Cannot specify '%c' with '\\x%x'.", specifier, (unsigned)type);
}

static void unknown_presentation_type(uint32_t type, const char *type_name) {
    if (type > 32 && type < 128)
        pjx_err_format(PJX_EXC_VALUE, "Unknown format code '%c' for object of type '%.200s'",
                       (char)type, type_name);
    else
        pjx_err_format(PJX_EXC_VALUE, "Unknown format code '\\x%x' for object of type '%.200s'",
                       (unsigned)type, type_name);
}

static int32_t parse_spec(const pjx_str *text, uint32_t default_type, uint32_t default_align,
                          const char *type_name, spec_t *f) {
    uint32_t small[64];
    uint32_t *s = small;
    if (text->length > 64) {
        s = pjx_alloc(sizeof(uint32_t) * (size_t)text->length);
        if (s == NULL) return -1;
    }
    int64_t end = 0;
    for (int64_t i = 0; i < text->nbytes; end++)
        i += utf8_next((const unsigned char *)text->data + i, &s[end]);
    int32_t rc = -1;
    int64_t pos = 0;
    int align_specified = 0, fill_specified = 0;
    f->fill = ' ';
    f->align = default_align;
    f->alternate = 0;
    f->no_neg_0 = 0;
    f->sign = 0;
    f->width = -1;
    f->thousands = 0;
    f->precision = -1;
    f->type = default_type;

    if (end - pos >= 2 && is_alignment_token(s[pos + 1])) {
        f->align = s[pos + 1];
        f->fill = s[pos];
        fill_specified = align_specified = 1;
        pos += 2;
    } else if (end - pos >= 1 && is_alignment_token(s[pos])) {
        f->align = s[pos];
        align_specified = 1;
        pos++;
    }
    if (end - pos >= 1 && is_sign_element(s[pos])) f->sign = s[pos++];
    if (PJX_PY_AT_LEAST(3, 11) && end - pos >= 1 && s[pos] == 'z') { /* new in 3.11 */
        f->no_neg_0 = 1;
        pos++;
    }
    if (end - pos >= 1 && s[pos] == '#') { f->alternate = 1; pos++; }
    if (!fill_specified && end - pos >= 1 && s[pos] == '0') {
        f->fill = '0';
        if (!align_specified && default_align == '>') f->align = '=';
        pos++;
    }
    int64_t consumed = get_integer(s, &pos, end, &f->width);
    if (consumed < 0) goto done;
    if (consumed == 0) f->width = -1;
    if (end - pos && s[pos] == ',') { f->thousands = ','; pos++; }
    if (end - pos && s[pos] == '_') {
        if (f->thousands) { pjx_err_set(PJX_EXC_VALUE, "Cannot specify both ',' and '_'."); goto done; }
        f->thousands = '_';
        pos++;
    }
    if (end - pos && s[pos] == ',' && f->thousands == '_') {
        pjx_err_set(PJX_EXC_VALUE, "Cannot specify both ',' and '_'.");
        goto done;
    }
    if (end - pos && s[pos] == '.') {
        pos++;
        consumed = get_integer(s, &pos, end, &f->precision);
        if (consumed < 0) goto done;
        if (consumed == 0) { pjx_err_set(PJX_EXC_VALUE, "Format specifier missing precision"); goto done; }
    }
    if (end - pos > 1) {
        if (PJX_PY_AT_LEAST(3, 11))
            pjx_err_format(PJX_EXC_VALUE, "Invalid format specifier '%s' for object of type "
                           "'%.200s'", text->data, type_name);
        else
            pjx_err_set(PJX_EXC_VALUE, "Invalid format specifier");
        goto done;
    }
    if (end - pos == 1) f->type = s[pos++];
    if (f->thousands) {
        switch (f->type) {
        case 'd': case 'e': case 'f': case 'g': case 'E': case 'G': case '%': case 'F': case 0:
            break;
        case 'b': case 'o': case 'x': case 'X':
            if (f->thousands == '_') { f->thousands = 'U'; break; }
            /* fall through */
        default:
            invalid_thousands_separator_type(f->thousands, f->type);
            goto done;
        }
    }
    rc = 0;
done:
    if (s != small) pjx_free(s);
    return rc;
}

typedef struct {
    const char *grouping;  /* C locale grouping string ("\3": every 3, repeated) */
    const char *sep;
    int64_t sep_len;
} locale_t;

static void get_locale(int type, locale_t *l) {
    switch (type) {
    case ',': l->sep = ","; l->sep_len = 1; l->grouping = "\3"; break;
    case '_': l->sep = "_"; l->sep_len = 1; l->grouping = "\3"; break;
    case 'U': l->sep = "_"; l->sep_len = 1; l->grouping = "\4"; break;
    default: l->sep = ""; l->sep_len = 0; l->grouping = ""; break;
    }
}

/* _PyUnicode_InsertThousandsGrouping over ASCII digits: with buf NULL only
 * counts; else fills buf[0..n_buffer) from the right. */
static int64_t insert_grouping(char *buf, int64_t n_buffer, const char *digits, int64_t n_digits,
                               int64_t min_width, const locale_t *l) {
    min_width = MAX(0, min_width);
    int64_t count = 0, remaining = n_digits, len, n_zeros, n_chars, previous = 0;
    int64_t bpos = n_buffer, dpos = n_digits;
    int use_sep = 0, broken = 0;
    const char *g = l->grouping;
#define GROUP_FILL()                                                          \
    do {                                                                      \
        if (buf) {                                                            \
            if (use_sep) { bpos -= l->sep_len; memcpy(buf + bpos, l->sep, (size_t)l->sep_len); } \
            bpos -= n_chars; dpos -= n_chars;                                 \
            memcpy(buf + bpos, digits + dpos, (size_t)n_chars);               \
            if (n_zeros) { bpos -= n_zeros; memset(buf + bpos, '0', (size_t)n_zeros); } \
        }                                                                     \
    } while (0)
    for (;;) {
        if (*g == 0) len = previous;
        else if ((unsigned char)*g == CHAR_MAX) len = 0;
        else { len = previous = *g; g++; }
        if (len <= 0) break;
        len = MIN(len, MAX(MAX(remaining, min_width), 1));
        n_zeros = MAX(0, len - remaining);
        n_chars = MAX(0, MIN(remaining, len));
        count += (use_sep ? l->sep_len : 0) + n_zeros + n_chars;
        GROUP_FILL();
        use_sep = 1;
        remaining -= n_chars;
        min_width -= len;
        if (remaining <= 0 && min_width <= 0) { broken = 1; break; }
        min_width -= l->sep_len;
    }
    if (!broken) {
        len = MAX(MAX(remaining, min_width), 1);
        n_zeros = MAX(0, len - remaining);
        n_chars = MAX(0, MIN(remaining, len));
        count += (use_sep ? l->sep_len : 0) + n_zeros + n_chars;
        GROUP_FILL();
    }
#undef GROUP_FILL
    return count;
}

typedef struct {
    int64_t n_lpadding, n_prefix, n_spadding, n_rpadding;
    char sign;
    int64_t n_sign, n_grouped_digits, n_decimal, n_remainder, n_digits, n_min_width;
} widths_t;

/* calc_number_widths: n_number is the count of characters of the number
 * after the sign (digits, decimal point and remainder). */
static void calc_number_widths(widths_t *w, int64_t n_prefix, char sign_char, int64_t n_number,
                               int64_t n_remainder, int has_decimal, const locale_t *l,
                               const spec_t *f) {
    w->n_digits = n_number - n_remainder - (has_decimal ? 1 : 0);
    w->n_lpadding = w->n_spadding = w->n_rpadding = 0;
    w->n_prefix = n_prefix;
    w->n_decimal = has_decimal ? 1 : 0;
    w->n_remainder = n_remainder;
    w->sign = 0;
    w->n_sign = 0;
    switch (f->sign) {
    case '+': w->n_sign = 1; w->sign = sign_char == '-' ? '-' : '+'; break;
    case ' ': w->n_sign = 1; w->sign = sign_char == '-' ? '-' : ' '; break;
    default:
        if (sign_char == '-') { w->n_sign = 1; w->sign = '-'; }
    }
    int64_t n_non_digit = w->n_sign + w->n_prefix + w->n_decimal + w->n_remainder;
    w->n_min_width = (f->fill == '0' && f->align == '=') ? f->width - n_non_digit : 0;
    w->n_grouped_digits = w->n_digits == 0 ? 0
        : insert_grouping(NULL, 0, NULL, w->n_digits, w->n_min_width, l);
    int64_t n_padding = f->width - (n_non_digit + w->n_grouped_digits);
    if (n_padding > 0) {
        switch (f->align) {
        case '<': w->n_rpadding = n_padding; break;
        case '^': w->n_lpadding = n_padding / 2; w->n_rpadding = n_padding - w->n_lpadding; break;
        case '=': w->n_spadding = n_padding; break;
        default: w->n_lpadding = n_padding; break;
        }
    }
}

static void ascii_upper(char *s, int64_t n) {
    for (int64_t i = 0; i < n; i++) if (s[i] >= 'a' && s[i] <= 'z') s[i] = (char)(s[i] - 32);
}

/* fill_number: digits points at the digits (ASCII), followed by the decimal
 * point and the remainder (remainder_bytes of UTF-8). */
static int32_t fill_number(pjx_strbuf *out, const widths_t *w, const char *digits,
                           const char *remainder, int64_t remainder_bytes, const char *prefix,
                           uint32_t fill, const locale_t *l, int toupper) {
    if (append_repeat(out, fill, w->n_lpadding) < 0) return -1;
    if (w->n_sign && pjx_strbuf_append(out, &w->sign, 1) < 0) return -1;
    if (w->n_prefix) {
        char p[4];
        memcpy(p, prefix, (size_t)w->n_prefix);
        if (toupper) ascii_upper(p, w->n_prefix);
        if (pjx_strbuf_append(out, p, w->n_prefix) < 0) return -1;
    }
    if (append_repeat(out, fill, w->n_spadding) < 0) return -1;
    if (w->n_digits) {
        if (pjx_strbuf_reserve(out, w->n_grouped_digits) < 0) return -1;
        char *dst = out->data + out->size;
        insert_grouping(dst, w->n_grouped_digits, digits, w->n_digits, w->n_min_width, l);
        if (toupper) ascii_upper(dst, w->n_grouped_digits);
        out->size += w->n_grouped_digits;
    }
    if (w->n_decimal && pjx_strbuf_append(out, ".", 1) < 0) return -1;
    if (remainder_bytes && pjx_strbuf_append(out, remainder, remainder_bytes) < 0) return -1;
    if (append_repeat(out, fill, w->n_rpadding) < 0) return -1;
    return 0;
}

/* Digits of |v| in base 2, 8, 10 or 16 (lowercase) at the end of buf[66];
 * returns the start. */
static char *uint_digits(uint64_t m, int base, char *end) {
    char *p = end;
    do { *--p = "0123456789abcdef"[m % (uint64_t)base]; m /= (uint64_t)base; } while (m);
    return p;
}

static uint64_t magnitude(int64_t v) { return v < 0 ? 0 - (uint64_t)v : (uint64_t)v; }

/* format_long_internal */
static int32_t format_long(pjx_strbuf *out, int64_t v, const spec_t *f) {
    if (f->precision != -1) {
        pjx_err_set(PJX_EXC_VALUE, "Precision not allowed in integer format specifier");
        return -1;
    }
    if (f->no_neg_0) {
        pjx_err_set(PJX_EXC_VALUE, "Negative zero coercion (z) not allowed in integer format specifier");
        return -1;
    }
    locale_t l;
    get_locale(f->type == 'n' ? 'L' : f->thousands, &l);
    widths_t w;
    if (f->type == 'c') {
        if (f->sign) {
            pjx_err_set(PJX_EXC_VALUE, "Sign not allowed with integer format specifier 'c'");
            return -1;
        }
        if (f->alternate) {
            pjx_err_set(PJX_EXC_VALUE, "Alternate form (#) not allowed with integer format specifier 'c'");
            return -1;
        }
        if (v < 0 || v > 0x10ffff) {
            pjx_err_set(PJX_EXC_OVERFLOW, "%c arg not in range(0x110000)");
            return -1;
        }
        if (reject_surrogate(v) < 0) return -1;
        char enc[4];
        int k = utf8_encode((uint32_t)v, enc);
        calc_number_widths(&w, 0, 0, 1, 1, 0, &l, f);
        return fill_number(out, &w, enc, enc, k, NULL, f->fill, &l, 0);
    }
    int base = 10;
    const char *prefix = "";
    switch (f->type) {
    case 'b': base = 2; prefix = "0b"; break;
    case 'o': base = 8; prefix = "0o"; break;
    case 'x': case 'X': base = 16; prefix = "0x"; break;
    }
    char buf[66];
    char *digits = uint_digits(magnitude(v), base, buf + sizeof buf);
    int64_t n = buf + sizeof buf - digits;
    calc_number_widths(&w, f->alternate ? (int64_t)strlen(prefix) : 0, v < 0 ? '-' : 0, n, 0, 0,
                       &l, f);
    return fill_number(out, &w, digits, NULL, 0, prefix, f->fill, &l, f->type == 'X');
}

/* format_float_internal */
static int32_t format_float(pjx_strbuf *out, double val, const spec_t *f) {
    int type = (int)f->type, flags = 0, add_pct = 0;
    int64_t precision = f->precision, default_precision = 6;
    if (precision > INT_MAX) {
        pjx_err_set(PJX_EXC_VALUE, "precision too big");
        return -1;
    }
    if (f->alternate) flags |= DTSF_ALT;
    if (f->no_neg_0) flags |= DTSF_NO_NEG_0;
    if (type == 0) {
        flags |= DTSF_ADD_DOT_0;
        type = 'r';
        default_precision = 0;
    }
    if (type == 'n') type = 'g';
    if (type == '%') {
        type = 'f';
        val *= 100;
        add_pct = 1;
    }
    if (precision < 0) precision = default_precision;
    else if (type == 'r') type = 'g';
    pjx_strbuf tmp;
    pjx_strbuf_init(&tmp);
    int32_t rc = -1;
    if (double_to_string(&tmp, val, type, precision, flags) < 0) goto done;
    if (add_pct && pjx_strbuf_append(&tmp, "%", 1) < 0) goto done;
    const char *s = tmp.data;
    int64_t n = tmp.size;
    char sign_char = 0;
    if (n && s[0] == '-') { sign_char = '-'; s++; n--; }
    int64_t pos = 0;
    while (pos < n && s[pos] >= '0' && s[pos] <= '9') pos++;
    int has_decimal = pos < n && s[pos] == '.';
    int64_t rem_start = pos + (has_decimal ? 1 : 0);
    locale_t l;
    get_locale(f->type == 'n' ? 'L' : f->thousands, &l);
    widths_t w;
    calc_number_widths(&w, 0, sign_char, n, n - rem_start, has_decimal, &l, f);
    rc = fill_number(out, &w, s, s + rem_start, n - rem_start, NULL, f->fill, &l, 0);
done:
    pjx_strbuf_release(&tmp);
    return rc;
}

static pjx_str *finish(pjx_strbuf *b, int32_t rc) {
    if (rc < 0) {
        pjx_strbuf_release(b);
        return NULL;
    }
    return pjx_strbuf_finish(b);
}

static pjx_str *format_int_like(int64_t v, pjx_str *spec, const char *type_name) {
    spec_t f;
    if (parse_spec(spec, 'd', '>', type_name, &f) < 0) return NULL;
    pjx_strbuf b;
    pjx_strbuf_init(&b);
    int32_t rc;
    switch (f.type) {
    case 'b': case 'c': case 'd': case 'o': case 'x': case 'X': case 'n':
        rc = format_long(&b, v, &f);
        break;
    case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case '%':
        rc = format_float(&b, (double)v, &f);
        break;
    default:
        unknown_presentation_type(f.type, type_name);
        rc = -1;
    }
    return finish(&b, rc);
}

pjx_str *pjx_format_int(int64_t v, pjx_str *spec) {
    if (spec->length == 0) return pjx_int_repr(v);
    return format_int_like(v, spec, "int");
}

pjx_str *pjx_format_bool(int64_t v, pjx_str *spec) {
    if (spec->length == 0) return pjx_bool_to_str(v);
    return format_int_like(v != 0, spec, "bool");
}

pjx_str *pjx_format_float(double v, pjx_str *spec) {
    if (spec->length == 0) return pjx_float_repr(v);
    spec_t f;
    if (parse_spec(spec, 0, '>', "float", &f) < 0) return NULL;
    switch (f.type) {
    case 0: case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case 'n': case '%': {
        pjx_strbuf b;
        pjx_strbuf_init(&b);
        return finish(&b, format_float(&b, v, &f));
    }
    default:
        unknown_presentation_type(f.type, "float");
        return NULL;
    }
}

pjx_str *pjx_format_str(pjx_str *v, pjx_str *spec) {
    if (spec->length == 0) {
        pjx_incref(v);
        return v;
    }
    spec_t f;
    if (parse_spec(spec, 's', '<', "str", &f) < 0) return NULL;
    if (f.type != 's') {
        unknown_presentation_type(f.type, "str");
        return NULL;
    }
    if (f.sign) {
        pjx_err_set(PJX_EXC_VALUE, f.sign == ' ' ? "Space not allowed in string format specifier"
                                                 : "Sign not allowed in string format specifier");
        return NULL;
    }
    if (f.no_neg_0) {
        pjx_err_set(PJX_EXC_VALUE, "Negative zero coercion (z) not allowed in string format specifier");
        return NULL;
    }
    if (f.alternate) {
        pjx_err_set(PJX_EXC_VALUE, "Alternate form (#) not allowed in string format specifier");
        return NULL;
    }
    if (f.align == '=') {
        pjx_err_set(PJX_EXC_VALUE, "'=' alignment not allowed in string format specifier");
        return NULL;
    }
    int64_t len = v->length;
    if ((f.width == -1 || f.width <= len) && (f.precision == -1 || f.precision >= len)) {
        pjx_incref(v);
        return v;
    }
    if (f.precision >= 0 && len >= f.precision) len = f.precision;
    int64_t total = f.width >= 0 && f.width > len ? f.width : len;
    int64_t lpad = f.align == '>' ? total - len : f.align == '^' ? (total - len) / 2 : 0;
    int64_t rpad = total - len - lpad;
    pjx_strbuf b;
    pjx_strbuf_init(&b);
    int32_t rc = append_repeat(&b, f.fill, lpad);
    if (rc == 0) rc = pjx_strbuf_append(&b, v->data, utf8_offset(v->data, v->nbytes, len));
    if (rc == 0) rc = append_repeat(&b, f.fill, rpad);
    return finish(&b, rc);
}

/* ---- printf-style '%' conversions (unicodeobject.c) ----------------------- */

/* unicode_format_arg_output: pads/signs one converted argument `text`
 * (UTF-8, `length` code points).  `sign` is set for numeric conversions. */
static int32_t percent_output(pjx_strbuf *out, const char *data, int64_t nbytes, int64_t length,
                              int32_t flags, int64_t width, int64_t prec, int conv, int sign) {
    uint32_t fill = (sign && (flags & PJX_PCT_ZERO)) ? '0' : ' ';
    int64_t len = length;
    if (width < 0) width = -1;
    if (prec < 0) prec = -1;
    if ((width == -1 || width <= len) && (prec == -1 || prec >= len) &&
        !(flags & (PJX_PCT_SIGN | PJX_PCT_BLANK)))
        return pjx_strbuf_append(out, data, nbytes);
    if ((conv == 's' || conv == 'r' || conv == 'a') && prec >= 0 && len > prec) len = prec;
    int64_t pindex = 0; /* bytes: everything before it is ASCII */
    char signchar = 0;
    if (sign) {
        char ch = len > 0 ? data[0] : 0;
        if (ch == '-' || ch == '+') { signchar = ch; len--; pindex++; }
        else if (flags & PJX_PCT_SIGN) signchar = '+';
        else if (flags & PJX_PCT_BLANK) signchar = ' ';
        else sign = 0;
    }
    if (width < len) width = len;
    int alt_prefix = (flags & PJX_PCT_ALT) && (conv == 'x' || conv == 'X' || conv == 'o');
    if (sign) {
        if (fill != ' ' && pjx_strbuf_append(out, &signchar, 1) < 0) return -1;
        if (width > len) width--;
    }
    if (alt_prefix) {
        if (fill != ' ') {
            if (pjx_strbuf_append(out, data + pindex, 2) < 0) return -1;
            pindex += 2;
        }
        width -= 2;
        if (width < 0) width = 0;
        len -= 2;
    }
    if (width > len && !(flags & PJX_PCT_LJUST)) {
        if (append_repeat(out, fill, width - len) < 0) return -1;
        width = len;
    }
    if (fill == ' ') {
        if (sign && pjx_strbuf_append(out, &signchar, 1) < 0) return -1;
        if (alt_prefix) {
            if (pjx_strbuf_append(out, data + pindex, 2) < 0) return -1;
            pindex += 2;
        }
    }
    if (len > 0 &&
        pjx_strbuf_append(out, data + pindex, utf8_offset(data + pindex, nbytes - pindex, len)) < 0)
        return -1;
    if (width > len && append_repeat(out, ' ', width - len) < 0) return -1;
    return 0;
}

/* _PyUnicode_FormatLong then the output: digits are the magnitude's. */
static pjx_str *percent_long(int neg, const char *digits, int64_t ndigits, int32_t flags,
                             int64_t width, int64_t prec, int conv) {
    pjx_strbuf t, b;
    pjx_strbuf_init(&t);
    pjx_strbuf_init(&b);
    int32_t rc = 0;
    if (neg) rc = pjx_strbuf_append(&t, "-", 1);
    if (rc == 0 && (flags & PJX_PCT_ALT) && (conv == 'o' || conv == 'x' || conv == 'X'))
        rc = pjx_strbuf_append(&t, conv == 'o' ? "0o" : "0x", 2);
    if (rc == 0 && prec > ndigits) rc = append_repeat(&t, '0', prec - ndigits);
    if (rc == 0) rc = pjx_strbuf_append(&t, digits, ndigits);
    if (rc == 0 && conv == 'X') ascii_upper(t.data, t.size);
    if (rc == 0) rc = percent_output(&b, t.data, t.size, t.size, flags, width, prec, conv, 1);
    pjx_strbuf_release(&t);
    return finish(&b, rc);
}

static pjx_str *percent_int_digits(int64_t v, int32_t flags, int64_t width, int64_t prec, int conv) {
    char buf[66];
    int base = conv == 'o' ? 8 : (conv == 'x' || conv == 'X') ? 16 : 10;
    char *d = uint_digits(magnitude(v), base, buf + sizeof buf);
    return percent_long(v < 0, d, buf + sizeof buf - d, flags, width, prec, conv);
}

static pjx_str *percent_float_conv(double v, int32_t flags, int64_t width, int64_t prec, int conv) {
    pjx_strbuf t, b;
    pjx_strbuf_init(&t);
    pjx_strbuf_init(&b);
    int32_t rc = double_to_string(&t, v, conv, prec < 0 ? 6 : prec,
                                  (flags & PJX_PCT_ALT) ? DTSF_ALT : 0);
    if (rc == 0) rc = percent_output(&b, t.data, t.size, t.size, flags, width, prec, conv, 1);
    pjx_strbuf_release(&t);
    return finish(&b, rc);
}

/* A converted text (%s/%r/%a/%c): no sign handling. */
static pjx_str *percent_text(pjx_str *text, int32_t flags, int64_t width, int64_t prec, int conv) {
    if (text == NULL) return NULL;
    pjx_strbuf b;
    pjx_strbuf_init(&b);
    int32_t rc = percent_output(&b, text->data, text->nbytes, text->length, flags, width, prec, conv, 0);
    return finish(&b, rc);
}

static pjx_str *percent_text_steal(pjx_str *text, int32_t flags, int64_t width, int64_t prec, int conv) {
    pjx_str *r = percent_text(text, flags, width, prec, conv);
    pjx_decref(text);
    return r;
}

static pjx_str *percent_char(int64_t v, int32_t flags, int64_t width, int64_t prec) {
    if (v < 0 || v > 0x10ffff) {
        pjx_err_set(PJX_EXC_OVERFLOW, "%c arg not in range(0x110000)");
        return NULL;
    }
    if (reject_surrogate(v) < 0) return NULL;
    char enc[4];
    int k = utf8_encode((uint32_t)v, enc);
    pjx_strbuf b;
    pjx_strbuf_init(&b);
    return finish(&b, percent_output(&b, enc, k, 1, flags, width, prec, 'c', 0));
}

static void percent_type_error(int conv, const char *type_name) {
    if (conv == 'o' || conv == 'x' || conv == 'X')
        pjx_err_format(PJX_EXC_TYPE, "%%%c format: an integer is required, not %.200s", conv, type_name);
    else
        pjx_err_format(PJX_EXC_TYPE, "%%%c format: a real number is required, not %.200s", conv, type_name);
}

static pjx_str *bad_conversion(int conv) {
    pjx_err_format(PJX_EXC_VALUE, "unsupported format character '%c' (0x%x)", conv, (unsigned)conv);
    return NULL;
}

pjx_str *pjx_percent_format_int(int64_t v, int32_t flags, int64_t width, int64_t prec, int32_t conv) {
    switch (conv) {
    case 'd': case 'i': case 'u': case 'o': case 'x': case 'X':
        return percent_int_digits(v, flags, width, prec, conv);
    case 'e': case 'E': case 'f': case 'F': case 'g': case 'G':
        return percent_float_conv((double)v, flags, width, prec, conv);
    case 's': case 'r': case 'a':
        return percent_text_steal(pjx_int_repr(v), flags, width, prec, conv);
    case 'c':
        return percent_char(v, flags, width, prec);
    default:
        return bad_conversion(conv);
    }
}

pjx_str *pjx_percent_format_bool(int64_t v, int32_t flags, int64_t width, int64_t prec, int32_t conv) {
    if (conv == 's' || conv == 'r' || conv == 'a')
        return percent_text_steal(pjx_bool_to_str(v), flags, width, prec, conv);
    return pjx_percent_format_int(v != 0, flags, width, prec, conv);
}

pjx_str *pjx_percent_format_float(double v, int32_t flags, int64_t width, int64_t prec, int32_t conv) {
    switch (conv) {
    case 'd': case 'i': case 'u': {
        if (isinf(v)) {
            pjx_err_set(PJX_EXC_OVERFLOW, "cannot convert float infinity to integer");
            return NULL;
        }
        if (isnan(v)) {
            pjx_err_set(PJX_EXC_VALUE, "cannot convert float NaN to integer");
            return NULL;
        }
        double t = trunc(v);
        /* the exact decimal digits of the integral value (up to 309) */
        char buf[400];
        int n = snprintf(buf, sizeof buf, "%.0f", fabs(t));
        return percent_long(t < 0, buf, n, flags, width, prec, conv);
    }
    case 'o': case 'x': case 'X':
        percent_type_error(conv, "float");
        return NULL;
    case 'e': case 'E': case 'f': case 'F': case 'g': case 'G':
        return percent_float_conv(v, flags, width, prec, conv);
    case 's': case 'r': case 'a':
        return percent_text_steal(pjx_float_repr(v), flags, width, prec, conv);
    case 'c':
        pjx_err_set(PJX_EXC_TYPE, "%c requires int or char");
        return NULL;
    default:
        return bad_conversion(conv);
    }
}

pjx_str *pjx_percent_format_str(pjx_str *v, int32_t flags, int64_t width, int64_t prec, int32_t conv) {
    switch (conv) {
    case 's':
        return percent_text(v, flags, width, prec, conv);
    case 'r':
        return percent_text_steal(pjx_str_repr(v), flags, width, prec, conv);
    case 'a':
        return percent_text_steal(pjx_str_ascii(v), flags, width, prec, conv);
    case 'c':
        if (v->length != 1) {
            pjx_err_set(PJX_EXC_TYPE, "%c requires int or char");
            return NULL;
        }
        return percent_text(v, flags, width, prec, conv);
    case 'd': case 'i': case 'u': case 'o': case 'x': case 'X':
        percent_type_error(conv, "str");
        return NULL;
    case 'e': case 'E': case 'f': case 'F': case 'g': case 'G':
        pjx_err_set(PJX_EXC_TYPE, "must be real number, not str");
        return NULL;
    default:
        return bad_conversion(conv);
    }
}

pjx_str *pjx_percent_pad_text(pjx_str *text, int32_t flags, int64_t width, int64_t prec) {
    return percent_text(text, flags, width, prec, 's');
}

pjx_str *pjx_ascii_escape(pjx_str *text) {
    if (text->ob.flags & PJX_STR_ASCII) {
        pjx_incref(&text->ob);
        return text;
    }
    pjx_strbuf b;
    pjx_strbuf_init(&b);
    int32_t rc = 0;
    for (int64_t i = 0; i < text->nbytes && rc == 0;) {
        uint32_t c;
        i += utf8_next((const unsigned char *)text->data + i, &c);
        char esc[12];
        int n;
        if (c < 0x80) { esc[0] = (char)c; n = 1; }
        else if (c < 0x100) n = snprintf(esc, sizeof esc, "\\x%02x", c);
        else if (c < 0x10000) n = snprintf(esc, sizeof esc, "\\u%04x", c);
        else n = snprintf(esc, sizeof esc, "\\U%08x", c);
        rc = pjx_strbuf_append(&b, esc, n);
    }
    return finish(&b, rc);
}

pjx_str *pjx_str_ascii(pjx_str *s) {
    pjx_str *r = pjx_str_repr(s);
    if (r == NULL) return NULL;
    pjx_str *a = pjx_ascii_escape(r);
    pjx_decref(r);
    return a;
}

/* ---- parsing: int(s, base), float(s) -------------------------------------- */

/* _PyUnicode_TransformDecimalAndSpaceToASCII: ASCII stays, Unicode spaces
 * become ' ', decimal digits their ASCII digit, and the first other
 * character becomes '?' (and ends the text).  Returns a NUL-terminated
 * buffer (pjx_alloc'd when larger than `small`), length in *n. */
static char *to_ascii(const pjx_str *s, char *small, size_t small_size, int64_t *n) {
    char *out = small;
    if ((size_t)s->length + 1 > small_size) {
        out = pjx_alloc((size_t)s->length + 1);
        if (out == NULL) return NULL;
    }
    int64_t k = 0;
    for (int64_t i = 0; i < s->nbytes;) {
        uint32_t c;
        i += utf8_next((const unsigned char *)s->data + i, &c);
        if (c < 127) out[k++] = (char)c;
        else if (unicode_isspace(c)) out[k++] = ' ';
        else {
            int d = unicode_decimal(c);
            if (d < 0) { out[k++] = '?'; break; }
            out[k++] = (char)('0' + d);
        }
    }
    out[k] = '\0';
    *n = k;
    return out;
}

static int ascii_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

static int digit_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'z') return c - 'a' + 10;
    if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
    return 37;
}

#define BIG_INT_MESSAGE "int too large for pyjitx int (64-bit signed)"
#define MAX_STR_DIGITS 4300

static int digit_limit_error(int64_t digits) {
    pjx_err_format(PJX_EXC_VALUE,
                   PJX_PY_AT_LEAST(3, 11)
                       ? "Exceeds the limit (%d digits) for integer string conversion: value has "
                         "%" PRId64 " digits; use sys.set_int_max_str_digits() to increase the limit"
                       : "Exceeds the limit (%d) for integer string conversion: value has "
                         "%" PRId64 " digits; use sys.set_int_max_str_digits() to increase the limit",
                   MAX_STR_DIGITS, digits);
    return -1;
}

/* PyLong_FromString over the transformed text: 0 ok, 1 syntax error, -1
 * other error set. */
static int parse_long(const char *str, int64_t nbytes, int base, int64_t *out) {
    const char *end_all = str + nbytes;
    int neg = 0, error_if_nonzero = 0;
    while (*str && ascii_space(*str)) str++;
    if (*str == '+') str++;
    else if (*str == '-') { str++; neg = 1; }
    if (base == 0) {
        if (str[0] != '0') base = 10;
        else if (str[1] == 'x' || str[1] == 'X') base = 16;
        else if (str[1] == 'o' || str[1] == 'O') base = 8;
        else if (str[1] == 'b' || str[1] == 'B') base = 2;
        else { error_if_nonzero = 1; base = 10; }
    }
    if (str[0] == '0' && ((base == 16 && (str[1] == 'x' || str[1] == 'X')) ||
                          (base == 8 && (str[1] == 'o' || str[1] == 'O')) ||
                          (base == 2 && (str[1] == 'b' || str[1] == 'B')))) {
        str += 2;
        if (*str == '_') str++;
    }
    if (str[0] == '_') return 1;
    const char *start = str;
    uint64_t acc = 0;
    int overflow = 0;
    int64_t digits = 0;
    char prev = 0;
    /* digits and single underscores between digits */
    while (digit_value(*str) < base || *str == '_') {
        if (*str == '_') {
            if (prev == '_') return 1;
        } else {
            int d = digit_value(*str);
            digits++;
            if (acc > (UINT64_MAX - (uint64_t)d) / (uint64_t)base) overflow = 1;
            else acc = acc * (uint64_t)base + (uint64_t)d;
        }
        prev = *str;
        str++;
    }
    if (prev == '_') return 1;
    /* CPython's limit on decimal digits (not for power-of-two bases):
     * checked as soon as the digits are read before 3.12, after the whole
     * text is found valid since */
    const int too_long = (base & (base - 1)) != 0 && digits > MAX_STR_DIGITS;
    if (!PJX_PY_AT_LEAST(3, 12) && too_long) return digit_limit_error(digits);
    if (error_if_nonzero && (acc != 0 || overflow)) return 1;
    if (str == start) return 1;
    while (*str && ascii_space(*str)) str++;
    if (str != end_all) return 1;
    if (too_long) return digit_limit_error(digits);
    if (overflow || acc > (uint64_t)INT64_MAX + (neg ? 1u : 0u)) {
        pjx_err_set(PJX_EXC_OVERFLOW, BIG_INT_MESSAGE);
        return -1;
    }
    *out = neg ? (int64_t)(0 - acc) : (int64_t)acc;
    return 0;
}

/* %.200R of s */
static void invalid_literal(pjx_str *s, int64_t base) {
    pjx_str *r = pjx_str_repr(s);
    if (r == NULL) return;
    int64_t cut = r->length > 200 ? utf8_offset(r->data, r->nbytes, 200) : r->nbytes;
    pjx_err_format(PJX_EXC_VALUE, "invalid literal for int() with base %d: %.*s", (int)base,
                   (int)cut, r->data);
    pjx_decref(r);
}

int32_t pjx_str_to_int(pjx_str *s, int64_t base, int64_t *out) {
    if ((base != 0 && base < 2) || base > 36) {
        pjx_err_set(PJX_EXC_VALUE, "int() base must be >= 2 and <= 36, or 0");
        return -1;
    }
    char small[128];
    int64_t n;
    char *text = to_ascii(s, small, sizeof small, &n);
    if (text == NULL) return -1;
    int rc = parse_long(text, n, (int)base, out);
    if (text != small) pjx_free(text);
    if (rc == 1) invalid_literal(s, base);
    return rc == 0 ? 0 : -1;
}

static int match_nocase(const char *s, const char *word) {
    for (; *word; s++, word++) if (*s == 0 || (*s | 0x20) != *word) return 0;
    return 1;
}

/* float_from_string_inner on the underscore-free text [s, last). */
static int parse_double(const char *s, const char *last, double *out) {
    while (s < last && ascii_space(*s)) s++;
    if (s == last) return 1;
    while (s < last - 1 && ascii_space(last[-1])) last--;
    /* _Py_dg_strtod syntax: sign? (digits ('.' digits?)? | '.' digits) ([eE] sign? digits)? */
    const char *p = s;
    if (*p == '+' || *p == '-') p++;
    const char *mant = p;
    int nd = 0;
    while (p < last && *p >= '0' && *p <= '9') { p++; nd++; }
    if (p < last && *p == '.') {
        p++;
        while (p < last && *p >= '0' && *p <= '9') { p++; nd++; }
    }
    if (nd == 0) {
        /* _Py_parse_inf_or_nan */
        p = mant;
        int neg = s[0] == '-';
        double v;
        if (match_nocase(p, "inf")) {
            p += 3;
            if (match_nocase(p, "inity")) p += 5;
            v = neg ? -INFINITY : INFINITY;
        } else if (match_nocase(p, "nan")) {
            p += 3;
            v = neg ? -NAN : NAN;
        } else return 1;
        if (p != last) return 1;
        *out = v;
        return 0;
    }
    (void)mant;
    if (p < last && (*p == 'e' || *p == 'E')) {
        const char *q = p + 1;
        if (q < last && (*q == '+' || *q == '-')) q++;
        const char *digits = q;
        while (q < last && *q >= '0' && *q <= '9') q++;
        if (q > digits) p = q;
    }
    if (p != last) return 1;
    /* glibc's strtod is correctly rounded; the syntax is already checked
     * (so no hex floats, no "nan(...)") */
    char small[128];
    size_t len = (size_t)(last - s);
    char *copy = small;
    if (len + 1 > sizeof small) {
        copy = pjx_alloc(len + 1);
        if (copy == NULL) return -1;
    }
    memcpy(copy, s, len);
    copy[len] = '\0';
    *out = strtod(copy, NULL);
    if (copy != small) pjx_free(copy);
    return 0;
}

/* float() of ASCII text (Unicode digits and spaces already mapped, or
 * the bytes of a bytes object): 0, or 1 for a syntax error.  `text` is
 * NUL-terminated and may be rewritten (underscores). */
static int parse_float_text(char *text, int64_t n, double *out) {
    if (strchr(text, '_') == NULL) return parse_double(text, text + n, out);
    /* _Py_string_to_number_with_underscores: only between digits */
    char prev = 0;
    int64_t k = 0, i = 0;
    for (; text[i]; i++) {
        char c = text[i];
        if (c == '_') {
            if (!(prev >= '0' && prev <= '9')) return 1;
        } else {
            text[k++] = c;
            if (prev == '_' && !(c >= '0' && c <= '9')) return 1;
        }
        prev = c;
    }
    if (prev == '_' || i != n) return 1;
    text[k] = '\0';
    return parse_double(text, text + k, out);
}

int32_t pjx_str_to_float(pjx_str *s, double *out) {
    char small[128];
    int64_t n;
    char *text = to_ascii(s, small, sizeof small, &n);
    if (text == NULL) return -1;
    int rc = parse_float_text(text, n, out);
    if (text != small) pjx_free(text);
    if (rc == 1) {
        pjx_str *r = pjx_str_repr(s);
        if (r == NULL) return -1;
        pjx_err_format(PJX_EXC_VALUE, "could not convert string to float: %s", r->data);
        pjx_decref(r);
    }
    return rc == 0 ? 0 : -1;
}

/* int() and float() of bytes read them as ASCII text, as CPython does: any
 * other byte (and NUL) is a syntax error, whose message shows the bytes'
 * repr.  The text is copied NUL-terminated into small[] or the heap. */
static char *bytes_text(const pjx_bytes *b, char *small, size_t size, int *valid) {
    char *text = (size_t)b->size + 1 <= size ? small : pjx_alloc((size_t)b->size + 1);
    if (text == NULL) return NULL;
    *valid = 1;
    for (int64_t i = 0; i < b->size; i++) {
        unsigned char c = (unsigned char)b->data[i];
        if (c == 0 || c >= 0x80) *valid = 0;
        text[i] = (char)c;
    }
    text[b->size] = '\0';
    return text;
}

static void bytes_syntax_error(pjx_bytes *b, const char *format, int64_t base) {
    pjx_str *r = pjx_bytes_repr(b);
    if (r == NULL) return;
    int64_t cut = r->length > 200 ? utf8_offset(r->data, r->nbytes, 200) : r->nbytes;
    if (base >= 0)
        pjx_err_format(PJX_EXC_VALUE, format, (int)base, (int)cut, r->data);
    else
        pjx_err_format(PJX_EXC_VALUE, format, r->data);
    pjx_decref(r);
}

int32_t pjx_bytes_to_int(pjx_bytes *b, int64_t base, int64_t *out) {
    if ((base != 0 && base < 2) || base > 36) {
        pjx_err_set(PJX_EXC_VALUE, "int() base must be >= 2 and <= 36, or 0");
        return -1;
    }
    char small[128];
    int valid;
    char *text = bytes_text(b, small, sizeof small, &valid);
    if (text == NULL) return -1;
    int rc = valid ? parse_long(text, b->size, (int)base, out) : 1;
    if (text != small) pjx_free(text);
    if (rc == 1) bytes_syntax_error(b, "invalid literal for int() with base %d: %.*s", base);
    return rc == 0 ? 0 : -1;
}

int32_t pjx_bytes_to_float(pjx_bytes *b, double *out) {
    char small[128];
    int valid;
    char *text = bytes_text(b, small, sizeof small, &valid);
    if (text == NULL) return -1;
    int rc = valid ? parse_float_text(text, b->size, out) : 1;
    if (text != small) pjx_free(text);
    if (rc == 1) bytes_syntax_error(b, "could not convert string to float: %s", -1);
    return rc == 0 ? 0 : -1;
}
