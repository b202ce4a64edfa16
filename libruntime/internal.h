/* Declarations shared between runtime files but not part of the public ABI:
 * the per-type functions that object.c dispatches to. */
#ifndef PYJITX_INTERNAL_H
#define PYJITX_INTERNAL_H

#include "pyjitx/object.h"
#include "pyjitx/ndarray.h"

#include <stdatomic.h>
#include <string.h>

/* The CPython whose results this runtime reproduces, 0xMMmm: the
 * interpreter that built it (setup.py).  Messages, and a few results,
 * differ between Python versions (e.g. 3.13's "float modulo by zero"). */
#ifndef PJX_PYTHON_VERSION
#error "PJX_PYTHON_VERSION is set by setup.py to the building interpreter's version"
#endif
#define PJX_PY_AT_LEAST(major, minor) (PJX_PYTHON_VERSION >= ((major) << 8 | (minor)))

/* Allocate an object of `size` bytes with its header set (refcount 1). */
void *pjx_object_new(size_t size, uint32_t type_id);
/* Small blocks through the per-thread cache (alloc.c): free with the size
 * they were allocated with.  pjx_object_new_small is pjx_object_new on it. */
void *pjx_alloc_small(size_t size);
void pjx_free_small(void *ptr, size_t size);
void *pjx_object_new_small(size_t size, uint32_t type_id);

static inline int pjx_is_immortal(const pjx_object *o) { return o->refcount < 0; }

/* per-type hooks, one file per type */
void pjx_str_dealloc(pjx_str *s);
int64_t pjx_str_hash(pjx_str *s);
int64_t pjx_str_eq(const pjx_str *a, const pjx_str *b);
int64_t pjx_str_compare(const pjx_str *a, const pjx_str *b); /* -1/0/1 */
pjx_str *pjx_str_repr(pjx_str *s);

void pjx_bytes_dealloc(pjx_bytes *b);
/* file.c: closes the open descriptor of a PJX_BYTES_FILE_HANDLE bytes (file.h) */
void pjx_fd_handle_dealloc(pjx_bytes *handle);
int64_t pjx_bytes_hash(pjx_bytes *b);
int64_t pjx_bytes_eq(const pjx_bytes *a, const pjx_bytes *b);
int64_t pjx_bytes_compare(const pjx_bytes *a, const pjx_bytes *b);
pjx_str *pjx_bytes_repr(pjx_bytes *b);

void pjx_list_dealloc(pjx_list *l);
int64_t pjx_list_eq_impl(pjx_list *a, pjx_list *b);
int32_t pjx_list_compare_impl(pjx_list *a, pjx_list *b, int64_t *out);
pjx_str *pjx_list_repr(pjx_list *l);

void pjx_tuple_dealloc(pjx_tuple *t);
int32_t pjx_tuple_hash(pjx_tuple *t, int64_t *out);
int64_t pjx_tuple_eq_impl(pjx_tuple *a, pjx_tuple *b);
int32_t pjx_tuple_compare_impl(pjx_tuple *a, pjx_tuple *b, int64_t *out);
pjx_str *pjx_tuple_repr(pjx_tuple *t);

void pjx_dict_dealloc(pjx_dict *d);
void pjx_exception_dealloc(pjx_exception *e);
/* an exception value's reference to its origin (error.c, runtime.h) */
void pjx_origin_retain(void *origin);
void pjx_origin_release(void *origin);
void pjx_instance_dealloc(pjx_instance *self);
void pjx_ndarray_dealloc(pjx_ndarray *self);
struct pjx_re_pattern;
struct pjx_re_match;
void pjx_re_pattern_dealloc(struct pjx_re_pattern *p);
void pjx_re_match_dealloc(struct pjx_re_match *m);
/* Bounds on recursion over nested values (guard.c).  pjx_guard_enter
 * raises RecursionError "maximum recursion depth exceeded<where>" past the
 * recursion limit (0 / -1); every successful enter is paired with a leave.
 * pjx_compare_enter is the comparisons' (" in comparison"), which also
 * counts the failure. */
