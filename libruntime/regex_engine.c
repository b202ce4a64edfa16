/* The regular-expression matcher: character classes, the run's state and
 * stacks, and the matcher itself (regex_lib.h, once per character width). */
#include "regex_internal.h"
#include "str_internal.h"

#include <ctype.h>
#include <string.h>

/* ---- characters ----------------------------------------------------------- */

uint32_t pjx_re_lower_unicode(uint32_t ch) {
    if (ch < 128) return pjx_re_lower_ascii(ch);
    uint32_t out[3];
    pjx_unicode_case(ch, 0, out);
    return out[0];
}

uint32_t pjx_re_upper_unicode(uint32_t ch) {
    if (ch < 128) return (ch >= 'a' && ch <= 'z') ? ch - 32 : ch;
    uint32_t out[3];
    pjx_unicode_case(ch, 1, out);
    return out[0];
}

uint32_t pjx_re_lower_locale(uint32_t ch) { return ch < 256 ? (uint32_t)tolower((int)ch) : ch; }
uint32_t pjx_re_upper_locale(uint32_t ch) { return ch < 256 ? (uint32_t)toupper((int)ch) : ch; }

int pjx_re_is_loc_word(uint32_t ch) { return ch < 256 && (isalnum((int)ch) || ch == '_'); }

static inline uint32_t uni_flags(uint32_t ch) {
    return ch < 128 ? pjx_ascii_flags[ch] : pjx_unicode_flags(ch);
}

#define UNI_ALNUM (PJX_P_ALPHA | PJX_P_DECIMAL | PJX_P_DIGIT | PJX_P_NUMERIC)

int pjx_re_is_uni_word(uint32_t ch) {
    return ch == '_' || (uni_flags(ch) & UNI_ALNUM) != 0;
}

static inline int ascii_space(uint32_t ch) { return ch == ' ' || (ch >= '\t' && ch <= '\r'); }

int pjx_re_category(uint32_t category, uint32_t ch) {
    switch (category) {
    case RE_CAT_DIGIT: return ch >= '0' && ch <= '9';
    case RE_CAT_NOT_DIGIT: return !(ch >= '0' && ch <= '9');
    case RE_CAT_SPACE: return ascii_space(ch);
    case RE_CAT_NOT_SPACE: return !ascii_space(ch);
    case RE_CAT_WORD: return pjx_re_is_ascii_word(ch);
    case RE_CAT_NOT_WORD: return !pjx_re_is_ascii_word(ch);
    case RE_CAT_LINEBREAK: return ch == '\n';
    case RE_CAT_NOT_LINEBREAK: return ch != '\n';
    case RE_CAT_LOC_WORD: return pjx_re_is_loc_word(ch);
    case RE_CAT_LOC_NOT_WORD: return !pjx_re_is_loc_word(ch);
    case RE_CAT_UNI_DIGIT: return (uni_flags(ch) & PJX_P_DECIMAL) != 0;
    case RE_CAT_UNI_NOT_DIGIT: return (uni_flags(ch) & PJX_P_DECIMAL) == 0;
    case RE_CAT_UNI_SPACE: return (uni_flags(ch) & PJX_P_SPACE) != 0;
    case RE_CAT_UNI_NOT_SPACE: return (uni_flags(ch) & PJX_P_SPACE) == 0;
    case RE_CAT_UNI_WORD: return pjx_re_is_uni_word(ch);
    case RE_CAT_UNI_NOT_WORD: return !pjx_re_is_uni_word(ch);
    case RE_CAT_UNI_LINEBREAK: return (uni_flags(ch) & PJX_P_LINEBREAK) != 0;
    case RE_CAT_UNI_NOT_LINEBREAK: return (uni_flags(ch) & PJX_P_LINEBREAK) == 0;
    default: return 0;
    }
}

/* ---- stacks --------------------------------------------------------------- */

/* Grows a stack to hold at least `need` bytes (MemoryError: -1).  The first
 * growth leaves the state's inline buffer behind. */
