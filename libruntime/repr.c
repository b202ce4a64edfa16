/* repr() of the built-in scalar and container types, as CPython prints them. */
#include "internal.h"

#include "pyjitx/collections.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int32_t append_items(pjx_strbuf *b, int32_t kind, const pjx_slot *items, int64_t n) {
    for (int64_t i = 0; i < n; i++) {
        if (i && pjx_strbuf_append(b, ", ", 2) < 0) return -1;
        if (pjx_strbuf_append_steal(b, pjx_slot_repr(kind, items[i])) < 0) return -1;
    }
    return 0;
}

/* A container that holds itself (directly or through others) prints as
 * CPython's does: "[...]", "{...}", "(...)" where its repr is already
 * being built (Py_ReprEnter).  Only containers of objects can hold one. */
#define SELF_REFERENCE(o, text)                                          \
    do {                                                                 \
        int32_t entered_ = pjx_repr_enter(o);                            \
        if (entered_ != 0)                                               \
            return entered_ > 0 ? pjx_str_from_utf8(text, sizeof text - 1) : NULL; \
    } while (0)

pjx_str *pjx_list_repr(pjx_list *l) {
    if (l->kind == PJX_KIND_OBJ && l->size > 0) SELF_REFERENCE(&l->ob, "[...]");
    pjx_strbuf b;
    pjx_strbuf_init(&b);
    pjx_str *r = NULL;
    if (pjx_strbuf_append(&b, "[", 1) < 0 || append_items(&b, l->kind, l->items, l->size) < 0 ||
        pjx_strbuf_append(&b, "]", 1) < 0)
        pjx_strbuf_release(&b);
    else
        r = pjx_strbuf_finish(&b);
    if (l->kind == PJX_KIND_OBJ && l->size > 0) pjx_repr_leave(&l->ob);
    return r;
}

/* ---- named tuples --------------------------------------------------------
 * A tuple that is an instance of a named-tuple class carries its class's
 * shape key in its flags (set where compiled code or the bridge makes it);
 * the shape gives the class name and field names its repr shows.  Shapes
 * are registered once per class and never go away: a lock-free list
 * published with a compare-and-swap, read without locks. */
typedef struct tuple_shape {
    struct tuple_shape *next;
    uint32_t key;
    int64_t nfields;
    char *name;
    char **fields;
} tuple_shape;

static tuple_shape *shapes;

static char *copy_text(const char *text) {
    size_t n = strlen(text) + 1;
    char *copy = malloc(n);
    if (copy != NULL) memcpy(copy, text, n);
    return copy;
}

int32_t pjx_register_tuple_shape(uint32_t key, const char *name, int64_t nfields,
                                 const char *const *fields) {
    tuple_shape *s = calloc(1, sizeof *s);
    char **copies = calloc((size_t)(nfields > 0 ? nfields : 1), sizeof *copies);
    char *name_copy = copy_text(name);
    int ok = s != NULL && copies != NULL && name_copy != NULL;
    for (int64_t i = 0; ok && i < nfields; i++) ok = (copies[i] = copy_text(fields[i])) != NULL;
    if (!ok) {
        for (int64_t i = 0; copies != NULL && i < nfields; i++) free(copies[i]);
        free(copies);
        free(name_copy);
        free(s);
        pjx_err_set(PJX_EXC_MEMORY, NULL);
        return -1;
    }
    s->key = key;
    s->nfields = nfields;
    s->name = name_copy;
    s->fields = copies;
    s->next = __atomic_load_n(&shapes, __ATOMIC_ACQUIRE);
    /* (the newest registration of a key is found first) */
    while (!__atomic_compare_exchange_n(&shapes, &s->next, s, 0, __ATOMIC_ACQ_REL,
                                        __ATOMIC_ACQUIRE)) {
    }
    return 0;
}

void pjx_tuple_set_shape(pjx_tuple *t, int64_t key) { t->ob.flags = (uint32_t)key; }

static const tuple_shape *shape_of(const pjx_tuple *t) {
    if (t->ob.flags == 0) return NULL;
    for (const tuple_shape *s = __atomic_load_n(&shapes, __ATOMIC_ACQUIRE); s; s = s->next)
        if (s->key == t->ob.flags) return s->nfields == t->size ? s : NULL;
    return NULL;
}

