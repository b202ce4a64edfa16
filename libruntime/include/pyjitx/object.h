/* pyjitx runtime objects: the heap values behind str, bytes, list, dict,
 * set and tuple.  Layouts here are ABI: compiled code reads some fields
 * directly (str length, list size and items) and emits immortal string
 * literals with exactly this layout.
 *
 * Ownership rules (the same for every function in the runtime):
 *   - arguments are BORROWED: the callee increfs what it keeps;
 *   - object results are NEW references, NULL when an exception was raised
 *     (the exception then sits in pjx_err_*);
 *   - scalar results of fallible functions use the `int32_t f(..., T *out)`
 *     convention of runtime.h; infallible ones return the value directly.
 *
 * Containers store 8-byte slots whose meaning is given by a kind (one kind
 * per list / per dict key / per dict value / per tuple item): ints, floats
 * and bools are stored unboxed, objects as pointers owned by the container.
 */
#ifndef PYJITX_OBJECT_H
#define PYJITX_OBJECT_H

#include "pyjitx/runtime.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- the common header -------------------------------------------------- */
typedef enum pjx_type_id {
    PJX_TYPE_STR = 1,
    PJX_TYPE_BYTES = 2,
    PJX_TYPE_LIST = 3,
    PJX_TYPE_DICT = 4,
    PJX_TYPE_SET = 5,
    PJX_TYPE_TUPLE = 6,
    PJX_TYPE_EXCEPTION = 7,
    PJX_TYPE_INSTANCE = 8,
    /* boxed scalars: only inside an Any (any.h) */
    PJX_TYPE_INT = 9,
    PJX_TYPE_FLOAT = 10,
    PJX_TYPE_BOOL = 11,
    PJX_TYPE_NDARRAY = 12, /* ndarray.h */
    PJX_TYPE_DEQUE = 13,   /* collections.h: a pjx_list whose items start `head` slots in */
    PJX_TYPE_RE_PATTERN = 14, /* regex.h */
    PJX_TYPE_RE_MATCH = 15,
    PJX_TYPE__COUNT
} pjx_type_id;

typedef struct pjx_object {
    /* Atomic; a negative count marks an immortal object (literals emitted
     * into object files) that is never counted nor freed. */
    int64_t refcount;
    uint32_t type_id;
    uint32_t flags; /* per-type bits, e.g. PJX_STR_ASCII */
} pjx_object;

PJX_EXPORT void pjx_incref(void *obj);       /* NULL-safe */
PJX_EXPORT void pjx_decref(void *obj);       /* NULL-safe, frees at zero */
PJX_EXPORT void pjx_dealloc(pjx_object *obj); /* called when the count hits 0 */

/* ---- slots and kinds ---------------------------------------------------- */
typedef enum pjx_kind {
    PJX_KIND_INT = 0,   /* int64_t */
    PJX_KIND_FLOAT = 1, /* double */
    PJX_KIND_BOOL = 2,  /* int64_t 0 or 1 */
    PJX_KIND_NONE = 3,  /* always 0 */
    PJX_KIND_OBJ = 4,   /* pjx_object *, owned by the container */
} pjx_kind;

typedef union pjx_slot {
    int64_t i;
    double f;
    pjx_object *o;
    uint64_t bits;
} pjx_slot;

/* Python's hash, ==, ordering and repr over one slot of a given kind.
 * Hashes never equal -1.  Objects dispatch on their type_id. */
PJX_EXPORT int32_t pjx_slot_hash(int32_t kind, pjx_slot v, int64_t *out);
PJX_EXPORT int64_t pjx_slot_eq(int32_t kind, pjx_slot a, pjx_slot b);
/* -1, 0, 1 into *out; TypeError when the values are unorderable. */
PJX_EXPORT int32_t pjx_slot_compare(int32_t kind, pjx_slot a, pjx_slot b, int64_t *out);
PJX_EXPORT struct pjx_str *pjx_slot_repr(int32_t kind, pjx_slot v);
PJX_EXPORT struct pjx_str *pjx_slot_str(int32_t kind, pjx_slot v);
/* incref the object in an OBJ slot; no-op for unboxed kinds */
PJX_EXPORT void pjx_slot_incref(int32_t kind, pjx_slot v);
PJX_EXPORT void pjx_slot_decref(int32_t kind, pjx_slot v);

/* ---- str ---------------------------------------------------------------- */
#define PJX_STR_ASCII 1u /* flags bit: every byte < 0x80 */
#define PJX_STR_SCRATCH 2u /* flags bit: a split buffer rewritten per word */

typedef struct pjx_str {
    pjx_object ob;
    int64_t nbytes;  /* UTF-8 bytes, excluding the NUL */
    int64_t length;  /* code points */
    int64_t hash;    /* -1 until computed (computed lazily, race-benign) */
    /* Non-ASCII strings only: lazily built table of the byte offset of every
     * 64th code point (installed with compare-and-swap; freed with the
     * string).  NULL until first needed. */
    int64_t *index;
    char data[];     /* nbytes of valid UTF-8, then a NUL */
} pjx_str;

