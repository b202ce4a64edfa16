/* What a pattern can start with, worked out once when it is built, so the
 * matcher can skip work whose outcome is already known:
 *
 *  - every character-set op (IN, IN_IGNORE, IN_UNI_IGNORE) and the INFO
 *    block's first-character set get a 256-bit table of the answers for
 *    the characters below 256 (the same function computes them, so the
 *    answers are the same), which turns a walk over the set's items into
 *    one bit test for bytes, ASCII text and Latin-1;
 *  - each alternative of a BRANCH that must consume a character gets the
 *    set of characters below 256 it can start with: at a character outside
 *    it (or at the end of the text) the alternative would fail at once, so
 *    it is not tried -- as _sre itself skips alternatives that start with
 *    a literal or a set the character fails;
 *  - the whole pattern, when it must consume a character, gets the same
 *    set, and a search skips the positions whose character is not in it.
 *
 * Ops whose answers depend on the C locale (re.LOCALE) get no table: the
 * locale may change while the pattern lives. */
#include "regex_internal.h"

#include <string.h>

typedef struct analysis {
    pjx_re_pattern *p;
    uint64_t (*sets)[4];
    int64_t nsets, capacity;
} analysis;

static int64_t add_set(analysis *a, const uint64_t bits[4]) {
    for (int64_t i = 0; i < a->nsets; i++)
        if (memcmp(a->sets[i], bits, sizeof a->sets[i]) == 0) return i + 1;
    if (a->nsets == a->capacity) {
        int64_t capacity = a->capacity ? 2 * a->capacity : 8;
        uint64_t(*grown)[4] = pjx_alloc(sizeof *grown * (size_t)capacity);
        if (grown == NULL) return -1;
        if (a->nsets) memcpy(grown, a->sets, sizeof *grown * (size_t)a->nsets);
        pjx_free(a->sets);
        a->sets = grown;
        a->capacity = capacity;
    }
    memcpy(a->sets[a->nsets], bits, sizeof a->sets[0]);
    return ++a->nsets;
}

static int locale_set(const uint32_t *set) {
    for (;;) {
        switch (*set++) {
        case RE_FAILURE: return 0;
        case RE_NEGATE: break;
        case RE_LITERAL: set++; break;
        case RE_CATEGORY:
            if (*set == RE_CAT_LOC_WORD || *set == RE_CAT_LOC_NOT_WORD) return 1;
            set++;
            break;
        case RE_CHARSET: set += 8; break;
        case RE_RANGE: case RE_RANGE_UNI_IGNORE: set += 2; break;
        case RE_BIGCHARSET: set += 1 + 64 + set[0] * 8; break;
        default: return 1;
        }
    }
}

/* Does the one-character op depend on the locale? */
static int locale_op(const uint32_t *op) {
    switch (op[0]) {
    case RE_LITERAL_LOC_IGNORE: case RE_NOT_LITERAL_LOC_IGNORE: case RE_IN_LOC_IGNORE: return 1;
    case RE_CATEGORY: return op[1] == RE_CAT_LOC_WORD || op[1] == RE_CAT_LOC_NOT_WORD;
    case RE_IN: case RE_IN_IGNORE: case RE_IN_UNI_IGNORE: return locale_set(op + 2);
    default: return 0;
    }
}

/* Can the set match a character from 256 up? (1 where it may) */
static int wide_set(const uint32_t *set) {
    for (;;) {
        switch (*set++) {
        case RE_FAILURE: return 0;
        case RE_LITERAL:
            if (*set >= 256) return 1;
            set++;
            break;
        case RE_CATEGORY:
            if (*set != RE_CAT_DIGIT && *set != RE_CAT_SPACE && *set != RE_CAT_WORD &&
                *set != RE_CAT_LINEBREAK)
                return 1;
            set++;
            break;
        case RE_CHARSET: set += 8; break;
        case RE_RANGE:
            if (set[1] >= 256) return 1;
            set += 2;
            break;
        default: return 1; /* NEGATE, BIGCHARSET, RANGE_UNI_IGNORE */
        }
    }
}

/* Can the one-character op match a character from 256 up? */
static int wide_op(const uint32_t *op) {
    switch (op[0]) {
    case RE_LITERAL: case RE_LITERAL_IGNORE: return op[1] >= 256;
    case RE_IN: case RE_IN_IGNORE: return wide_set(op + 2);
    case RE_CATEGORY:
        return !(op[1] == RE_CAT_DIGIT || op[1] == RE_CAT_SPACE || op[1] == RE_CAT_WORD ||
                 op[1] == RE_CAT_LINEBREAK);
    default: return 1; /* case-insensitive (Unicode folds), negations, any */
    }
}

