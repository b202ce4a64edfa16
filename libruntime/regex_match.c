/* Match objects (group, start, end, span, groups, groupdict, expand,
 * lastgroup, regs, repr) and what Pattern shows of itself (repr,
 * groupindex, ==, hash). */
#include "regex_internal.h"
#include "str_internal.h"
#include "pyjitx/any.h"

#include <stdio.h>
#include <string.h>

static int32_t no_such_group(void) {
    pjx_err_set(PJX_EXC_INDEX, "no such group");
    return -1;
}

int32_t pjx_re_group_index(pjx_re_match *m, pjx_str *name, int64_t *out) {
    pjx_slot value;
    int32_t found = pjx_dict_lookup(m->pattern->groupindex, (pjx_slot){.o = (pjx_object *)name},
                                    &value);
    if (found < 0) return -1;
    if (found == 0) return no_such_group();
    *out = value.i;
    return 0;
}

int32_t pjx_re_any_group_index(pjx_re_match *m, pjx_object *group, int64_t *out) {
    /* an int (bool included) is the number, a str the name; anything else
     * names no group */
    if (group != NULL && (group->type_id == PJX_TYPE_INT || group->type_id == PJX_TYPE_BOOL)) {
        *out = ((pjx_box *)group)->value.i;
        return 0;
    }
    if (group != NULL && group->type_id == PJX_TYPE_STR) return pjx_re_group_index(m, (pjx_str *)group, out);
    return no_such_group();
}

int64_t pjx_re_match_int(pjx_re_match *m, int64_t which) { return which == 0 ? m->pos : m->endpos; }

pjx_object *pjx_re_match_object(pjx_re_match *m, int64_t which) {
    pjx_object *o = which == 0 ? m->string : (pjx_object *)m->pattern;
    pjx_incref(o);
    return o;
}

int32_t pjx_re_match_lastindex(pjx_re_match *m, pjx_object **out) {
    *out = NULL;
    if (m->lastindex < 0) return 0;
    *out = pjx_box_int(m->lastindex);
    return *out == NULL ? -1 : 0;
}

pjx_object *pjx_re_pattern_text(pjx_re_pattern *p) {
    pjx_incref(p->pattern);
    return p->pattern;
}

int64_t pjx_re_pattern_int(pjx_re_pattern *p, int64_t which) { return which == 0 ? p->flags : p->groups; }

static inline int32_t check_group(const pjx_re_match *m, int64_t group) {
    return group < 0 || group >= m->ngroups ? no_such_group() : 0;
}

/* group g's text, or NULL when it did not take part */
static pjx_object *group_text(const pjx_re_match *m, int64_t g) {
    const int64_t *marks = m->marks, *bytes = m->marks + 2 * m->ngroups;
    if (marks[2 * g] < 0) return NULL;
    int64_t b0 = bytes[2 * g], b1 = bytes[2 * g + 1];
    if (m->string->type_id == PJX_TYPE_BYTES) {
        pjx_bytes *b = (pjx_bytes *)m->string;
        if (b0 == 0 && b1 == b->size) {
            pjx_incref(b);
            return (pjx_object *)b;
        }
        return (pjx_object *)pjx_bytes_from_data(b->data + b0, b1 - b0);
    }
    pjx_str *s = (pjx_str *)m->string;
    if (b0 == 0 && b1 == s->nbytes) {
        pjx_incref(s);
        return (pjx_object *)s;
    }
    return (pjx_object *)pjx_str_from_utf8_len(s->data + b0, b1 - b0, marks[2 * g + 1] - marks[2 * g]);
}

int32_t pjx_re_match_group(pjx_re_match *m, int64_t group, pjx_object **out) {
    if (check_group(m, group) < 0) return -1;
    *out = NULL;
    if (m->marks[2 * group] < 0) return 0;
    *out = group_text(m, group);
    return *out == NULL ? -1 : 0;
}

int32_t pjx_re_match_start(pjx_re_match *m, int64_t group, int64_t *out) {
    if (check_group(m, group) < 0) return -1;
    *out = m->marks[2 * group];
    return 0;
}

int32_t pjx_re_match_end(pjx_re_match *m, int64_t group, int64_t *out) {
    if (check_group(m, group) < 0) return -1;
    *out = m->marks[2 * group + 1];
    return 0;
}

