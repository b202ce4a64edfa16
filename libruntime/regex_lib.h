/* The matcher, once per character width: regex_engine.c includes this file
 * with RE_CHAR uint8_t (bytes, ASCII str) and uint32_t (any other str),
 * RE_FN(name) giving each copy its own names.
 *
 * FN(match) is a loop over the program with explicit stacks: a "call" (try
 * a sub-program, come back on success or failure) pushes a frame recording
 * where to resume (`jump`) and returns by popping it, so nesting depth is
 * bounded by memory, not by the C stack.  The order in which alternatives
 * and repeat counts are tried, what is saved and restored of the group
 * marks on failure, and the zero-width checks are _sre's, so results
 * (including which groups are set after backtracking) are CPython's. */

#define CHAR RE_CHAR
#define FRAME RE_FN(frame)

typedef struct FRAME {
    const uint32_t *pattern; /* where this frame resumes */
    const CHAR *ptr;
    intptr_t count;
    intptr_t rep;  /* a repeat's index in st->repeats */
    uint32_t chr;
    int32_t lastmark, lastindex;
    int32_t toplevel;
    int32_t jump;  /* how the parent continues when this frame returns */
} FRAME;

static inline int RE_FN(at)(const re_state *st, const CHAR *ptr, uint32_t at) {
    const CHAR *beginning = (const CHAR *)st->beginning, *end = (const CHAR *)st->end;
    int before, here;
    switch (at) {
    case RE_AT_BEGINNING:
    case RE_AT_BEGINNING_STRING: return ptr == beginning;
    case RE_AT_BEGINNING_LINE: return ptr == beginning || ptr[-1] == '\n';
    case RE_AT_END: return (end - ptr == 1 && ptr[0] == '\n') || ptr == end;
    case RE_AT_END_LINE: return ptr == end || ptr[0] == '\n';
    case RE_AT_END_STRING: return ptr == end;
    case RE_AT_BOUNDARY:
    case RE_AT_NON_BOUNDARY:
        /* (an empty subject has no boundary, not even a non-boundary) */
        if (beginning == end) return 0;
        before = ptr > beginning ? pjx_re_is_ascii_word(ptr[-1]) : 0;
        here = ptr < end ? pjx_re_is_ascii_word(ptr[0]) : 0;
        return at == RE_AT_BOUNDARY ? before != here : before == here;
    case RE_AT_UNI_BOUNDARY:
    case RE_AT_UNI_NON_BOUNDARY:
        if (beginning == end) return 0;
        before = ptr > beginning ? pjx_re_is_uni_word(ptr[-1]) : 0;
        here = ptr < end ? pjx_re_is_uni_word(ptr[0]) : 0;
        return at == RE_AT_UNI_BOUNDARY ? before != here : before == here;
    case RE_AT_LOC_BOUNDARY:
    case RE_AT_LOC_NON_BOUNDARY:
        if (beginning == end) return 0;
        before = ptr > beginning ? pjx_re_is_loc_word(ptr[-1]) : 0;
        here = ptr < end ? pjx_re_is_loc_word(ptr[0]) : 0;
        return at == RE_AT_LOC_BOUNDARY ? before != here : before == here;
    default: return 0;
    }
}

/* Is ch in the set (a sub-program ending with FAILURE)? */
static int RE_FN(charset)(const uint32_t *set, uint32_t ch) {
    int ok = 1;
    for (;;) {
        switch (*set++) {
        case RE_FAILURE: return !ok;
        case RE_LITERAL:
            if (ch == set[0]) return ok;
            set++;
            break;
        case RE_CATEGORY:
            if (pjx_re_category(set[0], ch)) return ok;
            set++;
            break;
        case RE_CHARSET:
            if (ch < 256 && (set[ch >> 5] & (1u << (ch & 31)))) return ok;
            set += 8;
            break;
        case RE_RANGE:
            if (set[0] <= ch && ch <= set[1]) return ok;
            set += 2;
            break;
        case RE_RANGE_UNI_IGNORE: {
            /* ch is lower-cased already; its upper case may be in the range */
            if (set[0] <= ch && ch <= set[1]) return ok;
            uint32_t upper = pjx_re_upper_unicode(ch);
            if (set[0] <= upper && upper <= set[1]) return ok;
            set += 2;
            break;
        }
        case RE_NEGATE: ok = !ok; break;
        case RE_BIGCHARSET: {
            /* <count> <256 block numbers, one byte each> <count 256-bit blocks> */
            uint32_t count = *set++;
            if (ch < 0x10000u) {
                uint32_t block = ((const uint8_t *)set)[ch >> 8];
                const uint32_t *bits = set + 64 + block * 8;
                if (bits[(ch & 255) >> 5] & (1u << (ch & 31))) return ok;
            }
            set += 64 + count * 8;
            break;
        }
        default: return 0; /* (rejected when the pattern was built) */
        }
    }
}

static inline int RE_FN(charset_loc_ignore)(const uint32_t *set, uint32_t ch) {
    uint32_t lower = pjx_re_lower_locale(ch);
    if (RE_FN(charset)(set, lower)) return 1;
    uint32_t upper = pjx_re_upper_locale(ch);
    return upper != lower && RE_FN(charset)(set, upper);
}