/* the op's answers for the characters below 256 */
static void op_bits(const uint32_t *op, uint64_t bits[4]) {
    memset(bits, 0, 4 * sizeof bits[0]);
    for (uint32_t ch = 0; ch < 256; ch++)
        if (pjx_re_one(op, ch)) bits[ch >> 6] |= (uint64_t)1 << (ch & 63);
}

static void set_all(uint64_t bits[4]) { memset(bits, 0xFF, 4 * sizeof bits[0]); }

static int is_single(uint32_t op) {
    switch (op) {
    case RE_LITERAL: case RE_NOT_LITERAL: case RE_LITERAL_IGNORE: case RE_NOT_LITERAL_IGNORE:
    case RE_LITERAL_UNI_IGNORE: case RE_NOT_LITERAL_UNI_IGNORE: case RE_LITERAL_LOC_IGNORE:
    case RE_NOT_LITERAL_LOC_IGNORE: case RE_ANY: case RE_ANY_ALL: case RE_IN: case RE_IN_IGNORE:
    case RE_IN_UNI_IGNORE: case RE_IN_LOC_IGNORE: case RE_CATEGORY:
        return 1;
    default: return 0;
    }
}

/* The characters below 256 that a match of the code in [pc, end) can
 * start with, added to `bits` (*wide set where it may start with one from
 * 256 up); returns 1 when it may consume nothing (or the analysis cannot
 * tell: then every character is in the set), 0 when it must consume a
 * character first. */
static int first(const uint32_t *pc, const uint32_t *end, uint64_t bits[4], int *wide, int depth) {
    if (depth > 50) {
        set_all(bits);
        *wide = 1;
        return 1;
    }
    while (pc < end) {
        uint32_t op = pc[0];
        if (is_single(op)) {
            if (locale_op(pc)) {
                set_all(bits);
                *wide = 1;
            } else {
                *wide |= wide_op(pc);
                uint64_t one[4];
                op_bits(pc, one);
                for (int k = 0; k < 4; k++) bits[k] |= one[k];
            }
            return 0;
        }
        switch (op) {
        case RE_MARK: case RE_AT:
            pc += 2; /* (zero-width: what follows is consumed first) */
            break;
        case RE_ASSERT: case RE_ASSERT_NOT: case RE_INFO:
            pc += 1 + pc[1];
            break;
        case RE_REPEAT_ONE: case RE_MIN_REPEAT_ONE: case RE_POSSESSIVE_REPEAT_ONE:
            first(pc + 4, pc + 1 + pc[1], bits, wide, depth + 1);
            if (pc[2] > 0) return 0;
            pc += 1 + pc[1];
            break;
        case RE_REPEAT: case RE_POSSESSIVE_REPEAT: {
            int empty = first(pc + 4, pc + 1 + pc[1], bits, wide, depth + 1);
            if (!empty && pc[2] > 0) return 0;
            pc += 1 + pc[1] + 1;
            break;
        }
        case RE_ATOMIC_GROUP:
            if (!first(pc + 2, pc + pc[1], bits, wide, depth + 1)) return 0;
            pc += 1 + pc[1];
            break;
        case RE_BRANCH: {
            int empty = 0;
            const uint32_t *alt = pc + 1;
            for (; *alt; alt += *alt) empty |= first(alt + 1, alt + *alt - 2, bits, wide, depth + 1);
            if (!empty) return 0;
            pc = alt + 1;
            break;
        }
        case RE_FAILURE:
            return 0; /* nothing matches: nothing to add */
        case RE_SUCCESS: case RE_JUMP:
            return 1;
        default:
            /* back references, conditionals: anything */
            set_all(bits);
            *wide = 1;
            return 1;
        }
    }
    return 1;
}