static int32_t pjx_re_grow(char **stack, intptr_t *size, char *inline_buffer, intptr_t need) {
    intptr_t capacity = *size * 2;
    if (capacity < need + need / 4 + 1024) capacity = need + need / 4 + 1024;
    char *grown = pjx_alloc((size_t)capacity);
    if (grown == NULL) return -1;
    memcpy(grown, *stack, (size_t)*size);
    if (*stack != inline_buffer) pjx_free(*stack);
    *stack = grown;
    *size = capacity;
    return 0;
}

static inline int32_t pjx_re_push_data(re_state *st, const void *data, intptr_t size) {
    if (st->data_top + size > st->data_size &&
        pjx_re_grow(&st->data, &st->data_size, st->inline_data, st->data_top + size) < 0)
        return -1;
    memcpy(st->data + st->data_top, data, (size_t)size);
    st->data_top += size;
    return 0;
}

static inline void pjx_re_pop_data(re_state *st, void *data, intptr_t size, int discard) {
    memcpy(data, st->data + st->data_top - size, (size_t)size);
    if (discard) st->data_top -= size;
}

/* ---- the state ------------------------------------------------------------ */

void pjx_re_state_init(re_state *st, const pjx_re_pattern *p, const void *chars,
                       int32_t charsize, int64_t start, int64_t end) {
    st->code = p->code;
    st->aux = p->aux;
    st->sets = (const uint64_t(*)[4])p->sets;
    st->search_set = p->search_set;
    st->beginning = chars;
    st->charsize = charsize;
    st->start = (const char *)chars + start * charsize;
    st->end = (const char *)chars + end * charsize;
    st->ptr = st->start;
    st->match_all = 0;
    st->must_advance = 0;
    st->nmarks = (int32_t)(2 * p->groups);
    st->mark = st->nmarks <= (int32_t)(sizeof st->inline_marks / sizeof st->inline_marks[0])
                   ? st->inline_marks : NULL;
    st->frames = st->inline_frames;
    st->frames_size = sizeof st->inline_frames;
    st->data = st->inline_data;
    st->data_size = sizeof st->inline_data;
    st->repeats = st->inline_repeats;
    st->repeats_size = sizeof st->inline_repeats;
    pjx_re_state_reset(st);
}

int32_t pjx_re_state_marks(re_state *st) {
    if (st->mark != NULL) return 0;
    st->mark = pjx_alloc(sizeof(void *) * (size_t)st->nmarks);
    return st->mark == NULL ? -1 : 0;
}

void pjx_re_state_reset(re_state *st) {
    st->lastmark = -1;
    st->lastindex = -1;
    st->repeat = -1;
    st->frames_top = 0;
    st->data_top = 0;
    st->repeats_top = 0;
}

void pjx_re_state_fini(re_state *st) {
    if (st->mark != st->inline_marks) pjx_free(st->mark);
    if (st->frames != st->inline_frames) pjx_free(st->frames);
    if (st->data != st->inline_data) pjx_free(st->data);
    if ((char *)st->repeats != (char *)st->inline_repeats) pjx_free(st->repeats);
    st->mark = NULL;
}

/* ---- the matcher, per width ----------------------------------------------- */

#define RE_CHAR uint8_t
#define RE_FN(name) re_ucs1_##name
#include "regex_lib.h"
#undef RE_CHAR
#undef RE_FN

#define RE_CHAR uint32_t
#define RE_FN(name) re_ucs4_##name
#include "regex_lib.h"
#undef RE_CHAR
#undef RE_FN

int pjx_re_one(const uint32_t *op, uint32_t ch) { return re_ucs4_one(op, ch); }
int pjx_re_in_set(const uint32_t *set, uint32_t ch) { return re_ucs4_charset(set, ch); }

int32_t pjx_re_match_at(re_state *st, const uint32_t *code) {
    st->ptr = st->start;
    intptr_t r = st->charsize == 1 ? re_ucs1_match(st, code, 1) : re_ucs4_match(st, code, 1);
    return (int32_t)r;
}

int32_t pjx_re_search(re_state *st, const uint32_t *code) {
    intptr_t r = st->charsize == 1 ? re_ucs1_search(st, code) : re_ucs4_search(st, code);
    return (int32_t)r;
}