static inline int RE_FN(char_loc_ignore)(uint32_t pattern, uint32_t ch) {
    return ch == pattern || pjx_re_lower_locale(ch) == pattern || pjx_re_upper_locale(ch) == pattern;
}

/* Does the one-character op at `op` match ch?  (The items of REPEAT_ONE and
 * friends: the validator lets no other op be one.) */
static inline int RE_FN(one)(const uint32_t *op, uint32_t ch) {
    switch (op[0]) {
    case RE_LITERAL: return ch == op[1];
    case RE_NOT_LITERAL: return ch != op[1];
    case RE_LITERAL_IGNORE: return pjx_re_lower_ascii(ch) == op[1];
    case RE_NOT_LITERAL_IGNORE: return pjx_re_lower_ascii(ch) != op[1];
    case RE_LITERAL_UNI_IGNORE: return pjx_re_lower_unicode(ch) == op[1];
    case RE_NOT_LITERAL_UNI_IGNORE: return pjx_re_lower_unicode(ch) != op[1];
    case RE_LITERAL_LOC_IGNORE: return RE_FN(char_loc_ignore)(op[1], ch);
    case RE_NOT_LITERAL_LOC_IGNORE: return !RE_FN(char_loc_ignore)(op[1], ch);
    case RE_ANY: return ch != '\n';
    case RE_ANY_ALL: return 1;
    case RE_IN: return RE_FN(charset)(op + 2, ch);
    case RE_IN_IGNORE: return RE_FN(charset)(op + 2, pjx_re_lower_ascii(ch));
    case RE_IN_UNI_IGNORE: return RE_FN(charset)(op + 2, pjx_re_lower_unicode(ch));
    case RE_IN_LOC_IGNORE: return RE_FN(charset_loc_ignore)(op + 2, ch);
    case RE_CATEGORY: return pjx_re_category(op[1], ch);
    default: return 0;
    }
}

/* one() with the pattern's tables: a bit test for characters below 256
 * where the op has one (regex_analyze.c) */
static inline int RE_FN(one_t)(const re_state *st, const uint32_t *op, uint32_t ch) {
    if (ch < 256) {
        uint32_t k = st->aux[op - st->code];
        if (k) return pjx_re_bit(st->sets[k - 1], ch);
    }
    return RE_FN(one)(op, ch);
}

/* How many times (up to maxcount) the one-character item at `op` matches
 * from st->ptr on. */
static intptr_t RE_FN(count)(const re_state *st, const uint32_t *op, uint32_t maxcount) {
    const CHAR *ptr = (const CHAR *)st->ptr, *end = (const CHAR *)st->end;
    if (maxcount != RE_MAXREPEAT && (intptr_t)maxcount < end - ptr) end = ptr + maxcount;
    const CHAR *p = ptr;
    uint32_t c;
    switch (op[0]) {
    case RE_ANY_ALL: return end - ptr;
    case RE_ANY:
        while (p < end && *p != '\n') p++;
        break;
    case RE_LITERAL:
        c = op[1];
        if (sizeof(CHAR) == 1 && c > 255) return 0; /* cannot occur in this text */
        while (p < end && *p == (CHAR)c) p++;
        break;
    case RE_NOT_LITERAL:
        c = op[1];
        if (sizeof(CHAR) == 1 && c > 255) return end - ptr;
        while (p < end && *p != (CHAR)c) p++;
        break;
    case RE_IN: case RE_IN_IGNORE: case RE_IN_UNI_IGNORE: {
        uint32_t k = st->aux[op - st->code];
        if (k) {
            const uint64_t *set = st->sets[k - 1];
            if (sizeof(CHAR) == 1)
                while (p < end && pjx_re_bit(set, *p)) p++;
            else
                while (p < end && (*p < 256 ? pjx_re_bit(set, *p) : RE_FN(one)(op, *p))) p++;
            break;
        }
        while (p < end && RE_FN(one)(op, *p)) p++;
        break;
    }
    default:
        while (p < end && RE_FN(one)(op, *p)) p++;
        break;
    }
    return p - ptr;
}

/* stack helpers: a frame, a repeat record */
static inline int32_t RE_FN(push_frame)(re_state *st, int32_t jump, int32_t toplevel) {
    if (st->frames_top * (intptr_t)sizeof(FRAME) + (intptr_t)sizeof(FRAME) > st->frames_size &&
        pjx_re_grow(&st->frames, &st->frames_size, st->inline_frames,
                    (st->frames_top + 1) * (intptr_t)sizeof(FRAME)) < 0)
        return -1;
    FRAME *f = (FRAME *)st->frames + st->frames_top++;
    f->jump = jump;
    f->toplevel = toplevel;
    return 0;
}

static inline intptr_t RE_FN(push_repeat)(re_state *st) {
    if ((st->repeats_top + 1) * (intptr_t)sizeof(re_repeat) > st->repeats_size &&
        pjx_re_grow((char **)&st->repeats, &st->repeats_size, (char *)st->inline_repeats,
                    (st->repeats_top + 1) * (intptr_t)sizeof(re_repeat)) < 0)
        return -1;
    return st->repeats_top++;
}

/* Would the code at `tail` succeed at once at ptr (it is SUCCESS, maybe
 * after JUMPs, and SUCCESS's checks pass)?  Then a repeat before it is
 * done without trying it in a frame of its own. */
