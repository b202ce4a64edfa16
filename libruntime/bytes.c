/* bytes: an immutable byte buffer with a cached hash. */
#include "internal.h"

#include <string.h>

pjx_bytes *pjx_bytes_from_data(const char *data, int64_t size) {
    pjx_bytes *b = pjx_object_new(sizeof(pjx_bytes) + (size_t)size + 1, PJX_TYPE_BYTES);
    if (b == NULL) return NULL;
    b->size = size;
    b->hash = -1;
    if (size) memcpy(b->data, data, (size_t)size);
    b->data[size] = '\0';
    return b;
}

void pjx_bytes_dealloc(pjx_bytes *b) { pjx_free(b); }

int64_t pjx_bytes_hash(pjx_bytes *b) {
    if (b->hash == -1) b->hash = pjx_hash_bytes(b->data, b->size);
    return b->hash;
}

int64_t pjx_bytes_eq(const pjx_bytes *a, const pjx_bytes *b) {
    return a->size == b->size && memcmp(a->data, b->data, (size_t)a->size) == 0;
}

int64_t pjx_bytes_compare(const pjx_bytes *a, const pjx_bytes *b) {
    int64_t n = a->size < b->size ? a->size : b->size;
    int c = memcmp(a->data, b->data, (size_t)n);
    if (c != 0) return c < 0 ? -1 : 1;
    return (a->size > b->size) - (a->size < b->size);
}