/* tables for the ops in [pc, end) and the alternatives of its BRANCHes */
static int32_t annotate(analysis *a, uint32_t *aux, const uint32_t *code, const uint32_t *pc,
                        const uint32_t *end) {
    while (pc < end) {
        uint32_t op = pc[0];
        if (is_single(op)) {
            if ((op == RE_IN || op == RE_IN_IGNORE || op == RE_IN_UNI_IGNORE) && !locale_op(pc)) {
                uint64_t bits[4];
                op_bits(pc, bits);
                int64_t index = add_set(a, bits);
                if (index < 0) return -1;
                aux[pc - code] = (uint32_t)index;
            }
            pc += (op == RE_IN || op == RE_IN_IGNORE || op == RE_IN_UNI_IGNORE ||
                   op == RE_IN_LOC_IGNORE) ? 1 + pc[1] : (op == RE_ANY || op == RE_ANY_ALL) ? 1 : 2;
            continue;
        }
        switch (op) {
        case RE_MARK: case RE_AT: case RE_GROUPREF: case RE_GROUPREF_IGNORE:
        case RE_GROUPREF_UNI_IGNORE: case RE_GROUPREF_LOC_IGNORE: case RE_JUMP:
            pc += 2;
            break;
        case RE_GROUPREF_EXISTS:
            pc += 3;
            break;
        case RE_SUCCESS: case RE_FAILURE: case RE_MAX_UNTIL: case RE_MIN_UNTIL:
            pc += 1;
            break;
        case RE_INFO:
            if (pc[2] & RE_INFO_CHARSET) {
                /* the first-character set: a table as an IN's, kept at INFO */
                const uint32_t *set = pc + 5;
                if (!locale_set(set)) {
                    uint64_t bits[4] = {0, 0, 0, 0};
                    for (uint32_t ch = 0; ch < 256; ch++)
                        if (pjx_re_in_set(set, ch)) bits[ch >> 6] |= (uint64_t)1 << (ch & 63);
                    int64_t index = add_set(a, bits);
                    if (index < 0) return -1;
                    aux[pc - code] = (uint32_t)index;
                }
            }
            pc += 1 + pc[1];
            break;
        case RE_REPEAT_ONE:
            if (!locale_op(pc + 4)) {
                /* Backing off a greedy repeat leaves one of its own
                 * characters next; a tail that must start with a character
                 * the item cannot match then fails at every shorter count,
                 * so none is tried (marked 1: run as possessive). */
                uint64_t item[4] = {0, 0, 0, 0}, tail[4] = {0, 0, 0, 0};
                int item_wide = 0, tail_wide = 0;
                first(pc + 4, pc + 1 + pc[1], item, &item_wide, 0);
                if (!first(pc + 1 + pc[1], end, tail, &tail_wide, 0) &&
                    !(item_wide && tail_wide) && !((item[0] & tail[0]) | (item[1] & tail[1]) |
                                                   (item[2] & tail[2]) | (item[3] & tail[3])))
                    aux[pc - code] = 1;
            }
            if (annotate(a, aux, code, pc + 4, pc + 1 + pc[1]) < 0) return -1;
            pc += 1 + pc[1];
            break;
        case RE_MIN_REPEAT_ONE: case RE_POSSESSIVE_REPEAT_ONE:
        case RE_REPEAT: case RE_POSSESSIVE_REPEAT:
            if (annotate(a, aux, code, pc + 4, pc + 1 + pc[1]) < 0) return -1;
            pc += 1 + pc[1];
            break;
        case RE_ATOMIC_GROUP: case RE_ASSERT: case RE_ASSERT_NOT:
            if (annotate(a, aux, code, pc + (op == RE_ATOMIC_GROUP ? 2 : 3), pc + 1 + pc[1]) < 0)
                return -1;
            pc += 1 + pc[1];
            break;
        case RE_BRANCH: {
            const uint32_t *alt = pc + 1;
            for (; *alt; alt += *alt) {
                uint64_t bits[4] = {0, 0, 0, 0};
                int wide = 0;
                if (!first(alt + 1, alt + *alt - 2, bits, &wide, 0)) {
                    int64_t index = add_set(a, bits);
                    if (index < 0) return -1;
                    aux[alt - code] = (uint32_t)index;
                }
                if (annotate(a, aux, code, alt + 1, alt + *alt) < 0) return -1;
            }
            pc = alt + 1;
            break;
        }
        default:
            pc += 1; /* (validated code has no other op) */
            break;
        }
    }
    return 0;
}

int32_t pjx_re_analyze(pjx_re_pattern *p) {
    analysis a = {.p = p, .sets = NULL, .nsets = 0, .capacity = 0};
    uint32_t *aux = pjx_alloc(sizeof(uint32_t) * (size_t)p->codesize);
    if (aux == NULL) return -1;
    memset(aux, 0, sizeof(uint32_t) * (size_t)p->codesize);
    if (annotate(&a, aux, p->code, p->code, p->code + p->codesize) < 0) goto fail;
    /* the whole pattern (after its INFO block) */
    const uint32_t *start = p->code;
    if (start[0] == RE_INFO) start += 1 + start[1];
    uint64_t bits[4] = {0, 0, 0, 0};
    int wide = 0;
    p->search_set = 0;
    if (!first(start, p->code + p->codesize, bits, &wide, 0)) {
        int64_t index = add_set(&a, bits);
        if (index < 0) goto fail;
        p->search_set = index;
    }
    p->aux = aux;
    p->sets = a.sets;
    return 0;
fail:
    pjx_free(aux);
    pjx_free(a.sets);
    return -1;
}
