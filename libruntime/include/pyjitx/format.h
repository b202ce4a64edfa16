/* pyjitx runtime: numbers <-> text, exactly as CPython 3.11 prints and
 * parses them (format.c).
 *
 * Ownership follows object.h: arguments are borrowed; string results are
 * new references, NULL with the exception set (ValueError, TypeError,
 * OverflowError with CPython's messages).
 */
#ifndef PYJITX_FORMAT_H
#define PYJITX_FORMAT_H

#include "pyjitx/object.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- str() / repr() of scalars ------------------------------------------
 * repr(float): shortest round-trip digits, CPython's 'r' layout
 * ('1e+16', '1e-05', '-0.0', 'inf', 'nan'); str(float) is the same. */
PJX_EXPORT pjx_str *pjx_int_to_str(int64_t v);
PJX_EXPORT pjx_str *pjx_float_to_str(double v);
PJX_EXPORT pjx_str *pjx_bool_to_str(int64_t v); /* 'True' / 'False' */
/* str(float) under its runtime-internal name (not a JIT symbol) */
PJX_EXPORT pjx_str *pjx_float_str(double v);

/* ---- format(x, spec) / f"{x:spec}" ---------------------------------------
 * The full format-spec mini-language of int.__format__, float.__format__,
 * str.__format__ and bool (like int, except that an empty spec gives
 * 'True'/'False').  Errors are ValueError/OverflowError with CPython's
 * messages. */
PJX_EXPORT pjx_str *pjx_format_int(int64_t v, pjx_str *spec);
PJX_EXPORT pjx_str *pjx_format_float(double v, pjx_str *spec);
PJX_EXPORT pjx_str *pjx_format_str(pjx_str *v, pjx_str *spec);
PJX_EXPORT pjx_str *pjx_format_bool(int64_t v, pjx_str *spec);

/* ---- printf-style "%..." % args: one conversion spec ---------------------
 * flags: PJX_PCT_* bits; width < 0: none; precision < 0: none.  The caller
 * resolves '*' as CPython does: a negative '*' width sets PJX_PCT_LJUST and
 * is negated; a negative '*' precision becomes 0.  conv is the conversion
 * character: d i u o x X e E f F g G c s r a ('%%' is literal text, and
 * unknown conversion characters are a compile-time error of the caller).
 * Argument type errors are TypeError with CPython's message (e.g.
 * "%x format: an integer is required, not float"). */
#define PJX_PCT_LJUST 1  /* '-' */
#define PJX_PCT_SIGN 2   /* '+' */
#define PJX_PCT_BLANK 4  /* ' ' */
#define PJX_PCT_ALT 8    /* '#' */
#define PJX_PCT_ZERO 16  /* '0' */
PJX_EXPORT pjx_str *pjx_percent_format_int(int64_t v, int32_t flags, int64_t width,
                                           int64_t precision, int32_t conv);
PJX_EXPORT pjx_str *pjx_percent_format_float(double v, int32_t flags, int64_t width,
                                             int64_t precision, int32_t conv);
PJX_EXPORT pjx_str *pjx_percent_format_bool(int64_t v, int32_t flags, int64_t width,
                                            int64_t precision, int32_t conv);
PJX_EXPORT pjx_str *pjx_percent_format_str(pjx_str *v, int32_t flags, int64_t width,
                                           int64_t precision, int32_t conv);
/* %s / %r / %a of an already-converted text (e.g. str() or repr() of a
 * list, computed by the caller): only precision truncation and width
 * padding (PJX_PCT_LJUST) apply; the text is used as is. */
PJX_EXPORT pjx_str *pjx_percent_pad_text(pjx_str *text, int32_t flags, int64_t width,
                                         int64_t precision);

/* ---- parsing -------------------------------------------------------------
 * int(s, base) and float(s), CPython 3.11 rules (Unicode whitespace and
 * Unicode decimal digits, underscores, signs, base prefixes, 'inf'/'nan').
 * Valid literals beyond int64 raise OverflowError
 * "int too large for pyjitx int (64-bit signed)" (pyjitx's int is 64-bit). */
PJX_EXPORT int32_t pjx_str_to_int(pjx_str *s, int64_t base, int64_t *out);
PJX_EXPORT int32_t pjx_str_to_float(pjx_str *s, double *out);
/* int(b"12", base) and float(b"1.5"): bytes read as ASCII text */
PJX_EXPORT int32_t pjx_bytes_to_int(pjx_bytes *b, int64_t base, int64_t *out);
PJX_EXPORT int32_t pjx_bytes_to_float(pjx_bytes *b, double *out);

/* ascii(s) of a str: repr with non-ASCII characters escaped. */
PJX_EXPORT pjx_str *pjx_str_ascii(pjx_str *s);
/* The text with every non-ASCII character escaped as repr() escapes it
 * (\xhh, \uhhhh, \Uhhhhhhhh), nothing else changed: ascii(x) of a
 * non-str is this applied to repr(x). */
PJX_EXPORT pjx_str *pjx_ascii_escape(pjx_str *text);

#ifdef __cplusplus
}
#endif
#endif
