/* The regular-expression engine's private declarations (regex_engine.c,
 * regex_lib.h, regex.c, regex_template.c).
 *
 * A compiled pattern is a program of 32-bit words in the layout that
 * CPython's re._compiler emits for _sre (opcodes with their operands,
 * relative forward skips, charsets as bitmaps), translated at compile time
 * (pyjitx/regex_program.py) to the opcode numbers below, which are this
 * runtime's own and do not change with the Python version.  The engine
 * runs it with _sre's matching rules -- the same backtracking order, the
 * same handling of marks when a branch or a repeat fails, the same
 * zero-width protection in repeats -- so every match, group and empty-match
 * decision is CPython's.  Backtracking uses explicit stacks on the heap,
 * never the C stack, so a catastrophic pattern only takes time. */
#ifndef PYJITX_REGEX_INTERNAL_H
#define PYJITX_REGEX_INTERNAL_H

#include "pyjitx/regex.h"
#include "pyjitx/containers.h"
#include "internal.h"

#include <stdint.h>

/* ---- the program ---------------------------------------------------------- */
enum {
    RE_FAILURE, RE_SUCCESS, RE_ANY, RE_ANY_ALL, RE_ASSERT, RE_ASSERT_NOT, RE_AT, RE_BRANCH,
    RE_CATEGORY, RE_CHARSET, RE_BIGCHARSET, RE_GROUPREF, RE_GROUPREF_EXISTS, RE_IN, RE_INFO,
    RE_JUMP, RE_LITERAL, RE_MARK, RE_MAX_UNTIL, RE_MIN_UNTIL, RE_NOT_LITERAL, RE_NEGATE,
    RE_RANGE, RE_REPEAT, RE_REPEAT_ONE, RE_SUBPATTERN, RE_MIN_REPEAT_ONE, RE_ATOMIC_GROUP,
    RE_POSSESSIVE_REPEAT, RE_POSSESSIVE_REPEAT_ONE, RE_GROUPREF_IGNORE, RE_IN_IGNORE,
    RE_LITERAL_IGNORE, RE_NOT_LITERAL_IGNORE, RE_GROUPREF_LOC_IGNORE, RE_IN_LOC_IGNORE,
    RE_LITERAL_LOC_IGNORE, RE_NOT_LITERAL_LOC_IGNORE, RE_GROUPREF_UNI_IGNORE, RE_IN_UNI_IGNORE,
    RE_LITERAL_UNI_IGNORE, RE_NOT_LITERAL_UNI_IGNORE, RE_RANGE_UNI_IGNORE,
    RE__OPCODES
};

enum {
    RE_AT_BEGINNING, RE_AT_BEGINNING_LINE, RE_AT_BEGINNING_STRING, RE_AT_BOUNDARY,
    RE_AT_NON_BOUNDARY, RE_AT_END, RE_AT_END_LINE, RE_AT_END_STRING, RE_AT_LOC_BOUNDARY,
    RE_AT_LOC_NON_BOUNDARY, RE_AT_UNI_BOUNDARY, RE_AT_UNI_NON_BOUNDARY, RE__ATCODES
};

enum {
    RE_CAT_DIGIT, RE_CAT_NOT_DIGIT, RE_CAT_SPACE, RE_CAT_NOT_SPACE, RE_CAT_WORD,
    RE_CAT_NOT_WORD, RE_CAT_LINEBREAK, RE_CAT_NOT_LINEBREAK, RE_CAT_LOC_WORD,
    RE_CAT_LOC_NOT_WORD, RE_CAT_UNI_DIGIT, RE_CAT_UNI_NOT_DIGIT, RE_CAT_UNI_SPACE,
    RE_CAT_UNI_NOT_SPACE, RE_CAT_UNI_WORD, RE_CAT_UNI_NOT_WORD, RE_CAT_UNI_LINEBREAK,
    RE_CAT_UNI_NOT_LINEBREAK, RE__CATEGORIES
};

