/* NDArray whole-array operations with numpy's semantics: elementwise
 * arithmetic with broadcasting, reductions, reshaping, basic indexing,
 * joining and list conversion.  The API and the deviations from numpy are
 * documented in ndarray.h.
 *
 * Structure.  Everything elementwise runs on one small iterator (nd_iter):
 * it walks up to three strided operands over a common shape in C order,
 * after dropping size-1 dimensions and merging dimensions that every operand
 * steps through as one, so contiguous arrays of any shape become a single
 * inner "run".  Arithmetic is done in a compute type -- int64, float32 or
 * float64, or uint8/int8/int32 where wrapping in the narrow type is exact
 * (+ - * & | ^ min max and comparisons) -- and operands of other dtypes
 * are cast into small buffers chunk by chunk (cast_run), as numpy's
 * buffered iterator does.  An operand already in the compute type with a
 * unit or zero stride is used in place, so the common cases (same-dtype
 * contiguous arrays, an array and a scalar) are one tight loop over the
 * whole run that the C compiler vectorises.
 *
 * Other integer results are computed in int64 and truncated on store:
 * power and shifts wrap the same way modulo 2**8 or 2**32 as modulo 2**64,
 * and floor division / remainder of narrower types cannot overflow int64.
 * float16 is computed in float32 and rounded on store, which is what
 * numpy's half loops do. */
#include "containers_internal.h"
#include "internal.h"
#include "pyjitx/ndarray.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* The loops below are written to be vectorised (restrict pointers, unit
 * strides); -O2 only vectorises with GCC's "very cheap" cost model. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("tree-vectorize")
#pragma GCC optimize("vect-cost-model=dynamic")
#endif

#define MAXD PJX_NDARRAY_MAX_DIMS
#define SHAPE PJX_ND_SHAPE
#define STRIDES PJX_ND_STRIDES

enum {
    BUFN = 1024,   /* elements per conversion chunk of elementwise loops */
    RBUFN = 8192,  /* per chunk of reductions: numpy's buffer size, so float
                      sums are pairwise over the same blocks as numpy's */
};

static int is_float_dt(int32_t dt) { return dt >= PJX_DT_FLOAT16; }
static int is_int_dt(int32_t dt) { return dt >= PJX_DT_UINT8 && dt <= PJX_DT_INT64; }
static int valid_dt(int32_t dt) { return dt >= 0 && dt < PJX_DT__COUNT; }

/* ==== shapes in messages ==================================================
 * numpy's convert_shape_to_string: "(2,3)", "(4,)", "()"; a negative entry
 * (an unknown reshape dimension) prints as "newaxis" and is skipped when
 * leading; the "(n,)" form is used only for one dimension. */
static void shape_str(char *buf, size_t cap, int32_t n, const int64_t *vals, const char *ending) {
    int32_t i = 0;
    while (i < n && vals[i] < 0) i++;
    if (i == n) {
        snprintf(buf, cap, "()%s", ending);
        return;
    }
    size_t len = (size_t)snprintf(buf, cap, "(%lld", (long long)vals[i++]);
    for (; i < n && len < cap; i++) {
        if (vals[i] < 0)
            len += (size_t)snprintf(buf + len, cap - len, ",newaxis");
        else
            len += (size_t)snprintf(buf + len, cap - len, ",%lld", (long long)vals[i]);
    }
    if (len < cap) snprintf(buf + len, cap - len, n == 1 ? ",)%s" : ")%s", ending);
}

/* A shape as Python prints a tuple: "(2,)", "(2, 1)". */
static void tuple_str(char *buf, size_t cap, int32_t n, const int64_t *vals) {
    size_t len = (size_t)snprintf(buf, cap, "(");
    for (int32_t i = 0; i < n && len < cap; i++)
        len += (size_t)snprintf(buf + len, cap - len, i ? ", %lld" : "%lld", (long long)vals[i]);
    if (len < cap) snprintf(buf + len, cap - len, n == 1 ? ",)" : ")");
}

#define SHAPE_BUF (MAXD * 24 + 16)

/* numpy's AxisError (a ValueError and an IndexError there; ValueError here) */
static int32_t normalize_axis(int64_t *axis, int32_t ndim) {
    if (*axis < -(int64_t)ndim || *axis >= ndim) {
        pjx_err_format(PJX_EXC_VALUE, "axis %lld is out of bounds for array of dimension %d",
                       (long long)*axis, (int)ndim);
        return -1;
    }
    if (*axis < 0) *axis += ndim;
    return 0;
}

/* ==== casts ===============================================================
 * cast_run converts n elements between any two dtypes with numpy's C-cast
 * semantics (astype, buffers, assignment).  Every source element is read as
 * its natural value -- int64 for bool and ints, float for float16/32,
 * double for float64 -- and converted to the destination type.  A float
 * out of an int type's range converts as x86's truncating conversion does
 * (which is what numpy does there): to int32 for the narrow types, then
 * wrapped, and INT64_MIN for int64; NaN goes the same way. */
static inline int32_t f_to_i32(double d) {
    return d > -2147483649.0 && d < 2147483648.0 ? (int32_t)d : INT32_MIN;
}

static inline int64_t f_to_i64(double d) {
    return d >= -9223372036854775808.0 && d < 9223372036854775808.0 ? (int64_t)d : INT64_MIN;
}

#define FROM_INT(x) ((int64_t)(x))
#define FROM_HALF(x) (pjx_half_to_float(x))
#define FROM_FLOAT(x) (x)

#define TO_BOOL(v) ((uint8_t)((v) != 0))
#define TO_NARROW(T, v) \
    ((T)_Generic((v), int64_t: (v), float: f_to_i32((double)(v)), double: f_to_i32((double)(v))))
#define TO_U8(v) TO_NARROW(uint8_t, v)
#define TO_I8(v) TO_NARROW(int8_t, v)
#define TO_I32(v) TO_NARROW(int32_t, v)
#define TO_I64(v) ((int64_t)_Generic((v), int64_t: (v), float: f_to_i64((double)(v)), \
                                     double: f_to_i64((double)(v))))
#define TO_F16(v) _Generic((v), int64_t: pjx_double_to_half((double)(v)), \
                           float: pjx_float_to_half((float)(v)), double: pjx_double_to_half((double)(v)))
#define TO_F32(v) ((float)(v))
#define TO_F64(v) ((double)(v))

#define CAST_LOOP(ST, SF, DT, DTO)                                                      \
    do {                                                                                \
        const ST *s_ = (const ST *)src;                                                 \
        DT *d_ = (DT *)dst;                                                             \
        if (ss == 1 && ds == 1) {                                                       \
            for (int64_t i = 0; i < n; i++) d_[i] = DTO(SF(s_[i]));                     \
        } else {                                                                        \
            for (int64_t i = 0; i < n; i++) d_[i * ds] = DTO(SF(s_[i * ss]));           \
        }                                                                               \
    } while (0)

#define CAST_CASE(SD, ST, SF, DD, DT, DTO) \
    case (SD) * PJX_DT__COUNT + (DD): CAST_LOOP(ST, SF, DT, DTO); return;

#define CAST_TO_ALL(SD, ST, SF)                                   \
    CAST_CASE(SD, ST, SF, PJX_DT_BOOL, uint8_t, TO_BOOL)          \
    CAST_CASE(SD, ST, SF, PJX_DT_UINT8, uint8_t, TO_U8)           \
    CAST_CASE(SD, ST, SF, PJX_DT_INT8, int8_t, TO_I8)             \
    CAST_CASE(SD, ST, SF, PJX_DT_INT32, int32_t, TO_I32)          \
    CAST_CASE(SD, ST, SF, PJX_DT_INT64, int64_t, TO_I64)          \
    CAST_CASE(SD, ST, SF, PJX_DT_FLOAT16, uint16_t, TO_F16)       \
    CAST_CASE(SD, ST, SF, PJX_DT_FLOAT32, float, TO_F32)          \
    CAST_CASE(SD, ST, SF, PJX_DT_FLOAT64, double, TO_F64)

/* n elements from src (dtype sdt, stride ss elements) to dst (ddt, ds). */
static void cast_run(const char *src, int32_t sdt, int64_t ss, char *dst, int32_t ddt, int64_t ds,
                     int64_t n) {
    if (n <= 0) return;
    if (sdt == ddt && ss == 1 && ds == 1) {
        memcpy(dst, src, (size_t)(n * pjx_dtype_itemsize(sdt)));
        return;
    }
    switch (sdt * PJX_DT__COUNT + ddt) {
        CAST_TO_ALL(PJX_DT_BOOL, uint8_t, FROM_INT)
        CAST_TO_ALL(PJX_DT_UINT8, uint8_t, FROM_INT)
        CAST_TO_ALL(PJX_DT_INT8, int8_t, FROM_INT)
        CAST_TO_ALL(PJX_DT_INT32, int32_t, FROM_INT)
        CAST_TO_ALL(PJX_DT_INT64, int64_t, FROM_INT)
        CAST_TO_ALL(PJX_DT_FLOAT16, uint16_t, FROM_HALF)
        CAST_TO_ALL(PJX_DT_FLOAT32, float, FROM_FLOAT)
        CAST_TO_ALL(PJX_DT_FLOAT64, double, FROM_FLOAT)
    default: break;
    }
}

/* ==== the iterator ========================================================
 * Up to three operands over one shape.  Strides are per operand and per
 * dimension, in elements, 0 where an operand is broadcast. */
#define MAXOP 3

typedef struct nd_iter {
    int32_t nop;
    int32_t ndim; /* after coalescing; at least 1 */
    int64_t shape[MAXD];
    int64_t strides[MAXOP][MAXD];
    char *data[MAXOP];
    int64_t itemsize[MAXOP];
    int64_t index[MAXD];
    int64_t offset[MAXOP]; /* elements from data[k] to the current run */
    int64_t runs;          /* number of inner runs (0 for an empty shape) */
    int64_t inner;         /* length of every run */
} nd_iter;

static void iter_init(nd_iter *it, int32_t nop, int32_t ndim, const int64_t *shape,
                      char *const *data, const int32_t *dtypes, int64_t (*strides)[MAXD]) {
    it->nop = nop;
    int32_t nd = 0;
    int empty = 0;
    for (int32_t i = 0; i < ndim; i++) {
        if (shape[i] == 0) empty = 1;
        if (shape[i] == 1) continue; /* its strides never matter */
        int merge = nd > 0;
        for (int32_t k = 0; k < nop && merge; k++)
            merge = it->strides[k][nd - 1] == strides[k][i] * shape[i];
        if (merge) {
            it->shape[nd - 1] *= shape[i];
            for (int32_t k = 0; k < nop; k++) it->strides[k][nd - 1] = strides[k][i];
        } else {
            it->shape[nd] = shape[i];
            for (int32_t k = 0; k < nop; k++) it->strides[k][nd] = strides[k][i];
            nd++;
        }
    }
    if (nd == 0) { /* a single element */
        it->shape[0] = 1;
        for (int32_t k = 0; k < nop; k++) it->strides[k][0] = 0;
        nd = 1;
    }
    it->ndim = nd;
    for (int32_t k = 0; k < nop; k++) {
        it->data[k] = data[k];
        it->itemsize[k] = pjx_dtype_itemsize(dtypes[k]);
        it->offset[k] = 0;
    }
    it->runs = 1;
    for (int32_t i = 0; i < nd - 1; i++) {
        it->index[i] = 0;
        it->runs *= it->shape[i];
    }
    it->inner = it->shape[nd - 1];
    if (empty) it->runs = 0;
}

static inline char *iter_ptr(const nd_iter *it, int32_t k) {
    return it->data[k] + it->offset[k] * it->itemsize[k];
}

static inline int64_t iter_stride(const nd_iter *it, int32_t k) {
    return it->strides[k][it->ndim - 1];
}

static inline void iter_next(nd_iter *it) {
    for (int32_t d = it->ndim - 2; d >= 0; d--) {
        for (int32_t k = 0; k < it->nop; k++) it->offset[k] += it->strides[k][d];
        if (++it->index[d] < it->shape[d]) return;
        it->index[d] = 0;
        for (int32_t k = 0; k < it->nop; k++) it->offset[k] -= it->strides[k][d] * it->shape[d];
    }
}

