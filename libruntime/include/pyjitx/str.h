/* pyjitx runtime: str and bytes operations, identical to CPython's.
 *
 * Ownership follows object.h: arguments are borrowed, object results are new
 * references (NULL with the exception set).  Conventions of this header:
 *   - an absent optional int (Python None / not given) is INT64_MIN;
 *   - an absent optional str/bytes argument is NULL;
 *   - predicates and infallible searches return int64_t directly (0/1 for
 *     predicates); fallible scalar results use `int32_t f(..., T *out)`;
 *   - lists returned are PJX_KIND_OBJ lists of str (or bytes), tuples hold
 *     PJX_KIND_OBJ items.
 * Strings are valid UTF-8 and never contain surrogates (U+D800..U+DFFF):
 * chr() of a surrogate raises ValueError (see pjx_chr).
 *
 * Character properties and case mappings come from tables generated at
 * build time from the build interpreter (tools/gen_unicode_tables.py), so
 * every predicate and case map agrees with that CPython on every code point.
 */
#ifndef PYJITX_STR_H
#define PYJITX_STR_H

#include "pyjitx/object.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Unicode version of the tables, e.g. "14.0.0" (unicodedata.unidata_version). */
PJX_EXPORT extern const char pjx_unicode_version[];

/* Character property bits (pjx_str_char_flags). */
#define PJX_P_ALPHA 0x0001u
#define PJX_P_DECIMAL 0x0002u
#define PJX_P_DIGIT 0x0004u
#define PJX_P_NUMERIC 0x0008u
#define PJX_P_SPACE 0x0010u
#define PJX_P_UPPER 0x0020u
#define PJX_P_LOWER 0x0040u
#define PJX_P_TITLE 0x0080u
#define PJX_P_CASED 0x0100u
#define PJX_P_CASE_IGNORABLE 0x0200u
#define PJX_P_PRINTABLE 0x0400u
#define PJX_P_XID_START 0x0800u
#define PJX_P_XID_CONTINUE 0x1000u
#define PJX_P_LINEBREAK 0x2000u
/* The property bits of every character of s into out[0..length): the
 * lookups the predicates use (for tests and introspection). */
PJX_EXPORT void pjx_str_char_flags(pjx_str *s, uint16_t *out);

/* ---- str: core ----------------------------------------------------------- */
PJX_EXPORT int64_t pjx_str_hash(pjx_str *s);                    /* never -1; cached */
PJX_EXPORT int64_t pjx_str_eq(const pjx_str *a, const pjx_str *b); /* 0/1 */
PJX_EXPORT int64_t pjx_str_compare(const pjx_str *a, const pjx_str *b); /* -1/0/1 */
/* s[i]; IndexError 'string index out of range' */
PJX_EXPORT pjx_str *pjx_str_getitem(pjx_str *s, int64_t i);
/* s[start:stop:step], INT64_MIN = None; ValueError 'slice step cannot be zero' */
PJX_EXPORT pjx_str *pjx_str_slice(pjx_str *s, int64_t start, int64_t stop, int64_t step);
PJX_EXPORT pjx_str *pjx_str_concat(pjx_str *a, pjx_str *b);
PJX_EXPORT pjx_str *pjx_str_repeat(pjx_str *s, int64_t n); /* n <= 0: '' */
PJX_EXPORT int64_t pjx_str_contains(pjx_str *s, pjx_str *sub); /* sub in s */
/* Iteration: the character at byte offset *byte_pos as a 1-char string, and
 * *byte_pos advanced past it; NULL at the end (no exception).  Start at 0. */
PJX_EXPORT pjx_str *pjx_str_next_char(pjx_str *s, int64_t *byte_pos);
/* Byte offset of code point i (0 <= i <= length), via the lazy index. */
PJX_EXPORT int64_t pjx_str_byte_offset(pjx_str *s, int64_t i);
/* ord(s); TypeError 'ord() expected a character, but string of length N found' */
/* a + b + c in one allocation */
PJX_EXPORT pjx_str *pjx_str_concat3(pjx_str *a, pjx_str *b, pjx_str *c);
/* sep.join(s.split()) in one pass, without a string per word */
PJX_EXPORT pjx_str *pjx_str_join_split(pjx_str *sep, pjx_str *s);
/* `for w in s.split()` without a string per word: a scratch string with room
 * for any word of s, and the next word after byte `pos` copied into it
 * (returns the byte position after the word, -1 when there is none). */