/* New string from valid UTF-8 (not checked: the caller guarantees it). */
PJX_EXPORT pjx_str *pjx_str_from_utf8(const char *data, int64_t nbytes);
/* Uninitialised string of nbytes bytes / length code points for the
 * runtime's own builders; the caller fills data (the NUL is written). */
PJX_EXPORT pjx_str *pjx_str_alloc(int64_t nbytes, int64_t length);

/* ---- bytes -------------------------------------------------------------- */
typedef struct pjx_bytes {
    pjx_object ob;
    int64_t size;
    int64_t hash; /* -1 until computed */
    char data[];  /* size bytes, then a NUL */
} pjx_bytes;

PJX_EXPORT pjx_bytes *pjx_bytes_from_data(const char *data, int64_t size);
/* flags bit: a file handle of file.h (8 bytes, an open descriptor or -1)
 * whose descriptor is closed when the object is freed */
#define PJX_BYTES_FILE_HANDLE 1u

/* ---- list --------------------------------------------------------------- */
typedef struct pjx_list {
    pjx_object ob;
    int64_t size;
    int64_t capacity;
    pjx_slot *items;
    int32_t kind; /* of every item */
    int32_t elem_type_id; /* for OBJ lists: PJX_TYPE_* of the items, 0 if mixed */
    /* The static type that compiled code holds this list as, as a boundary
     * descriptor ("l[s]", "l[l[i]]", "l[a]"), set once the list is reachable
     * from an Any (any.h, "Item types"); NULL while it is not, and for lists
     * of unboxed items, whose kind already says what they hold.  Stores
     * through an Any are checked against it.  Points into a runtime-owned
     * string that is never freed. */
    const char *type_desc;
} pjx_list;

PJX_EXPORT pjx_list *pjx_list_new(int32_t kind, int64_t capacity);
/* Appends (increfs an OBJ item).  Fails only on memory exhaustion. */
PJX_EXPORT int32_t pjx_list_append(pjx_list *list, pjx_slot item);
/* Appends without incref: the list takes over the caller's reference. */
PJX_EXPORT int32_t pjx_list_append_steal(pjx_list *list, pjx_slot item);

/* ---- tuple -------------------------------------------------------------- */
typedef struct pjx_tuple {
    pjx_object ob;
    int64_t size;
    int64_t hash; /* -1 until computed */
    /* size slots, then size kind bytes (uint8_t) */
    pjx_slot items[];
} pjx_tuple;

#define PJX_TUPLE_KINDS(t) ((uint8_t *)&(t)->items[(t)->size])
PJX_EXPORT pjx_tuple *pjx_tuple_new(int64_t size); /* items zeroed, kinds NONE */

/* ---- dict and set ------------------------------------------------------- */
/* Insertion-ordered hash tables (dense entries + sparse index).  A set is a
 * dict without values; iteration order is insertion order for both (CPython
 * leaves a set's order unspecified). */
typedef struct pjx_dict_entry {
    int64_t hash; /* -1: deleted entry */
    pjx_slot key;
    pjx_slot value;
    /* A str key of up to 7 bytes, in full: its bytes and its length (see
     * dict.c key_tag), so that a lookup of a short word never has to read
     * the key string; 0 for other keys. */
    uint64_t tag;
} pjx_dict_entry;

typedef struct pjx_dict {
    pjx_object ob;
    int64_t size;      /* live entries */
    int64_t used;      /* entries[0..used) including deleted ones */
    int64_t capacity;  /* of entries */
    int64_t mask;      /* index size - 1 (a power of two) */
    /* One control byte per index cell: empty, deleted (a dummy) or full
     * with 7 bits of the key's hash (dict.c); a probe reads the entry only
     * when those bits match.  Allocated with the index and the entries. */
    uint8_t *ctrl;
    int32_t *index;    /* entry number of each full cell (int32: at most 2**31 cells) */
    pjx_dict_entry *entries;
    int32_t key_kind;
    int32_t value_kind; /* PJX_KIND_NONE for sets */
    const char *type_desc; /* "d[sl[i]]", "e[s]": as pjx_list.type_desc */
} pjx_dict;

/* ---- exceptions as values (exception.c) ------------------------------- */
/* Kinds from this value up are user-defined exception classes. */
#define PJX_USER_EXCEPTION_BASE 1000

typedef struct pjx_exception {
    pjx_object ob;
    int32_t kind;
    int32_t _pad;
    pjx_str *message;
    void *origin; /* the host's exception object, or NULL (runtime.h) */
} pjx_exception;

