/* pyjitx runtime: NDArray, an n-dimensional strided array of one dtype.
 *
 * The layout is ABI: compiled code reads `data`, `size` and the shape and
 * strides in `dims` directly (an element access is a few loads and a
 * multiply-add per index, no call).  Strides count ELEMENTS, as DLPack's
 * do (numpy's count bytes).
 *
 * Memory comes from one of three places:
 *   - owned: allocated with the header in one block (`base` and `owner`
 *     NULL); freed with it;
 *   - a view of another array (`base` holds a reference to it);
 *   - foreign: memory of a numpy array or torch tensor received through
 *     DLPack; `release(owner)` is called once when the array dies (the
 *     Python bridge's release re-acquires the GIL, since compiled code may
 *     drop the last reference without holding it).
 *
 * Element values cross into compiled code as Python scalars: int dtypes as
 * int (i64), float dtypes as float (f64), bool as bool.  Whole-array
 * operations (arithmetic, reductions, casts) follow numpy's dtype rules.
 */
#ifndef PYJITX_NDARRAY_H
#define PYJITX_NDARRAY_H

#include "pyjitx/object.h"

struct pjx_tuple;
struct pjx_list;

#ifdef __cplusplus
extern "C" {
#endif

/* Keep the numbers stable: they are in boundary descriptors and the ABI. */
typedef enum pjx_dtype {
    PJX_DT_BOOL = 0,
    PJX_DT_UINT8 = 1,
    PJX_DT_INT8 = 2,
    PJX_DT_INT32 = 3,
    PJX_DT_INT64 = 4,
    PJX_DT_FLOAT16 = 5, /* storage only: computed on as float32 */
    PJX_DT_FLOAT32 = 6,
    PJX_DT_FLOAT64 = 7,
    PJX_DT__COUNT
} pjx_dtype;

#define PJX_NDARRAY_MAX_DIMS 32

/* ob.flags bits */
#define PJX_ND_READONLY 1u /* writes raise ValueError (a read-only numpy array) */

typedef struct pjx_ndarray {
    pjx_object ob;
    char *data;          /* the element at index (0, ..., 0) */
    int32_t dtype;       /* pjx_dtype */
    int32_t ndim;
    int64_t size;        /* number of elements: the product of the shape */
    pjx_object *base;    /* the array whose memory this one views, or NULL */
    void *owner;         /* foreign memory's owner, passed to release */
    void (*release)(void *owner);
    int64_t dims[];      /* shape[ndim], then strides[ndim] (in elements) */
} pjx_ndarray;

#define PJX_ND_SHAPE(a) ((a)->dims)
#define PJX_ND_STRIDES(a) ((a)->dims + (a)->ndim)

PJX_EXPORT int64_t pjx_dtype_itemsize(int32_t dtype);
/* numpy's name of a dtype ("float32") */
PJX_EXPORT const char *pjx_dtype_name(int32_t dtype);

/* ---- creation ------------------------------------------------------------ */
/* A new C-contiguous array with uninitialised (empty) or zeroed elements.
 * ValueError for a negative dimension, MemoryError when too large. */
PJX_EXPORT pjx_ndarray *pjx_ndarray_empty(int32_t dtype, int32_t ndim, const int64_t *shape);
PJX_EXPORT pjx_ndarray *pjx_ndarray_zeros(int32_t dtype, int32_t ndim, const int64_t *shape);
/* Filled with a value given as int or float (converted as numpy casts). */
PJX_EXPORT pjx_ndarray *pjx_ndarray_full_int(int32_t dtype, int32_t ndim, const int64_t *shape,
                                            int64_t value);
PJX_EXPORT pjx_ndarray *pjx_ndarray_full_float(int32_t dtype, int32_t ndim,
                                              const int64_t *shape, double value);
/* arange(start, stop, step) over ints, as int64; ValueError when step is 0 */
PJX_EXPORT pjx_ndarray *pjx_ndarray_arange_int(int64_t start, int64_t stop, int64_t step);
PJX_EXPORT pjx_ndarray *pjx_ndarray_arange_float(double start, double stop, double step);
/* A view of `base`'s memory (incref'd) with its own shape and strides. */
PJX_EXPORT pjx_ndarray *pjx_ndarray_view(pjx_ndarray *base, char *data, int32_t ndim,
                                        const int64_t *shape, const int64_t *strides);
/* Foreign memory: `release(owner)` runs when the array dies (may be NULL). */
PJX_EXPORT pjx_ndarray *pjx_ndarray_foreign(int32_t dtype, int32_t ndim, const int64_t *shape,
                                           const int64_t *strides, char *data, void *owner,
                                           void (*release)(void *owner), int readonly);

/* ---- elements ------------------------------------------------------------ */
/* Element `offset` (in elements from data) as a Python scalar.  Compiled
 * code inlines these; they are here for the bridge and Any. */
PJX_EXPORT int64_t pjx_ndarray_load_int(const pjx_ndarray *a, int64_t offset);
PJX_EXPORT double pjx_ndarray_load_float(const pjx_ndarray *a, int64_t offset);
/* Store with numpy's assignment rules: an int out of the dtype's range
 * raises OverflowError, a NaN or infinite float into an int dtype raises
 * ValueError / OverflowError, a float into an int dtype truncates; a
 * read-only array raises ValueError.  0 or -1. */
PJX_EXPORT int32_t pjx_ndarray_store_int(pjx_ndarray *a, int64_t offset, int64_t value);
PJX_EXPORT int32_t pjx_ndarray_store_float(pjx_ndarray *a, int64_t offset, double value);
/* IndexError for an index out of range of dimension `axis` of size `size`
 * (numpy's message).  Always -1. */
PJX_EXPORT int32_t pjx_ndarray_index_error(int64_t index, int64_t axis, int64_t size);
/* ValueError "assignment destination is read-only".  Always -1. */
PJX_EXPORT int32_t pjx_ndarray_readonly_error(void);

/* half <-> float conversions (IEEE binary16, round to nearest even) */
PJX_EXPORT float pjx_half_to_float(uint16_t h);
PJX_EXPORT uint16_t pjx_float_to_half(float f);
/* float64 -> float16 in one rounding, as numpy casts */
PJX_EXPORT uint16_t pjx_double_to_half(double d);

/* ---- queries ------------------------------------------------------------- */
PJX_EXPORT int64_t pjx_ndarray_is_c_contiguous(const pjx_ndarray *a);
/* shape as a new tuple of ints */
PJX_EXPORT struct pjx_tuple *pjx_ndarray_shape_tuple(const pjx_ndarray *a);

/* ==== whole-array operations (ndarray_ops.c) ==============================
 * numpy's semantics, result dtypes, exception types and messages, with
 * these deviations:
 *   - there is no int16 / uint64: int8 with uint8 promotes to int32 (numpy:
 *     int16); sum and prod of uint8 give int64 (numpy: uint64);
 *   - float16 sums, products and means accumulate in float32 and round
 *     once at the end (numpy rounds after each block of 8192 elements);
 *   - numpy's AxisError is a ValueError here (it is both a ValueError and
 *     an IndexError there);
 *   - Python scalars follow NEP 50 (numpy 2), also under numpy 1.x; see
 *     pjx_ndarray_binary_int.
 * Results are new C-contiguous arrays unless said to be views.  Integer
 * arithmetic wraps as numpy's does; integer // and % by zero give 0 (numpy
 * warns); float errors give inf/nan silently. */

/* Binary operations.  Comparisons give bool arrays; truediv of bools/ints
 * gives float64; floordiv, mod, pow and shifts of two bools give int8 (no
 * bool loop in numpy).  TypeError for bool - bool and for bitwise
 * operations on floats; ValueError for an int raised to a negative int. */
typedef enum pjx_nd_binop {
    PJX_ND_ADD = 0,
    PJX_ND_SUB = 1,
    PJX_ND_MUL = 2,
    PJX_ND_TRUEDIV = 3,
    PJX_ND_FLOORDIV = 4,
    PJX_ND_MOD = 5,
    PJX_ND_POW = 6,
    PJX_ND_LT = 7,
    PJX_ND_LE = 8,
    PJX_ND_EQ = 9,
    PJX_ND_NE = 10,
    PJX_ND_GT = 11,
    PJX_ND_GE = 12,
    PJX_ND_AND = 13, /* & | ^ << >>: bool and int dtypes only */
    PJX_ND_OR = 14,
    PJX_ND_XOR = 15,
    PJX_ND_LSHIFT = 16,
    PJX_ND_RSHIFT = 17,
    PJX_ND_MAXIMUM = 18, /* np.maximum / np.minimum: NaN propagates */
    PJX_ND_MINIMUM = 19,
    PJX_ND_BINOP__COUNT
} pjx_nd_binop;

/* numpy's result_type of two array dtypes (-1 for an invalid dtype) */
PJX_EXPORT int32_t pjx_dtype_promote(int32_t a, int32_t b);
/* The result dtype of `op` on arrays of these dtypes, -1 when numpy has no
 * loop (the operation raises TypeError).  No exception is set. */
PJX_EXPORT int32_t pjx_ndarray_binary_dtype(int32_t op, int32_t a_dtype, int32_t b_dtype);
/* Elementwise a op b with numpy's broadcasting (ValueError "operands could
 * not be broadcast together with shapes (2,3) (4,) "). */
PJX_EXPORT pjx_ndarray *pjx_ndarray_binary(int32_t op, pjx_ndarray *a, pjx_ndarray *b);
/* a op v, or v op a when scalar_left, for a Python int / float v, by NEP 50
 * (numpy 2): v takes a's dtype when of the same kind (an int with an int
 * array; an int or a float with a float array); an int with a bool array
 * is int64; a float with a bool or int array is float64.  An int out of
 * an int dtype's range raises OverflowError ("Python integer 300 out of
 * bounds for uint8"), except in comparisons, which are exact.  (A Python
 * bool operand: pass a 0-d bool array to pjx_ndarray_binary.) */
PJX_EXPORT pjx_ndarray *pjx_ndarray_binary_int(int32_t op, pjx_ndarray *a, int64_t v,
                                              int32_t scalar_left);
PJX_EXPORT pjx_ndarray *pjx_ndarray_binary_float(int32_t op, pjx_ndarray *a, double v,
                                                int32_t scalar_left);
/* The result dtype of pjx_ndarray_binary_int / _float on an array of
 * `dtype` (ignoring the OverflowError), -1 when op raises TypeError. */
PJX_EXPORT int32_t pjx_ndarray_binary_scalar_dtype(int32_t op, int32_t dtype,
                                                  int32_t scalar_is_float);
/* In place a op= b (a op= v): computed as a op b, then stored into a; the
 * result must cast to a's dtype under 'same_kind' (TypeError "Cannot cast
 * ufunc 'add' output from dtype('float64') to dtype('int64') with casting
 * rule 'same_kind'") and broadcast to a's shape (ValueError).  0 or -1. */
PJX_EXPORT int32_t pjx_ndarray_inplace(int32_t op, pjx_ndarray *a, pjx_ndarray *b);
PJX_EXPORT int32_t pjx_ndarray_inplace_int(int32_t op, pjx_ndarray *a, int64_t v);
PJX_EXPORT int32_t pjx_ndarray_inplace_float(int32_t op, pjx_ndarray *a, double v);

/* Unary operations.  NEG of bool and POS of bool raise TypeError; INVERT
 * is logical not on bools and TypeError on floats; NOT (np.logical_not)
 * gives bool; FLOOR and CEIL keep every dtype (ints and bools unchanged, as
 * numpy >= 2.1 does); the other math functions give float16 for
 * bool/uint8/int8, float64 for int32/int64, the same dtype for floats
 * (numpy's loops). */
typedef enum pjx_nd_unop {
    PJX_ND_NEG = 0,
    PJX_ND_POS = 1,
    PJX_ND_ABS = 2,
    PJX_ND_INVERT = 3,
    PJX_ND_NOT = 4,
    PJX_ND_SQRT = 5,
    PJX_ND_EXP = 6,
    PJX_ND_LOG = 7,
    PJX_ND_SIN = 8,
    PJX_ND_COS = 9,
    PJX_ND_FLOOR = 10,
    PJX_ND_CEIL = 11,
    PJX_ND_UNOP__COUNT
} pjx_nd_unop;

PJX_EXPORT int32_t pjx_ndarray_unary_dtype(int32_t op, int32_t dtype); /* -1: TypeError */
PJX_EXPORT pjx_ndarray *pjx_ndarray_unary(int32_t op, pjx_ndarray *a);

/* Reductions.  Result dtypes: sum/prod of bool/ints int64, of floats the
 * same; mean float64 for bool/ints, the same float otherwise; max/min the
 * same dtype; argmax/argmin int64; all/any bool.  Float sums are pairwise
 * like numpy's; NaN propagates through max/min; argmax/argmin return the
 * first extreme (the first NaN).  Empty: sum 0, prod 1, mean NaN, all
 * True, any False; max/min raise ValueError "zero-size array to reduction
 * operation maximum which has no identity", argmax/argmin "attempt to get
 * argmax of an empty sequence". */
typedef enum pjx_nd_reduce {
    PJX_ND_SUM = 0,
    PJX_ND_PROD = 1,
    PJX_ND_MEAN = 2,
    PJX_ND_MAX = 3,
    PJX_ND_MIN = 4,
    PJX_ND_ARGMAX = 5, /* over all elements: the index into the C-order flattening */
    PJX_ND_ARGMIN = 6,
    PJX_ND_ALL = 7,
    PJX_ND_ANY = 8,
    PJX_ND_REDUCE__COUNT
} pjx_nd_reduce;

PJX_EXPORT int32_t pjx_ndarray_reduce_dtype(int32_t op, int32_t dtype);
/* Over all elements, the result through *out: use _int for bool/int
 * result dtypes and _float for float ones (the other converts: a float
 * result truncates into _int, an int result converts into _float). */
PJX_EXPORT int32_t pjx_ndarray_reduce_int(int32_t op, pjx_ndarray *a, int64_t *out);
PJX_EXPORT int32_t pjx_ndarray_reduce_float(int32_t op, pjx_ndarray *a, double *out);
/* Along one axis (negative counts from the end; ValueError "axis 2 is out
 * of bounds for array of dimension 2"): an array of ndim - 1 dimensions. */
PJX_EXPORT pjx_ndarray *pjx_ndarray_reduce_axis(int32_t op, pjx_ndarray *a, int64_t axis);

/* ---- shapes ---- */
/* a.reshape(shape): one negative entry is inferred (numpy 1.26 takes any
 * negative value as -1); ValueError "cannot reshape array of size 6 into
 * shape (4,)" / "can only specify one unknown dimension".  A view whenever
 * numpy's would be one (always for C-contiguous a), else a copy. */
PJX_EXPORT pjx_ndarray *pjx_ndarray_reshape(pjx_ndarray *a, int32_t ndim, const int64_t *shape);
/* a.transpose(axes): a view; axes NULL reverses them.  ValueError "axes
 * don't match array", "repeated axis in transpose", an axis out of range. */
PJX_EXPORT pjx_ndarray *pjx_ndarray_transpose(pjx_ndarray *a, int32_t naxes, const int64_t *axes);
/* a.astype(dtype) (always a copy): C casts as numpy does them on x86
 * (float -> int truncates; NaN and out-of-range floats give INT64_MIN for
 * int64 and go through INT32_MIN for the narrower types; ints wrap). */
PJX_EXPORT pjx_ndarray *pjx_ndarray_astype(pjx_ndarray *a, int32_t dtype);
PJX_EXPORT pjx_ndarray *pjx_ndarray_copy(pjx_ndarray *a);
/* np.ascontiguousarray: a itself (a new reference) when C-contiguous */
PJX_EXPORT pjx_ndarray *pjx_ndarray_ascontiguous(pjx_ndarray *a);

/* ---- indexing ---- */
/* Basic indexing a[spec]: n entries of 4 int64 each, (kind, start, stop,
 * step).  An integer index (start holds it; negative counts from the end;
 * IndexError "index 5 is out of bounds for axis 0 with size 3"), a slice
 * (PJX_NONE_INDEX for an omitted part; ValueError "slice step cannot be
 * zero"), np.newaxis or one Ellipsis; dimensions left over are taken
 * whole.  Always a view, 0-d for a full integer index. */
enum {
    PJX_ND_INDEX_INT = 0,
    PJX_ND_INDEX_SLICE = 1,
    PJX_ND_INDEX_NEWAXIS = 2,
    PJX_ND_INDEX_ELLIPSIS = 3,
};
PJX_EXPORT pjx_ndarray *pjx_ndarray_subscript(pjx_ndarray *a, int32_t n, const int64_t *spec);
/* dst[...] = src: src broadcast to dst's shape (ValueError "could not
 * broadcast input array from shape (3,) into shape (2,2)") and cast to
 * dst's dtype like astype; overlapping memory is handled.  ValueError
 * "assignment destination is read-only".  0 or -1. */
PJX_EXPORT int32_t pjx_ndarray_assign(pjx_ndarray *dst, pjx_ndarray *src);
/* dst[...] = v with the element stores' rules (pjx_ndarray_store_int /
 * _float: OverflowError for an int out of range, ValueError for NaN into
 * an int dtype, ...).  0 or -1. */
PJX_EXPORT int32_t pjx_ndarray_fill_int(pjx_ndarray *dst, int64_t value);
PJX_EXPORT int32_t pjx_ndarray_fill_float(pjx_ndarray *dst, double value);

/* ---- joining: `arrays` is a list of kind OBJ holding NDArrays ---- */
/* np.concatenate(arrays, axis); axis PJX_NONE_INDEX flattens them first.
 * The dtype is the promotion of all; numpy's ValueErrors. */
PJX_EXPORT pjx_ndarray *pjx_ndarray_concatenate(struct pjx_list *arrays, int64_t axis);
/* np.stack(arrays, axis): a new axis (axis in [-ndim-1, ndim]) */
PJX_EXPORT pjx_ndarray *pjx_ndarray_stack(struct pjx_list *arrays, int64_t axis);

/* ---- lists ---- */
/* a.tolist() for ndim >= 1: ndim levels of lists, the outer ones of kind
 * OBJ, the innermost of kind INT (int dtypes), FLOAT or BOOL.  TypeError
 * for a 0-d array. */
PJX_EXPORT struct pjx_list *pjx_ndarray_tolist(pjx_ndarray *a);
/* np.array(list, dtype) of `ndim` levels of nested lists whose innermost
 * lists are of kind INT, FLOAT or BOOL (TypeError otherwise).  ValueError
 * for ragged nesting, with numpy's message ("setting an array element with
 * a sequence. The requested array has an inhomogeneous shape after 1
 * dimensions. The detected shape was (2,) + inhomogeneous part.").  dtype
 * -1 infers numpy's: bool if every item is a bool, float64 if any is a
 * float (or there are none), else int64.  Items are stored with the
 * element stores' rules.  Where numpy would find fewer dimensions (empty
 * lists above the innermost level), the dimensions below are 0. */
PJX_EXPORT pjx_ndarray *pjx_ndarray_from_list(struct pjx_list *list, int32_t ndim, int32_t dtype);

#ifdef __cplusplus
}
#endif

#endif
