/* NDArray: allocation, views, foreign memory, element loads and stores
 * with numpy's assignment rules.  Whole-array operations live in
 * ndarray_ops.c. */
#include "internal.h"
#include "pyjitx/ndarray.h"

#include <math.h>
#include <string.h>

static const int64_t itemsizes[PJX_DT__COUNT] = {1, 1, 1, 4, 8, 2, 4, 8};
static const char *const dtype_names[PJX_DT__COUNT] = {
    "bool", "uint8", "int8", "int32", "int64", "float16", "float32", "float64"};

int64_t pjx_dtype_itemsize(int32_t dtype) {
    return dtype >= 0 && dtype < PJX_DT__COUNT ? itemsizes[dtype] : 0;
}

const char *pjx_dtype_name(int32_t dtype) {
    return dtype >= 0 && dtype < PJX_DT__COUNT ? dtype_names[dtype] : "?";
}

/* ---- allocation ---------------------------------------------------------- */
static size_t header_size(int32_t ndim) {
    /* rounded up to 16 so that inline elements are 16-byte aligned */
    size_t n = sizeof(pjx_ndarray) + 2 * (size_t)ndim * sizeof(int64_t);
    return (n + 15) & ~(size_t)15;
}

static pjx_ndarray *new_header(int32_t dtype, int32_t ndim, const int64_t *shape,
                               size_t data_bytes) {
    if (ndim < 0 || ndim > PJX_NDARRAY_MAX_DIMS) {
        pjx_err_format(PJX_EXC_VALUE, "maximum supported dimension for an ndarray is %d, found %d",
                       PJX_NDARRAY_MAX_DIMS, (int)ndim);
        return NULL;
    }
    size_t head = header_size(ndim);
    if (data_bytes > ((size_t)1 << 60) - head) {
        pjx_err_set(PJX_EXC_MEMORY, "array is too big");
        return NULL;
    }
    pjx_ndarray *a = pjx_alloc(head + data_bytes);
    if (a == NULL) return NULL;
    a->ob.refcount = 1;
    a->ob.type_id = PJX_TYPE_NDARRAY;
    a->ob.flags = 0;
    a->data = (char *)a + head;
    a->dtype = dtype;
    a->ndim = ndim;
    a->base = NULL;
    a->owner = NULL;
    a->release = NULL;
    int64_t size = 1;
    for (int32_t i = 0; i < ndim; i++) {
        PJX_ND_SHAPE(a)[i] = shape[i];
        size *= shape[i];
    }
    a->size = size;
    return a;
}

/* The element count of a shape, or -1 (ValueError/MemoryError set). */
static int64_t checked_size(int32_t ndim, const int64_t *shape, int64_t itemsize) {
    int64_t size = 1;
    int overflow = 0;
    for (int32_t i = 0; i < ndim; i++) {
        if (shape[i] < 0) {
            pjx_err_set(PJX_EXC_VALUE, "negative dimensions are not allowed");
            return -1;
        }
        if (__builtin_mul_overflow(size, shape[i], &size)) overflow = 1;
    }
    int64_t bytes;
    if (overflow || __builtin_mul_overflow(size, itemsize, &bytes)) {
        pjx_err_set(PJX_EXC_VALUE, "array is too big; `arr.size * arr.dtype.itemsize` "
                                   "is larger than the maximum possible size.");
        return -1;
    }
    return size;
}

static void set_c_strides(pjx_ndarray *a) {
    int64_t stride = 1;
    for (int32_t i = a->ndim - 1; i >= 0; i--) {
        PJX_ND_STRIDES(a)[i] = stride;
        stride *= PJX_ND_SHAPE(a)[i] > 0 ? PJX_ND_SHAPE(a)[i] : 1;
    }
}