static pjx_tuple *int_pair(int64_t a, int64_t b) {
    pjx_tuple *t = pjx_tuple_new(2);
    if (t == NULL) return NULL;
    pjx_tuple_set_steal(t, 0, PJX_KIND_INT, (pjx_slot){.i = a});
    pjx_tuple_set_steal(t, 1, PJX_KIND_INT, (pjx_slot){.i = b});
    return t;
}

pjx_tuple *pjx_re_match_span(pjx_re_match *m, int64_t group) {
    if (check_group(m, group) < 0) return NULL;
    return int_pair(m->marks[2 * group], m->marks[2 * group + 1]);
}

pjx_tuple *pjx_re_match_regs(pjx_re_match *m) {
    pjx_tuple *t = pjx_tuple_new(m->ngroups);
    if (t == NULL) return NULL;
    for (int64_t g = 0; g < m->ngroups; g++) {
        pjx_tuple *pair = int_pair(m->marks[2 * g], m->marks[2 * g + 1]);
        if (pair == NULL) {
            pjx_decref(t);
            return NULL;
        }
        pjx_tuple_set_steal(t, g, PJX_KIND_OBJ, (pjx_slot){.o = (pjx_object *)pair});
    }
    return t;
}

/* a group's text or, where it did not take part, the default */
static pjx_object *group_or(const pjx_re_match *m, int64_t g, pjx_object *dflt, int *failed) {
    *failed = 0;
    if (m->marks[2 * g] < 0) {
        pjx_incref(dflt);
        return dflt;
    }
    pjx_object *o = group_text(m, g);
    *failed = o == NULL;
    return o;
}

pjx_tuple *pjx_re_match_groups(pjx_re_match *m, pjx_object *dflt) {
    pjx_tuple *t = pjx_tuple_new(m->ngroups - 1);
    if (t == NULL) return NULL;
    for (int64_t g = 1; g < m->ngroups; g++) {
        int failed;
        pjx_object *o = group_or(m, g, dflt, &failed);
        if (failed) {
            pjx_decref(t);
            return NULL;
        }
        pjx_tuple_set_steal(t, g - 1, PJX_KIND_OBJ, (pjx_slot){.o = o});
    }
    return t;
}

pjx_dict *pjx_re_match_groupdict(pjx_re_match *m, pjx_object *dflt) {
    pjx_dict *d = pjx_dict_new(PJX_KIND_OBJ, PJX_KIND_OBJ);
    if (d == NULL) return NULL;
    pjx_dict *index = m->pattern->groupindex;
    for (int64_t i = 0; i < index->used; i++) {
        pjx_dict_entry *e = &index->entries[i];
        if (e->hash == -1) continue;
        int failed;
        pjx_object *o = group_or(m, e->value.i, dflt, &failed);
        if (failed) {
            pjx_decref(d);
            return NULL;
        }
        int32_t rc = pjx_dict_setitem(d, e->key, (pjx_slot){.o = o});
        pjx_decref(o);
        if (rc < 0) {
            pjx_decref(d);
            return NULL;
        }
    }
    return d;
}

pjx_object *pjx_re_match_expand(pjx_re_match *m, pjx_object *repl) {
    re_template t;
    if (pjx_re_template_parse(m->pattern, repl, &t) < 0) return NULL;
    pjx_strbuf buf;
    pjx_strbuf_init(&buf);
    int is_bytes = m->string->type_id == PJX_TYPE_BYTES;
    const char *data = is_bytes ? ((pjx_bytes *)m->string)->data : ((pjx_str *)m->string)->data;
    int32_t rc = pjx_re_template_expand(&t, data, m->marks + 2 * m->ngroups, &buf);
    pjx_re_template_fini(&t);
    if (rc < 0) {
        pjx_strbuf_release(&buf);
        return NULL;
    }
    if (!is_bytes) return (pjx_object *)pjx_strbuf_finish(&buf);
    pjx_bytes *b = pjx_bytes_from_data(buf.data, buf.size);
    pjx_strbuf_release(&buf);
    return (pjx_object *)b;
}

int32_t pjx_re_match_lastgroup(pjx_re_match *m, pjx_object **out) {
    *out = NULL;
    const pjx_re_pattern *p = m->pattern;
    if (p->indexgroup != NULL && m->lastindex >= 0 && m->lastindex <= p->groups &&
        p->indexgroup[m->lastindex] != NULL) {
        *out = (pjx_object *)p->indexgroup[m->lastindex];
        pjx_incref(*out);
    }
    return 0;
}

