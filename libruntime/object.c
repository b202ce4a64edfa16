/* The common object header: reference counting, deallocation and the
 * slot-level operations (hash, ==, ordering, repr) that containers use on
 * their elements.  Type-specific work is dispatched to one file per type. */
#include "internal.h"

#include "containers_internal.h"
#include "pyjitx/any.h"
#include "pyjitx/collections.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void *pjx_object_new(size_t size, uint32_t type_id) {
    pjx_object *o = pjx_alloc(size);
    if (o == NULL) return NULL;
    o->refcount = 1;
    o->type_id = type_id;
    o->flags = 0;
    return o;
}

void *pjx_object_new_small(size_t size, uint32_t type_id) {
    pjx_object *o = pjx_alloc_small(size);
    if (o == NULL) return NULL;
    o->refcount = 1;
    o->type_id = type_id;
    o->flags = 0;
    return o;
}

void pjx_incref(void *obj) {
    pjx_object *o = obj;
    if (o == NULL || pjx_is_immortal(o)) return;
    __atomic_fetch_add(&o->refcount, 1, __ATOMIC_RELAXED);
}

void pjx_decref(void *obj) {
    pjx_object *o = obj;
    if (o == NULL) return;
    int64_t count = __atomic_load_n(&o->refcount, __ATOMIC_RELAXED);
    if (count == 1) {
        /* ours is the only reference: no other thread can touch the count */
        pjx_dealloc(o);
        return;
    }
    if (count < 0) return; /* immortal */
    if (__atomic_sub_fetch(&o->refcount, 1, __ATOMIC_ACQ_REL) == 0) pjx_dealloc(o);
}

void pjx_dealloc(pjx_object *o) {
    switch (o->type_id) {
    case PJX_TYPE_STR: pjx_str_dealloc((pjx_str *)o); break;
    case PJX_TYPE_BYTES: pjx_bytes_dealloc((pjx_bytes *)o); break;
    case PJX_TYPE_LIST:
        /* (a list of unboxed items frees nothing else: no trashcan) */
    case PJX_TYPE_DEQUE:
        if (((pjx_list *)o)->kind != PJX_KIND_OBJ) pjx_list_dealloc((pjx_list *)o);
        else pjx_container_dealloc(o);
        break;
    case PJX_TYPE_DICT:
    case PJX_TYPE_SET:
    case PJX_TYPE_TUPLE:
    case PJX_TYPE_INSTANCE: pjx_container_dealloc(o); break;
    case PJX_TYPE_EXCEPTION: pjx_exception_dealloc((pjx_exception *)o); break;
    case PJX_TYPE_NDARRAY: pjx_ndarray_dealloc((pjx_ndarray *)o); break;
    default: pjx_free(o); break;
    }
}

void pjx_slot_incref(int32_t kind, pjx_slot v) {
    if (kind == PJX_KIND_OBJ) pjx_incref(v.o);
}

void pjx_slot_decref(int32_t kind, pjx_slot v) {
    if (kind == PJX_KIND_OBJ) pjx_decref(v.o);
}

/* ---- hashing ------------------------------------------------------------ */
#define PJX_HASH_MODULUS ((int64_t)(((uint64_t)1 << 61) - 1))

int64_t pjx_hash_int(int64_t v) {
    /* CPython: the value modulo 2**61 - 1 with the sign kept; -1 -> -2. */
    int64_t h;
    if (v >= 0) {
        h = v % PJX_HASH_MODULUS;
    } else {
        uint64_t m = (uint64_t)0 - (uint64_t)v; /* |v|, safe for INT64_MIN */
        h = -(int64_t)(m % (uint64_t)PJX_HASH_MODULUS);
    }
    return h == -1 ? -2 : h;
}

int64_t pjx_hash_float(double v) {
    /* CPython's _Py_HashDouble, so that hash(1.0) == hash(1). */
    if (isnan(v)) return 0; /* CPython hashes NaN by identity; 0 is enough here */
    if (isinf(v)) return v > 0 ? 314159 : -314159;
    int e;
    double m = frexp(v, &e);
    int sign = 1;
    if (m < 0) { sign = -1; m = -m; }
    uint64_t x = 0;
    while (m) {
        x = ((x << 28) & (uint64_t)PJX_HASH_MODULUS) | x >> (61 - 28);
        m *= 268435456.0;
        e -= 28;
        uint64_t y = (uint64_t)m;
        m -= (double)y;
        x += y;
        if (x >= (uint64_t)PJX_HASH_MODULUS) x -= (uint64_t)PJX_HASH_MODULUS;
    }
    e = e >= 0 ? e % 61 : 61 - 1 - ((-1 - e) % 61);
    x = ((x << e) & (uint64_t)PJX_HASH_MODULUS) | x >> (61 - e);
    int64_t h = (int64_t)x * sign;
    return h == -1 ? -2 : h;
}