pjx_ndarray *pjx_ndarray_empty(int32_t dtype, int32_t ndim, const int64_t *shape) {
    if (dtype < 0 || dtype >= PJX_DT__COUNT) {
        pjx_err_set(PJX_EXC_TYPE, "unknown dtype");
        return NULL;
    }
    int64_t size = checked_size(ndim, shape, itemsizes[dtype]);
    if (size < 0) return NULL;
    pjx_ndarray *a = new_header(dtype, ndim, shape, (size_t)(size * itemsizes[dtype]));
    if (a != NULL) set_c_strides(a);
    return a;
}

pjx_ndarray *pjx_ndarray_zeros(int32_t dtype, int32_t ndim, const int64_t *shape) {
    pjx_ndarray *a = pjx_ndarray_empty(dtype, ndim, shape);
    if (a != NULL) memset(a->data, 0, (size_t)(a->size * itemsizes[dtype]));
    return a;
}

/* one element's bytes for `value` converted as numpy's astype does (no
 * range checks: full() and casts wrap like C) */
static void encode_int(int32_t dtype, int64_t value, char *out) {
    switch (dtype) {
    case PJX_DT_BOOL: *(uint8_t *)out = value != 0; break;
    case PJX_DT_UINT8: *(uint8_t *)out = (uint8_t)value; break;
    case PJX_DT_INT8: *(int8_t *)out = (int8_t)value; break;
    case PJX_DT_INT32: *(int32_t *)out = (int32_t)value; break;
    case PJX_DT_INT64: *(int64_t *)out = value; break;
    case PJX_DT_FLOAT16: *(uint16_t *)out = pjx_double_to_half((double)value); break;
    case PJX_DT_FLOAT32: *(float *)out = (float)value; break;
    default: *(double *)out = (double)value; break;
    }
}

static int64_t float_to_int_wrapping(double value) {
    /* exact bounds: converting anything outside [-2**63, 2**63) is UB in C */
    if (!(value >= -9223372036854775808.0 && value < 9223372036854775808.0))
        return INT64_MIN; /* numpy gives this too (x86's cvttsd2si) */
    return (int64_t)value;
}

static void encode_float(int32_t dtype, double value, char *out) {
    switch (dtype) {
    case PJX_DT_BOOL: *(uint8_t *)out = value != 0; break;
    /* directly: rounding through float first can round twice */
    case PJX_DT_FLOAT16: *(uint16_t *)out = pjx_double_to_half(value); break;
    case PJX_DT_FLOAT32: *(float *)out = (float)value; break;
    case PJX_DT_FLOAT64: *(double *)out = value; break;
    default: encode_int(dtype, float_to_int_wrapping(value), out); break;
    }
}

static void fill(pjx_ndarray *a, const char *item) {
    int64_t n = itemsizes[a->dtype];
    for (int64_t i = 0; i < a->size; i++) memcpy(a->data + i * n, item, (size_t)n);
}

/* A new array with every element the encoded `item`. */
static pjx_ndarray *full(int32_t dtype, int32_t ndim, const int64_t *shape, const char *item) {
    pjx_ndarray *a = pjx_ndarray_empty(dtype, ndim, shape);
    if (a != NULL) fill(a, item);
    return a;
}

pjx_ndarray *pjx_ndarray_full_int(int32_t dtype, int32_t ndim, const int64_t *shape,
                                  int64_t value) {
    char item[8];
    encode_int(dtype, value, item);
    return full(dtype, ndim, shape, item);
}

pjx_ndarray *pjx_ndarray_full_float(int32_t dtype, int32_t ndim, const int64_t *shape,
                                    double value) {
    char item[8];
    encode_float(dtype, value, item);
    return full(dtype, ndim, shape, item);
}

pjx_ndarray *pjx_ndarray_arange_int(int64_t start, int64_t stop, int64_t step) {
    if (step == 0) {
        pjx_err_set(PJX_EXC_ZERO_DIVISION, "division by zero");
        return NULL;
    }
    int64_t n = 0;
    if (step > 0 && stop > start) n = (int64_t)(((__int128)stop - start + step - 1) / step);
    if (step < 0 && stop < start) n = (int64_t)(((__int128)start - stop - step - 1) / -step);
    pjx_ndarray *a = pjx_ndarray_empty(PJX_DT_INT64, 1, &n);
    if (a == NULL) return NULL;
    int64_t *out = (int64_t *)a->data;
    for (int64_t i = 0; i < n; i++) out[i] = start + i * step;
    return a;
}