/* "P(x=1, y=2)", as collections.namedtuple's __repr__ */
static pjx_str *named_tuple_repr(pjx_tuple *t, const tuple_shape *s) {
    pjx_strbuf b;
    pjx_strbuf_init(&b);
    uint8_t *kinds = PJX_TUPLE_KINDS(t);
    if (pjx_strbuf_append(&b, s->name, (int64_t)strlen(s->name)) < 0 ||
        pjx_strbuf_append(&b, "(", 1) < 0)
        goto fail;
    for (int64_t i = 0; i < t->size; i++) {
        if (i && pjx_strbuf_append(&b, ", ", 2) < 0) goto fail;
        if (pjx_strbuf_append(&b, s->fields[i], (int64_t)strlen(s->fields[i])) < 0 ||
            pjx_strbuf_append(&b, "=", 1) < 0)
            goto fail;
        if (pjx_strbuf_append_steal(&b, pjx_slot_repr(kinds[i], t->items[i])) < 0) goto fail;
    }
    if (pjx_strbuf_append(&b, ")", 1) < 0) goto fail;
    return pjx_strbuf_finish(&b);
fail:
    pjx_strbuf_release(&b);
    return NULL;
}

pjx_str *pjx_tuple_repr(pjx_tuple *t) {
    /* (a named tuple's repr, as collections.namedtuple's __repr__, has no
     * guard of its own: a cycle through it is caught at the list or dict) */
    const tuple_shape *shape = shape_of(t);
    if (shape != NULL) return named_tuple_repr(t, shape);
    if (t->size > 0) SELF_REFERENCE(&t->ob, "(...)");
    pjx_strbuf b;
    pjx_strbuf_init(&b);
    pjx_str *r = NULL;
    uint8_t *kinds = PJX_TUPLE_KINDS(t);
    if (pjx_strbuf_append(&b, "(", 1) < 0) goto done;
    for (int64_t i = 0; i < t->size; i++) {
        if (i && pjx_strbuf_append(&b, ", ", 2) < 0) goto done;
        if (pjx_strbuf_append_steal(&b, pjx_slot_repr(kinds[i], t->items[i])) < 0) goto done;
    }
    if (t->size == 1 && pjx_strbuf_append(&b, ",", 1) < 0) goto done;
    if (pjx_strbuf_append(&b, ")", 1) < 0) goto done;
    r = pjx_strbuf_finish(&b);
done:
    if (r == NULL) pjx_strbuf_release(&b);
    if (t->size > 0) pjx_repr_leave(&t->ob);
    return r;
}

static pjx_str *table_items_repr(pjx_dict *d, int with_values);

/* "{k: v, ...}" for dicts, "{k, ...}" for sets (which print "set()" when
 * empty). */
static pjx_str *table_repr(pjx_dict *d, int with_values) {
    /* (a set's items are hashable: it cannot hold itself) */
    int guarded = with_values && d->size > 0 && d->value_kind == PJX_KIND_OBJ;
    if (guarded) SELF_REFERENCE(&d->ob, "{...}");
    pjx_str *r = table_items_repr(d, with_values);
    if (guarded) pjx_repr_leave(&d->ob);
    return r;
}

static pjx_str *table_items_repr(pjx_dict *d, int with_values) {
    pjx_strbuf b;
    pjx_strbuf_init(&b);
    int first = 1;
    if (pjx_strbuf_append(&b, "{", 1) < 0) goto fail;
    for (int64_t i = 0; i < d->used; i++) {
        pjx_dict_entry *e = &d->entries[i];
        if (e->hash == -1) continue;
        if (!first && pjx_strbuf_append(&b, ", ", 2) < 0) goto fail;
        first = 0;
        if (pjx_strbuf_append_steal(&b, pjx_slot_repr(d->key_kind, e->key)) < 0) goto fail;
        if (!with_values) continue;
        if (pjx_strbuf_append(&b, ": ", 2) < 0) goto fail;
        if (pjx_strbuf_append_steal(&b, pjx_slot_repr(d->value_kind, e->value)) < 0) goto fail;
    }
    if (pjx_strbuf_append(&b, "}", 1) < 0) goto fail;
    return pjx_strbuf_finish(&b);
fail:
    pjx_strbuf_release(&b);
    return NULL;
}

pjx_str *pjx_plain_dict_repr(pjx_dict *d) { return table_repr(d, 1); }

pjx_str *pjx_dict_repr(pjx_dict *d) {
    if (d->ob.flags != 0) return pjx_flavoured_dict_repr(d); /* Counter({...}) ... */
    return table_repr(d, 1);
}

pjx_str *pjx_set_repr(pjx_dict *d) {
    if (d->size == 0) return pjx_str_from_utf8("set()", 5);
    return table_repr(d, 0);
}

/* pjx_str_repr lives in unicode.c, pjx_bytes_repr in bytes.c. */