PJX_EXPORT pjx_str *pjx_str_split_scratch(pjx_str *s);
PJX_EXPORT int64_t pjx_str_split_next(pjx_str *s, int64_t pos, pjx_str *w);
/* The immortal one-character strings of ASCII, by code (compiled code
 * iterating over a str takes them from here without a call). */
PJX_EXPORT extern pjx_str *const pjx_ascii_char_table[128];
/* The one-character string starting at byte offset byte_pos (iteration:
 * the next offset is byte_pos + the result's nbytes). */
PJX_EXPORT pjx_str *pjx_str_char_at_byte(pjx_str *s, int64_t byte_pos);
PJX_EXPORT int32_t pjx_str_ord(pjx_str *s, int64_t *out);
/* chr(i); ValueError 'chr() arg not in range(0x110000)' (OverflowError
 * outside the C int range, as CPython).  Deviation: a
 * surrogate code point raises ValueError (pyjitx strings are UTF-8). */
PJX_EXPORT pjx_str *pjx_chr(int64_t cp);
PJX_EXPORT pjx_str *pjx_str_repr(pjx_str *s);

/* ---- str: methods -------------------------------------------------------- */
/* split/rsplit: sep NULL splits on whitespace; maxsplit < 0 (or INT64_MIN)
 * means no limit; ValueError 'empty separator'. */
PJX_EXPORT pjx_list *pjx_str_split(pjx_str *s, pjx_str *sep, int64_t maxsplit);
PJX_EXPORT pjx_list *pjx_str_rsplit(pjx_str *s, pjx_str *sep, int64_t maxsplit);
PJX_EXPORT pjx_list *pjx_str_splitlines(pjx_str *s, int64_t keepends);
/* sep.join(items): items is a list of str */
PJX_EXPORT pjx_str *pjx_str_join(pjx_str *sep, pjx_list *items);
PJX_EXPORT pjx_str *pjx_str_strip(pjx_str *s, pjx_str *chars); /* chars NULL: whitespace */
PJX_EXPORT pjx_str *pjx_str_lstrip(pjx_str *s, pjx_str *chars);
PJX_EXPORT pjx_str *pjx_str_rstrip(pjx_str *s, pjx_str *chars);
PJX_EXPORT pjx_str *pjx_str_lower(pjx_str *s);
PJX_EXPORT pjx_str *pjx_str_upper(pjx_str *s);
PJX_EXPORT pjx_str *pjx_str_casefold(pjx_str *s);
PJX_EXPORT pjx_str *pjx_str_capitalize(pjx_str *s);
PJX_EXPORT pjx_str *pjx_str_title(pjx_str *s);
PJX_EXPORT pjx_str *pjx_str_swapcase(pjx_str *s);
/* count < 0 (or INT64_MIN): replace all */
PJX_EXPORT pjx_str *pjx_str_replace(pjx_str *s, pjx_str *old, pjx_str *new_, int64_t count);
/* start/end: INT64_MIN = None, clamped like a slice */
PJX_EXPORT int64_t pjx_str_find(pjx_str *s, pjx_str *sub, int64_t start, int64_t end);
PJX_EXPORT int64_t pjx_str_rfind(pjx_str *s, pjx_str *sub, int64_t start, int64_t end);
PJX_EXPORT int64_t pjx_str_count(pjx_str *s, pjx_str *sub, int64_t start, int64_t end);
/* ValueError 'substring not found' */
PJX_EXPORT int32_t pjx_str_index(pjx_str *s, pjx_str *sub, int64_t start, int64_t end, int64_t *out);
PJX_EXPORT int32_t pjx_str_rindex(pjx_str *s, pjx_str *sub, int64_t start, int64_t end, int64_t *out);
PJX_EXPORT int64_t pjx_str_startswith(pjx_str *s, pjx_str *prefix, int64_t start, int64_t end);
PJX_EXPORT int64_t pjx_str_endswith(pjx_str *s, pjx_str *suffix, int64_t start, int64_t end);
/* 3-tuples of str; ValueError 'empty separator' */
PJX_EXPORT pjx_tuple *pjx_str_partition(pjx_str *s, pjx_str *sep);
PJX_EXPORT pjx_tuple *pjx_str_rpartition(pjx_str *s, pjx_str *sep);
/* fillchar NULL = ' '; TypeError 'The fill character must be exactly one
 * character long' */
