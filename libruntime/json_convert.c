/* A value that json.loads just made, as a declared static type
 * (`d: Dict[str, int] = json.loads(s)`).
 *
 * Parsed containers hold Anys (object slots); a Dict[str, int] holds
 * unboxed ints.  The value is fresh (nothing else refers to it), so it is
 * rebuilt with the slot kinds of the declared type rather than cast, and
 * a value that does not fit raises TypeError naming where it sits:
 *   json.loads() result["user"]["age"] is str, not int (declared Dict[str, Dict[str, int]])
 * Ints and bools widen to float and bools count as ints, as everywhere in
 * the runtime (pjx_any_to_float, pjx_any_to_int). */
#include "any_internal.h"
#include "internal.h"
#include "pyjitx/any.h"
#include "pyjitx/containers.h"
#include "pyjitx/json.h"

#include <stdio.h>
#include <string.h>

typedef struct {
    const char *declared; /* the whole descriptor, for messages */
    char path[256];       /* ["user"][0] ... (cut short when long) */
    size_t path_len;
} where;

static int32_t mismatch(where *w, pjx_object *value, const char *d) {
    char expected[200], declared[200];
    pjx_descriptor_name(d, expected, sizeof expected);
    pjx_descriptor_name(w->declared, declared, sizeof declared);
    const char *got = value == NULL ? "None" : pjx_any_type_name(value);
    if (w->path_len == 0)
        pjx_err_format(PJX_EXC_TYPE, "json.loads() result is %s, not %s", got, expected);
    else
        pjx_err_format(PJX_EXC_TYPE, "json.loads() result%s is %s, not %s (declared %s)", w->path,
                       got, expected, declared);
    return -1;
}

static size_t push_index(where *w, int64_t i) {
    size_t before = w->path_len;
    int n = snprintf(w->path + before, sizeof w->path - before, "[%lld]", (long long)i);
    if (n > 0) w->path_len = before + (size_t)n < sizeof w->path ? before + (size_t)n : sizeof w->path - 1;
    return before;
}

static size_t push_key(where *w, const pjx_str *key) {
    size_t before = w->path_len;
    int n = snprintf(w->path + before, sizeof w->path - before, "[\"%.*s\"]",
                     key->nbytes > 60 ? 60 : (int)key->nbytes, key->data);
    if (n > 0) w->path_len = before + (size_t)n < sizeof w->path ? before + (size_t)n : sizeof w->path - 1;
    return before;
}

static void pop(where *w, size_t before) {
    w->path_len = before;
    w->path[before] = '\0';
}

static int32_t desc_kind(const char *d) {
    switch (*d) {
    case 'i': return PJX_KIND_INT;
    case 'f': return PJX_KIND_FLOAT;
    case 'b': return PJX_KIND_BOOL;
    case 'n': return PJX_KIND_NONE;
    default: return PJX_KIND_OBJ;
    }
}

/* value (an Any, borrowed) as a slot of descriptor d's kind (a new
 * reference for objects). */