/* A strided operand that need not be an object (a scalar, a region of a
 * result being built). */
typedef struct nd_desc {
    char *data;
    int32_t dtype;
    int32_t ndim;
    const int64_t *shape;
    const int64_t *strides;
} nd_desc;

static nd_desc desc_of(const pjx_ndarray *a) {
    nd_desc d = {a->data, a->dtype, a->ndim, SHAPE(a), STRIDES(a)};
    return d;
}

/* d's strides seen from a shape of `ndim` dims that d broadcasts to
 * (right-aligned; 0 where d has no dimension or a dimension of 1). */
static void broadcast_strides(const nd_desc *d, int32_t ndim, int64_t *out) {
    int32_t lead = ndim - d->ndim;
    for (int32_t i = 0; i < ndim; i++) {
        int32_t j = i - lead;
        out[i] = j < 0 || d->shape[j] == 1 ? 0 : d->strides[j];
    }
}

static void c_strides(int32_t ndim, const int64_t *shape, int64_t *out) {
    int64_t s = 1;
    for (int32_t i = ndim - 1; i >= 0; i--) {
        out[i] = s;
        s *= shape[i] > 0 ? shape[i] : 1;
    }
}

/* dst[...] = src elementwise with casting; same shape (src's strides
 * already broadcast to dst's ndim). */
static void copy_cast(char *ddata, int32_t ddt, const int64_t *dstrides, const char *sdata,
                      int32_t sdt, const int64_t *sstrides, int32_t ndim, const int64_t *shape) {
    nd_iter it;
    int64_t strides[MAXOP][MAXD];
    memcpy(strides[0], dstrides, sizeof(int64_t) * (size_t)ndim);
    memcpy(strides[1], sstrides, sizeof(int64_t) * (size_t)ndim);
    char *data[2] = {ddata, (char *)sdata};
    int32_t dtypes[2] = {ddt, sdt};
    iter_init(&it, 2, ndim, shape, data, dtypes, strides);
    for (int64_t r = 0; r < it.runs; r++) {
        cast_run(iter_ptr(&it, 1), sdt, iter_stride(&it, 1), iter_ptr(&it, 0), ddt,
                 iter_stride(&it, 0), it.inner);
        iter_next(&it);
    }
}

/* A new C-contiguous array of `dtype` holding a's elements. */
static pjx_ndarray *copy_as(pjx_ndarray *a, int32_t dtype) {
    pjx_ndarray *r = pjx_ndarray_empty(dtype, a->ndim, SHAPE(a));
    if (r == NULL) return NULL;
    copy_cast(r->data, dtype, STRIDES(r), a->data, a->dtype, STRIDES(a), a->ndim, SHAPE(a));
    return r;
}

/* ==== dtype promotion =====================================================
 * numpy's result_type of two arrays.  numpy promotes int8 with uint8 to
 * int16, which we lack: int32 instead. */
enum { B_ = PJX_DT_BOOL, U8 = PJX_DT_UINT8, I8 = PJX_DT_INT8, I32 = PJX_DT_INT32,
       I64 = PJX_DT_INT64, F16 = PJX_DT_FLOAT16, F32 = PJX_DT_FLOAT32, F64 = PJX_DT_FLOAT64 };

static const int8_t promotion[PJX_DT__COUNT][PJX_DT__COUNT] = {
    /*        bool uint8 int8 int32 int64 f16  f32  f64 */
    /* bool */ {B_, U8, I8, I32, I64, F16, F32, F64},
    /* u8   */ {U8, U8, I32, I32, I64, F16, F32, F64},
    /* i8   */ {I8, I32, I8, I32, I64, F16, F32, F64},
    /* i32  */ {I32, I32, I32, I32, I64, F64, F64, F64},
    /* i64  */ {I64, I64, I64, I64, I64, F64, F64, F64},
    /* f16  */ {F16, F16, F16, F64, F64, F16, F32, F64},
    /* f32  */ {F32, F32, F32, F64, F64, F32, F32, F64},
    /* f64  */ {F64, F64, F64, F64, F64, F64, F64, F64},
};

int32_t pjx_dtype_promote(int32_t a, int32_t b) {
    return valid_dt(a) && valid_dt(b) ? promotion[a][b] : -1;
}

/* The type arithmetic on a (promoted) dtype is done in. */
static int32_t compute_dt(int32_t dt) {
    if (dt == PJX_DT_FLOAT64) return PJX_DT_FLOAT64;
    return is_float_dt(dt) ? PJX_DT_FLOAT32 : PJX_DT_INT64;
}

static const char *const binop_ufunc[PJX_ND_BINOP__COUNT] = {
    "add", "subtract", "multiply", "divide", "floor_divide", "remainder", "power",
    "less", "less_equal", "equal", "not_equal", "greater", "greater_equal",
    "bitwise_and", "bitwise_or", "bitwise_xor", "left_shift", "right_shift",
    "maximum", "minimum"};

static int is_comparison(int32_t op) { return op >= PJX_ND_LT && op <= PJX_ND_GE; }
static int is_bitwise(int32_t op) { return op >= PJX_ND_AND && op <= PJX_ND_RSHIFT; }

/* ops whose narrow-int results equal int64's truncated (not //, %, **, shifts) */
static int narrow_ok(int32_t op) {
    return op == PJX_ND_ADD || op == PJX_ND_SUB || op == PJX_ND_MUL || is_comparison(op) ||
           op == PJX_ND_AND || op == PJX_ND_OR || op == PJX_ND_XOR || op == PJX_ND_MAXIMUM ||
           op == PJX_ND_MINIMUM;
}

static int32_t unsupported_types(const char *ufunc) {
    pjx_err_format(PJX_EXC_TYPE,
                   "ufunc '%s' not supported for the input types, and the inputs could not be "
                   "safely coerced to any supported types according to the casting rule ''safe''",
                   ufunc);
    return -1;
}

/* Resolves op on promoted dtype p: the compute type *ct, the kernel's
 * output type *kt (ct, or bool for comparisons) and the result *rt.
 * -1 with numpy's TypeError when no loop exists (raise=0: nothing set). */
static int32_t resolve_binary(int32_t op, int32_t p, int32_t *ct, int32_t *kt, int32_t *rt,
                              int raise) {
    if (op < 0 || op >= PJX_ND_BINOP__COUNT || p < 0) {
        if (raise) pjx_err_set(PJX_EXC_VALUE, "unknown ndarray operation");
        return -1;
    }
    int32_t r = p;
    if (p == PJX_DT_BOOL) {
        if (op == PJX_ND_SUB) {
            if (raise)
                pjx_err_set(PJX_EXC_TYPE, "numpy boolean subtract, the `-` operator, is not "
                                          "supported, use the bitwise_xor, the `^` operator, or "
                                          "the logical_xor function instead.");
            return -1;
        }
        /* numpy has no bool loop for these: the first that takes bool is int8's */
        if (op == PJX_ND_FLOORDIV || op == PJX_ND_MOD || op == PJX_ND_POW ||
            op == PJX_ND_LSHIFT || op == PJX_ND_RSHIFT)
            r = PJX_DT_INT8;
    }
    if (op == PJX_ND_TRUEDIV && !is_float_dt(p)) r = PJX_DT_FLOAT64;
    if (is_bitwise(op) && is_float_dt(p)) return raise ? unsupported_types(binop_ufunc[op]) : -1;
    *ct = compute_dt(r);
    /* where wrapping in the narrow type gives the same bits as int64
     * truncated, compute in the narrow type itself (4-8x the lanes);
     * bools as uint8 (the kernel's 0/1/2 are cast back to bool) */
    if (narrow_ok(op) && (r == PJX_DT_BOOL || r == PJX_DT_UINT8 || r == PJX_DT_INT8 || r == PJX_DT_INT32))
        *ct = r == PJX_DT_BOOL ? PJX_DT_UINT8 : r;
    *kt = is_comparison(op) ? PJX_DT_BOOL : *ct;
    *rt = is_comparison(op) ? PJX_DT_BOOL : r;
    return 0;
}

int32_t pjx_ndarray_binary_dtype(int32_t op, int32_t a_dtype, int32_t b_dtype) {
    int32_t ct, kt, rt;
    if (resolve_binary(op, pjx_dtype_promote(a_dtype, b_dtype), &ct, &kt, &rt, 0) < 0) return -1;
    return rt;
}

/* ==== binary kernels ======================================================
 * kernel(op, in, st, out, n): out[i] = in[0][i*st[0]] op in[1][i*st[1]]
 * with strides 0 or 1; `out` never aliases an input (restrict).  -1 with an
 * exception set on failure (integer power with a negative exponent). */
typedef int32_t (*kernel_fn)(int32_t op, const char *const *in, const int64_t *st, char *out,
                             int64_t n);

#define LOOP2(T, R, EXPR)                                                            \
    do {                                                                             \
        const T *restrict x_ = (const T *)in[0];                                     \
        const T *restrict y_ = (const T *)in[1];                                     \
        R *restrict r_ = (R *)out;                                                   \
        if (st[0] && st[1]) {                                                        \
            for (int64_t i = 0; i < n; i++) {                                        \
                T a = x_[i], b = y_[i];                                              \
                r_[i] = (EXPR);                                                      \
            }                                                                        \
        } else if (st[1]) {                                                          \
            T a = x_[0];                                                             \
            for (int64_t i = 0; i < n; i++) {                                        \
                T b = y_[i];                                                         \
                r_[i] = (EXPR);                                                      \
            }                                                                        \
        } else if (st[0]) {                                                          \
            T b = y_[0];                                                             \
            for (int64_t i = 0; i < n; i++) {                                        \
                T a = x_[i];                                                         \
                r_[i] = (EXPR);                                                      \
            }                                                                        \
        } else {                                                                     \
            T a = x_[0], b = y_[0];                                                  \
            R v_ = (EXPR);                                                           \
            for (int64_t i = 0; i < n; i++) r_[i] = v_;                              \
        }                                                                            \
    } while (0)

#define WRAP(expr) ((int64_t)(expr))
#define U(x) ((uint64_t)(x))

/* Python's floor division and modulo; numpy's answers where Python raises:
 * x // 0 == x % 0 == 0 and INT64_MIN // -1 == INT64_MIN (it warns). */
static inline int64_t floordiv_i64(int64_t a, int64_t b) {
    if (b == 0) return 0;
    if (b == -1) return WRAP(0 - U(a));
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
    return q;
}

static inline int64_t mod_i64(int64_t a, int64_t b) {
    if (b == 0 || b == -1) return 0;
    int64_t m = a % b;
    if (m != 0 && ((m < 0) != (b < 0))) m += b;
    return m;
}

static inline int64_t pow_i64(int64_t base, int64_t exp) { /* exp >= 0, wrapping */
    uint64_t r = 1, b = U(base);
    uint64_t e = U(exp);
    while (e) {
        if (e & 1) r *= b;
        b *= b;
        e >>= 1;
    }
    return WRAP(r);
}

/* numpy's npy_lshift / npy_rshift: shifts past the width give 0 (or -1) */
static inline int64_t lshift_i64(int64_t a, int64_t b) {
    return U(b) < 64 ? WRAP(U(a) << b) : 0;
}

static inline int64_t rshift_i64(int64_t a, int64_t b) {
    return U(b) < 64 ? a >> b : (a < 0 ? -1 : 0);
}

static int32_t negative_power_error(void) {
    pjx_err_set(PJX_EXC_VALUE, "Integers to negative integer powers are not allowed.");
    return -1;
}