#define RE_INFO_PREFIX 1u
#define RE_INFO_LITERAL 2u
#define RE_INFO_CHARSET 4u
#define RE_MAXREPEAT 0xFFFFFFFFu

/* The words before the code in a program (pjx_re_compile's argument). */
#define RE_PROGRAM_MAGIC 0x5845524Au /* "JREX" */
#define RE_PROGRAM_VERSION PJX_RE_PROGRAM_VERSION
#define RE_HEADER_WORDS 5 /* magic, version, flags, groups, code length */

/* re's flag bits */
#define RE_FLAG_IGNORECASE 2
#define RE_FLAG_LOCALE 4
#define RE_FLAG_MULTILINE 8
#define RE_FLAG_DOTALL 16
#define RE_FLAG_UNICODE 32
#define RE_FLAG_VERBOSE 64
#define RE_FLAG_DEBUG 128
#define RE_FLAG_ASCII 256

/* ---- characters ----------------------------------------------------------- */
/* _sre's definitions: the Unicode ones are str's predicates (isdecimal,
 * isspace, isalnum, str.splitlines' line breaks) and the first character of
 * str.lower()/str.upper() (what Py_UNICODE_TOLOWER/TOUPPER return); the
 * ASCII ones are C's in the "C" locale; the locale ones are C's in the
 * process's locale, as CPython's are. */
int pjx_re_category(uint32_t category, uint32_t ch);
uint32_t pjx_re_lower_unicode(uint32_t ch);
uint32_t pjx_re_upper_unicode(uint32_t ch);
uint32_t pjx_re_lower_locale(uint32_t ch);
uint32_t pjx_re_upper_locale(uint32_t ch);
int pjx_re_is_uni_word(uint32_t ch);
int pjx_re_is_loc_word(uint32_t ch);

static inline int pjx_re_is_ascii_word(uint32_t ch) {
    return ch < 128 && (ch == '_' || (ch >= '0' && ch <= '9') || ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'z'));
}

static inline uint32_t pjx_re_lower_ascii(uint32_t ch) {
    return (ch >= 'A' && ch <= 'Z') ? ch + 32 : ch;
}

/* ---- a matching run ------------------------------------------------------- */
/* One repeat (REPEAT ... MAX_UNTIL/MIN_UNTIL) being matched. */
typedef struct re_repeat {
    intptr_t count;
    const uint32_t *pattern; /* at the REPEAT's skip word */
    intptr_t prev;           /* the enclosing repeat's index, or -1 */
    const void *last_ptr;    /* where the last iteration started (zero-width check) */
} re_repeat;

typedef struct re_state {
    /* the subject: `beginning` is index 0 of the string, whatever pos is */
    const void *beginning;
    const void *start; /* where this attempt started (the match's start) */
    const void *end;   /* endpos */
    const void *ptr;   /* where the match ended */
    int32_t charsize;  /* 1 (bytes, ASCII str) or 4 (any other str) */
    /* the pattern's code and its tables (regex_analyze.c) */
    const uint32_t *code;
    const uint32_t *aux;
    const uint64_t (*sets)[4];
    int64_t search_set;
    int32_t match_all;     /* fullmatch: SUCCESS only at end */
    int32_t must_advance;  /* after an empty match: SUCCESS not at start */
    int32_t lastmark;
    int32_t lastindex;
    int32_t nmarks;        /* 2 * groups */
    const void **mark;
    intptr_t repeat;       /* index in `repeats` of the innermost active repeat, -1 */
    /* explicit stacks: matching frames, saved data (marks, positions), repeats */
    char *frames;
    intptr_t frames_size, frames_top;
    char *data;
    intptr_t data_size, data_top;
    re_repeat *repeats;
    intptr_t repeats_size, repeats_top;
    /* small runs use these instead of the heap */
    const void *inline_marks[20];
    char inline_frames[2048];
    char inline_data[1024];
    re_repeat inline_repeats[8];
} re_state;

