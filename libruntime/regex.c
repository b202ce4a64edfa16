/* Pattern objects: built from a program (checked before it is ever run),
 * and the searches over a subject string -- match, search, fullmatch,
 * findall, finditer, split -- with _sre's rules for where the next search
 * starts after an empty match. */
#include "regex_internal.h"
#include "str_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ---- re.error ------------------------------------------------------------- */

/* re.error is a Python class; compiled code knows it by the kind that
 * pyjitx.exceptions derives from its qualified name (CRC-32 of
 * "module.qualname", folded into the user range), so this runtime raises
 * it with the same number with no Python around (C++ hosts). */
static uint32_t crc32_of(const char *text) {
    uint32_t crc = 0xFFFFFFFFu;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        crc ^= *p;
        for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

int32_t pjx_re_error_kind(void) {
    static int32_t kind = 0;
    int32_t k = __atomic_load_n(&kind, __ATOMIC_ACQUIRE);
    if (k != 0) return k;
    /* 3.13 renamed the class re.PatternError (re.error stays an alias) */
    const char *name = PJX_PY_AT_LEAST(3, 13) ? "re.PatternError" : "re.error";
    k = PJX_USER_EXCEPTION_BASE + (int32_t)(crc32_of(name) % (1u << 17));
    pjx_register_exception_class(k, PJX_EXC_EXCEPTION);
    __atomic_store_n(&kind, k, __ATOMIC_RELEASE);
    return k;
}

void pjx_re_error(const char *format, ...) {
    char message[512];
    va_list ap;
    va_start(ap, format);
    vsnprintf(message, sizeof message, format, ap);
    va_end(ap);
    pjx_err_set(pjx_re_error_kind(), message);
}

/* ---- checking a program --------------------------------------------------- */
/* Every jump must land inside the program and every operand be in range, so
 * the matcher can trust what it reads (the layout is re._compiler's; this
 * follows _sre's own validator).  0 ok, -1 not. */
static int check_charset(const uint32_t *code, const uint32_t *end) {
    while (code < end) {
        uint32_t op = *code++;
        switch (op) {
        case RE_NEGATE: break;
        case RE_LITERAL:
            if (end - code < 1) return -1;
            code++;
            break;
        case RE_RANGE:
        case RE_RANGE_UNI_IGNORE:
            if (end - code < 2) return -1;
            code += 2;
            break;
        case RE_CHARSET:
            if (end - code < 8) return -1;
            code += 8;
            break;
        case RE_BIGCHARSET: {
            if (end - code < 1 + 64) return -1;
            uint32_t blocks = *code++;
            for (int i = 0; i < 256; i++)
                if (((const uint8_t *)code)[i] >= blocks) return -1;
            code += 64;
            if ((uint64_t)(end - code) < (uint64_t)blocks * 8) return -1;
            code += blocks * 8;
            break;
        }
        case RE_CATEGORY:
            if (end - code < 1 || *code >= RE__CATEGORIES) return -1;
            code++;
            break;
        default: return -1;
        }
    }
    return 0;
}

/* the item of a REPEAT_ONE: one op that matches exactly one character */
static int check_single(const uint32_t *code, const uint32_t *end) {
    if (code >= end) return -1;
    switch (code[0]) {
    case RE_LITERAL: case RE_NOT_LITERAL: case RE_LITERAL_IGNORE: case RE_NOT_LITERAL_IGNORE:
    case RE_LITERAL_UNI_IGNORE: case RE_NOT_LITERAL_UNI_IGNORE: case RE_LITERAL_LOC_IGNORE:
    case RE_NOT_LITERAL_LOC_IGNORE: case RE_CATEGORY:
        return end - code == 2 ? 0 : -1;
    case RE_ANY: case RE_ANY_ALL:
        return end - code == 1 ? 0 : -1;
    case RE_IN: case RE_IN_IGNORE: case RE_IN_UNI_IGNORE: case RE_IN_LOC_IGNORE:
        return end - code >= 2 && code[1] == (uint32_t)(end - code - 1) ? 0 : -1;
    default: return -1;
    }
}

/* 0 ok, 1 ok and ends with a JUMP, -1 bad */
static int check_code(const uint32_t *code, const uint32_t *end, int64_t groups) {
#define NEED(n) do { if (end - code < (intptr_t)(n)) return -1; } while (0)
#define SKIP_OK(skip, adj) ((skip) >= (adj) && (uintptr_t)((skip) - (adj)) <= (uintptr_t)(end - code))
    while (code < end) {
        uint32_t op = *code++;
        switch (op) {
        case RE_MARK:
            NEED(1);
            if (*code > 2 * (uint64_t)groups + 1) return -1;
            code++;
            break;
        case RE_LITERAL: case RE_NOT_LITERAL: case RE_LITERAL_IGNORE: case RE_NOT_LITERAL_IGNORE:
        case RE_LITERAL_UNI_IGNORE: case RE_NOT_LITERAL_UNI_IGNORE: case RE_LITERAL_LOC_IGNORE:
        case RE_NOT_LITERAL_LOC_IGNORE:
            NEED(1);
            code++;
            break;
        case RE_SUCCESS: case RE_FAILURE: case RE_ANY: case RE_ANY_ALL:
            break;
        case RE_AT:
            NEED(1);
            if (*code >= RE__ATCODES) return -1;
            code++;
            break;
        case RE_CATEGORY:
            NEED(1);
            if (*code >= RE__CATEGORIES) return -1;
            code++;
            break;
        case RE_IN: case RE_IN_IGNORE: case RE_IN_UNI_IGNORE: case RE_IN_LOC_IGNORE: {
            NEED(1);
            uint32_t skip = *code;
            if (skip < 2 || !SKIP_OK(skip, 0)) return -1;
            if (check_charset(code + 1, code + skip - 1) < 0 || code[skip - 1] != RE_FAILURE) return -1;
            code += skip;
            break;
        }
        case RE_INFO: {
            NEED(4);
            uint32_t skip = code[0], flags = code[1];
            if (skip < 4 || !SKIP_OK(skip, 0)) return -1;
            const uint32_t *next = code + skip;
            if (flags & ~(RE_INFO_PREFIX | RE_INFO_LITERAL | RE_INFO_CHARSET)) return -1;
            if ((flags & RE_INFO_PREFIX) && (flags & RE_INFO_CHARSET)) return -1;
            if ((flags & RE_INFO_LITERAL) && !(flags & RE_INFO_PREFIX)) return -1;
            code += 4;
            if (flags & RE_INFO_PREFIX) {
                if (next - code < 2) return -1;
                uint32_t len = code[0], skip_prefix = code[1];
                code += 2;
                if (len == 0 || skip_prefix > len || (uint64_t)(next - code) < 2 * (uint64_t)len)
                    return -1;
                for (uint32_t i = 0; i < len; i++)
                    if (code[len + i] >= len) return -1;
                code += 2 * len;
            }
            if (flags & RE_INFO_CHARSET) {
                if (next - code < 1 || check_charset(code, next - 1) < 0 || next[-1] != RE_FAILURE)
                    return -1;
                code = next;
            }
            if (code != next) return -1;
            break;
        }
        case RE_BRANCH: {
            const uint32_t *target = NULL;
            for (;;) {
                NEED(1);
                uint32_t skip = *code;
                if (skip == 0) { code++; break; }
                if (skip < 3 || !SKIP_OK(skip, 0)) return -1;
                if (check_code(code + 1, code + skip - 2, groups) < 0) return -1;
                code += skip - 2;
                if (code[0] != RE_JUMP) return -1;
                uint32_t jump = code[1];
                if (!SKIP_OK(jump, 0)) return -1;
                if (target == NULL) target = code + 1 + jump;
                else if (code + 1 + jump != target) return -1;
                code += 2;
            }
            if (target != NULL && code != target) return -1;
            break;
        }
        case RE_REPEAT_ONE: case RE_MIN_REPEAT_ONE: case RE_POSSESSIVE_REPEAT_ONE: {
            NEED(3);
            uint32_t skip = code[0], min = code[1], max = code[2];
            if (skip < 4 || !SKIP_OK(skip, 0) || min > max) return -1;
            if (check_single(code + 3, code + skip - 1) < 0 || code[skip - 1] != RE_SUCCESS) return -1;
            code += skip;
            break;
        }
        case RE_REPEAT: case RE_POSSESSIVE_REPEAT: {
            NEED(3);
            uint32_t skip = code[0], min = code[1], max = code[2];
            if (skip < 3 || !SKIP_OK(skip, 0) || end - code <= (intptr_t)skip || min > max) return -1;
            if (check_code(code + 3, code + skip, groups) != 0) return -1;
            uint32_t until = code[skip];
            if (op == RE_POSSESSIVE_REPEAT ? until != RE_SUCCESS
                                           : (until != RE_MAX_UNTIL && until != RE_MIN_UNTIL))
                return -1;
            code += skip + 1;
            break;
        }
        case RE_ATOMIC_GROUP: {
            NEED(1);
            uint32_t skip = code[0];
            if (skip < 2 || !SKIP_OK(skip, 0)) return -1;
            if (check_code(code + 1, code + skip - 1, groups) != 0 || code[skip - 1] != RE_SUCCESS)
                return -1;
            code += skip;
            break;
        }
        case RE_GROUPREF: case RE_GROUPREF_IGNORE: case RE_GROUPREF_UNI_IGNORE:
        case RE_GROUPREF_LOC_IGNORE:
            NEED(1);
            if (*code >= (uint64_t)groups) return -1;
            code++;
            break;
        case RE_GROUPREF_EXISTS: {
            /* <group> <skip> yes [JUMP <skip> no]: the skip counts from the group word */
            NEED(2);
            if (code[0] >= (uint64_t)groups) return -1;
            uint32_t skip = code[1];
            if (skip < 2 || !SKIP_OK(skip, 0)) return -1;
            int rc = check_code(code + 2, code + skip, groups);
            if (rc < 0) return -1;
            if (rc == 1) {
                /* a JUMP ends the yes part: the no part follows */
                const uint32_t *no = code + skip;
                uint32_t skip_no = no[-1];
                if (!SKIP_OK(skip_no, 1) || (uintptr_t)(end - no) < skip_no - 1) return -1;
                if (check_code(no, no + skip_no - 1, groups) != 0) return -1;
                code = no + skip_no - 1;
            } else {
                code += skip;
            }
            break;
        }
        case RE_ASSERT: case RE_ASSERT_NOT: {
            NEED(2);
            uint32_t skip = code[0];
            if (skip < 3 || !SKIP_OK(skip, 0)) return -1;
            if (check_code(code + 2, code + skip - 1, groups) != 0 || code[skip - 1] != RE_SUCCESS)
                return -1;
            code += skip;
            break;
        }
        case RE_JUMP:
            /* only as the last op of a branch or of a conditional's yes part */
            if (end - code != 1) return -1;
            return 1;
        default: return -1;
        }
    }
    return 0;
#undef NEED
#undef SKIP_OK
}

/* ---- building a pattern --------------------------------------------------- */

pjx_re_pattern *pjx_re_compile(pjx_bytes *program, pjx_object *pattern, pjx_dict *groupindex) {
    if (program->size < RE_HEADER_WORDS * 4 || program->size % 4 != 0) goto bad;
    uint32_t header[RE_HEADER_WORDS];
    memcpy(header, program->data, sizeof header);
    if (header[0] != RE_PROGRAM_MAGIC) goto bad;
    if (header[1] != RE_PROGRAM_VERSION) {
        pjx_err_format(PJX_EXC_RUNTIME, "this runtime runs regular-expression programs of "
                       "version %u, not %u: compile the code again", RE_PROGRAM_VERSION, header[1]);
        return NULL;
    }
    int64_t codesize = header[4], groups = header[3];
    if (codesize < 1 || (int64_t)program->size != (RE_HEADER_WORDS + codesize) * 4 ||
        groups > (1 << 28))
        goto bad;
    pjx_re_pattern *p = pjx_object_new(sizeof(pjx_re_pattern) + (size_t)codesize * 4,
                                       PJX_TYPE_RE_PATTERN);
    if (p == NULL) return NULL;
    memcpy(p->code, program->data + RE_HEADER_WORDS * 4, (size_t)codesize * 4);
    p->codesize = codesize;
    p->flags = header[2];
    p->groups = groups;
    p->is_bytes = pattern->type_id == PJX_TYPE_BYTES;
    pjx_incref(pattern);
    p->pattern = pattern;
    pjx_incref(groupindex);
    p->groupindex = groupindex;
    p->indexgroup = NULL;
    p->aux = NULL;
    p->sets = NULL;
    p->search_set = 0;
    if (p->code[codesize - 1] != RE_SUCCESS || check_code(p->code, p->code + codesize - 1, groups) != 0) {
        pjx_decref(p);
        goto bad;
    }
    if (pjx_re_analyze(p) < 0) {
        pjx_decref(p);
        return NULL;
    }
    if (groupindex->size > 0) {
        p->indexgroup = pjx_alloc(sizeof(pjx_str *) * (size_t)(groups + 1));
        if (p->indexgroup == NULL) {
            pjx_decref(p);
            return NULL;
        }
        memset(p->indexgroup, 0, sizeof(pjx_str *) * (size_t)(groups + 1));
        for (int64_t i = 0; i < groupindex->used; i++) {
            pjx_dict_entry *e = &groupindex->entries[i];
            if (e->hash == -1) continue;
            if (e->value.i >= 1 && e->value.i <= groups && p->indexgroup[e->value.i] == NULL) {
                p->indexgroup[e->value.i] = (pjx_str *)e->key.o;
                pjx_incref(e->key.o);
            }
        }
    }
    return p;
bad:
    pjx_err_set(PJX_EXC_RUNTIME, "invalid regular-expression program");
    return NULL;
}

void pjx_re_pattern_dealloc(pjx_re_pattern *p) {
    pjx_free(p->aux);
    pjx_free(p->sets);
    pjx_decref(p->pattern);
    pjx_decref(p->groupindex);
    if (p->indexgroup != NULL) {
        for (int64_t i = 0; i <= p->groups; i++) pjx_decref(p->indexgroup[i]);
        pjx_free(p->indexgroup);
    }
    pjx_free(p);
}

/* ---- the subject ---------------------------------------------------------- */

static const char *type_name_of(pjx_object *o) {
    return pjx_slot_type_name(PJX_KIND_OBJ, (pjx_slot){.o = o});
}

int32_t pjx_re_subject_init(re_subject *s, const pjx_re_pattern *p, pjx_object *string) {
    s->string = string;
    s->ucs4 = NULL;
    s->offsets = NULL;
    if (string == NULL || (string->type_id != PJX_TYPE_STR && string->type_id != PJX_TYPE_BYTES)) {
        pjx_err_format(PJX_EXC_TYPE, "expected string or bytes-like object, got '%s'",
                       string == NULL ? "NoneType" : type_name_of(string));
        return -1;
    }
    s->is_bytes = string->type_id == PJX_TYPE_BYTES;
    if (s->is_bytes && !p->is_bytes) {
        pjx_err_set(PJX_EXC_TYPE, "cannot use a string pattern on a bytes-like object");
        return -1;
    }
    if (!s->is_bytes && p->is_bytes) {
        pjx_err_set(PJX_EXC_TYPE, "cannot use a bytes pattern on a string-like object");
        return -1;
    }
    if (s->is_bytes) {
        pjx_bytes *b = (pjx_bytes *)string;
        s->chars = b->data;
        s->charsize = 1;
        s->length = b->size;
        return 0;
    }
    pjx_str *str = (pjx_str *)string;
    s->length = str->length;
    if (str->ob.flags & PJX_STR_ASCII) {
        s->chars = str->data;
        s->charsize = 1;
        return 0;
    }
    /* UCS-4, and where each character starts in the UTF-8 */
    if (str->length < 256) {
        s->ucs4 = s->inline_ucs4;
        s->offsets = s->inline_offsets;
    } else {
        s->ucs4 = pjx_alloc(sizeof(uint32_t) * (size_t)(str->length + 1));
        s->offsets = pjx_alloc(sizeof(int64_t) * (size_t)(str->length + 1));
        if (s->ucs4 == NULL || s->offsets == NULL) {
            pjx_re_subject_fini(s);
            return -1;
        }
    }
    const unsigned char *data = (const unsigned char *)str->data;
    int64_t at = 0;
    for (int64_t i = 0; i < str->length; i++) {
        int n;
        s->offsets[i] = at;
        s->ucs4[i] = pjx_u8_decode(data + at, &n);
        at += n;
    }
    s->offsets[str->length] = at;
    s->chars = s->ucs4;
    s->charsize = 4;
    return 0;
}

void pjx_re_subject_fini(re_subject *s) {
    if (s->ucs4 != s->inline_ucs4) pjx_free(s->ucs4);
    if (s->offsets != s->inline_offsets) pjx_free(s->offsets);
    s->ucs4 = NULL;
    s->offsets = NULL;
}

pjx_object *pjx_re_subject_slice(const re_subject *s, int64_t i, int64_t j) {
    if (s->is_bytes) {
        pjx_bytes *b = (pjx_bytes *)s->string;
        if (i == 0 && j == b->size) {
            pjx_incref(b);
            return (pjx_object *)b;
        }
        return (pjx_object *)pjx_bytes_from_data(b->data + i, j - i);
    }
    pjx_str *str = (pjx_str *)s->string;
    int64_t b0 = pjx_re_byte_offset(s, i), b1 = pjx_re_byte_offset(s, j);
    if (b0 == 0 && b1 == str->nbytes) {
        pjx_incref(str);
        return (pjx_object *)str;
    }
    return (pjx_object *)pjx_str_from_utf8_len(str->data + b0, b1 - b0, j - i);
}

/* group `index` (1-based) of the run in st, or NULL when it did not take
 * part (*unset = 1 then); NULL with *unset = 0 is an error */
static pjx_object *state_group(const re_subject *s, const re_state *st, int64_t index, int *unset) {
    int64_t g = (index - 1) * 2;
    *unset = 0;
    if (g + 1 > st->lastmark || st->mark[g] == NULL || st->mark[g + 1] == NULL) {
        *unset = 1;
        return NULL;
    }
    int64_t i = pjx_re_index(st, st->mark[g]), j = pjx_re_index(st, st->mark[g + 1]);
    if (i > j) {
        pjx_err_set(PJX_EXC_RUNTIME,
                    "The span of capturing group is wrong, please report a bug for the re module.");
        return NULL;
    }
    return pjx_re_subject_slice(s, i, j);
}

/* ---- runs ----------------------------------------------------------------- */

static inline void clamp(int64_t length, int64_t *pos, int64_t *endpos) {
    if (*pos < 0) *pos = 0;
    else if (*pos > length) *pos = length;
    if (*endpos < 0) *endpos = 0;
    else if (*endpos > length) *endpos = length;
}

/* prepares st over the subject from pos to endpos (clamped) */
static int32_t begin(re_state *st, const pjx_re_pattern *p, const re_subject *s, int64_t *pos,
                     int64_t *endpos) {
    clamp(s->length, pos, endpos);
    pjx_re_state_init(st, p, s->chars, s->charsize, *pos, *endpos);
    if (st->mark == NULL && pjx_re_state_marks(st) < 0) {
        pjx_re_state_fini(st);
        return -1;
    }
    return 0;
}

pjx_re_match *pjx_re_match_from_state(pjx_re_pattern *p, const re_subject *s,
                                      const re_state *st, int64_t pos, int64_t endpos) {
    int64_t n = p->groups + 1;
    pjx_re_match *m = pjx_object_new(sizeof(pjx_re_match) + sizeof(int64_t) * 4 * (size_t)n,
                                     PJX_TYPE_RE_MATCH);
    if (m == NULL) return NULL;
    pjx_incref(p);
    m->pattern = p;
    pjx_incref(s->string);
    m->string = s->string;
    m->pos = pos;
    m->endpos = endpos;
    m->lastindex = st->lastindex;
    m->ngroups = n;
    int64_t *marks = m->marks, *bytes = m->marks + 2 * n;
    marks[0] = pjx_re_index(st, st->start);
    marks[1] = pjx_re_index(st, st->ptr);
    for (int64_t g = 0; g < p->groups; g++) {
        int64_t j = 2 * g;
        if (j + 1 <= st->lastmark && st->mark[j] != NULL && st->mark[j + 1] != NULL) {
            marks[j + 2] = pjx_re_index(st, st->mark[j]);
            marks[j + 3] = pjx_re_index(st, st->mark[j + 1]);
            if (marks[j + 2] > marks[j + 3]) {
                pjx_decref(m);
                pjx_err_set(PJX_EXC_RUNTIME, "The span of capturing group is "
                            "wrong, please report a bug for the re module.");
                return NULL;
            }
        } else {
            marks[j + 2] = marks[j + 3] = -1;
        }
    }
    for (int64_t k = 0; k < 2 * n; k++) bytes[k] = marks[k] < 0 ? -1 : pjx_re_byte_offset(s, marks[k]);
    return m;
}

void pjx_re_match_dealloc(pjx_re_match *m) {
    pjx_decref(m->pattern);
    pjx_decref(m->string);
    pjx_free(m);
}

int32_t pjx_re_run(pjx_re_pattern *p, pjx_object *string, int64_t pos, int64_t endpos,
                   int64_t mode, pjx_re_match **out) {
    re_subject s;
    re_state st;
    if (pjx_re_subject_init(&s, p, string) < 0) return -1;
    if (begin(&st, p, &s, &pos, &endpos) < 0) {
        pjx_re_subject_fini(&s);
        return -1;
    }
    int32_t status;
    if (mode == PJX_RE_SEARCH) {
        status = pjx_re_search(&st, p->code);
    } else {
        st.match_all = mode == PJX_RE_FULLMATCH;
        status = pjx_re_match_at(&st, p->code);
    }
    *out = NULL;
    if (status > 0) *out = pjx_re_match_from_state(p, &s, &st, pos, endpos);
    pjx_re_state_fini(&st);
    pjx_re_subject_fini(&s);
    if (status < 0 || (status > 0 && *out == NULL)) return -1;
    return 0;
}

/* The searches of findall/finditer/split/sub: each starts where the last
 * match ended, and after an empty match a match must not be empty at the
 * same place again (st->must_advance), as in CPython 3.7+. */
static inline int32_t next_match(re_state *st, const pjx_re_pattern *p) {
    pjx_re_state_reset(st);
    st->ptr = st->start;
    return pjx_re_search(st, p->code);
}

static inline void advance(re_state *st) {
    st->must_advance = st->ptr == st->start;
    st->start = st->ptr;
}

pjx_list *pjx_re_findall(pjx_re_pattern *p, pjx_object *string, int64_t pos, int64_t endpos) {
    re_subject s;
    re_state st;
    if (pjx_re_subject_init(&s, p, string) < 0) return NULL;
    if (begin(&st, p, &s, &pos, &endpos) < 0) {
        pjx_re_subject_fini(&s);
        return NULL;
    }
    pjx_list *list = pjx_list_new(PJX_KIND_OBJ, 0);
    if (list == NULL) goto fail;
    while (st.start <= st.end) {
        int32_t status = next_match(&st, p);
        if (status < 0) goto fail;
        if (status == 0) break;
        pjx_object *item;
        int unset;
        if (p->groups == 0) {
            item = pjx_re_subject_slice(&s, pjx_re_index(&st, st.start), pjx_re_index(&st, st.ptr));
        } else if (p->groups == 1) {
            item = state_group(&s, &st, 1, &unset);
            if (item == NULL && unset) item = pjx_re_subject_slice(&s, 0, 0);
        } else {
            pjx_tuple *t = pjx_tuple_new(p->groups);
            item = (pjx_object *)t;
            for (int64_t g = 1; t != NULL && g <= p->groups; g++) {
                pjx_object *o = state_group(&s, &st, g, &unset);
                if (o == NULL && unset) o = pjx_re_subject_slice(&s, 0, 0);
                if (o == NULL) {
                    pjx_decref(t);
                    item = NULL;
                    break;
                }
                pjx_tuple_set_steal(t, g - 1, PJX_KIND_OBJ, (pjx_slot){.o = o});
            }
        }
        if (item == NULL || pjx_list_append_steal(list, (pjx_slot){.o = item}) < 0) {
            pjx_decref(item);
            goto fail;
        }
        advance(&st);
    }
    pjx_re_state_fini(&st);
    pjx_re_subject_fini(&s);
    return list;
fail:
    pjx_decref(list);
    pjx_re_state_fini(&st);
    pjx_re_subject_fini(&s);
    return NULL;
}

pjx_list *pjx_re_finditer(pjx_re_pattern *p, pjx_object *string, int64_t pos, int64_t endpos,
                          int64_t limit) {
    re_subject s;
    re_state st;
    if (pjx_re_subject_init(&s, p, string) < 0) return NULL;
    if (begin(&st, p, &s, &pos, &endpos) < 0) {
        pjx_re_subject_fini(&s);
        return NULL;
    }
    pjx_list *list = pjx_list_new(PJX_KIND_OBJ, 0);
    if (list == NULL) goto fail;
    while ((limit <= 0 || list->size < limit) && st.start <= st.end) {
        int32_t status = next_match(&st, p);
        if (status < 0) goto fail;
        if (status == 0) break;
        pjx_re_match *m = pjx_re_match_from_state(p, &s, &st, pos, endpos);
        if (m == NULL || pjx_list_append_steal(list, (pjx_slot){.o = (pjx_object *)m}) < 0) {
            pjx_decref(m);
            goto fail;
        }
        advance(&st);
    }
    pjx_re_state_fini(&st);
    pjx_re_subject_fini(&s);
    return list;
fail:
    pjx_decref(list);
    pjx_re_state_fini(&st);
    pjx_re_subject_fini(&s);
    return NULL;
}

pjx_list *pjx_re_split(pjx_re_pattern *p, pjx_object *string, int64_t maxsplit) {
    re_subject s;
    re_state st;
    int64_t pos = 0, endpos = INT64_MAX;
    if (pjx_re_subject_init(&s, p, string) < 0) return NULL;
    if (begin(&st, p, &s, &pos, &endpos) < 0) {
        pjx_re_subject_fini(&s);
        return NULL;
    }
    pjx_list *list = pjx_list_new(PJX_KIND_OBJ, 0);
    if (list == NULL) goto fail;
    int64_t n = 0, last = 0;
    while (maxsplit <= 0 || n < maxsplit) {
        int32_t status = next_match(&st, p);
        if (status < 0) goto fail;
        if (status == 0) break;
        pjx_object *piece = pjx_re_subject_slice(&s, last, pjx_re_index(&st, st.start));
        if (piece == NULL || pjx_list_append_steal(list, (pjx_slot){.o = piece}) < 0) {
            pjx_decref(piece);
            goto fail;
        }
        for (int64_t g = 1; g <= p->groups; g++) {
            int unset;
            pjx_object *o = state_group(&s, &st, g, &unset);
            if (o == NULL && !unset) goto fail;
            if (pjx_list_append_steal(list, (pjx_slot){.o = o}) < 0) {
                pjx_decref(o);
                goto fail;
            }
        }
        n++;
        advance(&st);
        last = pjx_re_index(&st, st.start);
    }
    pjx_object *tail = pjx_re_subject_slice(&s, last, endpos);
    if (tail == NULL || pjx_list_append_steal(list, (pjx_slot){.o = tail}) < 0) {
        pjx_decref(tail);
        goto fail;
    }
    pjx_re_state_fini(&st);
    pjx_re_subject_fini(&s);
    return list;
fail:
    pjx_decref(list);
    pjx_re_state_fini(&st);
    pjx_re_subject_fini(&s);
    return NULL;
}

/* ---- sub ------------------------------------------------------------------ */

static int32_t append_object(pjx_strbuf *buf, pjx_object *o) {
    if (o->type_id == PJX_TYPE_STR) return pjx_strbuf_append(buf, ((pjx_str *)o)->data, ((pjx_str *)o)->nbytes);
    return pjx_strbuf_append(buf, ((pjx_bytes *)o)->data, ((pjx_bytes *)o)->size);
}

static int32_t append_slice(pjx_strbuf *buf, const re_subject *s, int64_t i, int64_t j) {
    if (s->is_bytes) return pjx_strbuf_append(buf, ((pjx_bytes *)s->string)->data + i, j - i);
    int64_t b0 = pjx_re_byte_offset(s, i), b1 = pjx_re_byte_offset(s, j);
    return pjx_strbuf_append(buf, ((pjx_str *)s->string)->data + b0, b1 - b0);
}

static pjx_object *finish(pjx_strbuf *buf, int is_bytes) {
    if (!is_bytes) return (pjx_object *)pjx_strbuf_finish(buf);
    pjx_bytes *b = pjx_bytes_from_data(buf->data, buf->size);
    pjx_strbuf_release(buf);
    return (pjx_object *)b;
}

/* sub/subn with a template: the result, and the number of replacements */
static pjx_object *substitute(pjx_re_pattern *p, pjx_object *repl, pjx_object *string,
                              int64_t count, int64_t *made) {
    re_template t;
    re_subject s;
    re_state st;
    int64_t pos = 0, endpos = INT64_MAX;
    if (repl == NULL || (repl->type_id != PJX_TYPE_STR && repl->type_id != PJX_TYPE_BYTES)) {
        pjx_err_format(PJX_EXC_TYPE, "expected str instance, %s found",
                       repl == NULL ? "NoneType" : type_name_of(repl));
        return NULL;
    }
    if (pjx_re_template_parse(p, repl, &t) < 0) return NULL;
    if (pjx_re_subject_init(&s, p, string) < 0) {
        pjx_re_template_fini(&t);
        return NULL;
    }
    if (begin(&st, p, &s, &pos, &endpos) < 0) {
        pjx_re_subject_fini(&s);
        pjx_re_template_fini(&t);
        return NULL;
    }
    pjx_strbuf buf;
    pjx_strbuf_init(&buf);
    int64_t n = 0, last = 0;
    int64_t inline_spans[32], *spans = inline_spans;
    if (t.nitems > 0 && 2 * (p->groups + 1) > 32) {
        spans = pjx_alloc(sizeof(int64_t) * 2 * (size_t)(p->groups + 1));
        if (spans == NULL) goto fail;
    }
    const char *data = s.is_bytes ? ((pjx_bytes *)string)->data : ((pjx_str *)string)->data;
    while (count <= 0 || n < count) {
        int32_t status = next_match(&st, p);
        if (status < 0) goto fail;
        if (status == 0) break;
        int64_t b = pjx_re_index(&st, st.start), e = pjx_re_index(&st, st.ptr);
        if (last < b && append_slice(&buf, &s, last, b) < 0) goto fail;
        if (t.nitems > 0) {
            /* where each group is, for the template's references */
            spans[0] = pjx_re_byte_offset(&s, b);
            spans[1] = pjx_re_byte_offset(&s, e);
            for (int64_t g = 0; g < p->groups; g++) {
                int64_t j = 2 * g;
                if (j + 1 <= st.lastmark && st.mark[j] != NULL && st.mark[j + 1] != NULL) {
                    spans[j + 2] = pjx_re_byte_offset(&s, pjx_re_index(&st, st.mark[j]));
                    spans[j + 3] = pjx_re_byte_offset(&s, pjx_re_index(&st, st.mark[j + 1]));
                } else {
                    spans[j + 2] = spans[j + 3] = -1;
                }
            }
        }
        if (pjx_re_template_expand(&t, data, spans, &buf) < 0) goto fail;
        last = e;
        n++;
        advance(&st);
    }
    if (spans != inline_spans) pjx_free(spans);
    spans = inline_spans;
    if (n == 0) {
        /* nothing replaced: the string itself */
        pjx_strbuf_release(&buf);
        pjx_re_state_fini(&st);
        pjx_re_subject_fini(&s);
        pjx_re_template_fini(&t);
        *made = 0;
        pjx_incref(string);
        return string;
    }
    if (last < endpos && append_slice(&buf, &s, last, endpos) < 0) goto fail;
    pjx_re_state_fini(&st);
    pjx_re_subject_fini(&s);
    pjx_re_template_fini(&t);
    *made = n;
    return finish(&buf, p->is_bytes);
fail:
    if (spans != inline_spans) pjx_free(spans);
    pjx_strbuf_release(&buf);
    pjx_re_state_fini(&st);
    pjx_re_subject_fini(&s);
    pjx_re_template_fini(&t);
    return NULL;
}

pjx_object *pjx_re_sub(pjx_re_pattern *p, pjx_object *repl, pjx_object *string, int64_t count) {
    int64_t made;
    return substitute(p, repl, string, count, &made);
}

pjx_tuple *pjx_re_subn(pjx_re_pattern *p, pjx_object *repl, pjx_object *string, int64_t count) {
    int64_t made;
    pjx_object *text = substitute(p, repl, string, count, &made);
    if (text == NULL) return NULL;
    pjx_tuple *t = pjx_tuple_new(2);
    if (t == NULL) {
        pjx_decref(text);
        return NULL;
    }
    pjx_tuple_set_steal(t, 0, PJX_KIND_OBJ, (pjx_slot){.o = text});
    pjx_tuple_set_steal(t, 1, PJX_KIND_INT, (pjx_slot){.i = made});
    return t;
}

pjx_object *pjx_re_join_replacements(pjx_object *string, pjx_list *matches, pjx_list *replacements) {
    int is_bytes = string->type_id == PJX_TYPE_BYTES;
    if (matches->size == 0) {
        pjx_incref(string);
        return string;
    }
    pjx_strbuf buf;
    pjx_strbuf_init(&buf);
    int64_t last = 0; /* a byte offset */
    const char *data = is_bytes ? ((pjx_bytes *)string)->data : ((pjx_str *)string)->data;
    int64_t size = is_bytes ? ((pjx_bytes *)string)->size : ((pjx_str *)string)->nbytes;
    for (int64_t k = 0; k < matches->size; k++) {
        pjx_re_match *m = (pjx_re_match *)matches->items[k].o;
        int64_t b = m->marks[2 * m->ngroups], e = m->marks[2 * m->ngroups + 1];
        if (last < b && pjx_strbuf_append(&buf, data + last, b - last) < 0) goto fail;
        pjx_object *r = replacements->items[k].o;
        if (r != NULL && append_object(&buf, r) < 0) goto fail; /* (None adds nothing) */
        last = e;
    }
    if (last < size && pjx_strbuf_append(&buf, data + last, size - last) < 0) goto fail;
    return finish(&buf, is_bytes);
fail:
    pjx_strbuf_release(&buf);
    return NULL;
}

/* ---- escape --------------------------------------------------------------- */

/* re.escape: a backslash before each of re's special characters */
static int special(uint32_t c) {
    return c < 128 && c != 0 && strchr("()[]{}?*+-|^$\\.&~# \t\n\r\v\f", (int)c) != NULL;
}

pjx_object *pjx_re_escape(pjx_object *string) {
    const char *data;
    int64_t size;
    if (string->type_id == PJX_TYPE_BYTES) {
        data = ((pjx_bytes *)string)->data;
        size = ((pjx_bytes *)string)->size;
    } else {
        data = ((pjx_str *)string)->data;
        size = ((pjx_str *)string)->nbytes;
    }
    pjx_strbuf buf;
    pjx_strbuf_init(&buf);
    int64_t from = 0;
    for (int64_t i = 0; i < size; i++) {
        if (!special((unsigned char)data[i])) continue;
        if (pjx_strbuf_append(&buf, data + from, i - from) < 0 || pjx_strbuf_append(&buf, "\\", 1) < 0) {
            pjx_strbuf_release(&buf);
            return NULL;
        }
        from = i;
    }
    if (from == 0 && buf.size == 0) {
        pjx_strbuf_release(&buf);
        pjx_incref(string);
        return string;
    }
    if (pjx_strbuf_append(&buf, data + from, size - from) < 0) {
        pjx_strbuf_release(&buf);
        return NULL;
    }
    return finish(&buf, string->type_id == PJX_TYPE_BYTES);
}
