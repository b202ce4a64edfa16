/* A growable byte buffer used by every function that builds a string. */
#include "internal.h"

#include <string.h>

int32_t pjx_strbuf_grow(pjx_strbuf *b, int64_t extra) {
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

int32_t pjx_strbuf_append_cstr(pjx_strbuf *b, const char *text) {
    return pjx_strbuf_append(b, text, (int64_t)strlen(text));
}

int32_t pjx_strbuf_append_steal(pjx_strbuf *b, pjx_str *s) {
    if (s == NULL) return -1;
    int32_t rc = pjx_strbuf_append(b, s->data, s->nbytes);
    pjx_decref(s);
    return rc;
}

pjx_str *pjx_strbuf_finish(pjx_strbuf *b) {
    pjx_str *s = pjx_str_from_utf8(b->data, b->size);
    pjx_strbuf_release(b);
    return s;
}
