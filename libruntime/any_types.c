/* Item types of containers reached through an Any (any.h, "Item types").
 *
 * The slots of a list, dict or set of objects do not say what the objects
 * are: compiled code that holds a List[str] reads each item as a pjx_str
 * without looking.  So once such a container can be reached from an Any,
 * it records the static type that compiled code holds it as (type_desc,
 * object.h), and every store through an Any is checked against it.  The
 * descriptor is set
 *   - when compiled code boxes a typed container into an Any
 *     (pjx_any_box_container);
 *   - when a cast out of an Any gives compiled code a typed view of one
 *     (pjx_any_cast), for the containers inside it too;
 *   - when a store through an Any puts a container into a typed one
 *     (pjx_desc_fix), for the containers inside it too;
 *   - when an Any reads a container out of a typed one (pjx_desc_adopt:
 *     a[0], for x in a, a.pop(), d.values(), a[1:] ...).
 * A container whose descriptor is still NULL has never been reachable
 * from an Any while compiled code held it typed, so nothing that an Any
 * reaches inside it can be typed either: setting it where an Any first
 * reads it is enough.  A container is held under one static type only: a
 * cast to another item type (List[Any] of a List[str], List[str] of a
 * List[Any]) is refused, since each holder would store what the other
 * cannot read.
 *
 * Descriptors are copied into runtime-owned strings that are never freed
 * (pjx_desc_keep): a container may outlive the compiled code whose
 * constant descriptor it was boxed with. */
#include "any_internal.h"
#include "containers_internal.h"
#include "pyjitx/any.h"
#include "pyjitx/collections.h"
#include "pyjitx/containers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- descriptors -------------------------------------------------------------- */
void pjx_descriptor_skip(const char **desc) {
    const char *d = *desc;
    char c = *d++;
    if (c == 'l' || c == 'e' || c == 'd' || c == 't' || c == 'o' || c == 'T' || c == 'c' ||
        c == 'g' || c == 'A' || c == 'u' || c == 'E' || c == 'N' || c == 'K' || c == 'O' ||
        c == 'D' || c == 'Q' || c == 'R') {
        int depth = 0;
        do {
            if (*d == '[') depth++;
            else if (*d == ']') depth--;
            d++;
        } while (depth > 0 && *d);
    }
    *desc = d;
}

static size_t desc_length(const char *d) {
    const char *end = d;
    pjx_descriptor_skip(&end);
    return (size_t)(end - d);
}

/* Do two descriptors (each possibly followed by more text) name one type?
 * A descriptor determines where it ends, so b starting with all of a is
 * b being a. */
static int desc_equal(const char *a, const char *b) { return strncmp(a, b, desc_length(a)) == 0; }

static int32_t desc_kind(const char *d) {
    switch (*d) {
    case 'E': return desc_kind(strchr(d, ':') + 1); /* E[<key>/<name>:X]: a member, as its value */
    case 'i': return PJX_KIND_INT;
    case 'f': return PJX_KIND_FLOAT;
    case 'b': return PJX_KIND_BOOL;
    case 'n': return PJX_KIND_NONE;
    default: return PJX_KIND_OBJ;
    }
}

/* The dict subclasses of collections (Counter, OrderedDict, defaultdict)
 * and their flag; 'd' is a dict of any flavour. */
static uint32_t dict_flag(char c) {
    return c == 'K' ? PJX_DICT_COUNTER : c == 'O' ? PJX_DICT_ORDERED : c == 'D' ? PJX_DICT_DEFAULT : 0;
}

static int is_dict_desc(char c) { return c == 'd' || dict_flag(c) != 0; }

/* Might a value of descriptor d have a list, dict or set inside it (or be
 * one), which would need its own type_desc? */