static inline int RE_FN(tail_succeeds)(const re_state *st, const FRAME *ctx, const uint32_t *tail,
                                       const CHAR *ptr) {
    while (tail[0] == RE_JUMP) tail += 1 + tail[1];
    if (tail[0] != RE_SUCCESS) return 0;
    return !(ctx->toplevel && ((st->match_all && ptr != (const CHAR *)st->end) ||
                               (st->must_advance && ptr == (const CHAR *)st->start)));
}

#define RE_J_NONE 0
#define RE_J_MAX_UNTIL_1 1
#define RE_J_MAX_UNTIL_2 2
#define RE_J_MAX_UNTIL_3 3
#define RE_J_MIN_UNTIL_1 4
#define RE_J_MIN_UNTIL_2 5
#define RE_J_MIN_UNTIL_3 6
#define RE_J_REPEAT 7
#define RE_J_REPEAT_ONE_1 8
#define RE_J_REPEAT_ONE_2 9
#define RE_J_MIN_REPEAT_ONE 10
#define RE_J_BRANCH 11
#define RE_J_ASSERT 12
#define RE_J_ASSERT_NOT 13
#define RE_J_POSS_REPEAT_1 14
#define RE_J_POSS_REPEAT_2 15
#define RE_J_ATOMIC_GROUP 16

/* Runs the program at `pattern` from st->ptr: 1 when it matched (st->ptr
 * is then where the match ended), 0 when not, -1 when memory ran out. */