int64_t pjx_hash_bytes(const void *data, int64_t size) {
    /* A fast non-cryptographic 64-bit hash (multiply-xorshift over 8-byte
     * words).  Iteration order never depends on it: dicts and sets keep
     * insertion order. */
    const unsigned char *p = data;
    uint64_t h = 0x9E3779B97F4A7C15ull ^ (uint64_t)size * 0xC2B2AE3D27D4EB4Full;
    int64_t i = 0;
    for (; i + 8 <= size; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        w *= 0x87C37B91114253D5ull;
        w ^= w >> 31;
        h = (h ^ w) * 0x4CF5AD432745937Full;
        h ^= h >> 29;
    }
    if (i < size) {
        /* the 1..7 remaining bytes, zero-extended little-endian, without a
         * variable-length memcpy (a libc call) */
        const unsigned char *q = p + i;
        int64_t rem = size - i;
        uint64_t w;
        if (rem >= 4) {
            uint32_t lo, hi;
            memcpy(&lo, q, 4);
            memcpy(&hi, q + rem - 4, 4); /* overlaps lo where rem < 8 */
            w = (uint64_t)lo | (uint64_t)hi << ((rem - 4) * 8);
        } else {
            w = (uint64_t)q[0] | (uint64_t)q[rem >> 1] << ((rem >> 1) * 8) |
                (uint64_t)q[rem - 1] << ((rem - 1) * 8);
        }
        w *= 0x87C37B91114253D5ull;
        w ^= w >> 31;
        h = (h ^ w) * 0x4CF5AD432745937Full;
    }
    h ^= h >> 32;
    h *= 0xD6E8FEB86659FD93ull;
    h ^= h >> 32;
    int64_t r = (int64_t)h;
    return r == -1 ? -2 : r;
}

/* A boxed scalar in an OBJ slot (an Any) behaves as the scalar itself, and
 * a NULL object (an Optional's or an Any's None) as None. */
int pjx_slot_unbox(int32_t *kind, pjx_slot *v) {
    if (*kind != PJX_KIND_OBJ) return 0;
    if (v->o == NULL) {
        *kind = PJX_KIND_NONE;
        return 1;
    }
    switch (v->o->type_id) {
    case PJX_TYPE_INT: *kind = PJX_KIND_INT; break;
    case PJX_TYPE_FLOAT: *kind = PJX_KIND_FLOAT; break;
    case PJX_TYPE_BOOL: *kind = PJX_KIND_BOOL; break;
    default: return 0;
    }
    *v = ((pjx_box *)v->o)->value;
    return 1;
}

int32_t pjx_slot_hash(int32_t kind, pjx_slot v, int64_t *out) {
    pjx_slot_unbox(&kind, &v);
    switch (kind) {
    case PJX_KIND_INT:
    case PJX_KIND_BOOL: *out = pjx_hash_int(v.i); return 0;
    case PJX_KIND_FLOAT: *out = pjx_hash_float(v.f); return 0;
    case PJX_KIND_NONE: *out = 0x5A5A; return 0;
    default: break;
    }
    if (v.o == NULL) { *out = 0x5A5A; return 0; } /* None in an Optional item */
    switch (v.o->type_id) {
    case PJX_TYPE_STR: *out = pjx_str_hash((pjx_str *)v.o); return 0;
    case PJX_TYPE_BYTES: *out = pjx_bytes_hash((pjx_bytes *)v.o); return 0;
    case PJX_TYPE_TUPLE: return pjx_tuple_hash((pjx_tuple *)v.o, out);
    case PJX_TYPE_LIST: pjx_err_set(PJX_EXC_TYPE, "unhashable type: 'list'"); return -1;
    case PJX_TYPE_DEQUE: pjx_err_set(PJX_EXC_TYPE, "unhashable type: 'collections.deque'"); return -1;
    case PJX_TYPE_DICT:
        pjx_err_format(PJX_EXC_TYPE, "unhashable type: '%s'", pjx_slot_type_name(kind, v));
        return -1;
    case PJX_TYPE_SET: pjx_err_set(PJX_EXC_TYPE, "unhashable type: 'set'"); return -1;
    case PJX_TYPE_INSTANCE: return pjx_instance_hash((pjx_instance *)v.o, out);
    case PJX_TYPE_NDARRAY: pjx_err_set(PJX_EXC_TYPE, "unhashable type: 'numpy.ndarray'"); return -1;
    default: pjx_err_set(PJX_EXC_TYPE, "unhashable type"); return -1;
    }
}