/* state over chars[0, length): the whole string; start/end are set by the caller */
void pjx_re_state_init(re_state *st, const pjx_re_pattern *p, const void *chars,
                       int32_t charsize, int64_t start, int64_t end);
void pjx_re_state_fini(re_state *st);
/* allocates the marks of a pattern with many groups (-1: MemoryError) */
int32_t pjx_re_state_marks(re_state *st);
/* forget the marks and stacks of the previous attempt */
void pjx_re_state_reset(re_state *st);
/* 1 matched, 0 not, -1 error (MemoryError pending) */
int32_t pjx_re_match_at(re_state *st, const uint32_t *code);
int32_t pjx_re_search(re_state *st, const uint32_t *code);

/* the analysis of a new pattern: p->aux, p->sets, p->search_set (-1: MemoryError) */
int32_t pjx_re_analyze(pjx_re_pattern *p);
/* a one-character op's answer, a set's answer (without the tables) */
int pjx_re_one(const uint32_t *op, uint32_t ch);
int pjx_re_in_set(const uint32_t *set, uint32_t ch);

static inline int pjx_re_bit(const uint64_t set[4], uint32_t ch) {
    return (int)((set[ch >> 6] >> (ch & 63)) & 1);
}

/* ---- the subject string as the engine reads it ----------------------------
 * bytes and ASCII str as themselves (one byte a character); any other str
 * decoded to UCS-4 with the byte offset of each character, so that results
 * are sliced from the UTF-8 without re-encoding. */
typedef struct re_subject {
    pjx_object *string;
    int32_t is_bytes;
    int32_t charsize;
    const void *chars;
    int64_t length;       /* characters */
    uint32_t *ucs4;       /* owned (unless inline), or NULL */
    int64_t *offsets;     /* length + 1 byte offsets, owned (unless inline), or NULL (identity) */
    /* a short text's, without going to the heap */
    uint32_t inline_ucs4[256];
    int64_t inline_offsets[257];
} re_subject;

int32_t pjx_re_subject_init(re_subject *s, const pjx_re_pattern *p, pjx_object *string);
void pjx_re_subject_fini(re_subject *s);
static inline int64_t pjx_re_byte_offset(const re_subject *s, int64_t i) {
    return s->offsets ? s->offsets[i] : i;
}
/* string[i:j] by character indices, as a new str or bytes */
pjx_object *pjx_re_subject_slice(const re_subject *s, int64_t i, int64_t j);

/* the character index of a position in the state */
static inline int64_t pjx_re_index(const re_state *st, const void *p) {
    return ((const char *)p - (const char *)st->beginning) / st->charsize;
}

/* ---- replacement templates (regex_template.c) ----------------------------- */
/* A parsed template: literal chunks and group references, alternating. */
typedef struct re_template {
    int64_t nitems;        /* group references */
    pjx_object *literal0;  /* before the first reference (str or bytes, maybe empty) */
    struct { int64_t group; pjx_object *literal; } *items; /* literal after each */
} re_template;

int32_t pjx_re_template_parse(const pjx_re_pattern *p, pjx_object *repl, re_template *out);
void pjx_re_template_fini(re_template *t);

/* A new Match from a successful run. */
pjx_re_match *pjx_re_match_from_state(pjx_re_pattern *p, const re_subject *s,
                                      const re_state *st, int64_t pos, int64_t endpos);
/* appends the expansion of the template to buf: `data` is the subject's
 * bytes (UTF-8 or raw), `spans` the byte offsets of the start and end of
 * each group (group 0 first; -1 where a group did not take part) */
int32_t pjx_re_template_expand(const re_template *t, const char *data, const int64_t *spans,
                               pjx_strbuf *buf);

/* re.error (its runtime kind, registered by the bridge; ValueError's kind
 * before that, which never happens in practice: compiled code that can
 * raise re.error registers it when it is compiled) */
void pjx_re_error(const char *format, ...) __attribute__((format(printf, 1, 2)));

#endif
