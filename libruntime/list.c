/* list: a growable array of 8-byte slots of one kind (object.h). */
#include "internal.h"

#include <string.h>

pjx_list *pjx_list_new(int32_t kind, int64_t capacity) {
    pjx_list *l = pjx_object_new(sizeof(pjx_list), PJX_TYPE_LIST);
    if (l == NULL) return NULL;
    l->size = 0;
    l->capacity = capacity > 0 ? capacity : 0;
    l->kind = kind;
    l->elem_type_id = 0;
    l->items = NULL;
    if (l->capacity) {
        l->items = pjx_alloc(sizeof(pjx_slot) * (size_t)l->capacity);
        if (l->items == NULL) {
            pjx_free(l);
            return NULL;
        }
    }
    return l;
}

void pjx_list_dealloc(pjx_list *l) {
    if (l->kind == PJX_KIND_OBJ)
        for (int64_t i = 0; i < l->size; i++) pjx_decref(l->items[i].o);
    pjx_free(l->items);
    pjx_free(l);
}

static int32_t list_grow(pjx_list *l, int64_t need) {
    if (need <= l->capacity) return 0;
    int64_t cap = l->capacity ? l->capacity : 4;
    while (cap < need) cap += cap >> 1 > 4 ? cap >> 1 : 4;
    pjx_slot *items = pjx_alloc(sizeof(pjx_slot) * (size_t)cap);
    if (items == NULL) return -1;
    if (l->size) memcpy(items, l->items, sizeof(pjx_slot) * (size_t)l->size);
    pjx_free(l->items);
    l->items = items;
    l->capacity = cap;
    return 0;
}

int32_t pjx_list_append_steal(pjx_list *l, pjx_slot item) {
    if (l->size == l->capacity && list_grow(l, l->size + 1) < 0) {
        pjx_slot_decref(l->kind, item);
        return -1;
    }
    l->items[l->size++] = item;
    return 0;
}

int32_t pjx_list_append(pjx_list *l, pjx_slot item) {
    pjx_slot_incref(l->kind, item);
    return pjx_list_append_steal(l, item);
}

int64_t pjx_list_eq_impl(pjx_list *a, pjx_list *b) {
    if (a->size != b->size) return 0;
    for (int64_t i = 0; i < a->size; i++)
        if (!pjx_slot_eq(a->kind, a->items[i], b->items[i])) return 0;
    return 1;
}

int32_t pjx_list_compare_impl(pjx_list *a, pjx_list *b, int64_t *out) {
    int64_t n = a->size < b->size ? a->size : b->size;
    for (int64_t i = 0; i < n; i++) {
        if (pjx_slot_eq(a->kind, a->items[i], b->items[i])) continue;
        return pjx_slot_compare(a->kind, a->items[i], b->items[i], out);
    }
    *out = (a->size > b->size) - (a->size < b->size);
    return 0;
}