static int32_t convert(pjx_object *value, const char *d, where *w, pjx_slot *out) {
    out->bits = 0;
    int32_t kind = PJX_KIND_OBJ;
    pjx_slot v = {.o = value};
    pjx_slot_unbox(&kind, &v);
    switch (*d) {
    case 'a':
        pjx_incref(value);
        out->o = value;
        return 0;
    case 'i':
        if (kind != PJX_KIND_INT && kind != PJX_KIND_BOOL) return mismatch(w, value, d);
        out->i = v.i;
        return 0;
    case 'f':
        if (kind == PJX_KIND_FLOAT) out->f = v.f;
        else if (kind == PJX_KIND_INT || kind == PJX_KIND_BOOL) out->f = (double)v.i;
        else return mismatch(w, value, d);
        return 0;
    case 'b':
        if (kind != PJX_KIND_BOOL) return mismatch(w, value, d);
        out->i = v.i;
        return 0;
    case 'n':
        if (value != NULL) return mismatch(w, value, d);
        return 0;
    case 's':
        if (value == NULL || value->type_id != PJX_TYPE_STR) return mismatch(w, value, d);
        pjx_incref(value);
        out->o = value;
        return 0;
    case 'o': {
        if (value == NULL) return 0;
        const char *item = d + 2;
        pjx_slot inner;
        if (convert(value, item, w, &inner) < 0) return -1;
        int32_t k = desc_kind(item);
        if (k == PJX_KIND_OBJ) {
            out->o = inner.o;
            return 0;
        }
        /* Optional[int] and the like hold a box */
        return pjx_any_pack(k, inner, &out->o);
    }
    case 'l': {
        if (value == NULL || value->type_id != PJX_TYPE_LIST) return mismatch(w, value, d);
        pjx_list *src = (pjx_list *)value;
        const char *item = d + 2;
        int32_t k = desc_kind(item);
        pjx_list *l = pjx_list_new(k, src->size);
        if (l == NULL) return -1;
        for (int64_t i = 0; i < src->size; i++) {
            size_t mark = push_index(w, i);
            pjx_slot s;
            if (convert(src->items[i].o, item, w, &s) < 0 || pjx_list_append_steal(l, s) < 0) {
                pjx_decref(l);
                return -1;
            }
            pop(w, mark);
        }
        out->o = (pjx_object *)l;
        return 0;
    }
    case 'd': {
        if (value == NULL || value->type_id != PJX_TYPE_DICT) return mismatch(w, value, d);
        pjx_dict *src = (pjx_dict *)value;
        const char *kd = d + 2, *vd = kd;
        pjx_descriptor_skip(&vd);
        pjx_dict *r = pjx_dict_new(desc_kind(kd), desc_kind(vd));
        if (r == NULL) return -1;
        int64_t pos = 0;
        pjx_slot key, item;
        while (pjx_dict_next(src, &pos, &key, &item)) {
            size_t mark = push_key(w, (pjx_str *)key.o);
            pjx_slot k, x;
            if (*kd != 's' && *kd != 'a') { /* JSON keys are str */
                pjx_decref(r);
                pop(w, mark);
                char expected[200], declared[200];
                pjx_descriptor_name(kd, expected, sizeof expected);
                pjx_descriptor_name(w->declared, declared, sizeof declared);
                pjx_err_format(PJX_EXC_TYPE, "json.loads() result%s has a str key, not %s "
                               "(declared %s)", w->path, expected, declared);
                return -1;
            }
            pjx_incref(key.o);
            k = key;
            if (convert(item.o, vd, w, &x) < 0) {
                pjx_decref(key.o);
                pjx_decref(r);
                return -1;
            }
            int32_t rc = pjx_dict_setitem(r, k, x);
            pjx_decref(k.o);
            pjx_slot_decref(desc_kind(vd), x);
            if (rc < 0) {
                pjx_decref(r);
                return -1;
            }
            pop(w, mark);
        }
        out->o = (pjx_object *)r;
        return 0;
    }
    case 'u': {
        /* a union (Optional[int], Union[int, str] ...) is held as an Any:
         * the member the value is, else a float member for an int */
        const char *m = d + 2, *widen = NULL;
        int32_t natural = value == NULL ? 'n' : kind == PJX_KIND_INT ? 'i'
                          : kind == PJX_KIND_FLOAT ? 'f' : kind == PJX_KIND_BOOL ? 'b'
                          : value->type_id == PJX_TYPE_STR ? 's'
                          : value->type_id == PJX_TYPE_LIST ? 'l'
                          : value->type_id == PJX_TYPE_DICT ? 'd' : 0;
        for (; *m && *m != ']'; pjx_descriptor_skip(&m)) {
            if (*m == 'a' || *m == natural) break;
            if (*m == 'f' && (natural == 'i' || natural == 'b') && widen == NULL) widen = m;
        }
        const char *member = (*m && *m != ']') ? m : widen;
        if (member == NULL) return mismatch(w, value, d);
        if (*member == 'n' || value == NULL) return 0;
        pjx_slot inner;
        if (convert(value, member, w, &inner) < 0) return -1;
        int32_t k = desc_kind(member);
        if (k == PJX_KIND_OBJ) {
            out->o = inner.o;
            return 0;
        }
        return pjx_any_pack(k, inner, &out->o);
    }
    default: {
        /* sets, tuples, classes: a plain cast (TypeError unless the
         * value already is one) */
        pjx_object *o;
        if (pjx_any_cast(value, d, &o) < 0) return -1;
        out->o = o;
        return 0;
    }
    }
}

int32_t pjx_json_to_type(pjx_object *value, const char *desc, pjx_object **out) {
    *out = NULL;
    where w = {.declared = desc, .path_len = 0};
    w.path[0] = '\0';
    pjx_slot s;
    if (convert(value, desc, &w, &s) < 0) return -1;
    int32_t kind = desc_kind(desc);
    if (kind != PJX_KIND_OBJ) return pjx_any_pack(kind, s, out);
    /* records the type it is held as (any.h, "Item types") */
    if (pjx_desc_take(s.o, desc) < 0) {
        pjx_decref(s.o);
        return -1;
    }
    *out = s.o;
    return 0;
}
