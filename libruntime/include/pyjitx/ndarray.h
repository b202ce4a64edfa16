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

#ifdef __cplusplus
}
#endif

#endif