PJX_EXPORT int32_t pjx_register_exception_class(int32_t kind, int32_t parent);
/* Is `kind` the class `cls` or one of its subclasses? */
PJX_EXPORT int64_t pjx_exception_kind_matches(int32_t kind, int32_t cls);
/* Is the pending exception an instance of `cls`? */
PJX_EXPORT int64_t pjx_err_matches(int32_t cls);
PJX_EXPORT void pjx_err_set_str(int32_t kind, pjx_str *message);
/* Takes the pending exception out of the error state (NULL if memory ran
 * out, leaving it pending); pjx_err_restore puts it back. */
PJX_EXPORT pjx_exception *pjx_err_fetch(void);
PJX_EXPORT void pjx_err_restore(pjx_exception *e);
PJX_EXPORT pjx_str *pjx_exception_str(pjx_exception *e);
PJX_EXPORT int64_t pjx_exception_kind(pjx_exception *e);

/* ---- instances of compiled classes (instance.c) ------------------------ */
/* A compiled class.  The compiler emits one constant descriptor per class
 * into every object file that creates instances of it (so two descriptors
 * of one class may coexist: compare ids, never pointers).  `id` is stable
 * across processes (pyjitx/classes.py derives it from the qualified name);
 * `vtable` holds one entry point per virtual method, base methods first, so
 * a call through a base-typed reference finds a subclass's override at the
 * same index. */
typedef struct pjx_instance pjx_instance;

/* The special methods the runtime itself calls on instances held in
 * containers (==, hash, ordering, repr, str), as C-ABI thunks that the
 * compiler emits.  eq and lt return 1 for Python's NotImplemented (the
 * other operand is of a class the method does not take). */
typedef struct pjx_class_hooks {
    int32_t (*eq)(pjx_instance *self, pjx_instance *other, int64_t *out);
    int32_t (*hash)(pjx_instance *self, int64_t *out);
    int32_t (*lt)(pjx_instance *self, pjx_instance *other, int64_t *out);
    struct pjx_str *(*repr)(pjx_instance *self);
    struct pjx_str *(*str)(pjx_instance *self);
} pjx_class_hooks;

#define PJX_CLASS_UNHASHABLE 1 /* flags: defines __eq__ but not __hash__ */

typedef struct pjx_class {
    int64_t id;
    const char *name;             /* "module.QualName", for repr and errors */
    const struct pjx_class *base; /* NULL for a class with no compiled base */
    int64_t nfields;
    const uint8_t *field_kinds;   /* nfields pjx_kind bytes */
    int64_t nmethods;
    void *const *vtable;
    int64_t flags;
    pjx_class_hooks hooks;        /* NULL members: object's behaviour */
} pjx_class;

/* Fields are 8-byte slots in declaration order, a base's fields first, so
 * code compiled for a base reads a subclass's instance at the same offsets
 * (offset of field i: 24 + 8 * i). */
struct pjx_instance {
    pjx_object ob;
    const pjx_class *cls;
    pjx_slot fields[];
};

/* A new instance with every field zero (objects NULL), or NULL (MemoryError). */
PJX_EXPORT pjx_instance *pjx_instance_new(const pjx_class *cls);
/* Is `cls` the class with this id, or a subclass of it? */
PJX_EXPORT int64_t pjx_class_is_subclass(const pjx_class *cls, int64_t id);
/* AttributeError for a field read before anything was assigned to it. */
PJX_EXPORT void pjx_err_no_attribute(const pjx_instance *self, const char *name);
PJX_EXPORT pjx_str *pjx_instance_repr(const pjx_instance *self);

/* ---- argument binding ---------------------------------------------------- */
/* "f() missing 2 required positional arguments: 'a' and 'b'": `function`
 * is the function's qualified name, `names` a list of str (a new string;
 * NULL on memory exhaustion). */
PJX_EXPORT pjx_str *pjx_missing_arguments_message(pjx_str *function, int64_t keyword_only,
                                                  pjx_list *names);

/* ---- output ------------------------------------------------------------ */
typedef int32_t (*pjx_write_fn)(const char *data, int64_t size);
/* print() writes through `writer` (NULL: C stdio's stdout). */
PJX_EXPORT void pjx_set_stdout_writer(pjx_write_fn writer);
PJX_EXPORT int32_t pjx_print(pjx_str *text);
/* print(..., file=sys.stdout / sys.stderr, flush=...): stream 1 or 2.  A
 * stream writer, when set, takes every write (and flush) of both; without
 * one C stdio's stdout and stderr are written and flushed. */
typedef int32_t (*pjx_stream_write_fn)(int32_t stream, const char *data, int64_t size,
                                       int32_t flush);
PJX_EXPORT void pjx_set_stream_writer(pjx_stream_write_fn writer);
PJX_EXPORT int32_t pjx_write_stream(int32_t stream, const char *data, int64_t size,
                                    int64_t flush);
PJX_EXPORT int32_t pjx_print_to(int32_t stream, pjx_str *text, int64_t flush);
PJX_EXPORT int32_t pjx_flush_stream(int32_t stream);

#ifdef __cplusplus
}
#endif
#endif