pjx_ndarray *pjx_ndarray_arange_float(double start, double stop, double step) {
    if (step == 0) {
        pjx_err_set(PJX_EXC_ZERO_DIVISION, "division by zero");
        return NULL;
    }
    double count = ceil((stop - start) / step);
    if (isnan(count)) {
        pjx_err_set(PJX_EXC_VALUE, "arange: cannot compute length");
        return NULL;
    }
    int64_t n = count > 0 ? (int64_t)count : 0;
    pjx_ndarray *a = pjx_ndarray_empty(PJX_DT_FLOAT64, 1, &n);
    if (a == NULL) return NULL;
    double *out = (double *)a->data;
    for (int64_t i = 0; i < n; i++) out[i] = start + (double)i * step;
    return a;
}

pjx_ndarray *pjx_ndarray_view(pjx_ndarray *base, char *data, int32_t ndim, const int64_t *shape,
                              const int64_t *strides) {
    pjx_ndarray *a = new_header(base->dtype, ndim, shape, 0);
    if (a == NULL) return NULL;
    a->data = data;
    memcpy(PJX_ND_STRIDES(a), strides, (size_t)ndim * sizeof(int64_t));
    /* views of views keep the owner of the memory, not the chain */
    pjx_ndarray *root = base->base != NULL ? (pjx_ndarray *)base->base : base;
    pjx_incref(root);
    a->base = &root->ob;
    a->ob.flags = base->ob.flags & PJX_ND_READONLY;
    return a;
}

pjx_ndarray *pjx_ndarray_foreign(int32_t dtype, int32_t ndim, const int64_t *shape,
                                 const int64_t *strides, char *data, void *owner,
                                 void (*release)(void *owner), int readonly) {
    if (dtype < 0 || dtype >= PJX_DT__COUNT) {
        pjx_err_set(PJX_EXC_TYPE, "unknown dtype");
        return NULL;
    }
    pjx_ndarray *a = new_header(dtype, ndim, shape, 0);
    if (a == NULL) return NULL;
    a->data = data;
    if (strides != NULL) {
        memcpy(PJX_ND_STRIDES(a), strides, (size_t)ndim * sizeof(int64_t));
    } else {
        set_c_strides(a);
    }
    a->owner = owner;
    a->release = release;
    if (readonly) a->ob.flags |= PJX_ND_READONLY;
    return a;
}

void pjx_ndarray_dealloc(pjx_ndarray *a) {
    if (a->base != NULL) pjx_decref(a->base);
    if (a->release != NULL) a->release(a->owner);
    pjx_free(a);
}

/* ---- elements ------------------------------------------------------------ */
int64_t pjx_ndarray_load_int(const pjx_ndarray *a, int64_t offset) {
    const char *p = a->data + offset * itemsizes[a->dtype];
    switch (a->dtype) {
    case PJX_DT_BOOL:
    case PJX_DT_UINT8: return *(const uint8_t *)p;
    case PJX_DT_INT8: return *(const int8_t *)p;
    case PJX_DT_INT32: return *(const int32_t *)p;
    case PJX_DT_INT64: return *(const int64_t *)p;
    default: return float_to_int_wrapping(pjx_ndarray_load_float(a, offset));
    }
}

double pjx_ndarray_load_float(const pjx_ndarray *a, int64_t offset) {
    const char *p = a->data + offset * itemsizes[a->dtype];
    switch (a->dtype) {
    case PJX_DT_FLOAT16: return pjx_half_to_float(*(const uint16_t *)p);
    case PJX_DT_FLOAT32: return *(const float *)p;
    case PJX_DT_FLOAT64: return *(const double *)p;
    default: return (double)pjx_ndarray_load_int(a, offset);
    }
}