PJX_EXPORT pjx_str *pjx_str_center(pjx_str *s, int64_t width, pjx_str *fillchar);
PJX_EXPORT pjx_str *pjx_str_ljust(pjx_str *s, int64_t width, pjx_str *fillchar);
PJX_EXPORT pjx_str *pjx_str_rjust(pjx_str *s, int64_t width, pjx_str *fillchar);
PJX_EXPORT pjx_str *pjx_str_zfill(pjx_str *s, int64_t width);
PJX_EXPORT pjx_str *pjx_str_expandtabs(pjx_str *s, int64_t tabsize); /* INT64_MIN: 8 */
/* predicates: 0/1, CPython's rules for empty strings */
PJX_EXPORT int64_t pjx_str_isalpha(pjx_str *s);
PJX_EXPORT int64_t pjx_str_isalnum(pjx_str *s);
PJX_EXPORT int64_t pjx_str_isdecimal(pjx_str *s);
PJX_EXPORT int64_t pjx_str_isdigit(pjx_str *s);
PJX_EXPORT int64_t pjx_str_isnumeric(pjx_str *s);
PJX_EXPORT int64_t pjx_str_isspace(pjx_str *s);
PJX_EXPORT int64_t pjx_str_isupper(pjx_str *s);
PJX_EXPORT int64_t pjx_str_islower(pjx_str *s);
PJX_EXPORT int64_t pjx_str_istitle(pjx_str *s);
PJX_EXPORT int64_t pjx_str_isprintable(pjx_str *s);
PJX_EXPORT int64_t pjx_str_isidentifier(pjx_str *s);
PJX_EXPORT int64_t pjx_str_isascii(pjx_str *s);

/* ---- unicodedata (normalize.c) ------------------------------------------ */
/* unicodedata.normalize(form, s), form 'NFC', 'NFD', 'NFKC' or 'NFKD';
 * ValueError 'invalid normalization form'.  A string already in the form
 * by the quick check (every ASCII string) is returned itself. */
PJX_EXPORT pjx_str *pjx_str_normalize(pjx_str *form, pjx_str *s);
/* unicodedata.is_normalized(form, s): 0/1, -1 after ValueError */
PJX_EXPORT int32_t pjx_str_is_normalized(pjx_str *form, pjx_str *s);
/* unicodedata.category/combining/mirrored/east_asian_width/decomposition
 * of a one-character string; TypeError '<name>() argument must be a
 * unicode character, not str' for any other length */
PJX_EXPORT pjx_str *pjx_unicodedata_category(pjx_str *ch);
PJX_EXPORT int32_t pjx_unicodedata_combining(pjx_str *ch, int64_t *out);
PJX_EXPORT int32_t pjx_unicodedata_mirrored(pjx_str *ch, int64_t *out);
PJX_EXPORT pjx_str *pjx_unicodedata_east_asian_width(pjx_str *ch);
PJX_EXPORT pjx_str *pjx_unicodedata_decomposition(pjx_str *ch);

/* ---- codecs -------------------------------------------------------------- */
/* encoding NULL = 'utf-8'; also 'ascii' and 'latin-1' (with their aliases).
 * errors NULL = 'strict'.  Decoding supports strict, ignore, replace,
 * backslashreplace; 'surrogateescape'/'surrogatepass' would create
 * surrogates, which pyjitx strings cannot hold, so they raise like strict.
 * Errors are CPython's UnicodeDecodeError/UnicodeEncodeError messages;
 * LookupError for unknown encodings and (when an error occurs) handlers. */