static intptr_t RE_FN(match)(re_state *st, const uint32_t *pattern, int toplevel) {
    const CHAR *end = (const CHAR *)st->end;
    const CHAR *ptr;
    intptr_t ret = 0;
    const intptr_t base = st->frames_top;
    FRAME *ctx;
    int jump;

/* the current frame (re-read after any push: the stack may have moved) */
#define CTX ((FRAME *)st->frames + st->frames_top - 1)
#define FAIL do { ret = 0; goto leave; } while (0)
#define SUCCEED do { ret = 1; goto leave; } while (0)
#define ON_ERROR(r) do { if ((r) < 0) { ret = -1; goto abort; } } while (0)
/* `call` the program at `next`, resuming at `label` with ret set */
#define CALL(code, label, next, top)                                   \
    do {                                                               \
        ctx->pattern = pattern;                                        \
        ctx->ptr = ptr;                                                \
        if (RE_FN(push_frame)(st, (code), (top)) < 0) { ret = -1; goto abort; } \
        pattern = (next);                                              \
        goto entrance;                                                 \
    label:                                                             \
        ctx = CTX;                                                     \
        pattern = ctx->pattern;                                        \
        ptr = ctx->ptr;                                                \
    } while (0)
#define LASTMARK_SAVE() do { ctx->lastmark = st->lastmark; ctx->lastindex = st->lastindex; } while (0)
#define LASTMARK_RESTORE() do { st->lastmark = ctx->lastmark; st->lastindex = ctx->lastindex; } while (0)
#define MARK_PUSH(lm) do { if ((lm) >= 0 && pjx_re_push_data(st, st->mark, ((lm) + 1) * sizeof(void *)) < 0) { ret = -1; goto abort; } } while (0)
#define MARK_POP(lm) do { if ((lm) >= 0) pjx_re_pop_data(st, st->mark, ((lm) + 1) * sizeof(void *), 1); } while (0)
#define MARK_POP_KEEP(lm) do { if ((lm) >= 0) pjx_re_pop_data(st, st->mark, ((lm) + 1) * sizeof(void *), 0); } while (0)
#define MARK_POP_DISCARD(lm) do { if ((lm) >= 0) st->data_top -= ((lm) + 1) * (intptr_t)sizeof(void *); } while (0)
#define REP (&st->repeats[ctx->rep])

    if (RE_FN(push_frame)(st, RE_J_NONE, toplevel) < 0) return -1;
    ctx = CTX;

entrance:
    ctx = CTX;
    ptr = (const CHAR *)st->ptr;
    if (pattern[0] == RE_INFO) {
        /* <INFO> <skip> <flags> <min width> ...: too little text left */
        if (pattern[3] && (uintptr_t)(end - ptr) < pattern[3]) FAIL;
        pattern += pattern[1] + 1;
    }

    for (;;) {
        switch (*pattern++) {
        case RE_MARK: {
            int32_t i = (int32_t)pattern[0];
            if (i & 1) st->lastindex = i / 2 + 1;
            if (i > st->lastmark) {
                /* marks between the last one set and this one were never
                 * reached on this path */
                for (int32_t j = st->lastmark + 1; j < i; j++) st->mark[j] = NULL;
                st->lastmark = i;
            }
            st->mark[i] = ptr;
            pattern++;
            break;
        }
        case RE_LITERAL:
            if (ptr >= end || (uint32_t)ptr[0] != pattern[0]) FAIL;
            pattern++;
            ptr++;
            break;
        case RE_NOT_LITERAL:
            if (ptr >= end || (uint32_t)ptr[0] == pattern[0]) FAIL;
            pattern++;
            ptr++;
            break;
        case RE_SUCCESS:
            if (ctx->toplevel && ((st->match_all && ptr != end) ||
                                  (st->must_advance && ptr == (const CHAR *)st->start)))
                FAIL;
            st->ptr = ptr;
            SUCCEED;
        case RE_AT:
            if (!RE_FN(at)(st, ptr, pattern[0])) FAIL;
            pattern++;
            break;
        case RE_CATEGORY:
            if (ptr >= end || !pjx_re_category(pattern[0], ptr[0])) FAIL;
            pattern++;
            ptr++;
            break;
        case RE_ANY:
            if (ptr >= end || ptr[0] == '\n') FAIL;
            ptr++;
            break;
        case RE_ANY_ALL:
            if (ptr >= end) FAIL;
            ptr++;
            break;
        case RE_IN:
            if (ptr >= end || !RE_FN(one_t)(st, pattern - 1, *ptr)) FAIL;
            pattern += pattern[0];
            ptr++;
            break;
        case RE_LITERAL_IGNORE:
        case RE_LITERAL_UNI_IGNORE:
        case RE_LITERAL_LOC_IGNORE:
        case RE_NOT_LITERAL_IGNORE:
        case RE_NOT_LITERAL_UNI_IGNORE:
        case RE_NOT_LITERAL_LOC_IGNORE:
        case RE_IN_IGNORE:
        case RE_IN_UNI_IGNORE:
        case RE_IN_LOC_IGNORE:
            if (ptr >= end || !RE_FN(one_t)(st, pattern - 1, *ptr)) FAIL;
            pattern += (pattern[-1] == RE_IN_IGNORE || pattern[-1] == RE_IN_UNI_IGNORE ||
                        pattern[-1] == RE_IN_LOC_IGNORE) ? pattern[0] : 1;
            ptr++;
            break;
        case RE_JUMP:
        case RE_INFO:
            pattern += pattern[0];
            break;

        case RE_BRANCH:
            /* <BRANCH> <skip> code <JUMP> ... <0>: each alternative in turn */
            LASTMARK_SAVE();
            if (st->repeat >= 0) MARK_PUSH(ctx->lastmark);
            for (; pattern[0]; pattern += pattern[0]) {
                /* an alternative that cannot start with the next character
                 * (or must consume one at the end) fails at once: not tried */
                uint32_t k = st->aux[pattern - st->code];
                if (k && (ptr >= end || ((uint32_t)*ptr < 256 && !pjx_re_bit(st->sets[k - 1], *ptr))))
                    continue;
                if (pattern[1] == RE_LITERAL && (ptr >= end || (uint32_t)*ptr != pattern[2])) continue;
                if (pattern[1] == RE_IN && (ptr >= end || !RE_FN(one_t)(st, pattern + 1, *ptr))) continue;
                st->ptr = ptr;
                CALL(RE_J_BRANCH, jump_branch, pattern + 1, ctx->toplevel);
                if (ret) {
                    if (st->repeat >= 0) MARK_POP_DISCARD(ctx->lastmark);
                    SUCCEED;
                }
                if (st->repeat >= 0) MARK_POP_KEEP(ctx->lastmark);
                LASTMARK_RESTORE();
            }
            if (st->repeat >= 0) MARK_POP_DISCARD(ctx->lastmark);
            FAIL;

        case RE_REPEAT_ONE:
            /* <REPEAT_ONE> <skip> <min> <max> item <SUCCESS> tail: as many
             * as possible, then one fewer at a time until the tail matches */
            if ((intptr_t)pattern[1] > end - ptr) FAIL;
            st->ptr = ptr;
            ctx->count = RE_FN(count)(st, pattern + 3, pattern[2]);
            ptr += ctx->count;
            if (ctx->count < (intptr_t)pattern[1]) FAIL;
            if (st->aux[pattern - 1 - st->code]) {
                /* no shorter count can help (regex_analyze.c): on to the tail */
                pattern += pattern[0];
                break;
            }
            if (RE_FN(tail_succeeds)(st, ctx, pattern + pattern[0], ptr)) {
                st->ptr = ptr; /* nothing after it: done */
                SUCCEED;
            }
            LASTMARK_SAVE();
            if (st->repeat >= 0) MARK_PUSH(ctx->lastmark);
            if (pattern[pattern[0]] == RE_LITERAL) {
                /* the tail starts with a literal: only stop where it is next */
                ctx->chr = pattern[pattern[0] + 1];
                for (;;) {
                    while (ctx->count >= (intptr_t)pattern[1] &&
                           (ptr >= end || (uint32_t)*ptr != ctx->chr)) {
                        ptr--;
                        ctx->count--;
                    }
                    if (ctx->count < (intptr_t)pattern[1]) break;
                    st->ptr = ptr;
                    CALL(RE_J_REPEAT_ONE_1, jump_repeat_one_1, pattern + pattern[0], ctx->toplevel);
                    if (ret) {
                        if (st->repeat >= 0) MARK_POP_DISCARD(ctx->lastmark);
                        SUCCEED;
                    }
                    if (st->repeat >= 0) MARK_POP_KEEP(ctx->lastmark);
                    LASTMARK_RESTORE();
                    ptr--;
                    ctx->count--;
                }
            } else {
                while (ctx->count >= (intptr_t)pattern[1]) {
                    st->ptr = ptr;
                    CALL(RE_J_REPEAT_ONE_2, jump_repeat_one_2, pattern + pattern[0], ctx->toplevel);
                    if (ret) {
                        if (st->repeat >= 0) MARK_POP_DISCARD(ctx->lastmark);
                        SUCCEED;
                    }
                    if (st->repeat >= 0) MARK_POP_KEEP(ctx->lastmark);
                    LASTMARK_RESTORE();
                    ptr--;
                    ctx->count--;
                }
            }
            if (st->repeat >= 0) MARK_POP_DISCARD(ctx->lastmark);
            FAIL;

        case RE_MIN_REPEAT_ONE:
            /* <MIN_REPEAT_ONE> <skip> <min> <max> item <SUCCESS> tail: the
             * fewest first, one more at a time until the tail matches */
            if ((intptr_t)pattern[1] > end - ptr) FAIL;
            st->ptr = ptr;
            if (pattern[1] == 0) {
                ctx->count = 0;
            } else {
                intptr_t n = RE_FN(count)(st, pattern + 3, pattern[1]);
                if (n < (intptr_t)pattern[1]) FAIL;
                ctx->count = n;
                ptr += n;
            }
            if (RE_FN(tail_succeeds)(st, ctx, pattern + pattern[0], ptr)) {
                st->ptr = ptr;
                SUCCEED;
            }
            LASTMARK_SAVE();
            if (st->repeat >= 0) MARK_PUSH(ctx->lastmark);
            while (pattern[2] == RE_MAXREPEAT || ctx->count <= (intptr_t)pattern[2]) {
                st->ptr = ptr;
                CALL(RE_J_MIN_REPEAT_ONE, jump_min_repeat_one, pattern + pattern[0], ctx->toplevel);
                if (ret) {
                    if (st->repeat >= 0) MARK_POP_DISCARD(ctx->lastmark);
                    SUCCEED;
                }
                if (st->repeat >= 0) MARK_POP_KEEP(ctx->lastmark);
                LASTMARK_RESTORE();
                st->ptr = ptr;
                if (RE_FN(count)(st, pattern + 3, 1) == 0) break;
                ptr++;
                ctx->count++;
            }
            if (st->repeat >= 0) MARK_POP_DISCARD(ctx->lastmark);
            FAIL;

        case RE_POSSESSIVE_REPEAT_ONE:
            /* as REPEAT_ONE, but the count found is final */
            if ((intptr_t)pattern[1] > end - ptr) FAIL;
            st->ptr = ptr;
            ctx->count = RE_FN(count)(st, pattern + 3, pattern[2]);
            ptr += ctx->count;
            if (ctx->count < (intptr_t)pattern[1]) FAIL;
            pattern += pattern[0];
            if (*pattern == RE_SUCCESS && ptr == end &&
                !(ctx->toplevel && st->must_advance && ptr == (const CHAR *)st->start)) {
                st->ptr = ptr;
                SUCCEED;
            }
            break;

        case RE_REPEAT: {
            /* <REPEAT> <skip> <min> <max> item <MAX_UNTIL|MIN_UNTIL> tail: a
             * repeat record for the UNTIL op, which does the work */
            intptr_t r = RE_FN(push_repeat)(st);
            if (r < 0) { ret = -1; goto abort; }
            ctx->rep = r;
            st->repeats[r].count = -1;
            st->repeats[r].pattern = pattern;
            st->repeats[r].prev = st->repeat;
            st->repeats[r].last_ptr = NULL;
            st->repeat = r;
            st->ptr = ptr;
            CALL(RE_J_REPEAT, jump_repeat, pattern + pattern[0], ctx->toplevel);
            st->repeat = REP->prev;
            st->repeats_top--; /* (records are released in the order they were made) */
            if (ret) SUCCEED;
            FAIL;
        }

        case RE_MAX_UNTIL:
            /* the end of an iteration of a greedy repeat (or its start) */
            ctx->rep = st->repeat;
            if (ctx->rep < 0) { ret = -1; goto corrupt; }
            st->ptr = ptr;
            ctx->count = REP->count + 1;
            if (ctx->count < (intptr_t)REP->pattern[1]) {
                /* not enough iterations yet */
                REP->count = ctx->count;
                CALL(RE_J_MAX_UNTIL_1, jump_max_until_1, REP->pattern + 3, ctx->toplevel);
                if (ret) SUCCEED;
                REP->count = ctx->count - 1;
                st->ptr = ptr;
                FAIL;
            }
            if ((ctx->count < (intptr_t)REP->pattern[2] || REP->pattern[2] == RE_MAXREPEAT) &&
                st->ptr != REP->last_ptr) {
                /* enough, but one more if it matches (not after an empty
                 * iteration: that would loop forever) */
                REP->count = ctx->count;
                LASTMARK_SAVE();
                MARK_PUSH(ctx->lastmark);
                if (pjx_re_push_data(st, &REP->last_ptr, sizeof(void *)) < 0) { ret = -1; goto abort; }
                REP->last_ptr = st->ptr;
                CALL(RE_J_MAX_UNTIL_2, jump_max_until_2, REP->pattern + 3, ctx->toplevel);
                pjx_re_pop_data(st, &REP->last_ptr, sizeof(void *), 1);
                if (ret) {
                    MARK_POP_DISCARD(ctx->lastmark);
                    SUCCEED;
                }
                MARK_POP(ctx->lastmark);
                LASTMARK_RESTORE();
                REP->count = ctx->count - 1;
                st->ptr = ptr;
            }
            /* no more iterations here: the tail must match */
            st->repeat = REP->prev;
            CALL(RE_J_MAX_UNTIL_3, jump_max_until_3, pattern, ctx->toplevel);
            st->repeat = ctx->rep;
            if (ret) SUCCEED;
            st->ptr = ptr;
            FAIL;

        case RE_MIN_UNTIL: {
            /* the end of an iteration of a lazy repeat: the tail first */
            ctx->rep = st->repeat;
            if (ctx->rep < 0) { ret = -1; goto corrupt; }
            st->ptr = ptr;
            ctx->count = REP->count + 1;
            if (ctx->count < (intptr_t)REP->pattern[1]) {
                REP->count = ctx->count;
                CALL(RE_J_MIN_UNTIL_1, jump_min_until_1, REP->pattern + 3, ctx->toplevel);
                if (ret) SUCCEED;
                REP->count = ctx->count - 1;
                st->ptr = ptr;
                FAIL;
            }
            st->repeat = REP->prev;
            LASTMARK_SAVE();
            if (st->repeat >= 0) MARK_PUSH(ctx->lastmark);
            CALL(RE_J_MIN_UNTIL_2, jump_min_until_2, pattern, ctx->toplevel);
            {
                intptr_t tail_repeat = st->repeat;
                st->repeat = ctx->rep;
                if (ret) {
                    if (tail_repeat >= 0) MARK_POP_DISCARD(ctx->lastmark);
                    SUCCEED;
                }
                if (tail_repeat >= 0) MARK_POP(ctx->lastmark);
            }
            LASTMARK_RESTORE();
            st->ptr = ptr;
            if ((ctx->count >= (intptr_t)REP->pattern[2] && REP->pattern[2] != RE_MAXREPEAT) ||
                st->ptr == REP->last_ptr)
                FAIL;
            REP->count = ctx->count;
            if (pjx_re_push_data(st, &REP->last_ptr, sizeof(void *)) < 0) { ret = -1; goto abort; }
            REP->last_ptr = st->ptr;
            CALL(RE_J_MIN_UNTIL_3, jump_min_until_3, REP->pattern + 3, ctx->toplevel);
            pjx_re_pop_data(st, &REP->last_ptr, sizeof(void *), 1);
            if (ret) SUCCEED;
            REP->count = ctx->count - 1;
            st->ptr = ptr;
            FAIL;
        }

        case RE_POSSESSIVE_REPEAT:
            /* <POSSESSIVE_REPEAT> <skip> <min> <max> item <SUCCESS> tail:
             * each iteration is matched on its own and never revisited */
            st->ptr = ptr;
            ctx->count = 0;
            while (ctx->count < (intptr_t)pattern[1]) {
                CALL(RE_J_POSS_REPEAT_1, jump_poss_repeat_1, pattern + 3, 0);
                if (!ret) {
                    st->ptr = ptr;
                    FAIL;
                }
                ctx->count++;
            }
            /* (ptr differs from st->ptr below until an iteration is empty) */
            ptr = NULL;
            while ((ctx->count < (intptr_t)pattern[2] || pattern[2] == RE_MAXREPEAT) &&
                   (const CHAR *)st->ptr != ptr) {
                LASTMARK_SAVE();
                MARK_PUSH(ctx->lastmark);
                ptr = (const CHAR *)st->ptr;
                CALL(RE_J_POSS_REPEAT_2, jump_poss_repeat_2, pattern + 3, 0);
                if (ret) {
                    MARK_POP_DISCARD(ctx->lastmark);
                    ctx->count++;
                } else {
                    MARK_POP(ctx->lastmark);
                    LASTMARK_RESTORE();
                    st->ptr = ptr;
                    break;
                }
            }
            pattern += pattern[0] + 1;
            ptr = (const CHAR *)st->ptr;
            break;

        case RE_ATOMIC_GROUP:
            /* <ATOMIC_GROUP> <skip> body <SUCCESS> tail: the body's first
             * match is final */
            st->ptr = ptr;
            CALL(RE_J_ATOMIC_GROUP, jump_atomic_group, pattern + 1, 0);
            if (!ret) {
                st->ptr = ptr;
                FAIL;
            }
            pattern += pattern[0];
            ptr = (const CHAR *)st->ptr;
            break;

        case RE_GROUPREF:
        case RE_GROUPREF_IGNORE:
        case RE_GROUPREF_UNI_IGNORE:
        case RE_GROUPREF_LOC_IGNORE: {
            /* the text a group matched, again */
            uint32_t op = pattern[-1];
            int32_t g = (int32_t)pattern[0] * 2;
            if (g >= st->lastmark) FAIL;
            const CHAR *p = (const CHAR *)st->mark[g], *e = (const CHAR *)st->mark[g + 1];
            if (!p || !e || e < p) FAIL;
            for (; p < e; p++, ptr++) {
                if (ptr >= end) FAIL;
                uint32_t a = *ptr, b = *p;
                if (op == RE_GROUPREF_IGNORE) { a = pjx_re_lower_ascii(a); b = pjx_re_lower_ascii(b); }
                else if (op == RE_GROUPREF_UNI_IGNORE) { a = pjx_re_lower_unicode(a); b = pjx_re_lower_unicode(b); }
                else if (op == RE_GROUPREF_LOC_IGNORE) { a = pjx_re_lower_locale(a); b = pjx_re_lower_locale(b); }
                if (a != b) FAIL;
            }
            pattern++;
            break;
        }

        case RE_GROUPREF_EXISTS: {
            /* <GROUPREF_EXISTS> <group> <skip> yes [<JUMP> <skip>] no */
            int32_t g = (int32_t)pattern[0] * 2;
            if (g >= st->lastmark || !st->mark[g] || !st->mark[g + 1] ||
                (const CHAR *)st->mark[g + 1] < (const CHAR *)st->mark[g]) {
                pattern += pattern[1];
                break;
            }
            pattern += 2;
            break;
        }

        case RE_ASSERT:
            /* <ASSERT> <skip> <back> body <SUCCESS>: look ahead (back 0) or
             * behind by a fixed width */
            if (ptr - (const CHAR *)st->beginning < (intptr_t)pattern[1]) FAIL;
            st->ptr = ptr - pattern[1];
            CALL(RE_J_ASSERT, jump_assert, pattern + 2, 0);
            if (!ret) FAIL;
            pattern += pattern[0];
            break;

        case RE_ASSERT_NOT:
            if (ptr - (const CHAR *)st->beginning >= (intptr_t)pattern[1]) {
                st->ptr = ptr - pattern[1];
                LASTMARK_SAVE();
                if (st->repeat >= 0) MARK_PUSH(ctx->lastmark);
                CALL(RE_J_ASSERT_NOT, jump_assert_not, pattern + 2, 0);
                if (ret) {
                    if (st->repeat >= 0) MARK_POP_DISCARD(ctx->lastmark);
                    FAIL;
                }
                if (st->repeat >= 0) MARK_POP(ctx->lastmark);
                LASTMARK_RESTORE();
            }
            pattern += pattern[0];
            break;

        case RE_FAILURE:
            FAIL;

        default:
            ret = -1;
            goto corrupt;
        }
    }

leave:
    /* return `ret` to the frame below */
    jump = CTX->jump;
    st->frames_top--;
    if (st->frames_top == base) return ret;
    ctx = CTX;
    switch (jump) {
    case RE_J_MAX_UNTIL_1: goto jump_max_until_1;
    case RE_J_MAX_UNTIL_2: goto jump_max_until_2;
    case RE_J_MAX_UNTIL_3: goto jump_max_until_3;
    case RE_J_MIN_UNTIL_1: goto jump_min_until_1;
    case RE_J_MIN_UNTIL_2: goto jump_min_until_2;
    case RE_J_MIN_UNTIL_3: goto jump_min_until_3;
    case RE_J_REPEAT: goto jump_repeat;
    case RE_J_REPEAT_ONE_1: goto jump_repeat_one_1;
    case RE_J_REPEAT_ONE_2: goto jump_repeat_one_2;
    case RE_J_MIN_REPEAT_ONE: goto jump_min_repeat_one;
    case RE_J_BRANCH: goto jump_branch;
    case RE_J_ASSERT: goto jump_assert;
    case RE_J_ASSERT_NOT: goto jump_assert_not;
    case RE_J_POSS_REPEAT_1: goto jump_poss_repeat_1;
    case RE_J_POSS_REPEAT_2: goto jump_poss_repeat_2;
    case RE_J_ATOMIC_GROUP: goto jump_atomic_group;
    default: break;
    }
corrupt:
    pjx_err_set(PJX_EXC_RUNTIME, "internal error in regular expression engine");
abort:
    st->frames_top = base;
    return -1;

#undef CTX
#undef FAIL
#undef SUCCEED
#undef ON_ERROR
#undef CALL
#undef LASTMARK_SAVE
#undef LASTMARK_RESTORE
#undef MARK_PUSH
#undef MARK_POP
#undef MARK_POP_KEEP
#undef MARK_POP_DISCARD
#undef REP
}

