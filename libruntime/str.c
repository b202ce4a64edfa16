/* str: UTF-8 with cached code-point length and hash (see object.h). */
#include "internal.h"

#include <string.h>

pjx_str *pjx_str_alloc(int64_t nbytes, int64_t length) {
    pjx_str *s = pjx_object_new(sizeof(pjx_str) + (size_t)nbytes + 1, PJX_TYPE_STR);
    if (s == NULL) return NULL;
    s->nbytes = nbytes;
    s->length = length;
    s->hash = -1;
    s->index = NULL;
    s->data[nbytes] = '\0';
    if (nbytes == length) s->ob.flags |= PJX_STR_ASCII;
    return s;
}

static int64_t count_code_points(const char *data, int64_t nbytes) {
    int64_t n = 0;
    for (int64_t i = 0; i < nbytes; i++) n += ((unsigned char)data[i] & 0xC0) != 0x80;
    return n;
}

pjx_str *pjx_str_from_utf8(const char *data, int64_t nbytes) {
    pjx_str *s = pjx_str_alloc(nbytes, count_code_points(data, nbytes));
    if (s == NULL) return NULL;
    memcpy(s->data, data, (size_t)nbytes);
    return s;
}

void pjx_str_dealloc(pjx_str *s) {
    if (s->index) pjx_free(s->index);
    pjx_free(s);
}

int64_t pjx_str_hash(pjx_str *s) {
    int64_t h = __atomic_load_n(&s->hash, __ATOMIC_RELAXED);
    if (h != -1) return h;
    h = pjx_hash_bytes(s->data, s->nbytes);
    __atomic_store_n(&s->hash, h, __ATOMIC_RELAXED);
    return h;
}

int64_t pjx_str_eq(const pjx_str *a, const pjx_str *b) {
    if (a == b) return 1;
    if (a->nbytes != b->nbytes) return 0;
    if (a->hash != -1 && b->hash != -1 && a->hash != b->hash) return 0;
    return memcmp(a->data, b->data, (size_t)a->nbytes) == 0;
}

int64_t pjx_str_compare(const pjx_str *a, const pjx_str *b) {
    /* UTF-8 byte order is code-point order. */
    int64_t n = a->nbytes < b->nbytes ? a->nbytes : b->nbytes;
    int c = memcmp(a->data, b->data, (size_t)n);
    if (c != 0) return c < 0 ? -1 : 1;
    return (a->nbytes > b->nbytes) - (a->nbytes < b->nbytes);
}