int32_t pjx_ndarray_readonly_error(void) {
    pjx_err_set(PJX_EXC_VALUE, "assignment destination is read-only");
    return -1;
}

int32_t pjx_ndarray_index_error(int64_t index, int64_t axis, int64_t size) {
    pjx_err_format(PJX_EXC_INDEX, "index %lld is out of bounds for axis %lld with size %lld",
                   (long long)index, (long long)axis, (long long)size);
    return -1;
}

int32_t pjx_ndarray_store_int(pjx_ndarray *a, int64_t offset, int64_t value) {
    if (a->ob.flags & PJX_ND_READONLY) return pjx_ndarray_readonly_error();
    int64_t lo = 0, hi = 0;
    switch (a->dtype) {
    case PJX_DT_UINT8: lo = 0; hi = 255; break;
    case PJX_DT_INT8: lo = -128; hi = 127; break;
    case PJX_DT_INT32: lo = INT32_MIN; hi = INT32_MAX; break;
    default: lo = INT64_MIN; hi = INT64_MAX; break;
    }
    if (value < lo || value > hi) {
        pjx_err_format(PJX_EXC_OVERFLOW, "Python integer %lld out of bounds for %s",
                       (long long)value, dtype_names[a->dtype]);
        return -1;
    }
    encode_int(a->dtype, value, a->data + offset * itemsizes[a->dtype]);
    return 0;
}

/* A float stored into an int array (a[i] = x, np.array([...], dtype=...))
 * goes through a Python int as numpy 2 does: truncated, then range
 * checked like an int; NaN, infinities and values beyond int64 raise. */
int32_t pjx_ndarray_store_float(pjx_ndarray *a, int64_t offset, double value) {
    if (a->ob.flags & PJX_ND_READONLY) return pjx_ndarray_readonly_error();
    int32_t dt = a->dtype;
    if (dt != PJX_DT_BOOL && dt < PJX_DT_FLOAT16) {
        if (isnan(value)) {
            pjx_err_set(PJX_EXC_VALUE, "cannot convert float NaN to integer");
            return -1;
        }
        if (isinf(value)) {
            pjx_err_set(PJX_EXC_OVERFLOW, "cannot convert float infinity to integer");
            return -1;
        }
        if (!(value > -9223372036854777856.0 && value < 9223372036854775808.0)) {
            pjx_err_set(PJX_EXC_OVERFLOW, "Python int too large to convert to C long");
            return -1;
        }
        return pjx_ndarray_store_int(a, offset, (int64_t)value);
    }
    encode_float(dt, value, a->data + offset * itemsizes[dt]);
    return 0;
}