static int32_t kernel_i64(int32_t op, const char *const *in, const int64_t *st, char *out,
                          int64_t n) {
    switch (op) {
    case PJX_ND_ADD: LOOP2(int64_t, int64_t, WRAP(U(a) + U(b))); break;
    case PJX_ND_SUB: LOOP2(int64_t, int64_t, WRAP(U(a) - U(b))); break;
    case PJX_ND_MUL: LOOP2(int64_t, int64_t, WRAP(U(a) * U(b))); break;
    case PJX_ND_FLOORDIV: LOOP2(int64_t, int64_t, floordiv_i64(a, b)); break;
    case PJX_ND_MOD: LOOP2(int64_t, int64_t, mod_i64(a, b)); break;
    case PJX_ND_POW: {
        const int64_t *e = (const int64_t *)in[1];
        for (int64_t i = 0; i < (st[1] ? n : 1); i++)
            if (e[i] < 0) return negative_power_error();
        LOOP2(int64_t, int64_t, pow_i64(a, b));
        break;
    }
    case PJX_ND_LT: LOOP2(int64_t, uint8_t, a < b); break;
    case PJX_ND_LE: LOOP2(int64_t, uint8_t, a <= b); break;
    case PJX_ND_EQ: LOOP2(int64_t, uint8_t, a == b); break;
    case PJX_ND_NE: LOOP2(int64_t, uint8_t, a != b); break;
    case PJX_ND_GT: LOOP2(int64_t, uint8_t, a > b); break;
    case PJX_ND_GE: LOOP2(int64_t, uint8_t, a >= b); break;
    case PJX_ND_AND: LOOP2(int64_t, int64_t, a & b); break;
    case PJX_ND_OR: LOOP2(int64_t, int64_t, a | b); break;
    case PJX_ND_XOR: LOOP2(int64_t, int64_t, a ^ b); break;
    case PJX_ND_LSHIFT: LOOP2(int64_t, int64_t, lshift_i64(a, b)); break;
    case PJX_ND_RSHIFT: LOOP2(int64_t, int64_t, rshift_i64(a, b)); break;
    case PJX_ND_MAXIMUM: LOOP2(int64_t, int64_t, a >= b ? a : b); break;
    case PJX_ND_MINIMUM: LOOP2(int64_t, int64_t, a <= b ? a : b); break;
    default: break;
    }
    return 0;
}

/* uint8 / int8 / int32: arithmetic through the unsigned type of the same
 * width, so that it wraps without UB */
#define NARROW_KERNEL(NAME, T, UT)                                                      \
    static int32_t NAME(int32_t op, const char *const *in, const int64_t *st, char *out, \
                        int64_t n) {                                                    \
        switch (op) {                                                                   \
        case PJX_ND_ADD: LOOP2(T, T, (T)(UT)((UT)a + (UT)b)); break;                    \
        case PJX_ND_SUB: LOOP2(T, T, (T)(UT)((UT)a - (UT)b)); break;                    \
        case PJX_ND_MUL: LOOP2(T, T, (T)(UT)((UT)a * (UT)b)); break;                    \
        case PJX_ND_LT: LOOP2(T, uint8_t, a < b); break;                                \
        case PJX_ND_LE: LOOP2(T, uint8_t, a <= b); break;                               \
        case PJX_ND_EQ: LOOP2(T, uint8_t, a == b); break;                               \
        case PJX_ND_NE: LOOP2(T, uint8_t, a != b); break;                               \
        case PJX_ND_GT: LOOP2(T, uint8_t, a > b); break;                                \
        case PJX_ND_GE: LOOP2(T, uint8_t, a >= b); break;                               \
        case PJX_ND_AND: LOOP2(T, T, a & b); break;                                     \
        case PJX_ND_OR: LOOP2(T, T, a | b); break;                                      \
        case PJX_ND_XOR: LOOP2(T, T, a ^ b); break;                                     \
        case PJX_ND_MAXIMUM: LOOP2(T, T, a >= b ? a : b); break;                        \
        case PJX_ND_MINIMUM: LOOP2(T, T, a <= b ? a : b); break;                        \
        default: break;                                                                 \
        }                                                                               \
        return 0;                                                                       \
    }

NARROW_KERNEL(kernel_u8, uint8_t, uint8_t)
NARROW_KERNEL(kernel_i8, int8_t, uint8_t)
NARROW_KERNEL(kernel_i32, int32_t, uint32_t)

/* numpy's npy_divmod (Python's float floor division and modulo, also
 * computed in float32 for float32), npy_floor_divide and npy_remainder. */
#define FLOAT_DIVMOD(T, SUF)                                                         \
    static inline T divmod_##SUF(T a, T b, T *modulus) {                             \
        T mod = fmod##SUF(a, b);                                                     \
        if (!b) {                                                                    \
            *modulus = mod;                                                          \
            return a / b;                                                            \
        }                                                                            \
        T div = (a - mod) / b;                                                       \
        if (mod) {                                                                   \
            if (isless(b, 0) != isless(mod, 0)) {                                    \
                mod += b;                                                            \
                div -= 1;                                                            \
            }                                                                        \
        } else {                                                                     \
            mod = copysign##SUF(0, b);                                               \
        }                                                                            \
        T floordiv;                                                                  \
        if (div) {                                                                   \
            floordiv = floor##SUF(div);                                              \
            if (isgreater(div - floordiv, (T)0.5)) floordiv += 1;                    \
        } else {                                                                     \
            floordiv = copysign##SUF(0, a / b);                                      \
        }                                                                            \
        *modulus = mod;                                                              \
        return floordiv;                                                             \
    }                                                                                \
    static inline T floordiv_##SUF(T a, T b) {                                       \
        if (!b) return a / b;                                                        \
        T mod;                                                                       \
        return divmod_##SUF(a, b, &mod);                                             \
    }                                                                                \
    static inline T mod_##SUF(T a, T b) {                                            \
        if (!b) return fmod##SUF(a, b);                                              \
        T mod;                                                                       \
        divmod_##SUF(a, b, &mod);                                                    \
        return mod;                                                                  \
    }

FLOAT_DIVMOD(float, f)
FLOAT_DIVMOD(double, )

/* numpy's maximum / minimum propagate NaN from either side */
#define FMAX(a, b) ((a) >= (b) || (a) != (a) ? (a) : (b))
#define FMIN(a, b) ((a) <= (b) || (a) != (a) ? (a) : (b))