int64_t pjx_slot_eq(int32_t kind, pjx_slot a, pjx_slot b) {
    switch (kind) {
    case PJX_KIND_INT:
    case PJX_KIND_BOOL: return a.i == b.i;
    case PJX_KIND_FLOAT: return a.f == b.f;
    case PJX_KIND_NONE: return 1;
    default: break;
    }
    if (a.o == b.o) return 1; /* identity implies equality, as in CPython containers */
    if (a.o == NULL || b.o == NULL) return 0;
    int32_t ka = kind, kb = kind;
    if (pjx_slot_unbox(&ka, &a) | pjx_slot_unbox(&kb, &b)) return pjx_slot_eq_mixed(ka, a, kb, b);
    if (a.o->type_id != b.o->type_id) return 0;
    switch (a.o->type_id) {
    case PJX_TYPE_STR: return pjx_str_eq((pjx_str *)a.o, (pjx_str *)b.o);
    case PJX_TYPE_BYTES: return pjx_bytes_eq((pjx_bytes *)a.o, (pjx_bytes *)b.o);
    case PJX_TYPE_LIST:
    case PJX_TYPE_DEQUE: return pjx_list_eq_impl((pjx_list *)a.o, (pjx_list *)b.o);
    case PJX_TYPE_TUPLE: return pjx_tuple_eq_impl((pjx_tuple *)a.o, (pjx_tuple *)b.o);
    case PJX_TYPE_DICT:
    case PJX_TYPE_SET: return pjx_dict_eq_impl((pjx_dict *)a.o, (pjx_dict *)b.o);
    case PJX_TYPE_INSTANCE: return pjx_instance_eq((pjx_instance *)a.o, (pjx_instance *)b.o);
    default: return 0;
    }
}

/* The class name without its module, as CPython's messages show it. */
static const char *instance_short_name(const pjx_instance *self) {
    const char *name = self->cls->name;
    const char *dot = strrchr(name, '.');
    return dot ? dot + 1 : name;
}

const char *pjx_slot_type_name(int32_t kind, pjx_slot v) {
    pjx_slot_unbox(&kind, &v);
    static const char *const names[] = {"?", "str", "bytes", "list", "dict", "set", "tuple", "Exception"};
    switch (kind) {
    case PJX_KIND_INT: return "int";
    case PJX_KIND_FLOAT: return "float";
    case PJX_KIND_BOOL: return "bool";
    case PJX_KIND_NONE: return "NoneType";
    default:
        if (v.o == NULL) return "NoneType";
        if (v.o->type_id == PJX_TYPE_INSTANCE) return instance_short_name((pjx_instance *)v.o);
        if (v.o->type_id == PJX_TYPE_NDARRAY) return "numpy.ndarray";
        if (v.o->type_id == PJX_TYPE_DEQUE) return "collections.deque";
        if (v.o->type_id == PJX_TYPE_DICT && v.o->flags != 0)
            return v.o->flags & PJX_DICT_COUNTER ? "Counter"
                 : v.o->flags & PJX_DICT_ORDERED ? "collections.OrderedDict"
                 : "collections.defaultdict";
        return v.o->type_id < PJX_TYPE_INSTANCE ? names[v.o->type_id] : "object";
    }
}

int32_t pjx_slot_compare(int32_t kind, pjx_slot a, pjx_slot b, int64_t *out) {
    if (kind == PJX_KIND_OBJ) {
        int32_t ka = kind, kb = kind;
        if (pjx_slot_unbox(&ka, &a) | pjx_slot_unbox(&kb, &b)) {
            int64_t less, greater;
            if (pjx_slot_richcompare_mixed(ka, a, kb, b, PJX_LT, &less) < 0 ||
                pjx_slot_richcompare_mixed(ka, a, kb, b, PJX_GT, &greater) < 0) return -1;
            *out = less ? -1 : greater ? 1 : 0;
            return 0;
        }
    }
    switch (kind) {
    case PJX_KIND_INT:
    case PJX_KIND_BOOL: *out = (a.i > b.i) - (a.i < b.i); return 0;
    case PJX_KIND_FLOAT:
        /* NaN compares neither less nor greater: report "equal" so that
         * sorting stays stable, as CPython's sort does with NaNs. */
        *out = (a.f > b.f) - (a.f < b.f);
        return 0;
    case PJX_KIND_NONE: break;
    default:
        if (a.o != NULL && b.o != NULL && a.o->type_id == b.o->type_id) {
            switch (a.o->type_id) {
            case PJX_TYPE_STR: *out = pjx_str_compare((pjx_str *)a.o, (pjx_str *)b.o); return 0;
            case PJX_TYPE_BYTES: *out = pjx_bytes_compare((pjx_bytes *)a.o, (pjx_bytes *)b.o); return 0;
            case PJX_TYPE_LIST:
            case PJX_TYPE_DEQUE: return pjx_list_compare_impl((pjx_list *)a.o, (pjx_list *)b.o, out);
            case PJX_TYPE_TUPLE: return pjx_tuple_compare_impl((pjx_tuple *)a.o, (pjx_tuple *)b.o, out);
            case PJX_TYPE_INSTANCE: {
                int32_t rc = pjx_instance_compare((pjx_instance *)a.o, (pjx_instance *)b.o, out);
                if (rc <= 0) return rc;
                break; /* no __lt__ either way: TypeError below */
            }
            default: break;
            }
        }
    }
    pjx_err_format(PJX_EXC_TYPE, "'<' not supported between instances of '%s' and '%s'",
                   pjx_slot_type_name(kind, a), pjx_slot_type_name(kind, b));
    return -1;
}