static int desc_nests(const char *d) {
    switch (*d) {
    case 'o': return desc_nests(d + 2);
    case 'N': return desc_nests(strchr(d, ':') + 1); /* N[<key>/<name>:t[...]] */
    case 'l': case 'd': case 'e': case 'K': case 'O': case 'D': case 'Q': return 1;
    case 't': case 'T':
        for (const char *item = d + 2; *item && *item != ']'; pjx_descriptor_skip(&item))
            if (desc_nests(item)) return 1;
        return 0;
    default: return 0;
    }
}

static void name_into(const char **desc, char **out, char *end) {
#define EMIT(text)                                             \
    do {                                                       \
        const char *t_ = (text);                               \
        while (*t_ && *out < end - 1) *(*out)++ = *t_++;       \
    } while (0)
    const char *d = *desc;
    if (*d == '!') d++;
    char c = *d++;
    switch (c) {
    case 'i': case 'I': EMIT("int"); break;
    case 'f': case 'F': EMIT("float"); break;
    case 'b': EMIT("bool"); break;
    case 'n': EMIT("None"); break;
    case 'a': EMIT("Any"); break;
    case 's': EMIT("str"); break;
    case 'y': EMIT("bytes"); break;
    case 'E': case 'N': { /* E[<key>/<qualname>:X], N[<key>/<qualname>:t[...]] */
        const char *name = strchr(d, '/'), *inner = strchr(d, ':');
        while (name && ++name < inner && *out < end - 1) *(*out)++ = *name;
        inner++;
        pjx_descriptor_skip(&inner); /* (the class names it) */
        d = inner + 1; /* past the ']' */
        break;
    }
    case 'Y': EMIT("bytearray"); break;
    case 'R': /* R[<typecode>] */
        EMIT("array");
        if (*d == '[') d += 3;
        break;
    case 'c': { /* c[<id>:<qualname>] */
        const char *name = strchr(d, ':');
        while (name && *++name && *name != ']' && *out < end - 1) *(*out)++ = *name;
        while (*d && *d != ']') d++;
        if (*d == ']') d++;
        break;
    }
    case 'u': { /* Optional[T] for one member and None, else Union[...] (as types.py prints) */
        const char *member = d + 1, *last = NULL;
        int count = 0, has_none = 0;
        while (*member && *member != ']') {
            if (*member == 'n') has_none = 1;
            else last = member, count++;
            pjx_descriptor_skip(&member);
        }
        if (count == 1 && has_none) {
            EMIT("Optional[");
            const char *only = last;
            name_into(&only, out, end);
            EMIT("]");
        } else {
            EMIT("Union[");
            int first = 1;
            for (member = d + 1; *member && *member != ']';) {
                if (*member == 'n') {
                    pjx_descriptor_skip(&member);
                    continue;
                }
                if (!first) EMIT(", ");
                first = 0;
                name_into(&member, out, end);
            }
            EMIT(has_none ? ", None]" : "]");
        }
        const char *whole = d - 1; /* (d is past the 'u') */
        pjx_descriptor_skip(&whole);
        d = whole;
        break;
    }
    case 'l': case 'e': case 'd': case 't': case 'o': case 'T': case 'g':
    case 'K': case 'O': case 'D': case 'Q': {
        EMIT(c == 'l' ? "List[" : c == 'e' ? "Set[" : c == 'd' ? "Dict[" : c == 'o' ? "Optional["
             : c == 'g' ? "Iterator[" : c == 'K' ? "Counter[" : c == 'O' ? "OrderedDict["
             : c == 'D' ? "DefaultDict[" : c == 'Q' ? "Deque[" : "Tuple[");
        d++; /* '[' */
        int first = 1;
        while (*d && *d != ']') {
            if (!first) EMIT(", ");
            first = 0;
            name_into(&d, out, end);
        }
        if (*d == ']') d++;
        EMIT(c == 'T' ? ", ...]" : "]");
        break;
    }
    case 'A': { /* A[<dtype number or *><ndim or *>] */
        static const char *const dtypes[] = {"bool", "uint8", "int8", "int32", "int64",
                                              "float16", "float32", "float64"};
        EMIT("NDArray[");
        d++; /* '[' */
        if (*d >= '0' && *d <= '7') EMIT(dtypes[*d - '0']);
        else EMIT("?");
        d++;
        EMIT(", ");
        if (*d == '*') { EMIT("?"); d++; }
        while (*d >= '0' && *d <= '9') {
            char digit[2] = {*d++, 0};
            EMIT(digit);
        }
        if (*d == ']') d++;
        EMIT("]");
        break;
    }
    default: EMIT("?"); break;
    }
    **out = '\0';
    *desc = d;
#undef EMIT
}

