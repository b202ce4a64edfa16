/* array.array in compiled code (array.h): a list of ints or floats whose
 * typecode the compiler knows; here the checks and messages that are
 * array's own and the machine layout of its bytes.  Growth, slicing,
 * iteration and equality are the list's (list.c). */
#include "internal.h"
#include "pyjitx/array.h"
#include "pyjitx/containers.h"
#include "pyjitx/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* CPython converts an item through the C type's PyArg parser first, then
 * (b, H) checks the narrower range: those messages, in that order. */
static int over(const char *what, int below) {
    pjx_err_format(PJX_EXC_OVERFLOW, "%s is %s", what, below ? "less than minimum"
                                                              : "greater than maximum");
    return -1;
}

int32_t pjx_array_check_int(int64_t typecode, int64_t v) {
    switch ((char)typecode) {
    case 'b':
        if (v < -32768 || v > 32767) return over("signed short integer", v < 0);
        if (v < -128 || v > 127) return over("signed char", v < 0);
        return 0;
    case 'B':
        if (v < 0 || v > 255) return over("unsigned byte integer", v < 0);
        return 0;
    case 'h':
        if (v < -32768 || v > 32767) return over("signed short integer", v < 0);
        return 0;
    case 'H':
        if (v < INT32_MIN || v > INT32_MAX) return over("signed integer", v < 0);
        if (v < 0 || v > 65535) return over("unsigned short", v < 0);
        return 0;
    case 'i':
        if (v < INT32_MIN || v > INT32_MAX) return over("signed integer", v < 0);
        return 0;
    case 'I': case 'L':
        if (v < 0) {
            pjx_err_set(PJX_EXC_OVERFLOW, "can't convert negative value to unsigned int");
            return -1;
        }
        if ((char)typecode == 'I' && v > (int64_t)UINT32_MAX) return over("unsigned int", 0);
        return 0;
    case 'Q':
        if (v < 0) {
            pjx_err_set(PJX_EXC_OVERFLOW, "can't convert negative int to unsigned");
            return -1;
        }
        return 0;
    default: /* l, q: every int64 fits */
        return 0;
    }
}

double pjx_array_float_item(int64_t typecode, double v) {
    return (char)typecode == 'f' ? (double)(float)v : v;
}

static pjx_list *sized(int32_t kind, int64_t n) {
    pjx_list *l = pjx_list_new(kind, n);
    if (l != NULL) l->size = n;
    return l;
}

pjx_list *pjx_array_from_ints(int64_t typecode, pjx_list *xs) {
    for (int64_t i = 0; i < xs->size; i++) /* (all checked before any is copied) */
        if (pjx_array_check_int(typecode, xs->items[i].i) < 0) return NULL;
    pjx_list *l = sized(PJX_KIND_INT, xs->size);
    if (l == NULL) return NULL;
    for (int64_t i = 0; i < xs->size; i++) l->items[i].i = xs->items[i].i;
    return l;
}

pjx_list *pjx_array_from_floats(int64_t typecode, pjx_list *xs) {
    pjx_list *l = sized(PJX_KIND_FLOAT, xs->size);
    if (l == NULL) return NULL;
    for (int64_t i = 0; i < xs->size; i++) {
        double v = xs->kind == PJX_KIND_FLOAT ? xs->items[i].f : (double)xs->items[i].i;
        l->items[i].f = pjx_array_float_item(typecode, v);
    }
    return l;
}

/* The C type's size, as CPython's array (LP64: long is 8 bytes). */
static int itemsize(char typecode) {
    switch (typecode) {
    case 'b': case 'B': return 1;
    case 'h': case 'H': return 2;
    case 'i': case 'I': case 'f': return 4;
    default: return 8;
    }
}

static void pack(char typecode, pjx_slot v, char *out) {
    switch (typecode) {
    case 'b': { int8_t x = (int8_t)v.i; memcpy(out, &x, 1); break; }
    case 'B': { uint8_t x = (uint8_t)v.i; memcpy(out, &x, 1); break; }
    case 'h': { int16_t x = (int16_t)v.i; memcpy(out, &x, 2); break; }
    case 'H': { uint16_t x = (uint16_t)v.i; memcpy(out, &x, 2); break; }
    case 'i': { int32_t x = (int32_t)v.i; memcpy(out, &x, 4); break; }
    case 'I': { uint32_t x = (uint32_t)v.i; memcpy(out, &x, 4); break; }
    case 'f': { float x = (float)v.f; memcpy(out, &x, 4); break; }
    case 'd': memcpy(out, &v.f, 8); break;
    default: memcpy(out, &v.i, 8); break; /* l L q Q */
    }
}

/* The item at `in`; 0, or -1 for an L/Q past int64 (OverflowError: an int
 * of compiled code is 64-bit signed). */
static int unpack(char typecode, const char *in, pjx_slot *v) {
    switch (typecode) {
    case 'b': { int8_t x; memcpy(&x, in, 1); v->i = x; return 0; }
    case 'B': { uint8_t x; memcpy(&x, in, 1); v->i = x; return 0; }
    case 'h': { int16_t x; memcpy(&x, in, 2); v->i = x; return 0; }
    case 'H': { uint16_t x; memcpy(&x, in, 2); v->i = x; return 0; }
    case 'i': { int32_t x; memcpy(&x, in, 4); v->i = x; return 0; }
    case 'I': { uint32_t x; memcpy(&x, in, 4); v->i = x; return 0; }
    case 'f': { float x; memcpy(&x, in, 4); v->f = x; return 0; }
    case 'd': memcpy(&v->f, in, 8); return 0;
    case 'L': case 'Q': {
        uint64_t x;
        memcpy(&x, in, 8);
        if (x > (uint64_t)INT64_MAX) {
            pjx_err_set(PJX_EXC_OVERFLOW, "Python int too large for pyjitx int (64-bit signed)");
            return -1;
        }
        v->i = (int64_t)x;
        return 0;
    }
    default: memcpy(&v->i, in, 8); return 0;
    }
}