PJX_EXPORT pjx_bytes *pjx_str_encode(pjx_str *s, pjx_str *encoding, pjx_str *errors);
PJX_EXPORT pjx_str *pjx_bytes_decode(pjx_bytes *b, pjx_str *encoding, pjx_str *errors);

/* ---- bytes --------------------------------------------------------------- */
PJX_EXPORT int64_t pjx_bytes_hash(pjx_bytes *b);
PJX_EXPORT int64_t pjx_bytes_eq(const pjx_bytes *a, const pjx_bytes *b);
PJX_EXPORT int64_t pjx_bytes_compare(const pjx_bytes *a, const pjx_bytes *b);
/* b[i] -> int; IndexError 'index out of range' */
PJX_EXPORT int32_t pjx_bytes_getitem(pjx_bytes *b, int64_t i, int64_t *out);
/* ord(b): the byte of a bytes object of length 1, else TypeError */
PJX_EXPORT int32_t pjx_bytes_ord(pjx_bytes *b, int64_t *out);
PJX_EXPORT pjx_bytes *pjx_bytes_slice(pjx_bytes *b, int64_t start, int64_t stop, int64_t step);
PJX_EXPORT pjx_bytes *pjx_bytes_concat(pjx_bytes *a, pjx_bytes *b);
PJX_EXPORT pjx_bytes *pjx_bytes_repeat(pjx_bytes *b, int64_t n);
PJX_EXPORT int64_t pjx_bytes_contains(pjx_bytes *b, pjx_bytes *sub);
/* int in b; ValueError 'byte must be in range(0, 256)' */
PJX_EXPORT int32_t pjx_bytes_contains_int(pjx_bytes *b, int64_t v, int64_t *out);
PJX_EXPORT int64_t pjx_bytes_find(pjx_bytes *b, pjx_bytes *sub, int64_t start, int64_t end);
PJX_EXPORT int64_t pjx_bytes_rfind(pjx_bytes *b, pjx_bytes *sub, int64_t start, int64_t end);
PJX_EXPORT int64_t pjx_bytes_count(pjx_bytes *b, pjx_bytes *sub, int64_t start, int64_t end);
/* ValueError 'subsection not found' */
PJX_EXPORT int32_t pjx_bytes_index(pjx_bytes *b, pjx_bytes *sub, int64_t start, int64_t end, int64_t *out);
PJX_EXPORT int64_t pjx_bytes_startswith(pjx_bytes *b, pjx_bytes *prefix, int64_t start, int64_t end);
PJX_EXPORT int64_t pjx_bytes_endswith(pjx_bytes *b, pjx_bytes *suffix, int64_t start, int64_t end);
PJX_EXPORT pjx_list *pjx_bytes_split(pjx_bytes *b, pjx_bytes *sep, int64_t maxsplit);
PJX_EXPORT pjx_list *pjx_bytes_rsplit(pjx_bytes *b, pjx_bytes *sep, int64_t maxsplit);
PJX_EXPORT pjx_bytes *pjx_bytes_strip(pjx_bytes *b, pjx_bytes *chars);
PJX_EXPORT pjx_bytes *pjx_bytes_lstrip(pjx_bytes *b, pjx_bytes *chars);
PJX_EXPORT pjx_bytes *pjx_bytes_rstrip(pjx_bytes *b, pjx_bytes *chars);
PJX_EXPORT pjx_bytes *pjx_bytes_replace(pjx_bytes *b, pjx_bytes *old, pjx_bytes *new_, int64_t count);
PJX_EXPORT pjx_bytes *pjx_bytes_lower(pjx_bytes *b);
PJX_EXPORT pjx_bytes *pjx_bytes_upper(pjx_bytes *b);
PJX_EXPORT pjx_bytes *pjx_bytes_join(pjx_bytes *sep, pjx_list *items);
PJX_EXPORT pjx_str *pjx_bytes_repr(pjx_bytes *b);

#ifdef __cplusplus
}
#endif
#endif