void pjx_descriptor_name(const char *desc, char *buf, size_t size) {
    char *out = buf;
    name_into(&desc, &out, buf + size);
    *out = '\0';
}

/* ---- the runtime's copies of descriptors ---------------------------------------- */
/* A lock-free set of strings, one per distinct descriptor; entries are
 * published with a compare-and-swap on their bucket and never change or
 * go away (malloc'ed, not counted as live objects). */
#define KEPT_BUCKETS 256

typedef struct kept_desc {
    struct kept_desc *next;
    size_t length;
    char text[];
} kept_desc;

static kept_desc *kept_descs[KEPT_BUCKETS];

const char *pjx_desc_keep(const char *desc) {
    size_t n = desc_length(desc);
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)desc[i]) * 1099511628211ull;
    kept_desc **bucket = &kept_descs[h % KEPT_BUCKETS];
    kept_desc *head = __atomic_load_n(bucket, __ATOMIC_ACQUIRE);
    for (;;) {
        for (kept_desc *k = head; k != NULL; k = k->next)
            if (k->length == n && memcmp(k->text, desc, n) == 0) return k->text;
        kept_desc *fresh = malloc(sizeof *fresh + n + 1);
        if (fresh == NULL) {
            pjx_err_set(PJX_EXC_MEMORY, NULL);
            return NULL;
        }
        fresh->length = n;
        memcpy(fresh->text, desc, n);
        fresh->text[n] = '\0';
        fresh->next = head;
        if (__atomic_compare_exchange_n(bucket, &head, fresh, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
            return fresh->text;
        free(fresh); /* another thread added one: look again from the new head */
    }
}

/* ---- the field ---------------------------------------------------------------- */
static const char **type_desc_field(pjx_object *o) {
    switch (o->type_id) {
    case PJX_TYPE_LIST: case PJX_TYPE_DEQUE: return &((pjx_list *)o)->type_desc;
    case PJX_TYPE_DICT: case PJX_TYPE_SET: return &((pjx_dict *)o)->type_desc;
    default: return NULL;
    }
}

const char *pjx_type_desc(pjx_object *o) {
    const char **field = o == NULL ? NULL : type_desc_field(o);
    return field == NULL ? NULL : __atomic_load_n(field, __ATOMIC_ACQUIRE);
}

const char *pjx_list_item_desc(pjx_list *l) {
    const char *d = pjx_type_desc(&l->ob);
    return d == NULL ? NULL : d + 2;
}

const char *pjx_dict_key_desc(pjx_dict *d) {
    const char *t = pjx_type_desc(&d->ob);
    return t == NULL ? NULL : t + 2;
}

const char *pjx_dict_value_desc(pjx_dict *d) {
    const char *t = pjx_type_desc(&d->ob);
    if (t == NULL || !is_dict_desc(t[0])) return NULL;
    t += 2;
    pjx_descriptor_skip(&t);
    return t;
}

/* Does a container of this type hold objects in some slots?  (Only those
 * need a type_desc: unboxed slots are checked by their kind.) */
static int holds_objects(pjx_object *o) {
    switch (o->type_id) {
    case PJX_TYPE_LIST: case PJX_TYPE_DEQUE: return ((pjx_list *)o)->kind == PJX_KIND_OBJ;
    case PJX_TYPE_DICT:
        return ((pjx_dict *)o)->key_kind == PJX_KIND_OBJ || ((pjx_dict *)o)->value_kind == PJX_KIND_OBJ;
    case PJX_TYPE_SET: return ((pjx_dict *)o)->key_kind == PJX_KIND_OBJ;
    default: return 0;
    }
}

/* ---- matching ------------------------------------------------------------------- */
static int object_matches(pjx_object *o, const char *d);

/* Does the slot (of `kind`) hold a value of descriptor d?  Scalars must
 * match the container's kind exactly: a List[int]'s items are unboxed. */
static int slot_matches(int32_t kind, pjx_slot v, const char *d) {
    if (kind == PJX_KIND_OBJ) return object_matches(v.o, d);
    return kind == desc_kind(d) && *d != 'a';
}

static int array_matches(pjx_object *o, const char *d) {
    if (o->type_id != PJX_TYPE_NDARRAY) return 0;
    pjx_ndarray *a = (pjx_ndarray *)o;
    d += 2; /* A[<dtype digit or *><ndim or *>] */
    if (*d != '*' && a->dtype != *d - '0') return 0;
    d++;
    return *d == '*' || a->ndim == strtol(d, NULL, 10);
}

static int object_matches(pjx_object *o, const char *d) {
    switch (*d) {
    case 'a': return 1;
    case 'o': return o == NULL || object_matches(o, d + 2);
    case 'u': /* a union: any of its members */
        for (const char *member = d + 2; *member && *member != ']'; pjx_descriptor_skip(&member))
            if (object_matches(o, member)) return 1;
        return 0;
    case 'n': return o == NULL;
    default: break;
    }
    if (o == NULL) return 0;
    switch (*d) {
    case 's': return o->type_id == PJX_TYPE_STR;
    case 'y': return o->type_id == PJX_TYPE_BYTES;
    case 'i': return o->type_id == PJX_TYPE_INT;
    case 'f': return o->type_id == PJX_TYPE_FLOAT;
    case 'b': return o->type_id == PJX_TYPE_BOOL;
    case 'A': return array_matches(o, d);
    case 'c':
        return o->type_id == PJX_TYPE_INSTANCE &&
               pjx_class_is_subclass(((pjx_instance *)o)->cls, strtoll(d + 2, NULL, 10));
    case 'l': case 'Q': {
        if (o->type_id != (*d == 'l' ? PJX_TYPE_LIST : PJX_TYPE_DEQUE)) return 0;
        pjx_list *l = (pjx_list *)o;
        if (l->kind != desc_kind(d + 2)) return 0;
        /* held typed already: as this type and no other (its items match) */
        const char *held = pjx_type_desc(o);
        if (held != NULL) return desc_equal(held, d);
        if (l->kind == PJX_KIND_OBJ && d[2] != 'a')
            for (int64_t i = 0; i < l->size; i++)
                if (!object_matches(l->items[i].o, d + 2)) return 0;
        return 1;
    }
    case 'e': case 'd': case 'K': case 'O': case 'D': {
        if (o->type_id != (*d == 'e' ? PJX_TYPE_SET : PJX_TYPE_DICT)) return 0;
        if (dict_flag(*d) && !(o->flags & dict_flag(*d))) return 0;
        pjx_dict *dict = (pjx_dict *)o;
        const char *kd = d + 2, *vd = kd;
        pjx_descriptor_skip(&vd);
        if (dict->key_kind != desc_kind(kd)) return 0;
        if (*d != 'e' && dict->value_kind != desc_kind(vd)) return 0;
        const char *held = pjx_type_desc(o);
        if (held != NULL) return desc_equal(held, d);
        int64_t pos = 0;
        pjx_slot k, v;
        while (pjx_dict_next(dict, &pos, &k, &v)) {
            if (!slot_matches(dict->key_kind, k, kd)) return 0;
            if (*d != 'e' && !slot_matches(dict->value_kind, v, vd)) return 0;
        }
        return 1;
    }
    case 't': case 'T': {
        if (o->type_id != PJX_TYPE_TUPLE) return 0;
        pjx_tuple *t = (pjx_tuple *)o;
        const char *item = d + 2;
        for (int64_t i = 0; i < t->size; i++) {
            if (*item == ']') return 0; /* more items than the type has */
            if (!slot_matches(PJX_TUPLE_KINDS(t)[i], t->items[i], item)) return 0;
            if (*d == 't') pjx_descriptor_skip(&item);
        }
        return *d == 'T' || *item == ']';
    }
    default: return 0;
    }
}

int pjx_desc_matches(pjx_object *o, const char *d) { return object_matches(o, d); }

/* ---- setting type_desc --------------------------------------------------------- */
/* Where a walk takes its descriptors from: `raw` as given, `kept` the
 * runtime's copy (made when first needed; the same string when `raw` is
 * one already). */
typedef struct desc_source {
    const char *raw;
    const char *kept;
} desc_source;

/* Sets the type_desc of o, a value of descriptor d (a pointer into
 * src->raw), where it is still NULL, looking through Optionals and into
 * tuples (which have no field: they cannot change).  deep: also the
 * containers inside a container that gets its type here (they may be
 * reachable from an Any already).  -1 with MemoryError. */
static int32_t walk(pjx_object *o, const char *d, desc_source *src, int deep) {
    if (o == NULL) return 0;
    switch (*d) {
    case 'o': return walk(o, d + 2, src, deep);
    case 'l': case 'd': case 'e': case 'K': case 'O': case 'D': case 'Q': {
        uint32_t type = *d == 'l' ? PJX_TYPE_LIST : *d == 'Q' ? PJX_TYPE_DEQUE
                      : *d == 'e' ? PJX_TYPE_SET : PJX_TYPE_DICT;
        if (o->type_id != type || !holds_objects(o)) return 0;
        const char **field = type_desc_field(o);
        if (__atomic_load_n(field, __ATOMIC_ACQUIRE) != NULL) return 0;
        if (src->kept == NULL && (src->kept = pjx_desc_keep(src->raw)) == NULL) return -1;
        const char *kept = src->kept + (d - src->raw), *expected = NULL;
        if (!__atomic_compare_exchange_n(field, &expected, kept, 0, __ATOMIC_ACQ_REL,
                                         __ATOMIC_ACQUIRE))
            return 0; /* another thread set it */
        if (!deep) return 0;
        if (*d == 'l' || *d == 'Q') {
            pjx_list *l = (pjx_list *)o;
            if (!desc_nests(d + 2)) return 0;
            for (int64_t i = 0; i < l->size; i++)
                if (walk(l->items[i].o, d + 2, src, 1) < 0) return -1;
            return 0;
        }
        pjx_dict *dict = (pjx_dict *)o;
        const char *kd = d + 2, *vd = kd;
        pjx_descriptor_skip(&vd);
        int keys = dict->key_kind == PJX_KIND_OBJ && desc_nests(kd);
        int values = *d != 'e' && dict->value_kind == PJX_KIND_OBJ && desc_nests(vd);
        int64_t pos = 0;
        pjx_slot k, v;
        while ((keys || values) && pjx_dict_next(dict, &pos, &k, &v)) {
            if (keys && walk(k.o, kd, src, 1) < 0) return -1;
            if (values && walk(v.o, vd, src, 1) < 0) return -1;
        }
        return 0;
    }
    case 't': case 'T': {
        if (o->type_id != PJX_TYPE_TUPLE) return 0;
        pjx_tuple *t = (pjx_tuple *)o;
        const char *item = d + 2;
        for (int64_t i = 0; i < t->size && *item != ']'; i++) {
            if (PJX_TUPLE_KINDS(t)[i] == PJX_KIND_OBJ && desc_nests(item) &&
                walk(t->items[i].o, item, src, deep) < 0)
                return -1;
            if (*d == 't') pjx_descriptor_skip(&item);
        }
        return 0;
    }
    default: return 0;
    }
}

void pjx_desc_adopt(pjx_object *o, const char *d) {
    if (d == NULL || o == NULL || !desc_nests(d)) return;
    desc_source src = {d, d};
    walk(o, d, &src, 0); /* (cannot fail: the descriptor is kept already) */
}

void pjx_desc_adopt_items(pjx_list *items, int64_t start, int64_t stop, const char *d) {
    if (d == NULL || items->kind != PJX_KIND_OBJ || !desc_nests(d)) return;
    for (int64_t i = start; i < stop && i < items->size; i++) pjx_desc_adopt(items->items[i].o, d);
}

void pjx_desc_fix(pjx_object *o, const char *d) {
    if (d == NULL || o == NULL || !desc_nests(d)) return;
    desc_source src = {d, d};
    walk(o, d, &src, 1);
}

int32_t pjx_desc_take(pjx_object *o, const char *desc) {
    if (o == NULL || !desc_nests(desc)) return 0;
    desc_source src = {desc, NULL};
    return walk(o, desc, &src, 1);
}

/* ---- messages ------------------------------------------------------------------ */
static const char *kind_name(int32_t kind) {
    switch (kind) {
    case PJX_KIND_INT: return "int";
    case PJX_KIND_FLOAT: return "float";
    case PJX_KIND_BOOL: return "bool";
    default: return "None";
    }
}

void pjx_describe(pjx_object *o, char *buf, size_t size) {
    if (o == NULL) {
        snprintf(buf, size, "None");
        return;
    }
    const char *held = pjx_type_desc(o);
    if (held != NULL) {
        pjx_descriptor_name(held, buf, size);
        return;
    }
    if (o->type_id == PJX_TYPE_LIST && ((pjx_list *)o)->kind != PJX_KIND_OBJ) {
        snprintf(buf, size, "List[%s]", kind_name(((pjx_list *)o)->kind));
        return;
    }
    if (o->type_id == PJX_TYPE_SET && ((pjx_dict *)o)->key_kind != PJX_KIND_OBJ) {
        snprintf(buf, size, "Set[%s]", kind_name(((pjx_dict *)o)->key_kind));
        return;
    }
    if (o->type_id == PJX_TYPE_DICT && !holds_objects(o)) {
        snprintf(buf, size, "Dict[%s, %s]", kind_name(((pjx_dict *)o)->key_kind),
                 kind_name(((pjx_dict *)o)->value_kind));
        return;
    }
    snprintf(buf, size, "%s", pjx_any_type_name(o));
}

int32_t pjx_desc_check(pjx_object *value, int32_t kind, const char *d, const char *what,
                       const char *noun) {
    if (kind != PJX_KIND_OBJ || d == NULL || *d == 'a' || object_matches(value, d)) return 0;
    char expected[200], got[200];
    pjx_descriptor_name(d, expected, sizeof expected);
    pjx_describe(value, got, sizeof got);
    pjx_err_format(PJX_EXC_TYPE, "%s holds %s %s, not %s", what, expected, noun, got);
    return -1;
}

/* ---- entry points --------------------------------------------------------------- */
int32_t pjx_any_box_container(pjx_object *o, const char *desc, pjx_object **out) {
    *out = NULL;
    if (o != NULL && pjx_type_desc(o) == NULL) { /* (else boxed before: nothing to do) */
        desc_source src = {desc, NULL};
        if (walk(o, desc, &src, 0) < 0) return -1;
    }
    pjx_incref(o);
    *out = o;
    return 0;
}

/* ---- tuples held as their static type ------------------------------------------ */
/* Compiled code reads a Tuple[float, int]'s items unboxed, by the kinds its
 * type says; a tuple from Python (or built as an Any) may hold the same
 * values boxed.  retype_tuple gives the tuple as the descriptor holds it:
 * the tuple itself (a new reference) where its kinds are those already,
 * else a copy with scalars unboxed (an int widened where a float stands,
 * as an int argument passes for a float parameter) and nested tuples
 * retyped.  NULL where it does not match (or without memory). */
static pjx_object *retype_tuple(pjx_object *o, const char *d);

static int retype_slot(int32_t kind, pjx_slot v, const char *d, int32_t *out_kind, pjx_slot *out) {
    if (*d == 'i' || *d == 'f' || *d == 'b') {
        if (kind == PJX_KIND_OBJ && v.o != NULL &&
            (v.o->type_id == PJX_TYPE_INT || v.o->type_id == PJX_TYPE_FLOAT ||
             v.o->type_id == PJX_TYPE_BOOL))
            pjx_any_unpack(v.o, &kind, &v); /* (an int past 64 bits stays an object: no match) */
        int32_t want = desc_kind(d);
        if (kind == PJX_KIND_INT && want == PJX_KIND_FLOAT) {
            v.f = (double)v.i;
            kind = PJX_KIND_FLOAT;
        }
        if (kind != want) return 0;
        *out_kind = kind;
        *out = v;
        return 1;
    }
    if (kind == PJX_KIND_OBJ && v.o != NULL && v.o->type_id == PJX_TYPE_TUPLE &&
        (*d == 't' || *d == 'T')) {
        pjx_object *t = retype_tuple(v.o, d);
        if (t == NULL) return 0;
        *out_kind = PJX_KIND_OBJ;
        out->o = t;
        return 1;
    }
    if (!slot_matches(kind, v, d)) return 0;
    if (kind == PJX_KIND_OBJ) pjx_incref(v.o);
    *out_kind = kind;
    *out = v;
    return 1;
}

static pjx_object *retype_tuple(pjx_object *o, const char *d) {
    if (o == NULL || o->type_id != PJX_TYPE_TUPLE || (*d != 't' && *d != 'T')) return NULL;
    pjx_tuple *t = (pjx_tuple *)o;
    pjx_tuple *copy = pjx_tuple_new(t->size);
    if (copy == NULL) return NULL;
    const char *item = d + 2;
    int changed = 0;
    for (int64_t i = 0; i < t->size; i++) {
        int32_t kind;
        pjx_slot v;
        if (*item == ']' || !retype_slot(PJX_TUPLE_KINDS(t)[i], t->items[i], item, &kind, &v)) {
            pjx_decref(copy); /* (its items set so far go with it) */
            return NULL;
        }
        changed |= kind != PJX_TUPLE_KINDS(t)[i] || v.bits != t->items[i].bits;
        pjx_tuple_set_steal(copy, i, kind, v);
        if (*d == 't') pjx_descriptor_skip(&item);
    }
    if (*d == 't' && *item != ']') {
        pjx_decref(copy);
        return NULL;
    }
    if (changed) return (pjx_object *)copy;
    pjx_decref(copy);
    pjx_incref(o);
    return o;
}

int32_t pjx_any_cast(pjx_object *a, const char *desc, pjx_object **out) {
    if (a != NULL && a->type_id == PJX_TYPE_TUPLE && (*desc == 't' || *desc == 'T' ||
                                                      (*desc == 'o' && (desc[2] == 't' || desc[2] == 'T')))) {
        pjx_object *held = retype_tuple(a, *desc == 'o' ? desc + 2 : desc);
        if (held != NULL) {
            if (pjx_desc_take(held, desc) < 0) {
                pjx_decref(held);
                return -1;
            }
            *out = held;
            return 0;
        }
    }
    if (!object_matches(a, desc)) {
        char expected[200], got[200];
        pjx_descriptor_name(desc, expected, sizeof expected);
        pjx_describe(a, got, sizeof got);
        pjx_err_format(PJX_EXC_TYPE, "expected %s, got %s", expected, got);
        return -1;
    }
    if (pjx_desc_take(a, desc) < 0) return -1;
    pjx_incref(a);
    *out = a;
    return 0;
}