/* Finds the first position from st->start at which the program matches
 * (st->start and st->ptr are then the match's start and end): 1, 0 or -1.
 * Uses the INFO block's literal prefix or first-character set to skip
 * positions where no match can start. */
static intptr_t RE_FN(search)(re_state *st, const uint32_t *pattern) {
    const CHAR *ptr = (const CHAR *)st->start, *end = (const CHAR *)st->end;
    intptr_t status = 0;
    intptr_t prefix_len = 0, prefix_skip = 0;
    const uint32_t *prefix = NULL, *charset = NULL, *overlap = NULL;
    const uint64_t *charset_bits = NULL;
    uint32_t flags = 0;

    if (ptr > end) return 0;
    if (pattern[0] == RE_INFO) {
        /* <INFO> <skip> <flags> <min> <max> <prefix or charset> */
        flags = pattern[2];
        if (pattern[3] && end - ptr < (intptr_t)pattern[3]) return 0;
        if (pattern[3] > 1) {
            /* no match can start in the last min - 1 characters */
            end -= pattern[3] - 1;
            if (end <= ptr) end = ptr;
        }
        if (flags & RE_INFO_PREFIX) {
            prefix_len = pattern[5];
            prefix_skip = pattern[6];
            prefix = pattern + 7;
            overlap = prefix + prefix_len - 1;
        } else if (flags & RE_INFO_CHARSET) {
            charset = pattern + 5;
            uint32_t k = st->aux[pattern - st->code];
            if (k) charset_bits = st->sets[k - 1];
        }
        pattern += 1 + pattern[1];
    }

    if (prefix_len == 1) {
        /* the first character is known */
        uint32_t c = prefix[0];
        if (sizeof(CHAR) == 1 && c > 255) return 0;
        end = (const CHAR *)st->end;
        st->must_advance = 0;
        while (ptr < end) {
            if (sizeof(CHAR) == 1) {
                const CHAR *hit = memchr(ptr, (int)c, (size_t)(end - ptr));
                if (hit == NULL) return 0;
                ptr = hit;
            } else {
                while (*ptr != (CHAR)c) {
                    if (++ptr >= end) return 0;
                }
            }
            st->start = ptr;
            st->ptr = ptr + prefix_skip;
            if (flags & RE_INFO_LITERAL) return 1; /* the prefix is the whole pattern */
            status = RE_FN(match)(st, pattern + 2 * prefix_skip, 0);
            if (status != 0) return status;
            ++ptr;
            pjx_re_state_reset(st);
        }
        return 0;
    }

    if (prefix_len > 1) {
        /* a literal prefix: find it with the overlap table (KMP) */
        end = (const CHAR *)st->end;
        if (prefix_len > end - ptr) return 0;
        if (sizeof(CHAR) == 1) {
            for (intptr_t i = 0; i < prefix_len; i++)
                if (prefix[i] > 255) return 0;
        }
        while (ptr < end) {
            CHAR c = (CHAR)prefix[0];
            if (sizeof(CHAR) == 1) {
                const CHAR *hit = memchr(ptr, c, (size_t)(end - ptr));
                if (hit == NULL) return 0;
                ptr = hit + 1;
            } else {
                while (*ptr++ != c) {
                    if (ptr >= end) return 0;
                }
            }
            if (ptr >= end) return 0;
            intptr_t i = 1;
            st->must_advance = 0;
            do {
                if (*ptr == (CHAR)prefix[i]) {
                    if (++i != prefix_len) {
                        if (++ptr >= end) return 0;
                        continue;
                    }
                    /* the whole prefix is here */
                    st->start = ptr - (prefix_len - 1);
                    st->ptr = ptr - (prefix_len - prefix_skip - 1);
                    if (flags & RE_INFO_LITERAL) return 1;
                    status = RE_FN(match)(st, pattern + 2 * prefix_skip, 0);
                    if (status != 0) return status;
                    if (++ptr >= end) return 0;
                    pjx_re_state_reset(st);
                }
                i = (intptr_t)overlap[i];
            } while (i != 0);
        }
        return 0;
    }

    if (charset) {
        /* the first character is one of a set */
        end = (const CHAR *)st->end;
        st->must_advance = 0;
        for (;;) {
            if (charset_bits != NULL && sizeof(CHAR) == 1)
                while (ptr < end && !pjx_re_bit(charset_bits, *ptr)) ptr++;
            else if (charset_bits != NULL)
                while (ptr < end && (*ptr < 256 ? !pjx_re_bit(charset_bits, *ptr)
                                                : !RE_FN(charset)(charset, *ptr))) ptr++;
            else
                while (ptr < end && !RE_FN(charset)(charset, *ptr)) ptr++;
            if (ptr >= end) return 0;
            st->start = ptr;
            st->ptr = ptr;
            status = RE_FN(match)(st, pattern, 0);
            if (status != 0) break;
            ptr++;
            pjx_re_state_reset(st);
        }
        return status;
    }

    int anchored = pattern[0] == RE_AT &&
                   (pattern[1] == RE_AT_BEGINNING || pattern[1] == RE_AT_BEGINNING_STRING);
    if (st->search_set && !anchored) {
        /* the pattern must consume a character first (so it never matches
         * empty, and no position at the end matches): only the positions
         * whose character can start it are tried */
        const uint64_t *set = st->sets[st->search_set - 1];
        const CHAR *last = (const CHAR *)st->end;
        for (; ptr <= end && ptr < last; ptr++) {
            if ((uint32_t)*ptr < 256 && !pjx_re_bit(set, *ptr)) continue;
            pjx_re_state_reset(st);
            st->start = st->ptr = ptr;
            status = RE_FN(match)(st, pattern, 0);
            if (status != 0) return status;
        }
        st->must_advance = 0;
        return 0;
    }

    /* every position in turn */
    st->start = st->ptr = ptr;
    status = RE_FN(match)(st, pattern, 1);
    st->must_advance = 0;
    if (status == 0 && anchored) {
        /* anchored at the beginning: nowhere else */
        st->start = st->ptr = end;
        return 0;
    }
    while (status == 0 && ptr < end) {
        ptr++;
        pjx_re_state_reset(st);
        st->start = st->ptr = ptr;
        status = RE_FN(match)(st, pattern, 0);
    }
    return status;
}

#undef CHAR
#undef FRAME
