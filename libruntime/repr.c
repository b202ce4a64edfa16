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

pjx_str *pjx_tuple_repr(pjx_tuple *t) {
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
