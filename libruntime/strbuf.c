/* A growable byte buffer used by every function that builds a string. */
#include "internal.h"

#include <string.h>

void pjx_strbuf_init(pjx_strbuf *b) {
    b->data = b->inline_data;
    b->size = 0;
    b->capacity = (int64_t)sizeof b->inline_data;
}

int32_t pjx_strbuf_reserve(pjx_strbuf *b, int64_t extra) {
    if (b->size + extra <= b->capacity) return 0;
    int64_t cap = b->capacity * 2;
    while (cap < b->size + extra) cap *= 2;
    char *data = pjx_alloc((size_t)cap);
    if (data == NULL) return -1;
    memcpy(data, b->data, (size_t)b->size);
    if (b->data != b->inline_data) pjx_free(b->data);
    b->data = data;
    b->capacity = cap;
    return 0;
}

int32_t pjx_strbuf_append(pjx_strbuf *b, const char *data, int64_t size) {
    if (pjx_strbuf_reserve(b, size) < 0) return -1;
    memcpy(b->data + b->size, data, (size_t)size);
    b->size += size;
    return 0;
}

int32_t pjx_strbuf_append_cstr(pjx_strbuf *b, const char *text) {
    return pjx_strbuf_append(b, text, (int64_t)strlen(text));
}

int32_t pjx_strbuf_append_steal(pjx_strbuf *b, pjx_str *s) {
    if (s == NULL) return -1;
    int32_t rc = pjx_strbuf_append(b, s->data, s->nbytes);
    pjx_decref(s);
    return rc;
}

void pjx_strbuf_release(pjx_strbuf *b) {
    if (b->data != b->inline_data) pjx_free(b->data);
    pjx_strbuf_init(b);
}

pjx_str *pjx_strbuf_finish(pjx_strbuf *b) {
    pjx_str *s = pjx_str_from_utf8(b->data, b->size);
    pjx_strbuf_release(b);
    return s;
}