int32_t pjx_guard_enter(const char *where);
void pjx_guard_leave(void);
int32_t pjx_compare_enter(void);
int64_t pjx_compare_failures(void);
/* Did a comparison fail (RecursionError, still pending) since the count was
 * `failures`? */
int32_t pjx_compare_failed_since(int64_t failures);
/* Py_ReprEnter: 1 when o's repr is being built already on this thread (the
 * caller prints "[...]"), 0 when entered (pjx_repr_leave after), -1 on
 * MemoryError. */
int32_t pjx_repr_enter(pjx_object *o);
void pjx_repr_leave(pjx_object *o);
/* Frees a list, dict, set, tuple or instance whose count reached zero,
 * without nesting deeper than a bound on the C stack (the trashcan). */
void pjx_container_dealloc(pjx_object *o);
/* Python's name of a slot value's type, for messages ('int', 'str', 'Key'). */
const char *pjx_slot_type_name(int32_t kind, pjx_slot v);
/* A boxed scalar (an Any in an OBJ slot) as its scalar kind and value;
 * returns whether it was one. */
int pjx_slot_unbox(int32_t *kind, pjx_slot *v);
int32_t pjx_instance_hash(pjx_instance *self, int64_t *out);
int64_t pjx_instance_eq(pjx_instance *a, pjx_instance *b);
/* 0 with -1/0/1 in *out, -1 on error, 1 when neither side orders them. */
int32_t pjx_instance_compare(pjx_instance *a, pjx_instance *b, int64_t *out);
int64_t pjx_dict_eq_impl(pjx_dict *a, pjx_dict *b);
pjx_str *pjx_dict_repr(pjx_dict *d);
/* "{k: v, ...}" whatever d's flavour (collections.h) */
pjx_str *pjx_plain_dict_repr(pjx_dict *d);
pjx_str *pjx_set_repr(pjx_dict *d);

/* Hash of a byte string (never -1). */
int64_t pjx_hash_bytes(const void *data, int64_t size);
/* Python's hash of an int and of a float (equal where the values are). */
int64_t pjx_hash_int(int64_t v);
int64_t pjx_hash_float(double v);
/* size bytes from the system's randomness (getrandom, else /dev/urandom):
 * 0, or -1 when none could be read (pyhash.c) */
int32_t pjx_os_urandom(void *buffer, size_t size);

/* repr of a float as CPython prints it (format.c) */
pjx_str *pjx_float_repr(double v);
pjx_str *pjx_int_repr(int64_t v);

/* A growable UTF-8 buffer for building strings (strbuf.c).  Functions
 * return -1 after setting MemoryError; pjx_strbuf_finish always releases the
 * buffer and returns the new string (NULL on failure). */
typedef struct pjx_strbuf {
    char *data;
    int64_t size;
    int64_t capacity;
    char inline_data[120];
} pjx_strbuf;

/* grows the buffer (the slow path of reserve) */
int32_t pjx_strbuf_grow(pjx_strbuf *b, int64_t extra);
int32_t pjx_strbuf_append_cstr(pjx_strbuf *b, const char *text);
/* appends the string and releases the caller's reference to it (NULL-safe:
 * a NULL string means its construction failed, so the append fails) */
int32_t pjx_strbuf_append_steal(pjx_strbuf *b, pjx_str *s);
pjx_str *pjx_strbuf_finish(pjx_strbuf *b);

/* The hot parts inline: every string-building function calls them. */
static inline void pjx_strbuf_init(pjx_strbuf *b) {
    b->data = b->inline_data;
    b->size = 0;
    b->capacity = (int64_t)sizeof b->inline_data;
}

static inline int32_t pjx_strbuf_reserve(pjx_strbuf *b, int64_t extra) {
    if (b->size + extra <= b->capacity) return 0;
    return pjx_strbuf_grow(b, extra);
}

static inline int32_t pjx_strbuf_append(pjx_strbuf *b, const char *data, int64_t size) {
    if (pjx_strbuf_reserve(b, size) < 0) return -1;
    memcpy(b->data + b->size, data, (size_t)size);
    b->size += size;
    return 0;
}

static inline void pjx_strbuf_release(pjx_strbuf *b) {
    if (b->data != b->inline_data) pjx_free(b->data);
    pjx_strbuf_init(b);
}

#endif