#define FLOAT_KERNEL(NAME, T, SUF)                                                      \
    static int32_t NAME(int32_t op, const char *const *in, const int64_t *st, char *out, \
                        int64_t n) {                                                    \
        switch (op) {                                                                   \
        case PJX_ND_ADD: LOOP2(T, T, a + b); break;                                     \
        case PJX_ND_SUB: LOOP2(T, T, a - b); break;                                     \
        case PJX_ND_MUL: LOOP2(T, T, a * b); break;                                     \
        case PJX_ND_TRUEDIV: LOOP2(T, T, a / b); break;                                 \
        case PJX_ND_FLOORDIV: LOOP2(T, T, floordiv_##SUF(a, b)); break;                 \
        case PJX_ND_MOD: LOOP2(T, T, mod_##SUF(a, b)); break;                           \
        case PJX_ND_POW: LOOP2(T, T, pow##SUF(a, b)); break;                            \
        case PJX_ND_LT: LOOP2(T, uint8_t, a < b); break;                                \
        case PJX_ND_LE: LOOP2(T, uint8_t, a <= b); break;                               \
        case PJX_ND_EQ: LOOP2(T, uint8_t, a == b); break;                               \
        case PJX_ND_NE: LOOP2(T, uint8_t, a != b); break;                               \
        case PJX_ND_GT: LOOP2(T, uint8_t, a > b); break;                                \
        case PJX_ND_GE: LOOP2(T, uint8_t, a >= b); break;                               \
        case PJX_ND_MAXIMUM: LOOP2(T, T, FMAX(a, b)); break;                            \
        case PJX_ND_MINIMUM: LOOP2(T, T, FMIN(a, b)); break;                            \
        default: break;                                                                 \
        }                                                                               \
        return 0;                                                                       \
    }

FLOAT_KERNEL(kernel_f32, float, f)
FLOAT_KERNEL(kernel_f64, double, )

/* ==== unary kernels ======================================================= */
#define LOOP1(T, R, EXPR)                                                            \
    do {                                                                             \
        const T *restrict x_ = (const T *)in[0];                                     \
        R *restrict r_ = (R *)out;                                                   \
        if (st[0]) {                                                                 \
            for (int64_t i = 0; i < n; i++) {                                        \
                T a = x_[i];                                                         \
                r_[i] = (EXPR);                                                      \
            }                                                                        \
        } else {                                                                     \
            T a = x_[0];                                                             \
            R v_ = (EXPR);                                                           \
            for (int64_t i = 0; i < n; i++) r_[i] = v_;                              \
        }                                                                            \
    } while (0)

static int32_t ukernel_i64(int32_t op, const char *const *in, const int64_t *st, char *out,
                           int64_t n) {
    switch (op) {
    case PJX_ND_NEG: LOOP1(int64_t, int64_t, WRAP(0 - U(a))); break;
    case PJX_ND_POS: LOOP1(int64_t, int64_t, a); break;
    case PJX_ND_ABS: LOOP1(int64_t, int64_t, a < 0 ? WRAP(0 - U(a)) : a); break;
    case PJX_ND_INVERT: LOOP1(int64_t, int64_t, ~a); break;
    case PJX_ND_NOT: LOOP1(int64_t, uint8_t, a == 0); break;
    case PJX_ND_FLOOR:
    case PJX_ND_CEIL: LOOP1(int64_t, int64_t, a); break;
    default: break;
    }
    return 0;
}

#define FLOAT_UKERNEL(NAME, T, SUF)                                                      \
    static int32_t NAME(int32_t op, const char *const *in, const int64_t *st, char *out,  \
                        int64_t n) {                                                     \
        switch (op) {                                                                    \
        case PJX_ND_NEG: LOOP1(T, T, -a); break;                                         \
        case PJX_ND_POS: LOOP1(T, T, a); break;                                          \
        case PJX_ND_ABS: LOOP1(T, T, fabs##SUF(a)); break;                               \
        case PJX_ND_NOT: LOOP1(T, uint8_t, a == 0); break;                               \
        case PJX_ND_SQRT: LOOP1(T, T, sqrt##SUF(a)); break;                              \
        case PJX_ND_EXP: LOOP1(T, T, exp##SUF(a)); break;                                \
        case PJX_ND_LOG: LOOP1(T, T, log##SUF(a)); break;                                \
        case PJX_ND_SIN: LOOP1(T, T, sin##SUF(a)); break;                                \
        case PJX_ND_COS: LOOP1(T, T, cos##SUF(a)); break;                                \
        case PJX_ND_FLOOR: LOOP1(T, T, floor##SUF(a)); break;                            \
        case PJX_ND_CEIL: LOOP1(T, T, ceil##SUF(a)); break;                              \
        default: break;                                                                  \
        }                                                                                \
        return 0;                                                                        \
    }

FLOAT_UKERNEL(ukernel_f32, float, f)
FLOAT_UKERNEL(ukernel_f64, double, )

static kernel_fn kernel_for(int32_t ct, int unary) {
    if (ct == PJX_DT_UINT8) return kernel_u8; /* binary only (see resolve_binary) */
    if (ct == PJX_DT_INT8) return kernel_i8;
    if (ct == PJX_DT_INT32) return kernel_i32;
    if (ct == PJX_DT_INT64) return unary ? ukernel_i64 : kernel_i64;
    if (ct == PJX_DT_FLOAT32) return unary ? ukernel_f32 : kernel_f32;
    return unary ? ukernel_f64 : kernel_f64;
}

/* ==== the elementwise driver ==============================================
 * out = kernel(in...) over out's shape (the inputs broadcast to it); out is
 * a new C-contiguous array of dtype rt.  Inputs are used in place when they
 * already are of the compute type ct with a 0/1 inner stride, else cast
 * into buffers a chunk at a time; the kernel writes kt, cast to rt unless
 * equal. */
static int32_t run_elementwise(int32_t op, int32_t nin, const nd_desc *in, int32_t ct, int32_t kt,
                               pjx_ndarray *out) {
    if (out->size == 0) return 0;
    kernel_fn kernel = kernel_for(ct, nin == 1);
    int32_t nd = out->ndim;
    int64_t strides[MAXOP][MAXD];
    char *data[MAXOP];
    int32_t dtypes[MAXOP];
    for (int32_t k = 0; k < nin; k++) {
        broadcast_strides(&in[k], nd, strides[k]);
        data[k] = in[k].data;
        dtypes[k] = in[k].dtype;
    }
    memcpy(strides[nin], STRIDES(out), sizeof(int64_t) * (size_t)nd);
    data[nin] = out->data;
    dtypes[nin] = out->dtype;
    nd_iter it;
    iter_init(&it, nin + 1, nd, SHAPE(out), data, dtypes, strides);

    _Alignas(64) char bufs[MAXOP][BUFN * 8];
    const int64_t n = it.inner;
    const int64_t out_size = it.itemsize[nin];
    /* out is fresh and C-contiguous: its inner stride is 1 (or n is 1) */
    const int out_direct = kt == out->dtype;
    int direct[2];
    int64_t s[2];
    int need_buf = !out_direct;
    for (int32_t k = 0; k < nin; k++) {
        s[k] = iter_stride(&it, k);
        /* (bools are stored as the uint8 bytes 0 and 1) */
        direct[k] = (dtypes[k] == ct || (dtypes[k] == PJX_DT_BOOL && ct == PJX_DT_UINT8)) &&
                    (s[k] == 0 || s[k] == 1);
        if (!direct[k] && s[k] != 0) need_buf = 1;
    }
    const int64_t chunk = need_buf ? BUFN : n;
    for (int64_t r = 0; r < it.runs; r++) {
        for (int64_t j = 0; j < n; j += chunk) {
            int64_t m = n - j < chunk ? n - j : chunk;
            const char *p[2];
            int64_t ks[2];
            for (int32_t k = 0; k < nin; k++) {
                const char *base = iter_ptr(&it, k) + j * s[k] * it.itemsize[k];
                if (direct[k]) {
                    p[k] = base;
                    ks[k] = s[k];
                } else {
                    /* a broadcast operand is converted once per run */
                    if (s[k] != 0 || j == 0) cast_run(base, dtypes[k], s[k], bufs[k], ct, 1, s[k] ? m : 1);
                    p[k] = bufs[k];
                    ks[k] = s[k] != 0;
                }
            }
            char *o = iter_ptr(&it, nin) + j * out_size;
            if (kernel(op, p, ks, out_direct ? o : bufs[2], m) < 0) return -1;
            if (!out_direct) cast_run(bufs[2], kt, 1, o, out->dtype, 1, m);
        }
        iter_next(&it);
    }
    return 0;
}

/* ==== binary operations =================================================== */
static int32_t broadcast_shape(int32_t nin, const nd_desc *in, int32_t *nd_out, int64_t *shape) {
    int32_t nd = 0;
    for (int32_t k = 0; k < nin; k++)
        if (in[k].ndim > nd) nd = in[k].ndim;
    for (int32_t i = 0; i < nd; i++) {
        int64_t n = 1;
        for (int32_t k = 0; k < nin; k++) {
            int32_t j = i - (nd - in[k].ndim);
            if (j < 0) continue;
            int64_t m = in[k].shape[j];
            if (m == 1 || m == n) continue;
            if (n != 1) goto mismatch;
            n = m;
        }
        shape[i] = n;
    }
    *nd_out = nd;
    return 0;
mismatch:;
    char msg[2 * SHAPE_BUF + 64];
    size_t len = (size_t)snprintf(msg, sizeof msg, "operands could not be broadcast together with shapes ");
    for (int32_t k = 0; k < nin && len < sizeof msg; k++) {
        shape_str(msg + len, sizeof msg - len, in[k].ndim, in[k].shape, " ");
        len += strlen(msg + len);
    }
    pjx_err_set(PJX_EXC_VALUE, msg);
    return -1;
}

static pjx_ndarray *binary_desc(int32_t op, const nd_desc *x, const nd_desc *y) {
    int32_t ct, kt, rt;
    if (resolve_binary(op, promotion[x->dtype][y->dtype], &ct, &kt, &rt, 1) < 0) return NULL;
    nd_desc in[2] = {*x, *y};
    int32_t nd;
    int64_t shape[MAXD];
    if (broadcast_shape(2, in, &nd, shape) < 0) return NULL;
    pjx_ndarray *out = pjx_ndarray_empty(rt, nd, shape);
    if (out == NULL) return NULL;
    if (run_elementwise(op, 2, in, ct, kt, out) < 0) {
        pjx_decref(out);
        return NULL;
    }
    return out;
}

pjx_ndarray *pjx_ndarray_binary(int32_t op, pjx_ndarray *a, pjx_ndarray *b) {
    nd_desc x = desc_of(a), y = desc_of(b);
    return binary_desc(op, &x, &y);
}

/* A Python scalar as a 0-d operand (NEP 50): it takes the array's dtype
 * when of the same kind (int with ints, int or float with floats); an int
 * with a bool array is int64, a float with a bool/int array float64.  An
 * int out of an int dtype's range is an OverflowError, except in
 * comparisons, which numpy 2 answers exactly: they compare as int64. */
typedef union scalar_item {
    uint8_t u8;
    int8_t i8;
    int32_t i32;
    int64_t i64;
    uint16_t f16;
    float f32;
    double f64;
} scalar_item;

static int32_t int_scalar_dtype(int32_t op, int32_t adt, int64_t v, scalar_item *item) {
    int32_t dt = adt;
    if (adt == PJX_DT_BOOL || (is_int_dt(adt) && is_comparison(op))) dt = PJX_DT_INT64;
    if (is_int_dt(dt)) {
        int64_t lo = INT64_MIN, hi = INT64_MAX;
        if (dt == PJX_DT_UINT8) lo = 0, hi = 255;
        if (dt == PJX_DT_INT8) lo = -128, hi = 127;
        if (dt == PJX_DT_INT32) lo = INT32_MIN, hi = INT32_MAX;
        if (v < lo || v > hi) {
            pjx_err_format(PJX_EXC_OVERFLOW, "Python integer %lld out of bounds for %s",
                           (long long)v, pjx_dtype_name(dt));
            return -1;
        }
    }
    /* (a float dtype gets the value through double, as Python's int -> float) */
    double d = (double)v;
    if (is_float_dt(dt))
        cast_run((const char *)&d, PJX_DT_FLOAT64, 1, (char *)item, dt, 1, 1);
    else
        cast_run((const char *)&v, PJX_DT_INT64, 1, (char *)item, dt, 1, 1);
    return dt;
}

static int32_t float_scalar_dtype(int32_t adt, double v, scalar_item *item) {
    int32_t dt = is_float_dt(adt) ? adt : PJX_DT_FLOAT64;
    cast_run((const char *)&v, PJX_DT_FLOAT64, 1, (char *)item, dt, 1, 1);
    return dt;
}

static pjx_ndarray *binary_scalar(int32_t op, pjx_ndarray *a, int32_t sdt, scalar_item *item,
                                  int32_t scalar_left) {
    if (sdt < 0) return NULL;
    nd_desc x = desc_of(a);
    nd_desc s = {(char *)item, sdt, 0, NULL, NULL};
    return scalar_left ? binary_desc(op, &s, &x) : binary_desc(op, &x, &s);
}

pjx_ndarray *pjx_ndarray_binary_int(int32_t op, pjx_ndarray *a, int64_t v, int32_t scalar_left) {
    scalar_item item;
    return binary_scalar(op, a, int_scalar_dtype(op, a->dtype, v, &item), &item, scalar_left);
}

pjx_ndarray *pjx_ndarray_binary_float(int32_t op, pjx_ndarray *a, double v, int32_t scalar_left) {
    scalar_item item;
    return binary_scalar(op, a, float_scalar_dtype(a->dtype, v, &item), &item, scalar_left);
}

int32_t pjx_ndarray_binary_scalar_dtype(int32_t op, int32_t dtype, int32_t scalar_is_float) {
    if (!valid_dt(dtype)) return -1;
    int32_t sdt;
    if (scalar_is_float)
        sdt = is_float_dt(dtype) ? dtype : PJX_DT_FLOAT64;
    else
        sdt = dtype == PJX_DT_BOOL || (is_int_dt(dtype) && is_comparison(op)) ? PJX_DT_INT64 : dtype;
    return pjx_ndarray_binary_dtype(op, dtype, sdt);
}

/* ---- in place: a op= b ----------------------------------------------------
 * numpy computes into a: the result must cast to a's dtype under
 * 'same_kind' and broadcast to a's shape. */
static int can_cast_same_kind(int32_t from, int32_t to) {
    /* kinds ordered b < u < i < f; uint8 -> int8 counts as u -> i */
    static const int8_t kind[PJX_DT__COUNT] = {0, 1, 2, 2, 2, 3, 3, 3};
    if (from == to) return 1;
    if (kind[from] < kind[to]) return 1;
    if (kind[from] > kind[to]) return 0;
    return 1; /* same kind: narrowing is allowed */
}

static int32_t inplace_finish(int32_t op, pjx_ndarray *a, pjx_ndarray *r) {
    if (r == NULL) return -1;
    int32_t status = -1;
    if (!can_cast_same_kind(r->dtype, a->dtype)) {
        pjx_err_format(PJX_EXC_TYPE,
                       "Cannot cast ufunc '%s' output from dtype('%s') to dtype('%s') with "
                       "casting rule 'same_kind'",
                       binop_ufunc[op], pjx_dtype_name(r->dtype), pjx_dtype_name(a->dtype));
    } else if (r->ndim != a->ndim || memcmp(SHAPE(r), SHAPE(a), sizeof(int64_t) * (size_t)a->ndim)) {
        char s1[SHAPE_BUF], s2[SHAPE_BUF];
        shape_str(s1, sizeof s1, a->ndim, SHAPE(a), "");
        shape_str(s2, sizeof s2, r->ndim, SHAPE(r), "");
        pjx_err_format(PJX_EXC_VALUE,
                       "non-broadcastable output operand with shape %s doesn't match the "
                       "broadcast shape %s", s1, s2);
    } else {
        copy_cast(a->data, a->dtype, STRIDES(a), r->data, r->dtype, STRIDES(r), a->ndim, SHAPE(a));
        status = 0;
    }
    pjx_decref(r);
    return status;
}

static int32_t inplace_check(pjx_ndarray *a) {
    return a->ob.flags & PJX_ND_READONLY ? pjx_ndarray_readonly_error() : 0;
}

int32_t pjx_ndarray_inplace(int32_t op, pjx_ndarray *a, pjx_ndarray *b) {
    if (inplace_check(a) < 0) return -1;
    return inplace_finish(op, a, pjx_ndarray_binary(op, a, b));
}

int32_t pjx_ndarray_inplace_int(int32_t op, pjx_ndarray *a, int64_t v) {
    if (inplace_check(a) < 0) return -1;
    return inplace_finish(op, a, pjx_ndarray_binary_int(op, a, v, 0));
}

int32_t pjx_ndarray_inplace_float(int32_t op, pjx_ndarray *a, double v) {
    if (inplace_check(a) < 0) return -1;
    return inplace_finish(op, a, pjx_ndarray_binary_float(op, a, v, 0));
}

/* ==== unary operations ====================================================
 * numpy's loops: math functions of bool/uint8/int8 are computed (and
 * returned) as float16, of int32/int64 as float64. */
static int32_t resolve_unary(int32_t op, int32_t dt, int32_t *ct, int32_t *kt, int32_t *rt,
                             int raise) {
    if (op < 0 || op >= PJX_ND_UNOP__COUNT || !valid_dt(dt)) {
        if (raise) pjx_err_set(PJX_EXC_VALUE, "unknown ndarray operation");
        return -1;
    }
    int32_t r = dt;
    switch (op) {
    case PJX_ND_NEG:
        if (dt == PJX_DT_BOOL) {
            if (raise)
                pjx_err_set(PJX_EXC_TYPE, "The numpy boolean negative, the `-` operator, is not "
                                          "supported, use the `~` operator or the logical_not "
                                          "function instead.");
            return -1;
        }
        break;
    case PJX_ND_POS:
        if (dt == PJX_DT_BOOL) {
            if (raise)
                pjx_err_set(PJX_EXC_TYPE, "ufunc 'positive' did not contain a loop with "
                                          "signature matching types <class "
                                          "'numpy.dtypes.BoolDType'> -> None");
            return -1;
        }
        break;
    case PJX_ND_ABS: break;
    case PJX_ND_INVERT:
        if (is_float_dt(dt)) return raise ? unsupported_types("invert") : -1;
        if (dt == PJX_DT_BOOL) { /* ~ on bools is logical not */
            *ct = PJX_DT_INT64;
            *kt = *rt = PJX_DT_BOOL;
            return 0;
        }
        break;
    case PJX_ND_NOT:
        *ct = compute_dt(dt);
        *kt = *rt = PJX_DT_BOOL;
        return 0;
    case PJX_ND_FLOOR:
    case PJX_ND_CEIL: /* of ints and bools: the same dtype and values (numpy >= 2.1) */
        break;
    default: /* math functions */
        if (!is_float_dt(dt)) r = dt <= PJX_DT_INT8 ? PJX_DT_FLOAT16 : PJX_DT_FLOAT64;
        break;
    }
    *ct = compute_dt(r);
    *kt = *ct;
    *rt = r;
    return 0;
}

int32_t pjx_ndarray_unary_dtype(int32_t op, int32_t dtype) {
    int32_t ct, kt, rt;
    return resolve_unary(op, dtype, &ct, &kt, &rt, 0) < 0 ? -1 : rt;
}

pjx_ndarray *pjx_ndarray_unary(int32_t op, pjx_ndarray *a) {
    int32_t ct, kt, rt;
    if (resolve_unary(op, a->dtype, &ct, &kt, &rt, 1) < 0) return NULL;
    pjx_ndarray *out = pjx_ndarray_empty(rt, a->ndim, SHAPE(a));
    if (out == NULL) return NULL;
    nd_desc in = desc_of(a);
    int32_t kop = op == PJX_ND_INVERT && a->dtype == PJX_DT_BOOL ? PJX_ND_NOT : op;
    run_elementwise(kop, 1, &in, ct, kt, out); /* unary kernels cannot fail */
    return out;
}

/* ==== reductions ==========================================================
 * Every reduction but argmax/argmin runs into an accumulator array of the
 * result's shape (a 0-d one for a full reduction): it starts at the
 * operation's identity, and one pass over the input in C order folds each
 * element into the accumulator element it maps to (stride 0 along reduced
 * axes).  That is numpy's order too: a run along a reduced axis folds into
 * one element (float sums pairwise, in blocks of numpy's 8192), a run along
 * a kept axis adds a row into a row of accumulators.
 *
 * Accumulators: int64 for bool and int inputs (sum/prod wrap), float32 for
 * float16 and float32, float64 for float64 and for the mean of ints, bool
 * for all/any. */
static int32_t reduce_result_dt(int32_t op, int32_t dt) {
    switch (op) {
    case PJX_ND_SUM:
    case PJX_ND_PROD: return is_float_dt(dt) ? dt : PJX_DT_INT64;
    case PJX_ND_MEAN: return is_float_dt(dt) ? dt : PJX_DT_FLOAT64;
    case PJX_ND_MAX:
    case PJX_ND_MIN: return dt;
    case PJX_ND_ARGMAX:
    case PJX_ND_ARGMIN: return PJX_DT_INT64;
    default: return PJX_DT_BOOL;
    }
}

static int32_t reduce_acc_dt(int32_t op, int32_t dt) {
    if (op == PJX_ND_ALL || op == PJX_ND_ANY) return PJX_DT_BOOL;
    return compute_dt(reduce_result_dt(op, dt));
}

int32_t pjx_ndarray_reduce_dtype(int32_t op, int32_t dtype) {
    if (op < 0 || op >= PJX_ND_REDUCE__COUNT || !valid_dt(dtype)) return -1;
    return reduce_result_dt(op, dtype);
}

/* numpy's pairwise summation (loops_utils.h: 8 accumulators over blocks of
 * up to 128, halves above), in the accumulator's precision */
#define PAIRWISE(T, NAME)                                                            \
    static T NAME(const T *a, int64_t n) {                                           \
        if (n < 8) {                                                                 \
            T res = 0;                                                               \
            for (int64_t i = 0; i < n; i++) res += a[i];                             \
            return res;                                                              \
        }                                                                            \
        if (n <= 128) {                                                              \
            T r[8];                                                                  \
            for (int j = 0; j < 8; j++) r[j] = a[j];                                 \
            int64_t i;                                                               \
            for (i = 8; i < n - (n % 8); i += 8)                                     \
                for (int j = 0; j < 8; j++) r[j] += a[i + j];                        \
            T res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7])); \
            for (; i < n; i++) res += a[i];                                          \
            return res;                                                              \
        }                                                                            \
        int64_t n2 = n / 2;                                                          \
        n2 -= n2 % 8;                                                                \
        return NAME(a, n2) + NAME(a + n2, n - n2);                                   \
    }

PAIRWISE(float, pairwise_f32)
PAIRWISE(double, pairwise_f64)

/* Folds x[0..n) into acc: into *acc when as == 0 (a run along a reduced
 * axis), else elementwise into acc[i * as]. */
#define FOLD(T, COMBINE)                                                             \
    do {                                                                             \
        T *restrict acc_ = (T *)acc;                                                 \
        const T *restrict x_ = (const T *)x;                                         \
        if (as == 0) {                                                               \
            T v = *acc_;                                                             \
            for (int64_t i = 0; i < n; i++) {                                        \
                T a = v, b = x_[i];                                                  \
                v = (COMBINE);                                                       \
            }                                                                        \
            *acc_ = v;                                                               \
        } else if (as == 1) {                                                        \
            for (int64_t i = 0; i < n; i++) {                                        \
                T a = acc_[i], b = x_[i];                                            \
                acc_[i] = (COMBINE);                                                 \
            }                                                                        \
        } else {                                                                     \
            for (int64_t i = 0; i < n; i++) {                                        \
                T a = acc_[i * as], b = x_[i];                                       \
                acc_[i * as] = (COMBINE);                                            \
            }                                                                        \
        }                                                                            \
    } while (0)

/* max / min of a run, NaN propagating.  Written with generic vectors
 * (GCC/Clang extensions: SIMD where the target has it, scalar code
 * elsewhere) because the compare-and-select reduction does not
 * auto-vectorise: lanes select with bit masks, and NaNs are only counted
 * (a NaN never wins a comparison), so every lane is independent. */
#define EXTREME(T, IT, NAME, CMP)                                                    \
    typedef T NAME##_v __attribute__((vector_size(16)));                             \
    typedef IT NAME##_m __attribute__((vector_size(16)));                            \
    static T NAME(T best, const T *x, int64_t n) {                                   \
        enum { L = 16 / sizeof(T), K = 4 }; /* K accumulators hide the latency */ \
        int has_nan = best != best;                                                  \
        int64_t i = 0;                                                               \
        if (n >= K * L) {                                                            \
            NAME##_v r[K], y;                                                        \
            NAME##_m nan = {0};                                                      \
            memcpy(r, x, sizeof r);                                                  \
            for (i = 0; i + K * L <= n; i += K * L)                                  \
                for (int k = 0; k < K; k++) {                                        \
                    memcpy(&y, x + i + k * L, sizeof y);                             \
                    NAME##_m take = (NAME##_m)(y CMP r[k]);                          \
                    r[k] = (NAME##_v)(((NAME##_m)y & take) | ((NAME##_m)r[k] & ~take)); \
                    nan |= (NAME##_m)(y != y);                                       \
                }                                                                    \
            for (int k = 0; k < K; k++)                                              \
                for (int j = 0; j < L; j++) best = r[k][j] CMP best ? r[k][j] : best; \
            for (int j = 0; j < L; j++) has_nan |= nan[j] != 0;                      \
        }                                                                            \
        for (; i < n; i++) {                                                         \
            best = x[i] CMP best ? x[i] : best;                                      \
            has_nan |= x[i] != x[i];                                                 \
        }                                                                            \
        return has_nan ? (T)NAN : best;                                              \
    }

EXTREME(float, int32_t, max_f32, >)
EXTREME(float, int32_t, min_f32, <)
EXTREME(double, int64_t, max_f64, >)
EXTREME(double, int64_t, min_f64, <)

static void fold(int32_t op, int32_t at, char *acc, int64_t as, const char *x, int64_t n) {
    int sum = op == PJX_ND_SUM || op == PJX_ND_MEAN;
    if (as == 0 && at == PJX_DT_INT64 && sum) { /* wrapping; a plain reduction */
        uint64_t v = U(*(int64_t *)acc);
        const int64_t *restrict xs = (const int64_t *)x;
        for (int64_t i = 0; i < n; i++) v += U(xs[i]);
        *(int64_t *)acc = WRAP(v);
        return;
    }
    if (as == 0 && (op == PJX_ND_MAX || op == PJX_ND_MIN) && is_float_dt(at)) {
        if (at == PJX_DT_FLOAT32)
            *(float *)acc = (op == PJX_ND_MAX ? max_f32 : min_f32)(*(float *)acc, (const float *)x, n);
        else
            *(double *)acc = (op == PJX_ND_MAX ? max_f64 : min_f64)(*(double *)acc, (const double *)x, n);
        return;
    }
    switch (at) {
    case PJX_DT_BOOL:
        if (op == PJX_ND_ALL) FOLD(uint8_t, a & b);
        else FOLD(uint8_t, a | b);
        break;
    case PJX_DT_INT64:
        if (sum) FOLD(int64_t, WRAP(U(a) + U(b)));
        else if (op == PJX_ND_PROD) FOLD(int64_t, WRAP(U(a) * U(b)));
        else if (op == PJX_ND_MAX) FOLD(int64_t, a >= b ? a : b);
        else FOLD(int64_t, a <= b ? a : b);
        break;
    case PJX_DT_FLOAT32:
        if (sum && as == 0) *(float *)acc += pairwise_f32((const float *)x, n);
        else if (sum) FOLD(float, a + b);
        else if (op == PJX_ND_PROD) FOLD(float, a * b);
        else if (op == PJX_ND_MAX) FOLD(float, FMAX(a, b));
        else FOLD(float, FMIN(a, b));
        break;
    default:
        if (sum && as == 0) *(double *)acc += pairwise_f64((const double *)x, n);
        else if (sum) FOLD(double, a + b);
        else if (op == PJX_ND_PROD) FOLD(double, a * b);
        else if (op == PJX_ND_MAX) FOLD(double, FMAX(a, b));
        else FOLD(double, FMIN(a, b));
        break;
    }
}

/* the identity each accumulator starts from */
static void fill_identity(pjx_ndarray *acc, int32_t op) {
    int64_t n = acc->size;
    int64_t iv = op == PJX_ND_PROD || op == PJX_ND_ALL ? 1 : 0;
    double fv = (double)iv;
    if (op == PJX_ND_MAX) iv = INT64_MIN, fv = -INFINITY;
    if (op == PJX_ND_MIN) iv = INT64_MAX, fv = INFINITY;
    switch (acc->dtype) {
    case PJX_DT_BOOL: memset(acc->data, (int)iv, (size_t)n); break;
    case PJX_DT_INT64:
        for (int64_t i = 0; i < n; i++) ((int64_t *)acc->data)[i] = iv;
        break;
    case PJX_DT_FLOAT32:
        for (int64_t i = 0; i < n; i++) ((float *)acc->data)[i] = (float)fv;
        break;
    default:
        for (int64_t i = 0; i < n; i++) ((double *)acc->data)[i] = fv;
        break;
    }
}

/* op over the axes in `mask` (bit i: axis i); the others are kept. */
static pjx_ndarray *reduce_mask(int32_t op, pjx_ndarray *a, uint64_t mask) {
    const int32_t dt = a->dtype, at = reduce_acc_dt(op, dt), rt = reduce_result_dt(op, dt);
    int64_t count = 1, rshape[MAXD], rstrides[MAXD];
    int32_t rnd = 0;
    for (int32_t i = 0; i < a->ndim; i++) {
        if (mask >> i & 1) count *= SHAPE(a)[i];
        else rshape[rnd++] = SHAPE(a)[i];
    }
    if (count == 0 && (op == PJX_ND_MAX || op == PJX_ND_MIN)) {
        pjx_err_format(PJX_EXC_VALUE,
                       "zero-size array to reduction operation %s which has no identity",
                       op == PJX_ND_MAX ? "maximum" : "minimum");
        return NULL;
    }
    pjx_ndarray *acc = pjx_ndarray_empty(at, rnd, rshape);
    if (acc == NULL) return NULL;
    fill_identity(acc, op);
    if (a->size > 0) {
        c_strides(rnd, rshape, rstrides);
        int64_t strides[MAXOP][MAXD];
        for (int32_t i = 0, j = 0; i < a->ndim; i++) {
            strides[0][i] = STRIDES(a)[i];
            strides[1][i] = mask >> i & 1 ? 0 : rstrides[j++];
        }
        char *data[2] = {a->data, acc->data};
        int32_t dtypes[2] = {dt, at};
        nd_iter it;
        iter_init(&it, 2, a->ndim, SHAPE(a), data, dtypes, strides);
        const int64_t sa = iter_stride(&it, 0), sacc = iter_stride(&it, 1);
        const int64_t isz = it.itemsize[0], acc_isz = it.itemsize[1];
        const int direct = dt == at && sa == 1;
        /* numpy (>= 2.3) folds a run that needs no cast in one inner loop,
         * so a float sum is one pairwise sum over the whole run; runs that
         * are cast go through buffers of numpy's size */
        const int64_t chunk = dt == at ? it.inner : RBUFN;
        char *buf = NULL;
        if (!direct && (buf = pjx_alloc((size_t)chunk * 8)) == NULL) {
            pjx_decref(acc);
            return NULL;
        }
        for (int64_t r = 0; r < it.runs; r++) {
            for (int64_t j = 0; j < it.inner; j += chunk) {
                int64_t m = it.inner - j < chunk ? it.inner - j : chunk;
                const char *x = iter_ptr(&it, 0) + j * sa * isz;
                if (!direct) {
                    cast_run(x, dt, sa, buf, at, 1, m);
                    x = buf;
                }
                fold(op, at, iter_ptr(&it, 1) + j * sacc * acc_isz, sacc, x, m);
            }
            iter_next(&it);
        }
        pjx_free(buf);
    }
    if (op == PJX_ND_MEAN) { /* 0 / 0 is numpy's NaN for an empty mean */
        if (at == PJX_DT_FLOAT32)
            for (int64_t i = 0; i < acc->size; i++) ((float *)acc->data)[i] /= (float)count;
        else
            for (int64_t i = 0; i < acc->size; i++) ((double *)acc->data)[i] /= (double)count;
    }
    if (rt == at) return acc;
    pjx_ndarray *r = copy_as(acc, rt);
    pjx_decref(acc);
    return r;
}

/* ---- argmax / argmin -------------------------------------------------------
 * numpy's loops: the first extreme wins; for floats the first NaN wins
 * (the `!(v <= best)` test lets it through, then the scan stops). */
typedef struct arg_state {
    int64_t pos;    /* elements scanned so far */
    int64_t index;  /* of the best so far */
    int64_t best_i;
    double best_f;
    int started, done;
} arg_state;

/* the first i with x[i] == v (or, for a NaN v, the first NaN): blocks
 * are tested whole (vectorised), the matching block element by element */
#define FIND(T, IT, NAME)                                                            \
    typedef T NAME##_v __attribute__((vector_size(16)));                             \
    typedef IT NAME##_m __attribute__((vector_size(16)));                            \
    static int64_t NAME(const T *x, int64_t n, T v) {                                \
        enum { L = 16 / sizeof(T) };                                                 \
        const int nan = v != v;                                                      \
        int64_t i = 0;                                                               \
        for (; i + L <= n; i += L) {                                                 \
            NAME##_v y;                                                              \
            memcpy(&y, x + i, sizeof y);                                             \
            NAME##_m hit = nan ? (NAME##_m)(y != y) : (NAME##_m)(y == v);            \
            IT any = 0;                                                              \
            for (int j = 0; j < L; j++) any |= hit[j];                               \
            if (any) break;                                                          \
        }                                                                            \
        for (; i < n; i++)                                                           \
            if (nan ? x[i] != x[i] : x[i] == v) return i;                            \
        return n;                                                                    \
    }

FIND(float, int32_t, find_f32)
FIND(double, int64_t, find_f64)

static void arg_chunk(int32_t op, int32_t at, const char *x, int64_t n, arg_state *s) {
    const int max = op == PJX_ND_ARGMAX;
    if (n <= 0 || s->done) return;
    if (at == PJX_DT_INT64) {
        const int64_t *xs = (const int64_t *)x;
        if (!s->started) s->best_i = xs[0], s->index = s->pos;
        for (int64_t i = 0; i < n; i++)
            if (max ? xs[i] > s->best_i : xs[i] < s->best_i) s->best_i = xs[i], s->index = s->pos + i;
    } else {
        /* the chunk's extreme (NaN if any), then where it first occurs; it
         * replaces the best so far only when strictly better (or NaN) */
        double v;
        int64_t at_i;
        if (at == PJX_DT_FLOAT32) {
            const float *xs = (const float *)x;
            float e = (max ? max_f32 : min_f32)(xs[0], xs, n);
            at_i = find_f32(xs, n, e);
            v = e;
        } else {
            const double *xs = (const double *)x;
            v = (max ? max_f64 : min_f64)(xs[0], xs, n);
            at_i = find_f64(xs, n, v);
        }
        if (!s->started || v != v || (max ? v > s->best_f : v < s->best_f)) {
            s->best_f = v;
            s->index = s->pos + at_i;
            if (v != v) s->done = 1;
        }
    }
    s->started = 1;
    s->pos += n;
}

/* scans n elements from p (dtype dt, stride st) into s */
static void arg_scan(int32_t op, const char *p, int32_t dt, int64_t st, int64_t n, char *buf,
                     arg_state *s) {
    const int32_t at = compute_dt(dt);
    const int64_t isz = pjx_dtype_itemsize(dt);
    for (int64_t j = 0; j < n && !s->done; j += BUFN) {
        int64_t m = n - j < BUFN ? n - j : BUFN;
        const char *x = p + j * st * isz;
        if (dt != at || st != 1) {
            cast_run(x, dt, st, buf, at, 1, m);
            x = buf;
        }
        arg_chunk(op, at, x, m, s);
    }
}

static int32_t empty_arg_error(int32_t op) {
    pjx_err_format(PJX_EXC_VALUE, "attempt to get %s of an empty sequence",
                   op == PJX_ND_ARGMAX ? "argmax" : "argmin");
    return -1;
}

/* over the flattened (C-order) array */
static int32_t arg_full(int32_t op, pjx_ndarray *a, int64_t *out) {
    if (a->size == 0) return empty_arg_error(op);
    _Alignas(64) char buf[BUFN * 8];
    arg_state s = {0};
    nd_iter it;
    int64_t strides[MAXOP][MAXD];
    memcpy(strides[0], STRIDES(a), sizeof(int64_t) * (size_t)a->ndim);
    iter_init(&it, 1, a->ndim, SHAPE(a), &a->data, &a->dtype, strides);
    for (int64_t r = 0; r < it.runs && !s.done; r++) {
        arg_scan(op, iter_ptr(&it, 0), a->dtype, iter_stride(&it, 0), it.inner, buf, &s);
        iter_next(&it);
    }
    *out = s.index;
    return 0;
}

static pjx_ndarray *arg_axis(int32_t op, pjx_ndarray *a, int32_t axis) {
    const int64_t n = SHAPE(a)[axis], st = STRIDES(a)[axis];
    if (n == 0) {
        empty_arg_error(op);
        return NULL;
    }
    int64_t rshape[MAXD], strides[MAXOP][MAXD];
    int32_t rnd = 0;
    for (int32_t i = 0; i < a->ndim; i++) {
        if (i == axis) continue;
        rshape[rnd] = SHAPE(a)[i];
        strides[0][rnd++] = STRIDES(a)[i];
    }
    pjx_ndarray *out = pjx_ndarray_empty(PJX_DT_INT64, rnd, rshape);
    if (out == NULL || out->size == 0) return out;
    memcpy(strides[1], STRIDES(out), sizeof(int64_t) * (size_t)rnd);
    char *data[2] = {a->data, out->data};
    int32_t dtypes[2] = {a->dtype, PJX_DT_INT64};
    nd_iter it;
    iter_init(&it, 2, rnd, rshape, data, dtypes, strides);
    _Alignas(64) char buf[BUFN * 8];
    const int64_t isz = it.itemsize[0];
    for (int64_t r = 0; r < it.runs; r++) {
        const char *p = iter_ptr(&it, 0);
        int64_t *o = (int64_t *)iter_ptr(&it, 1);
        for (int64_t e = 0; e < it.inner; e++) {
            arg_state s = {0};
            arg_scan(op, p + e * iter_stride(&it, 0) * isz, a->dtype, st, n, buf, &s);
            o[e * iter_stride(&it, 1)] = s.index;
        }
        iter_next(&it);
    }
    return out;
}

static int32_t check_reduce_op(int32_t op) {
    if (op >= 0 && op < PJX_ND_REDUCE__COUNT) return 0;
    pjx_err_set(PJX_EXC_VALUE, "unknown ndarray reduction");
    return -1;
}

/* A full reduction as an int64 or a double, whichever its dtype is. */
static int32_t reduce_full(int32_t op, pjx_ndarray *a, int64_t *iv, double *fv, int *is_float) {
    *is_float = 0;
    if (check_reduce_op(op) < 0) return -1;
    if (op == PJX_ND_ARGMAX || op == PJX_ND_ARGMIN) return arg_full(op, a, iv);
    uint64_t all = a->ndim >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << a->ndim) - 1;
    pjx_ndarray *r = reduce_mask(op, a, all);
    if (r == NULL) return -1;
    if (is_float_dt(r->dtype)) {
        *fv = pjx_ndarray_load_float(r, 0);
        *is_float = 1;
    } else {
        *iv = pjx_ndarray_load_int(r, 0);
    }
    pjx_decref(r);
    return 0;
}

int32_t pjx_ndarray_reduce_int(int32_t op, pjx_ndarray *a, int64_t *out) {
    int64_t iv = 0;
    double fv = 0;
    int is_float;
    if (reduce_full(op, a, &iv, &fv, &is_float) < 0) return -1;
    *out = is_float ? f_to_i64(fv) : iv;
    return 0;
}

int32_t pjx_ndarray_reduce_float(int32_t op, pjx_ndarray *a, double *out) {
    int64_t iv = 0;
    double fv = 0;
    int is_float;
    if (reduce_full(op, a, &iv, &fv, &is_float) < 0) return -1;
    *out = is_float ? fv : (double)iv;
    return 0;
}

pjx_ndarray *pjx_ndarray_reduce_axis(int32_t op, pjx_ndarray *a, int64_t axis) {
    if (check_reduce_op(op) < 0) return NULL;
    const int arg = op == PJX_ND_ARGMAX || op == PJX_ND_ARGMIN;
    if (a->ndim == 0 && op != PJX_ND_MEAN) {
        /* numpy's quirk: axis 0 or -1 of a 0-d array reduces its element
         * (argmax sees a 1-d array; mean takes no axis at all) */
        if (normalize_axis(&axis, 1) < 0) {
            if (!arg) { /* the message names the real dimension count */
                pjx_err_clear();
                normalize_axis(&axis, 0);
            }
            return NULL;
        }
        return arg ? pjx_ndarray_zeros(PJX_DT_INT64, 0, NULL) : reduce_mask(op, a, 0);
    }
    if (normalize_axis(&axis, a->ndim) < 0) return NULL;
    if (arg) return arg_axis(op, a, (int32_t)axis);
    return reduce_mask(op, a, (uint64_t)1 << axis);
}

/* ==== shapes ============================================================== */
/* a's elements in C order into the contiguous dst (dtype ddt) */
static void flatten_into(char *dst, int32_t ddt, pjx_ndarray *a) {
    if (a->size == 0) return;
    nd_iter it;
    int64_t strides[MAXOP][MAXD];
    memcpy(strides[0], STRIDES(a), sizeof(int64_t) * (size_t)a->ndim);
    iter_init(&it, 1, a->ndim, SHAPE(a), &a->data, &a->dtype, strides);
    const int64_t dsz = pjx_dtype_itemsize(ddt);
    for (int64_t r = 0; r < it.runs; r++) {
        cast_run(iter_ptr(&it, 0), a->dtype, iter_stride(&it, 0), dst + r * it.inner * dsz, ddt,
                 1, it.inner);
        iter_next(&it);
    }
}

/* numpy's _attempt_nocopy_reshape (C order): strides that view a's memory
 * in the new shape, when a's layout allows; a has no zero dimension. */
static int nocopy_strides(const pjx_ndarray *a, int32_t newnd, const int64_t *newdims,
                          int64_t *newstrides) {
    int64_t olddims[MAXD], oldstrides[MAXD];
    int32_t oldnd = 0;
    for (int32_t i = 0; i < a->ndim; i++) {
        if (SHAPE(a)[i] == 1) continue;
        olddims[oldnd] = SHAPE(a)[i];
        oldstrides[oldnd++] = STRIDES(a)[i];
    }
    int32_t oi = 0, oj = 1, ni = 0, nj = 1;
    while (ni < newnd && oi < oldnd) {
        int64_t np = newdims[ni], op = olddims[oi];
        while (np != op) {
            if (np < op) np *= newdims[nj++];
            else op *= olddims[oj++];
        }
        for (int32_t ok = oi; ok < oj - 1; ok++)
            if (oldstrides[ok] != olddims[ok + 1] * oldstrides[ok + 1]) return 0;
        newstrides[nj - 1] = oldstrides[oj - 1];
        for (int32_t nk = nj - 1; nk > ni; nk--) newstrides[nk - 1] = newstrides[nk] * newdims[nk];
        ni = nj++;
        oi = oj++;
    }
    int64_t last = ni >= 1 ? newstrides[ni - 1] : 1;
    for (int32_t nk = ni; nk < newnd; nk++) newstrides[nk] = last;
    return 1;
}

pjx_ndarray *pjx_ndarray_reshape(pjx_ndarray *a, int32_t ndim, const int64_t *shape) {
    if (ndim < 0 || ndim > MAXD) {
        pjx_err_format(PJX_EXC_VALUE, "maximum supported dimension for an ndarray is %d, found %d",
                       MAXD, (int)ndim);
        return NULL;
    }
    int64_t dims[MAXD], strides[MAXD], known = 1;
    int32_t unknown = -1;
    int bad = 0;
    for (int32_t i = 0; i < ndim; i++) {
        dims[i] = shape[i];
        if (shape[i] < 0) { /* numpy 1.26 takes any negative as the unknown one */
            if (unknown >= 0) {
                pjx_err_set(PJX_EXC_VALUE, "can only specify one unknown dimension");
                return NULL;
            }
            unknown = i;
        } else if (__builtin_mul_overflow(known, shape[i], &known)) {
            bad = 1;
        }
    }
    if (!bad && unknown >= 0) {
        if (known == 0 || a->size % known != 0) bad = 1;
        else dims[unknown] = a->size / known;
    } else if (!bad && known != a->size) {
        bad = 1;
    }
    if (bad) {
        char s[SHAPE_BUF];
        shape_str(s, sizeof s, ndim, shape, "");
        pjx_err_format(PJX_EXC_VALUE, "cannot reshape array of size %lld into shape %s",
                       (long long)a->size, s);
        return NULL;
    }
    if (pjx_ndarray_is_c_contiguous(a)) {
        c_strides(ndim, dims, strides);
        return pjx_ndarray_view(a, a->data, ndim, dims, strides);
    }
    if (nocopy_strides(a, ndim, dims, strides)) return pjx_ndarray_view(a, a->data, ndim, dims, strides);
    pjx_ndarray *r = pjx_ndarray_empty(a->dtype, ndim, dims);
    if (r != NULL) flatten_into(r->data, r->dtype, a);
    return r;
}

pjx_ndarray *pjx_ndarray_transpose(pjx_ndarray *a, int32_t naxes, const int64_t *axes) {
    int64_t shape[MAXD], strides[MAXD];
    int32_t nd = a->ndim;
    if (axes != NULL && naxes != nd) {
        pjx_err_set(PJX_EXC_VALUE, "axes don't match array");
        return NULL;
    }
    uint64_t seen = 0;
    for (int32_t i = 0; i < nd; i++) {
        int64_t ax = axes != NULL ? axes[i] : nd - 1 - i;
        if (normalize_axis(&ax, nd) < 0) return NULL;
        if (seen >> ax & 1) {
            pjx_err_set(PJX_EXC_VALUE, "repeated axis in transpose");
            return NULL;
        }
        seen |= (uint64_t)1 << ax;
        shape[i] = SHAPE(a)[ax];
        strides[i] = STRIDES(a)[ax];
    }
    return pjx_ndarray_view(a, a->data, nd, shape, strides);
}

pjx_ndarray *pjx_ndarray_astype(pjx_ndarray *a, int32_t dtype) {
    if (!valid_dt(dtype)) {
        pjx_err_set(PJX_EXC_TYPE, "unknown dtype");
        return NULL;
    }
    return copy_as(a, dtype);
}

pjx_ndarray *pjx_ndarray_copy(pjx_ndarray *a) { return copy_as(a, a->dtype); }

pjx_ndarray *pjx_ndarray_ascontiguous(pjx_ndarray *a) {
    if (pjx_ndarray_is_c_contiguous(a)) {
        pjx_incref(a);
        return a;
    }
    return copy_as(a, a->dtype);
}

/* ==== indexing ============================================================ */
pjx_ndarray *pjx_ndarray_subscript(pjx_ndarray *a, int32_t n, const int64_t *spec) {
    int32_t consumed = 0, ellipses = 0;
    for (int32_t k = 0; k < n; k++) {
        int64_t kind = spec[4 * k];
        if (kind == PJX_ND_INDEX_INT || kind == PJX_ND_INDEX_SLICE) consumed++;
        else if (kind == PJX_ND_INDEX_ELLIPSIS) ellipses++;
        else if (kind != PJX_ND_INDEX_NEWAXIS) {
            pjx_err_set(PJX_EXC_VALUE, "unknown index kind");
            return NULL;
        }
    }
    if (ellipses > 1) {
        pjx_err_set(PJX_EXC_INDEX, "an index can only have a single ellipsis ('...')");
        return NULL;
    }
    if (consumed > a->ndim) {
        pjx_err_format(PJX_EXC_INDEX,
                       "too many indices for array: array is %d-dimensional, but %d were indexed",
                       (int)a->ndim, (int)consumed);
        return NULL;
    }
    int32_t result_nd = a->ndim - consumed;
    for (int32_t k = 0; k < n; k++)
        result_nd += spec[4 * k] == PJX_ND_INDEX_SLICE || spec[4 * k] == PJX_ND_INDEX_NEWAXIS;
    if (result_nd > MAXD) {
        pjx_err_format(PJX_EXC_INDEX, "number of dimensions must be within [0, %d]", MAXD);
        return NULL;
    }
    int64_t shape[MAXD], strides[MAXD];
    int32_t nd = 0, d = 0; /* result dims so far; a's next dim */
    char *data = a->data;
    const int64_t isz = pjx_dtype_itemsize(a->dtype);
    for (int32_t k = 0; k < n; k++) {
        const int64_t *e = spec + 4 * k;
        switch (e[0]) {
        case PJX_ND_INDEX_INT: {
            int64_t i = e[1], size = SHAPE(a)[d];
            if (i < 0) i += size;
            if (i < 0 || i >= size) {
                pjx_ndarray_index_error(e[1], d, size);
                return NULL;
            }
            data += i * STRIDES(a)[d] * isz;
            d++;
            break;
        }
        case PJX_ND_INDEX_SLICE: {
            int64_t start = e[1], stop = e[2], step = e[3];
            int64_t len = pjx_slice_adjust(SHAPE(a)[d], &start, &stop, &step);
            if (len < 0) return NULL;
            if (len > 0) data += start * STRIDES(a)[d] * isz;
            shape[nd] = len;
            strides[nd++] = STRIDES(a)[d] * step;
            d++;
            break;
        }
        case PJX_ND_INDEX_NEWAXIS:
            shape[nd] = 1;
            strides[nd++] = 0;
            break;
        default: /* ellipsis: every dimension no other entry takes */
            for (int32_t m = a->ndim - consumed; m > 0; m--, d++) {
                shape[nd] = SHAPE(a)[d];
                strides[nd++] = STRIDES(a)[d];
            }
            break;
        }
    }
    for (; d < a->ndim; d++) {
        shape[nd] = SHAPE(a)[d];
        strides[nd++] = STRIDES(a)[d];
    }
    return pjx_ndarray_view(a, data, nd, shape, strides);
}

/* the bytes [lo, hi) a's elements lie in (empty arrays: lo == hi) */
static void extent(const pjx_ndarray *a, uintptr_t *lo, uintptr_t *hi) {
    int64_t low = 0, high = 0;
    for (int32_t i = 0; i < a->ndim; i++) {
        int64_t span = (SHAPE(a)[i] - 1) * STRIDES(a)[i];
        if (span < 0) low += span;
        else high += span;
    }
    const int64_t isz = pjx_dtype_itemsize(a->dtype);
    *lo = (uintptr_t)a->data + (uintptr_t)(low * isz);
    *hi = a->size ? (uintptr_t)a->data + (uintptr_t)((high + 1) * isz) : *lo;
}

int32_t pjx_ndarray_assign(pjx_ndarray *dst, pjx_ndarray *src) {
    if (dst->ob.flags & PJX_ND_READONLY) return pjx_ndarray_readonly_error();
    /* src broadcasts to dst's shape; like numpy, first drop leading unit
     * dims of src beyond dst's ndim (the message shows what is left) */
    int32_t skip = 0;
    while (src->ndim - skip > dst->ndim && SHAPE(src)[skip] == 1) skip++;
    int32_t lead = src->ndim - skip - dst->ndim, ok = lead <= 0;
    int64_t sstrides[MAXD];
    for (int32_t i = 0; i < dst->ndim && ok; i++) {
        int32_t j = i + lead + skip;
        if (j < skip || SHAPE(src)[j] == 1) sstrides[i] = 0;
        else if (SHAPE(src)[j] == SHAPE(dst)[i]) sstrides[i] = STRIDES(src)[j];
        else ok = 0;
    }
    if (!ok) {
        char s1[SHAPE_BUF], s2[SHAPE_BUF];
        shape_str(s1, sizeof s1, src->ndim - skip, SHAPE(src) + skip, "");
        shape_str(s2, sizeof s2, dst->ndim, SHAPE(dst), "");
        pjx_err_format(PJX_EXC_VALUE, "could not broadcast input array from shape %s into shape %s",
                       s1, s2);
        return -1;
    }
    if (dst->size == 0) return 0;
    uintptr_t dlo, dhi, slo, shi;
    extent(dst, &dlo, &dhi);
    extent(src, &slo, &shi);
    if (slo < dhi && dlo < shi) { /* overlapping memory: read from a copy */
        pjx_ndarray *tmp = copy_as(src, src->dtype);
        if (tmp == NULL) return -1;
        int32_t status = pjx_ndarray_assign(dst, tmp);
        pjx_decref(tmp);
        return status;
    }
    copy_cast(dst->data, dst->dtype, STRIDES(dst), src->data, src->dtype, sstrides, dst->ndim,
              SHAPE(dst));
    return 0;
}

/* dst[...] = value, the value checked and converted by the element store's
 * rules (numpy's for a Python scalar) */
static int32_t fill_from(pjx_ndarray *dst, pjx_ndarray *item) {
    int64_t zeros[MAXD] = {0};
    copy_cast(dst->data, dst->dtype, STRIDES(dst), item->data, item->dtype, zeros, dst->ndim,
              SHAPE(dst));
    pjx_decref(item);
    return 0;
}

int32_t pjx_ndarray_fill_int(pjx_ndarray *dst, int64_t value) {
    if (dst->ob.flags & PJX_ND_READONLY) return pjx_ndarray_readonly_error();
    pjx_ndarray *item = pjx_ndarray_empty(dst->dtype, 0, NULL);
    if (item == NULL) return -1;
    if (pjx_ndarray_store_int(item, 0, value) < 0) {
        pjx_decref(item);
        return -1;
    }
    return fill_from(dst, item);
}

int32_t pjx_ndarray_fill_float(pjx_ndarray *dst, double value) {
    if (dst->ob.flags & PJX_ND_READONLY) return pjx_ndarray_readonly_error();
    pjx_ndarray *item = pjx_ndarray_empty(dst->dtype, 0, NULL);
    if (item == NULL) return -1;
    if (pjx_ndarray_store_float(item, 0, value) < 0) {
        pjx_decref(item);
        return -1;
    }
    return fill_from(dst, item);
}

/* ==== joining ============================================================= */
/* The arrays of an OBJ list; TypeError for anything else. */
static int32_t list_arrays(pjx_list *arrays, const char *what) {
    if (arrays->size > 0 && arrays->kind != PJX_KIND_OBJ) goto bad;
    for (int64_t i = 0; i < arrays->size; i++)
        if (arrays->items[i].o == NULL || arrays->items[i].o->type_id != PJX_TYPE_NDARRAY) goto bad;
    if (arrays->size == 0) {
        pjx_err_format(PJX_EXC_VALUE, "need at least one array to %s", what);
        return -1;
    }
    return 0;
bad:
    pjx_err_format(PJX_EXC_TYPE, "%s() takes a sequence of arrays", what);
    return -1;
}

#define ITEM(list, i) ((pjx_ndarray *)(list)->items[i].o)

/* numpy's result_type of all the arrays.  Not a left fold of the pairwise
 * table: with a float among them, each int meets the floats alone (uint8,
 * int8 and float16 give float16; folding would go through int16 and give
 * float32).  Floats first, then every int into them, gives numpy's answer. */
static int32_t joined_dtype(pjx_list *arrays) {
    int32_t dt = -1;
    for (int pass = 0; pass < 2; pass++)
        for (int64_t i = 0; i < arrays->size; i++) {
            int32_t d = ITEM(arrays, i)->dtype;
            if (is_float_dt(d) != (pass == 0)) continue;
            dt = dt < 0 ? d : promotion[dt][d];
        }
    return dt;
}

pjx_ndarray *pjx_ndarray_concatenate(pjx_list *arrays, int64_t axis) {
    if (list_arrays(arrays, "concatenate") < 0) return NULL;
    const int32_t dt = joined_dtype(arrays);
    const int64_t isz = pjx_dtype_itemsize(dt);
    if (axis == PJX_NONE_INDEX) { /* axis=None: the flattened arrays */
        int64_t total = 0;
        for (int64_t i = 0; i < arrays->size; i++) total += ITEM(arrays, i)->size;
        pjx_ndarray *r = pjx_ndarray_empty(dt, 1, &total);
        if (r == NULL) return NULL;
        for (int64_t i = 0, pos = 0; i < arrays->size; pos += ITEM(arrays, i)->size, i++)
            flatten_into(r->data + pos * isz, dt, ITEM(arrays, i));
        return r;
    }
    const pjx_ndarray *first = ITEM(arrays, 0);
    const int32_t nd = first->ndim;
    if (nd == 0) {
        pjx_err_set(PJX_EXC_VALUE, "zero-dimensional arrays cannot be concatenated");
        return NULL;
    }
    if (normalize_axis(&axis, nd) < 0) return NULL;
    int64_t shape[MAXD];
    memcpy(shape, SHAPE(first), sizeof(int64_t) * (size_t)nd);
    for (int64_t i = 1; i < arrays->size; i++) {
        const pjx_ndarray *b = ITEM(arrays, i);
        if (b->ndim != nd) {
            pjx_err_format(PJX_EXC_VALUE,
                           "all the input arrays must have same number of dimensions, but the "
                           "array at index 0 has %d dimension(s) and the array at index %lld has "
                           "%d dimension(s)", (int)nd, (long long)i, (int)b->ndim);
            return NULL;
        }
        for (int32_t d = 0; d < nd; d++) {
            if (d == axis) {
                shape[d] += SHAPE(b)[d];
            } else if (shape[d] != SHAPE(b)[d]) {
                pjx_err_format(PJX_EXC_VALUE,
                               "all the input array dimensions except for the concatenation axis "
                               "must match exactly, but along dimension %d, the array at index 0 "
                               "has size %lld and the array at index %lld has size %lld",
                               (int)d, (long long)shape[d], (long long)i, (long long)SHAPE(b)[d]);
                return NULL;
            }
        }
    }
    pjx_ndarray *r = pjx_ndarray_empty(dt, nd, shape);
    if (r == NULL) return NULL;
    int64_t off = 0;
    for (int64_t i = 0; i < arrays->size; i++) {
        pjx_ndarray *b = ITEM(arrays, i);
        if (b->size > 0)
            copy_cast(r->data + off * STRIDES(r)[axis] * isz, dt, STRIDES(r), b->data, b->dtype,
                      STRIDES(b), nd, SHAPE(b));
        off += SHAPE(b)[axis];
    }
    return r;
}

pjx_ndarray *pjx_ndarray_stack(pjx_list *arrays, int64_t axis) {
    if (list_arrays(arrays, "stack") < 0) return NULL;
    const pjx_ndarray *first = ITEM(arrays, 0);
    const int32_t nd = first->ndim;
    for (int64_t i = 1; i < arrays->size; i++) {
        const pjx_ndarray *b = ITEM(arrays, i);
        if (b->ndim != nd || memcmp(SHAPE(b), SHAPE(first), sizeof(int64_t) * (size_t)nd)) {
            pjx_err_set(PJX_EXC_VALUE, "all input arrays must have the same shape");
            return NULL;
        }
    }
    if (nd + 1 > MAXD) {
        pjx_err_format(PJX_EXC_VALUE, "maximum supported dimension for an ndarray is %d, found %d",
                       MAXD, (int)nd + 1);
        return NULL;
    }
    if (normalize_axis(&axis, nd + 1) < 0) return NULL;
    const int32_t dt = joined_dtype(arrays);
    int64_t shape[MAXD], sub[MAXD];
    for (int32_t d = 0, j = 0; d <= nd; d++) shape[d] = d == axis ? arrays->size : SHAPE(first)[j++];
    pjx_ndarray *r = pjx_ndarray_empty(dt, nd + 1, shape);
    if (r == NULL) return NULL;
    for (int32_t d = 0, j = 0; d <= nd; d++)
        if (d != axis) sub[j++] = STRIDES(r)[d]; /* r's strides without the new axis */
    const int64_t isz = pjx_dtype_itemsize(dt);
    if (r->size > 0)
        for (int64_t i = 0; i < arrays->size; i++) {
            pjx_ndarray *b = ITEM(arrays, i);
            copy_cast(r->data + i * STRIDES(r)[axis] * isz, dt, sub, b->data, b->dtype, STRIDES(b),
                      nd, SHAPE(b));
        }
    return r;
}

/* ==== lists =============================================================== */
static pjx_list *tolist_level(pjx_ndarray *a, int32_t d, int64_t offset) {
    const int64_t n = SHAPE(a)[d], st = STRIDES(a)[d];
    const int leaf = d == a->ndim - 1;
    int32_t kind = PJX_KIND_OBJ;
    if (leaf) kind = a->dtype == PJX_DT_BOOL ? PJX_KIND_BOOL : is_float_dt(a->dtype) ? PJX_KIND_FLOAT : PJX_KIND_INT;
    pjx_list *l = pjx_list_new(kind, n);
    if (l == NULL) return NULL;
    if (!leaf) l->elem_type_id = PJX_TYPE_LIST;
    for (int64_t i = 0; i < n; i++) {
        pjx_slot item;
        int64_t off = offset + i * st;
        if (!leaf) {
            pjx_list *sub = tolist_level(a, d + 1, off);
            if (sub == NULL) {
                pjx_decref(l);
                return NULL;
            }
            item.o = &sub->ob;
        } else if (kind == PJX_KIND_FLOAT) {
            item.f = pjx_ndarray_load_float(a, off);
        } else {
            item.i = pjx_ndarray_load_int(a, off);
        }
        l->items[i] = item;
        l->size = i + 1;
    }
    return l;
}

pjx_list *pjx_ndarray_tolist(pjx_ndarray *a) {
    if (a->ndim == 0) {
        pjx_err_set(PJX_EXC_TYPE, "tolist() of a 0-d array is a scalar, not a list");
        return NULL;
    }
    return tolist_level(a, 0, 0);
}

/* Shape discovery over nested lists, numpy's way: the first list met at
 * each depth sets that dimension; a later list of another length there
 * makes the array inhomogeneous after that many dimensions. */
typedef struct list_shape {
    int32_t ndim;
    int32_t max_dims;  /* dimensions still consistent */
    int32_t leaf_rank; /* -1 none, 0 bool, 1 int, 2 float */
    int64_t shape[MAXD];
    uint64_t seen;     /* bit d: shape[d] is set */
} list_shape;

static int32_t discover(pjx_list *l, int32_t depth, list_shape *ls) {
    if (depth < ls->max_dims) {
        if (!(ls->seen >> depth & 1)) {
            ls->shape[depth] = l->size;
            ls->seen |= (uint64_t)1 << depth;
        } else if (ls->shape[depth] != l->size) {
            ls->max_dims = depth;
        }
    }
    if (l->size == 0) return 0;
    if (depth == ls->ndim - 1) {
        int32_t rank = l->kind == PJX_KIND_BOOL ? 0 : l->kind == PJX_KIND_INT ? 1
                     : l->kind == PJX_KIND_FLOAT ? 2 : -1;
        if (rank < 0) goto bad;
        if (rank > ls->leaf_rank) ls->leaf_rank = rank;
        return 0;
    }
    if (l->kind != PJX_KIND_OBJ) goto bad;
    for (int64_t i = 0; i < l->size; i++) {
        pjx_object *o = l->items[i].o;
        if (o == NULL || o->type_id != PJX_TYPE_LIST) goto bad;
        if (discover((pjx_list *)o, depth + 1, ls) < 0) return -1;
    }
    return 0;
bad:
    pjx_err_format(PJX_EXC_TYPE, "expected %d levels of nested lists of int, float or bool",
                   (int)ls->ndim);
    return -1;
}

static int32_t fill_level(pjx_ndarray *r, pjx_list *l, int32_t depth, int64_t *pos) {
    for (int64_t i = 0; i < l->size; i++) {
        int32_t status;
        if (depth < r->ndim - 1)
            status = fill_level(r, (pjx_list *)l->items[i].o, depth + 1, pos);
        else if (l->kind == PJX_KIND_FLOAT)
            status = pjx_ndarray_store_float(r, (*pos)++, l->items[i].f);
        else
            status = pjx_ndarray_store_int(r, (*pos)++, l->items[i].i);
        if (status < 0) return -1;
    }
    return 0;
}

pjx_ndarray *pjx_ndarray_from_list(pjx_list *list, int32_t ndim, int32_t dtype) {
    if (ndim < 1 || ndim > MAXD) {
        pjx_err_format(PJX_EXC_VALUE, "from_list: ndim must be in [1, %d], got %d", MAXD, (int)ndim);
        return NULL;
    }
    if (dtype != -1 && !valid_dt(dtype)) {
        pjx_err_set(PJX_EXC_TYPE, "unknown dtype");
        return NULL;
    }
    list_shape ls = {.ndim = ndim, .max_dims = ndim, .leaf_rank = -1, .seen = 0};
    if (discover(list, 0, &ls) < 0) return NULL;
    if (ls.max_dims < ndim) {
        char s[SHAPE_BUF];
        tuple_str(s, sizeof s, ls.max_dims, ls.shape);
        pjx_err_format(PJX_EXC_VALUE,
                       "setting an array element with a sequence. The requested array has an "
                       "inhomogeneous shape after %d dimensions. The detected shape was %s + "
                       "inhomogeneous part.", (int)ls.max_dims, s);
        return NULL;
    }
    for (int32_t d = 0; d < ndim; d++)
        if (!(ls.seen >> d & 1)) ls.shape[d] = 0; /* below an empty list */
    if (dtype == -1) { /* numpy: bool, int64, float64 (also with no items at all) */
        static const int32_t inferred[] = {PJX_DT_FLOAT64, PJX_DT_BOOL, PJX_DT_INT64, PJX_DT_FLOAT64};
        dtype = inferred[ls.leaf_rank + 1];
    }
    pjx_ndarray *r = pjx_ndarray_empty(dtype, ndim, ls.shape);
    if (r == NULL || r->size == 0) return r;
    int64_t pos = 0;
    if (fill_level(r, list, 0, &pos) < 0) {
        pjx_decref(r);
        return NULL;
    }
    return r;
}