/* The reprs that can nest (containers, __repr__), inside PyObject_Repr's
 * recursion check: a 100,000-deep list raises RecursionError as CPython's
 * does instead of overflowing the C stack. */
static pjx_str *nested_repr(pjx_object *o) {
    if (pjx_guard_enter(" while getting the repr of an object") < 0) return NULL;
    pjx_str *r;
    switch (o->type_id) {
    case PJX_TYPE_LIST: r = pjx_list_repr((pjx_list *)o); break;
    case PJX_TYPE_TUPLE: r = pjx_tuple_repr((pjx_tuple *)o); break;
    case PJX_TYPE_DICT: r = pjx_dict_repr((pjx_dict *)o); break;
    case PJX_TYPE_SET: r = pjx_set_repr((pjx_dict *)o); break;
    case PJX_TYPE_DEQUE: r = pjx_deque_repr((pjx_list *)o); break;
    default: {
        pjx_instance *self = (pjx_instance *)o;
        r = self->cls->hooks.repr(self);
        break;
    }
    }
    pjx_guard_leave();
    return r;
}

pjx_str *pjx_slot_repr(int32_t kind, pjx_slot v) {
    pjx_slot_unbox(&kind, &v);
    switch (kind) {
    case PJX_KIND_INT: return pjx_int_repr(v.i);
    case PJX_KIND_FLOAT: return pjx_float_repr(v.f);
    case PJX_KIND_BOOL: return v.i ? pjx_str_from_utf8("True", 4) : pjx_str_from_utf8("False", 5);
    case PJX_KIND_NONE: return pjx_str_from_utf8("None", 4);
    default: break;
    }
    if (v.o == NULL) return pjx_str_from_utf8("None", 4);
    switch (v.o->type_id) {
    case PJX_TYPE_STR: return pjx_str_repr((pjx_str *)v.o);
    case PJX_TYPE_BYTES: return pjx_bytes_repr((pjx_bytes *)v.o);
    case PJX_TYPE_LIST:
    case PJX_TYPE_TUPLE:
    case PJX_TYPE_DICT:
    case PJX_TYPE_DEQUE:
    case PJX_TYPE_SET: return nested_repr(v.o);
    case PJX_TYPE_INSTANCE: {
        pjx_instance *self = (pjx_instance *)v.o;
        if (self->cls->hooks.repr) return nested_repr(v.o);
        return pjx_instance_repr(self);
    }
    case PJX_TYPE_NDARRAY: {
        /* numpy's element formatting is not reproduced here (compiled code
         * refuses to format an array it knows statically); an array inside
         * a container or an Any shows its type and shape instead */
        const pjx_ndarray *a = (const pjx_ndarray *)v.o;
        char text[64 + 24 * PJX_NDARRAY_MAX_DIMS];
        int n = snprintf(text, 64, "<NDArray %s, shape (", pjx_dtype_name(a->dtype));
        for (int32_t i = 0; i < a->ndim; i++)
            n += snprintf(text + n, 24, i + 1 == a->ndim && a->ndim == 1 ? "%lld," : i + 1 == a->ndim
                          ? "%lld" : "%lld, ", (long long)PJX_ND_SHAPE(a)[i]);
        n += snprintf(text + n, 8, ")>");
        return pjx_str_from_utf8(text, n);
    }
    default: return pjx_str_from_utf8("<object>", 8);
    }
}

pjx_str *pjx_slot_str(int32_t kind, pjx_slot v) {
    pjx_slot_unbox(&kind, &v);
    if (kind == PJX_KIND_OBJ && v.o != NULL && v.o->type_id == PJX_TYPE_STR) {
        pjx_incref(v.o);
        return (pjx_str *)v.o;
    }
    if (kind == PJX_KIND_OBJ && v.o != NULL && v.o->type_id == PJX_TYPE_INSTANCE) {
        pjx_instance *self = (pjx_instance *)v.o;
        if (self->cls->hooks.str) return self->cls->hooks.str(self);
    }
    return pjx_slot_repr(kind, v);
}