/* repr(obj), cut to `limit` characters as CPython's %.<limit>R cuts it */
static int32_t append_repr(pjx_strbuf *buf, pjx_object *obj, int64_t limit) {
    pjx_str *r = pjx_slot_repr(PJX_KIND_OBJ, (pjx_slot){.o = obj});
    if (r == NULL) return -1;
    int64_t end = r->nbytes;
    if (r->length > limit) end = pjx_str_byte_offset(r, limit);
    int32_t rc = pjx_strbuf_append(buf, r->data, end);
    pjx_decref(r);
    return rc;
}

pjx_str *pjx_re_match_repr(pjx_re_match *m) {
    pjx_strbuf buf;
    pjx_strbuf_init(&buf);
    char head[96];
    snprintf(head, sizeof head, "<re.Match object; span=(%lld, %lld), match=",
             (long long)m->marks[0], (long long)m->marks[1]);
    pjx_object *group0 = group_text(m, 0);
    if (group0 == NULL || pjx_strbuf_append_cstr(&buf, head) < 0 ||
        append_repr(&buf, group0, 50) < 0 || pjx_strbuf_append(&buf, ">", 1) < 0) {
        pjx_decref(group0);
        pjx_strbuf_release(&buf);
        return NULL;
    }
    pjx_decref(group0);
    return pjx_strbuf_finish(&buf);
}

pjx_str *pjx_re_pattern_repr(pjx_re_pattern *p) {
    static const struct { const char *name; int64_t value; } names[] = {
        {"re.IGNORECASE", RE_FLAG_IGNORECASE}, {"re.LOCALE", RE_FLAG_LOCALE},
        {"re.MULTILINE", RE_FLAG_MULTILINE}, {"re.DOTALL", RE_FLAG_DOTALL},
        {"re.UNICODE", RE_FLAG_UNICODE}, {"re.VERBOSE", RE_FLAG_VERBOSE},
        {"re.DEBUG", RE_FLAG_DEBUG}, {"re.ASCII", RE_FLAG_ASCII},
    };
    int64_t flags = p->flags;
    /* re.UNICODE goes without saying for a str pattern */
    if (!p->is_bytes && (flags & (RE_FLAG_LOCALE | RE_FLAG_UNICODE | RE_FLAG_ASCII)) == RE_FLAG_UNICODE)
        flags &= ~RE_FLAG_UNICODE;
    pjx_strbuf buf;
    pjx_strbuf_init(&buf);
    if (pjx_strbuf_append_cstr(&buf, "re.compile(") < 0 || append_repr(&buf, p->pattern, 200) < 0)
        goto fail;
    int first = 1;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (!(flags & names[i].value)) continue;
        if (pjx_strbuf_append_cstr(&buf, first ? ", " : "|") < 0 ||
            pjx_strbuf_append_cstr(&buf, names[i].name) < 0)
            goto fail;
        first = 0;
        flags &= ~names[i].value;
    }
    if (flags) {
        char rest[32];
        snprintf(rest, sizeof rest, "%s0x%llx", first ? ", " : "|", (unsigned long long)flags);
        if (pjx_strbuf_append_cstr(&buf, rest) < 0) goto fail;
    }
    if (pjx_strbuf_append(&buf, ")", 1) < 0) goto fail;
    return pjx_strbuf_finish(&buf);
fail:
    pjx_strbuf_release(&buf);
    return NULL;
}

pjx_dict *pjx_re_pattern_groupindex(pjx_re_pattern *p) { return pjx_dict_copy(p->groupindex); }

int64_t pjx_re_pattern_eq(pjx_re_pattern *a, pjx_re_pattern *b) {
    if (a == b) return 1;
    if (a->flags != b->flags || a->is_bytes != b->is_bytes || a->codesize != b->codesize ||
        memcmp(a->code, b->code, (size_t)a->codesize * 4) != 0)
        return 0;
    return pjx_slot_eq(PJX_KIND_OBJ, (pjx_slot){.o = a->pattern}, (pjx_slot){.o = b->pattern}) != 0;
}

int64_t pjx_re_pattern_hash(pjx_re_pattern *p) {
    int64_t h;
    if (pjx_slot_hash(PJX_KIND_OBJ, (pjx_slot){.o = p->pattern}, &h) < 0) {
        pjx_err_clear();
        h = 0;
    }
    h ^= pjx_hash_bytes(p->code, p->codesize * 4) ^ p->flags ^ p->is_bytes ^ p->codesize;
    return h == -1 ? -2 : h;
}