/* ---- half precision ------------------------------------------------------ */
float pjx_half_to_float(uint16_t h) {
    uint32_t sign = (uint32_t)(h & 0x8000) << 16;
    uint32_t exponent = (h >> 10) & 0x1F;
    uint32_t mantissa = h & 0x3FF;
    uint32_t bits;
    if (exponent == 0x1F) {
        bits = sign | 0x7F800000u | (mantissa << 13); /* inf / nan */
    } else if (exponent != 0) {
        bits = sign | ((exponent + 112) << 23) | (mantissa << 13);
    } else if (mantissa == 0) {
        bits = sign;
    } else { /* subnormal: normalise */
        exponent = 113;
        while (!(mantissa & 0x400)) {
            mantissa <<= 1;
            exponent--;
        }
        bits = sign | (exponent << 23) | ((mantissa & 0x3FF) << 13);
    }
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

uint16_t pjx_float_to_half(float f) {
    uint32_t bits;
    memcpy(&bits, &f, sizeof bits);
    uint16_t sign = (uint16_t)((bits >> 16) & 0x8000);
    uint32_t abs_bits = bits & 0x7FFFFFFFu;
    if (abs_bits >= 0x7F800000u) /* inf or nan (keep nan quiet) */
        return sign | 0x7C00 | (abs_bits > 0x7F800000u ? 0x200 : 0);
    if (abs_bits >= 0x477FF000u) return sign | 0x7C00; /* rounds to inf */
    if (abs_bits < 0x38800000u) { /* subnormal half or zero */
        if (abs_bits < 0x33000000u) return sign; /* below half the smallest subnormal */
        uint32_t exponent = abs_bits >> 23;
        uint32_t mantissa = (abs_bits & 0x7FFFFF) | 0x800000;
        uint32_t shift = 126 - exponent; /* 14..24 */
        uint32_t half = mantissa >> shift;
        uint32_t rest = mantissa & ((1u << shift) - 1);
        uint32_t midpoint = 1u << (shift - 1);
        if (rest > midpoint || (rest == midpoint && (half & 1))) half++;
        return sign | (uint16_t)half;
    }
    uint32_t half = ((abs_bits - 0x38000000u) >> 13);
    uint32_t rest = abs_bits & 0x1FFF;
    if (rest > 0x1000 || (rest == 0x1000 && (half & 1))) half++;
    return sign | (uint16_t)half;
}

uint16_t pjx_double_to_half(double d) {
    uint64_t bits;
    memcpy(&bits, &d, sizeof bits);
    uint16_t sign = (uint16_t)((bits >> 48) & 0x8000);
    uint64_t abs_bits = bits & 0x7FFFFFFFFFFFFFFFull;
    if (abs_bits >= 0x7FF0000000000000ull) /* inf or nan (keep nan quiet) */
        return sign | 0x7C00 | (abs_bits > 0x7FF0000000000000ull ? 0x200 : 0);
    if (abs_bits >= 0x40EFFE0000000000ull) return sign | 0x7C00; /* >= 65520 rounds to inf */
    if (abs_bits < 0x3F10000000000000ull) { /* below 2**-14: subnormal half or zero */
        if (abs_bits < 0x3E60000000000000ull) return sign; /* below 2**-25 */
        uint64_t exponent = abs_bits >> 52;
        uint64_t mantissa = (abs_bits & 0xFFFFFFFFFFFFFull) | 0x10000000000000ull;
        uint64_t shift = 1051 - exponent; /* 43..53: units of 2**-24 */
        uint64_t half = mantissa >> shift;
        uint64_t rest = mantissa & ((1ull << shift) - 1);
        uint64_t midpoint = 1ull << (shift - 1);
        if (rest > midpoint || (rest == midpoint && (half & 1))) half++;
        return sign | (uint16_t)half;
    }
    /* normal: rebias the exponent (1023 -> 15) and keep 10 mantissa bits;
     * a carry out of the mantissa correctly bumps the exponent */
    uint64_t half = (abs_bits - (1008ull << 52)) >> 42;
    uint64_t rest = abs_bits & 0x3FFFFFFFFFFull;
    if (rest > 0x20000000000ull || (rest == 0x20000000000ull && (half & 1))) half++;
    return sign | (uint16_t)half;
}

/* ---- queries ------------------------------------------------------------- */
int64_t pjx_ndarray_is_c_contiguous(const pjx_ndarray *a) {
    if (a->size == 0) return 1; /* as numpy: whatever the strides */
    int64_t expected = 1;
    for (int32_t i = a->ndim - 1; i >= 0; i--) {
        int64_t n = PJX_ND_SHAPE(a)[i];
        if (n != 1 && PJX_ND_STRIDES(a)[i] != expected) return 0;
        expected *= n;
    }
    return 1;
}

pjx_tuple *pjx_ndarray_shape_tuple(const pjx_ndarray *a) {
    pjx_tuple *t = pjx_tuple_new(a->ndim);
    if (t == NULL) return NULL;
    for (int32_t i = 0; i < a->ndim; i++) {
        t->items[i].i = PJX_ND_SHAPE(a)[i];
        PJX_TUPLE_KINDS(t)[i] = PJX_KIND_INT;
    }
    return t;
}