pjx_bytes *pjx_array_tobytes(int64_t typecode, pjx_list *a) {
    int size = itemsize((char)typecode);
    pjx_bytes *b = pjx_bytes_from_data(NULL, a->size * size);
    if (b == NULL) return NULL;
    for (int64_t i = 0; i < a->size; i++) pack((char)typecode, a->items[i], b->data + i * size);
    return b;
}

int32_t pjx_array_frombytes(int64_t typecode, pjx_list *a, pjx_bytes *b) {
    int size = itemsize((char)typecode);
    if (b->size % size != 0) {
        pjx_err_set(PJX_EXC_VALUE, "bytes length not a multiple of item size");
        return -1;
    }
    int64_t n = b->size / size;
    pjx_slot *items = n > 0 ? malloc(sizeof(pjx_slot) * (size_t)n) : NULL;
    if (n > 0 && items == NULL) {
        pjx_err_set(PJX_EXC_MEMORY, "out of memory");
        return -1;
    }
    for (int64_t i = 0; i < n; i++) /* (all read before any is added: a stays as it was) */
        if (unpack((char)typecode, b->data + i * size, &items[i]) < 0) {
            free(items);
            return -1;
        }
    for (int64_t i = 0; i < n; i++)
        if (pjx_list_append(a, items[i]) < 0) {
            free(items);
            return -1;
        }
    free(items);
    return 0;
}

int32_t pjx_array_index(pjx_list *a, int64_t i, int64_t store, int64_t *out) {
    if (i < 0) i += a->size;
    if (i < 0 || i >= a->size) {
        pjx_err_set(PJX_EXC_INDEX, store ? "array assignment index out of range"
                                         : "array index out of range");
        return -1;
    }
    *out = i;
    return 0;
}

int32_t pjx_array_pop_index(pjx_list *a, int64_t i, int64_t *out) {
    if (a->size == 0) {
        pjx_err_set(PJX_EXC_INDEX, "pop from empty array");
        return -1;
    }
    if (i < 0) i += a->size;
    if (i < 0 || i >= a->size) {
        pjx_err_set(PJX_EXC_INDEX, "pop index out of range");
        return -1;
    }
    *out = i;
    return 0;
}

/* Does the item equal x (an int if x_is_float is 0, else a double), as
 * Python compares an int and a float: exactly? */
static int item_equals(const pjx_list *a, int64_t i, int64_t xi, double xf, int64_t x_is_float) {
    pjx_slot x;
    if (x_is_float) x.f = xf;
    else x.i = xi;
    if (a->kind == PJX_KIND_FLOAT) {
        double v = a->items[i].f;
        if (!x_is_float) {
            /* (a float equals an int exactly: both as the int when v is integral) */
            if (!(v >= -9223372036854775808.0 && v < 9223372036854775808.0) || v != (double)(int64_t)v)
                return 0;
            return (int64_t)v == x.i;
        }
        return v == x.f;
    }
    int64_t v = a->items[i].i;
    if (!x_is_float) return v == x.i;
    if (!(x.f >= -9223372036854775808.0 && x.f < 9223372036854775808.0) || x.f != (double)(int64_t)x.f)
        return 0;
    return (int64_t)x.f == v;
}

int32_t pjx_array_find(pjx_list *a, int64_t xi, double xf, int64_t x_is_float, int64_t what,
                       int64_t *out) {
    int64_t count = 0;
    for (int64_t i = 0; i < a->size; i++) {
        if (!item_equals(a, i, xi, xf, x_is_float)) continue;
        if (what == 2) {
            count++;
            continue;
        }
        *out = i;
        return 0;
    }
    if (what == 2) {
        *out = count;
        return 0;
    }
    pjx_err_set(PJX_EXC_VALUE, what == 1 ? "array.remove(x): x not in array"
                                         : "array.index(x): x not in array");
    return -1;
}

pjx_str *pjx_array_repr(int64_t typecode, int64_t size, pjx_str *items_repr) {
    char head[16];
    if (size == 0) {
        snprintf(head, sizeof head, "array('%c')", (char)typecode);
        return pjx_str_from_utf8(head, (int64_t)strlen(head));
    }
    snprintf(head, sizeof head, "array('%c', ", (char)typecode);
    pjx_str *a = pjx_str_from_utf8(head, (int64_t)strlen(head));
    pjx_str *c = pjx_str_from_utf8(")", 1);
    pjx_str *r = (a != NULL && c != NULL) ? pjx_str_concat3(a, items_repr, c) : NULL;
    pjx_decref(a);
    pjx_decref(c);
    return r;
}

pjx_list *pjx_array_from_data(int64_t typecode, const char *data, int64_t nbytes) {
    int size = itemsize((char)typecode);
    int64_t n = nbytes / size;
    pjx_list *l = sized((char)typecode == 'f' || (char)typecode == 'd' ? PJX_KIND_FLOAT : PJX_KIND_INT, n);
    if (l == NULL) return NULL;
    for (int64_t i = 0; i < n; i++)
        if (unpack((char)typecode, data + i * size, &l->items[i]) < 0) {
            l->size = 0;
            pjx_decref(l);
            return NULL;
        }
    return l;
}
