/* `Any` values (any.h): boxes for int/float/bool, and the operations that
 * compiled code calls when a static type is Any -- each dispatches on the
 * run-time type and otherwise reuses the typed runtime (str.c, list.c,
 * dict.c ...), so an Any operation gives exactly the typed one's result. */
#include "internal.h"

#include "any_internal.h"
#include "containers_internal.h"
#include "pyjitx/any.h"
#include "pyjitx/collections.h"
#include "pyjitx/containers.h"
#include "pyjitx/format.h"
#include "pyjitx/str.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- boxes ----------------------------------------------------------------- */
#define SMALL_MIN (-5)
#define SMALL_MAX 256
static pjx_box small_ints[SMALL_MAX - SMALL_MIN + 1];
static pjx_box true_box = {{-1, PJX_TYPE_BOOL, 0}, {.i = 1}};
static pjx_box false_box = {{-1, PJX_TYPE_BOOL, 0}, {.i = 0}};

static pjx_box *small_int(int64_t v) {
    pjx_box *b = &small_ints[v - SMALL_MIN];
    if (b->ob.type_id == 0) { /* benign race: every thread writes the same */
        b->value.i = v;
        b->ob.refcount = -1;
        __atomic_store_n(&b->ob.type_id, PJX_TYPE_INT, __ATOMIC_RELEASE);
    }
    return b;
}

static pjx_object *new_box(uint32_t type_id, pjx_slot v) {
    pjx_box *b = pjx_object_new_small(sizeof(pjx_box), type_id);
    if (b == NULL) return NULL;
    b->value = v;
    return &b->ob;
}

pjx_object *pjx_box_int(int64_t v) {
    if (v >= SMALL_MIN && v <= SMALL_MAX) return &small_int(v)->ob;
    return new_box(PJX_TYPE_INT, (pjx_slot){.i = v});
}

pjx_object *pjx_box_float(double v) { return new_box(PJX_TYPE_FLOAT, (pjx_slot){.f = v}); }

pjx_object *pjx_box_bool(int64_t v) { return v ? &true_box.ob : &false_box.ob; }

static int is_number(pjx_object *a) {
    return a != NULL && (a->type_id == PJX_TYPE_INT || a->type_id == PJX_TYPE_FLOAT ||
                         a->type_id == PJX_TYPE_BOOL);
}

void pjx_any_unpack(pjx_object *a, int32_t *kind, pjx_slot *slot) {
    if (a == NULL) {
        *kind = PJX_KIND_NONE;
        slot->i = 0;
        return;
    }
    switch (a->type_id) {
    case PJX_TYPE_INT: *kind = PJX_KIND_INT; *slot = ((pjx_box *)a)->value; return;
    case PJX_TYPE_FLOAT: *kind = PJX_KIND_FLOAT; *slot = ((pjx_box *)a)->value; return;
    case PJX_TYPE_BOOL: *kind = PJX_KIND_BOOL; *slot = ((pjx_box *)a)->value; return;
    default: *kind = PJX_KIND_OBJ; slot->o = a; return;
    }
}

int32_t pjx_any_pack(int32_t kind, pjx_slot v, pjx_object **out) {
    pjx_object *r;
    switch (kind) {
    case PJX_KIND_INT: r = pjx_box_int(v.i); break;
    case PJX_KIND_FLOAT: r = pjx_box_float(v.f); break;
    case PJX_KIND_BOOL: r = pjx_box_bool(v.i); break;
    case PJX_KIND_NONE: *out = NULL; return 0;
    default:
        pjx_incref(v.o);
        *out = v.o;
        return 0;
    }
    if (r == NULL) return -1;
    *out = r;
    return 0;
}

const char *pjx_any_type_name(pjx_object *a) {
    int32_t kind;
    pjx_slot v;
    pjx_any_unpack(a, &kind, &v);
    return pjx_slot_type_name(kind, v);
}

/* ---- unboxing ---------------------------------------------------------------- */
static int32_t wrong_type(const char *expected, pjx_object *a) {
    pjx_err_format(PJX_EXC_TYPE, "expected %s, got %s", expected, pjx_any_type_name(a));
    return -1;
}

int32_t pjx_any_to_int(pjx_object *a, int64_t *out) {
    if (a == NULL || (a->type_id != PJX_TYPE_INT && a->type_id != PJX_TYPE_BOOL))
        return wrong_type("int", a);
    *out = ((pjx_box *)a)->value.i;
    return 0;
}

int32_t pjx_any_to_float(pjx_object *a, double *out) {
    if (!is_number(a)) return wrong_type("float", a);
    pjx_box *b = (pjx_box *)a;
    *out = a->type_id == PJX_TYPE_FLOAT ? b->value.f : (double)b->value.i;
    return 0;
}

int32_t pjx_any_to_bool(pjx_object *a, int64_t *out) {
    if (a == NULL || a->type_id != PJX_TYPE_BOOL) return wrong_type("bool", a);
    *out = ((pjx_box *)a)->value.i;
    return 0;
}

/* ---- arithmetic ------------------------------------------------------------------ */
static const char *const op_symbols[] = {"+", "-", "*", "/", "//", "%", "** or pow()", "<<", ">>",
                                         "&", "|", "^"};

static int32_t unsupported(int32_t op, pjx_object *a, pjx_object *b) {
    pjx_err_format(PJX_EXC_TYPE, "unsupported operand type(s) for %s: '%s' and '%s'",
                   op_symbols[op], pjx_any_type_name(a), pjx_any_type_name(b));
    return -1;
}

static int32_t overflow(void) {
    pjx_err_set(PJX_EXC_OVERFLOW, "integer overflow: the result does not fit in a 64-bit pyjitx int");
    return -1;
}

static int32_t int_binary(int32_t op, int64_t x, int64_t y, pjx_object **out) {
    int64_t r;
    switch (op) {
    case PJX_ADD: if (__builtin_add_overflow(x, y, &r)) return overflow(); break;
    case PJX_SUB: if (__builtin_sub_overflow(x, y, &r)) return overflow(); break;
    case PJX_MUL: if (__builtin_mul_overflow(x, y, &r)) return overflow(); break;
    case PJX_TRUEDIV: {
        double f;
        if (pjx_int_truediv(x, y, &f) < 0) return -1;
        *out = pjx_box_float(f);
        return *out ? 0 : -1;
    }
    case PJX_FLOORDIV: case PJX_MOD: {
        if (y == 0) {
            pjx_err_set(PJX_EXC_ZERO_DIVISION, op == PJX_MOD && PJX_PY_AT_LEAST(3, 11)
                                                   ? "integer modulo by zero"
                                                   : "integer division or modulo by zero");
            return -1;
        }
        if (x == INT64_MIN && y == -1) {
            if (op == PJX_MOD) { r = 0; break; }
            return overflow();
        }
        int64_t q = x / y, m = x % y;
        if (m != 0 && ((m < 0) != (y < 0))) { q -= 1; m += y; }
        r = op == PJX_MOD ? m : q;
        break;
    }
    case PJX_POW:
        if (y < 0) {
            double f;
            if (pjx_float_pow((double)x, (double)y, &f) < 0) return -1;
            *out = pjx_box_float(f);
            return *out ? 0 : -1;
        }
        if (pjx_int_pow(x, y, &r) < 0) return -1;
        break;
    case PJX_LSHIFT: case PJX_RSHIFT:
        if (y < 0) {
            pjx_err_set(PJX_EXC_VALUE, "negative shift count");
            return -1;
        }
        if (op == PJX_RSHIFT) {
            r = y >= 64 ? (x < 0 ? -1 : 0) : x >> y;
        } else {
            if (x != 0 && (y >= 64 || (x > 0 ? x > (INT64_MAX >> y) : x < (INT64_MIN >> y))))
                return overflow();
            r = (int64_t)((uint64_t)x << (y >= 64 ? 0 : y));
        }
        break;
    case PJX_BITAND: r = x & y; break;
    case PJX_BITOR: r = x | y; break;
    default: r = x ^ y; break;
    }
    *out = pjx_box_int(r);
    return *out ? 0 : -1;
}

static int32_t float_binary(int32_t op, double x, double y, pjx_object **out) {
    double r;
    switch (op) {
    case PJX_ADD: r = x + y; break;
    case PJX_SUB: r = x - y; break;
    case PJX_MUL: r = x * y; break;
    case PJX_TRUEDIV:
        if (y == 0.0) {
            pjx_err_set(PJX_EXC_ZERO_DIVISION, "float division by zero");
            return -1;
        }
        r = x / y;
        break;
    case PJX_FLOORDIV: if (pjx_float_floordiv(x, y, &r) < 0) return -1; break;
    case PJX_MOD: if (pjx_float_mod(x, y, &r) < 0) return -1; break;
    case PJX_POW: if (pjx_float_pow(x, y, &r) < 0) return -1; break;
    default: return -2; /* not defined on floats */
    }
    *out = pjx_box_float(r);
    return *out ? 0 : -1;
}

/* a + b of two lists into r: r's items, read through an Any, keep the
 * item types of the lists they came from. */
static void adopt_concat_items(pjx_list *r, pjx_list *a, pjx_list *b) {
    pjx_desc_adopt_items(r, 0, a->size, pjx_list_item_desc(a));
    pjx_desc_adopt_items(r, a->size, r->size, pjx_list_item_desc(b));
}

static int32_t sequence_repeat(pjx_object *seq, int64_t n, pjx_object **out) {
    switch (seq->type_id) {
    case PJX_TYPE_STR: *out = (pjx_object *)pjx_str_repeat((pjx_str *)seq, n); break;
    case PJX_TYPE_BYTES: *out = (pjx_object *)pjx_bytes_repeat((pjx_bytes *)seq, n); break;
    case PJX_TYPE_LIST:
        *out = (pjx_object *)pjx_list_repeat((pjx_list *)seq, n);
        if (*out != NULL) /* the same items: read through an Any, they keep their types */
            pjx_desc_adopt_items((pjx_list *)*out, 0, INT64_MAX, pjx_list_item_desc((pjx_list *)seq));
        break;
    case PJX_TYPE_TUPLE: *out = (pjx_object *)pjx_tuple_repeat((pjx_tuple *)seq, n); break;
    default: return -2;
    }
    return *out ? 0 : -1;
}

int32_t pjx_any_binary(int32_t op, pjx_object *a, pjx_object *b, pjx_object **out) {
    if (is_number(a) && is_number(b)) {
        pjx_box *x = (pjx_box *)a, *y = (pjx_box *)b;
        int both_bool = a->type_id == PJX_TYPE_BOOL && b->type_id == PJX_TYPE_BOOL;
        if (both_bool && (op == PJX_BITAND || op == PJX_BITOR || op == PJX_BITXOR)) {
            int64_t r = op == PJX_BITAND ? (x->value.i & y->value.i)
                      : op == PJX_BITOR ? (x->value.i | y->value.i) : (x->value.i ^ y->value.i);
            *out = pjx_box_bool(r);
            return 0;
        }
        if (a->type_id != PJX_TYPE_FLOAT && b->type_id != PJX_TYPE_FLOAT)
            return int_binary(op, x->value.i, y->value.i, out);
        double fx = a->type_id == PJX_TYPE_FLOAT ? x->value.f : (double)x->value.i;
        double fy = b->type_id == PJX_TYPE_FLOAT ? y->value.f : (double)y->value.i;
        int32_t rc = float_binary(op, fx, fy, out);
        return rc == -2 ? unsupported(op, a, b) : rc;
    }
    if (a == NULL || b == NULL) return unsupported(op, a, b);
    if (op == PJX_ADD && a->type_id == b->type_id) {
        switch (a->type_id) {
        case PJX_TYPE_STR: *out = (pjx_object *)pjx_str_concat((pjx_str *)a, (pjx_str *)b); break;
        case PJX_TYPE_BYTES: *out = (pjx_object *)pjx_bytes_concat((pjx_bytes *)a, (pjx_bytes *)b); break;
        case PJX_TYPE_TUPLE: *out = (pjx_object *)pjx_tuple_concat((pjx_tuple *)a, (pjx_tuple *)b); break;
        case PJX_TYPE_LIST:
            if (((pjx_list *)a)->kind != ((pjx_list *)b)->kind) {
                /* a List[int] + List[Any]: items as Any */
                pjx_list *r = pjx_list_new(PJX_KIND_OBJ, ((pjx_list *)a)->size + ((pjx_list *)b)->size);
                if (r == NULL) return -1;
                for (int side = 0; side < 2; side++) {
                    pjx_list *l = (pjx_list *)(side ? b : a);
                    for (int64_t i = 0; i < l->size; i++) {
                        pjx_object *item;
                        if (pjx_any_pack(l->kind, l->items[i], &item) < 0 ||
                            pjx_list_append_steal(r, (pjx_slot){.o = item}) < 0) {
                            pjx_decref(r);
                            return -1;
                        }
                    }
                }
                adopt_concat_items(r, (pjx_list *)a, (pjx_list *)b);
                *out = &r->ob;
                return 0;
            }
            *out = (pjx_object *)pjx_list_concat((pjx_list *)a, (pjx_list *)b);
            if (*out != NULL) adopt_concat_items((pjx_list *)*out, (pjx_list *)a, (pjx_list *)b);
            break;
        default: return unsupported(op, a, b);
        }
        return *out ? 0 : -1;
    }
    if (op == PJX_MUL) {
        int a_int = a->type_id == PJX_TYPE_INT || a->type_id == PJX_TYPE_BOOL;
        int b_int = b->type_id == PJX_TYPE_INT || b->type_id == PJX_TYPE_BOOL;
        int32_t rc = -2;
        if (b_int) rc = sequence_repeat(a, ((pjx_box *)b)->value.i, out);
        else if (a_int) rc = sequence_repeat(b, ((pjx_box *)a)->value.i, out);
        if (rc != -2) return rc;
        pjx_object *seq = a, *other = b;
        if (seq->type_id != PJX_TYPE_STR && seq->type_id != PJX_TYPE_BYTES &&
            seq->type_id != PJX_TYPE_LIST && seq->type_id != PJX_TYPE_TUPLE) {
            seq = b;
            other = a;
        }
        if (seq->type_id == PJX_TYPE_STR || seq->type_id == PJX_TYPE_BYTES ||
            seq->type_id == PJX_TYPE_LIST || seq->type_id == PJX_TYPE_TUPLE) {
            pjx_err_format(PJX_EXC_TYPE, "can't multiply sequence by non-int of type '%s'",
                           pjx_any_type_name(other));
            return -1;
        }
    }
    if (op == PJX_MOD && a->type_id == PJX_TYPE_STR) {
        pjx_err_set(PJX_EXC_TYPE, "'%' formatting of an Any needs a literal template in compiled code");
        return -1;
    }
    return unsupported(op, a, b);
}

/* divmod(a, b) of two numbers in Anys: a tuple of two Anys, (a // b, a % b)
 * as CPython computes them, with divmod's own messages. */
int32_t pjx_any_divmod(pjx_object *a, pjx_object *b, pjx_object **out) {
    if (!is_number(a) || !is_number(b)) {
        pjx_err_format(PJX_EXC_TYPE, "unsupported operand type(s) for divmod(): '%s' and '%s'",
                       pjx_any_type_name(a), pjx_any_type_name(b));
        return -1;
    }
    pjx_box *x = (pjx_box *)a, *y = (pjx_box *)b;
    pjx_object *q = NULL, *r = NULL;
    if (a->type_id != PJX_TYPE_FLOAT && b->type_id != PJX_TYPE_FLOAT) {
        if (y->value.i == 0) {
            pjx_err_set(PJX_EXC_ZERO_DIVISION, "integer division or modulo by zero");
            return -1;
        }
        if (int_binary(PJX_FLOORDIV, x->value.i, y->value.i, &q) < 0) return -1;
        if (int_binary(PJX_MOD, x->value.i, y->value.i, &r) < 0) goto fail;
    } else {
        double fx = a->type_id == PJX_TYPE_FLOAT ? x->value.f : (double)x->value.i;
        double fy = b->type_id == PJX_TYPE_FLOAT ? y->value.f : (double)y->value.i;
        if (fy == 0.0) {
            pjx_err_set(PJX_EXC_ZERO_DIVISION, "float divmod()");
            return -1;
        }
        if (float_binary(PJX_FLOORDIV, fx, fy, &q) < 0) return -1;
        if (float_binary(PJX_MOD, fx, fy, &r) < 0) goto fail;
    }
    pjx_tuple *t = pjx_tuple_new(2);
    if (t == NULL) goto fail;
    pjx_tuple_set_steal(t, 0, PJX_KIND_OBJ, (pjx_slot){.o = q});
    pjx_tuple_set_steal(t, 1, PJX_KIND_OBJ, (pjx_slot){.o = r});
    *out = &t->ob;
    return 0;
fail:
    if (q != NULL) pjx_decref(q);
    if (r != NULL) pjx_decref(r);
    return -1;
}

int32_t pjx_any_unary(int32_t op, pjx_object *a, pjx_object **out) {
    static const char *const names[] = {"unary -", "unary +", "unary ~", "abs()"};
    if (is_number(a)) {
        pjx_box *x = (pjx_box *)a;
        if (op == 3) { /* abs(): of a float a float, of an int or a bool an int */
            if (a->type_id == PJX_TYPE_FLOAT) {
                *out = pjx_box_float(fabs(x->value.f));
                return *out ? 0 : -1;
            }
            op = x->value.i < 0 ? 0 : 1;
        }
        if (a->type_id == PJX_TYPE_FLOAT) {
            if (op == 2) goto bad;
            *out = pjx_box_float(op == 0 ? -x->value.f : x->value.f);
        } else if (op == 0) {
            if (x->value.i == INT64_MIN) return overflow();
            *out = pjx_box_int(-x->value.i);
        } else {
            *out = pjx_box_int(op == 1 ? x->value.i : ~x->value.i);
        }
        return *out ? 0 : -1;
    }
bad:
    pjx_err_format(PJX_EXC_TYPE, "bad operand type for %s: '%s'", names[op], pjx_any_type_name(a));
    return -1;
}

int32_t pjx_any_compare(int32_t op, pjx_object *a, pjx_object *b, int64_t *out) {
    int32_t ka, kb;
    pjx_slot va, vb;
    pjx_any_unpack(a, &ka, &va);
    pjx_any_unpack(b, &kb, &vb);
    if ((op == PJX_EQ || op == PJX_NE) && ka == PJX_KIND_OBJ && kb == PJX_KIND_OBJ &&
        va.o->type_id != vb.o->type_id) {
        *out = op == PJX_NE; /* different types: never equal */
        return 0;
    }
    return pjx_slot_richcompare_mixed(ka, va, kb, vb, op, out);
}

int32_t pjx_any_truthy(pjx_object *a, int64_t *out) {
    if (a == NULL) { *out = 0; return 0; }
    switch (a->type_id) {
    case PJX_TYPE_INT: case PJX_TYPE_BOOL: *out = ((pjx_box *)a)->value.i != 0; return 0;
    case PJX_TYPE_FLOAT: *out = ((pjx_box *)a)->value.f != 0.0; return 0;
    case PJX_TYPE_STR: *out = ((pjx_str *)a)->nbytes != 0; return 0;
    case PJX_TYPE_BYTES: *out = ((pjx_bytes *)a)->size != 0; return 0;
    case PJX_TYPE_LIST: case PJX_TYPE_DEQUE: *out = ((pjx_list *)a)->size != 0; return 0;
    case PJX_TYPE_TUPLE: *out = ((pjx_tuple *)a)->size != 0; return 0;
    case PJX_TYPE_DICT: case PJX_TYPE_SET: *out = ((pjx_dict *)a)->size != 0; return 0;
    default: *out = 1; return 0; /* instances: __bool__/__len__ need the static class */
    }
}

int32_t pjx_any_len(pjx_object *a, int64_t *out) {
    if (a != NULL) {
        switch (a->type_id) {
        case PJX_TYPE_STR: *out = ((pjx_str *)a)->length; return 0;
        case PJX_TYPE_BYTES: *out = ((pjx_bytes *)a)->size; return 0;
        case PJX_TYPE_LIST: case PJX_TYPE_DEQUE: *out = ((pjx_list *)a)->size; return 0;
        case PJX_TYPE_TUPLE: *out = ((pjx_tuple *)a)->size; return 0;
        case PJX_TYPE_DICT: case PJX_TYPE_SET: *out = ((pjx_dict *)a)->size; return 0;
        default: break;
        }
    }
    pjx_err_format(PJX_EXC_TYPE, "object of type '%s' has no len()", pjx_any_type_name(a));
    return -1;
}

int pjx_any_probe(pjx_object *value, int32_t kind, pjx_slot *out) {
    int32_t k;
    pjx_slot v;
    if (kind == PJX_KIND_OBJ) { /* an Any item: compared as itself (boxes unbox in ==) */
        out->o = value;
        return 1;
    }
    pjx_any_unpack(value, &k, &v);
    if (k == kind) { *out = v; return 1; }
    if (kind == PJX_KIND_FLOAT && (k == PJX_KIND_INT || k == PJX_KIND_BOOL)) {
        /* only ints that a double holds exactly can equal a float
         * (the bound keeps the cast back to int64 defined) */
        out->f = (double)v.i;
        return out->f < 9223372036854775808.0 && (int64_t)out->f == v.i;
    }
    if ((kind == PJX_KIND_INT || kind == PJX_KIND_BOOL) && (k == PJX_KIND_INT || k == PJX_KIND_BOOL)) {
        *out = v;
        return kind == PJX_KIND_INT || v.i == 0 || v.i == 1;
    }
    if ((kind == PJX_KIND_INT || kind == PJX_KIND_BOOL) && k == PJX_KIND_FLOAT &&
        v.f == floor(v.f) && v.f >= -9223372036854775808.0 && v.f < 9223372036854775808.0) {
        /* (every integral double in [-2**63, 2**63) is an int64 exactly) */
        out->i = (int64_t)v.f; /* 2.0 == 2, 1.0 == True */
        return kind == PJX_KIND_INT || out->i == 0 || out->i == 1;
    }
    return 0;
}

int32_t pjx_any_probe_key(pjx_object *value, int32_t kind, pjx_slot *out) {
    if (pjx_any_probe(value, kind, out)) return 1;
    if (value != NULL && value->type_id != PJX_TYPE_INT && value->type_id != PJX_TYPE_FLOAT &&
        value->type_id != PJX_TYPE_BOOL) {
        int64_t hash; /* Python hashes the key before it looks: [1] in {1: 2} raises */
        if (pjx_slot_hash(PJX_KIND_OBJ, (pjx_slot){.o = value}, &hash) < 0) return -1;
    }
    return 0;
}

static int32_t index_of(pjx_object *key, const char *what, int64_t *out) {
    if (key != NULL && (key->type_id == PJX_TYPE_INT || key->type_id == PJX_TYPE_BOOL)) {
        *out = ((pjx_box *)key)->value.i;
        return 0;
    }
    pjx_err_format(PJX_EXC_TYPE, "%s indices must be integers or slices, not %s", what,
                   pjx_any_type_name(key));
    return -1;
}

int32_t pjx_any_index(pjx_object *key, const char *what, int64_t *out) {
    return index_of(key, what, out);
}

int32_t pjx_any_key_error(pjx_object *key) {
    int32_t kind;
    pjx_slot v;
    pjx_any_unpack(key, &kind, &v);
    pjx_str *r = pjx_slot_repr(kind, v);
    if (r == NULL) return -1;
    pjx_err_set(PJX_EXC_KEY, r->data);
    pjx_decref(r);
    return -1;
}

int32_t pjx_any_getitem(pjx_object *a, pjx_object *key, pjx_object **out) {
    int64_t i;
    pjx_slot v;
    if (a != NULL) {
        switch (a->type_id) {
        case PJX_TYPE_LIST: {
            pjx_list *l = (pjx_list *)a;
            if (index_of(key, "list", &i) < 0 || pjx_list_get_borrowed(l, i, &v) < 0) return -1;
            if (pjx_any_pack(l->kind, v, out) < 0) return -1;
            pjx_desc_adopt(*out, pjx_list_item_desc(l));
            return 0;
        }
        case PJX_TYPE_DEQUE: {
            pjx_list *l = (pjx_list *)a;
            if (key == NULL || (key->type_id != PJX_TYPE_INT && key->type_id != PJX_TYPE_BOOL)) {
                pjx_err_format(PJX_EXC_TYPE, "sequence index must be integer, not '%s'",
                               pjx_any_type_name(key));
                return -1;
            }
            if (pjx_deque_get(l, ((pjx_box *)key)->value.i, &v) < 0) return -1;
            int32_t rc = pjx_any_pack(l->kind, v, out);
            pjx_slot_decref(l->kind, v);
            if (rc < 0) return -1;
            pjx_desc_adopt(*out, pjx_list_item_desc(l));
            return 0;
        }
        case PJX_TYPE_TUPLE: {
            pjx_tuple *t = (pjx_tuple *)a;
            if (index_of(key, "tuple", &i) < 0 || pjx_tuple_get_borrowed(t, i, &v) < 0) return -1;
            if (i < 0) i += t->size;
            return pjx_any_pack(PJX_TUPLE_KINDS(t)[i], v, out);
        }
        case PJX_TYPE_STR:
            if (index_of(key, "string", &i) < 0) return -1;
            *out = (pjx_object *)pjx_str_getitem((pjx_str *)a, i);
            return *out ? 0 : -1;
        case PJX_TYPE_BYTES: {
            int64_t byte;
            if (index_of(key, "byte", &i) < 0 || pjx_bytes_getitem((pjx_bytes *)a, i, &byte) < 0)
                return -1;
            *out = pjx_box_int(byte);
            return *out ? 0 : -1;
        }
        case PJX_TYPE_DICT: {
            pjx_dict *d = (pjx_dict *)a;
            pjx_slot k;
            int32_t found = pjx_any_probe_key(key, d->key_kind, &k);
            if (found > 0) found = pjx_dict_lookup(d, k, &v);
            if (found < 0) return -1;
            if (!found && (d->ob.flags & (PJX_DICT_COUNTER | PJX_DICT_DEFAULT))) {
                /* __missing__: a Counter's 0; a defaultdict stores its factory's value */
                if (d->ob.flags & PJX_DICT_COUNTER) {
                    *out = pjx_box_int(0);
                    return *out ? 0 : -1;
                }
                pjx_slot stored;
                if (pjx_any_to_slot(key, d->key_kind, "this dict", "keys", &k) < 0) return -1;
                int32_t rc = pjx_desc_check(key, d->key_kind, pjx_dict_key_desc(d), "this dict",
                                            "keys");
                if (rc == 0) rc = pjx_defaultdict_getitem(d, k, &stored);
                pjx_slot_decref(d->key_kind, k);
                if (rc < 0) return -1;
                rc = pjx_any_pack(d->value_kind, stored, out);
                pjx_slot_decref(d->value_kind, stored);
                return rc;
            }
            if (!found) return pjx_any_key_error(key);
            if (pjx_any_pack(d->value_kind, v, out) < 0) return -1;
            pjx_desc_adopt(*out, pjx_dict_value_desc(d));
            return 0;
        }
        default: break;
        }
    }
    pjx_err_format(PJX_EXC_TYPE, "'%s' object is not subscriptable", pjx_any_type_name(a));
    return -1;
}

int32_t pjx_any_to_slot(pjx_object *value, int32_t kind, const char *what, const char *noun,
                        pjx_slot *out) {
    int32_t k;
    pjx_slot v;
    pjx_any_unpack(value, &k, &v);
    if (kind == PJX_KIND_OBJ) { /* a List[Any] item: the Any itself */
        pjx_incref(value);
        out->o = value;
        return 0;
    }
    if (k == kind || (kind == PJX_KIND_INT && k == PJX_KIND_BOOL)) { *out = v; return 0; }
    if (kind == PJX_KIND_FLOAT && (k == PJX_KIND_INT || k == PJX_KIND_BOOL)) {
        out->f = (double)v.i;
        return 0;
    }
    char got[200];
    pjx_describe(value, got, sizeof got);
    pjx_err_format(PJX_EXC_TYPE, "%s holds %s %s, not %s", what,
                   kind == PJX_KIND_INT ? "int" : kind == PJX_KIND_FLOAT ? "float" :
                   kind == PJX_KIND_BOOL ? "bool" : "None", noun, got);
    return -1;
}

int32_t pjx_any_dict_store(pjx_dict *d, pjx_object *key, pjx_object *value) {
    pjx_slot k, v;
    const char *kd = pjx_dict_key_desc(d), *vd = pjx_dict_value_desc(d);
    if (pjx_desc_check(key, d->key_kind, kd, "this dict", "keys") < 0 ||
        pjx_desc_check(value, d->value_kind, vd, "this dict", "values") < 0 ||
        pjx_any_to_slot(key, d->key_kind, "this dict", "keys", &k) < 0)
        return -1;
    if (pjx_any_to_slot(value, d->value_kind, "this dict", "values", &v) < 0) {
        pjx_slot_decref(d->key_kind, k);
        return -1;
    }
    int32_t rc = pjx_dict_setitem(d, k, v);
    if (rc == 0) {
        pjx_desc_fix(key, kd);
        pjx_desc_fix(value, vd);
    }
    pjx_slot_decref(d->key_kind, k);
    pjx_slot_decref(d->value_kind, v);
    return rc;
}

int32_t pjx_any_setitem(pjx_object *a, pjx_object *key, pjx_object *value) {
    pjx_slot v;
    if (a != NULL && a->type_id == PJX_TYPE_LIST) {
        pjx_list *l = (pjx_list *)a;
        int64_t i;
        const char *item = pjx_list_item_desc(l);
        if (index_of(key, "list", &i) < 0 ||
            pjx_desc_check(value, l->kind, item, "this list", "values") < 0 ||
            pjx_any_to_slot(value, l->kind, "this list", "values", &v) < 0)
            return -1;
        int32_t rc = pjx_list_set(l, i, v);
        if (rc == 0) {
            pjx_list_note_store(l, v);
            pjx_desc_fix(value, item);
        }
        pjx_slot_decref(l->kind, v);
        return rc;
    }
    if (a != NULL && a->type_id == PJX_TYPE_DICT) {
        return pjx_any_dict_store((pjx_dict *)a, key, value);
    }
    pjx_err_format(PJX_EXC_TYPE, "'%s' object does not support item assignment",
                   pjx_any_type_name(a));
    return -1;
}

/* ---- slices and deletion ------------------------------------------------------ */
int32_t pjx_any_slice_index(pjx_object *a, int64_t *out) {
    if (a == NULL) {
        *out = PJX_NONE_INDEX;
        return 0;
    }
    if (a->type_id == PJX_TYPE_INT || a->type_id == PJX_TYPE_BOOL) {
        *out = ((pjx_box *)a)->value.i;
        return 0;
    }
    pjx_err_set(PJX_EXC_TYPE, "slice indices must be integers or None or have an __index__ method");
    return -1;
}

int32_t pjx_any_getslice(pjx_object *a, int64_t start, int64_t stop, int64_t step, pjx_object **out) {
    pjx_object *r = NULL;
    if (a != NULL) {
        switch (a->type_id) {
        case PJX_TYPE_STR: r = (pjx_object *)pjx_str_slice((pjx_str *)a, start, stop, step); break;
        case PJX_TYPE_BYTES: r = (pjx_object *)pjx_bytes_slice((pjx_bytes *)a, start, stop, step); break;
        case PJX_TYPE_LIST:
            r = (pjx_object *)pjx_list_slice((pjx_list *)a, start, stop, step);
            if (r != NULL) /* the same items: read through an Any, they keep their types */
                pjx_desc_adopt_items((pjx_list *)r, 0, INT64_MAX, pjx_list_item_desc((pjx_list *)a));
            break;
        case PJX_TYPE_TUPLE: r = (pjx_object *)pjx_tuple_slice((pjx_tuple *)a, start, stop, step); break;
        case PJX_TYPE_DICT: /* (pjx_any_getslice_objects looks it up) */
            pjx_err_set(PJX_EXC_TYPE, "unhashable type: 'slice'");
            return -1;
        default: goto not_subscriptable;
        }
        *out = r;
        return r ? 0 : -1;
    }
not_subscriptable:
    pjx_err_format(PJX_EXC_TYPE, "'%s' object is not subscriptable", pjx_any_type_name(a));
    return -1;
}

/* A dict looks the slice up as a key: unhashable before 3.12; since then
 * never a key of a runtime dict, so a KeyError naming the slice as Python
 * writes it (its bounds as given: False stays False), or the TypeError of
 * an unhashable bound. */
static int32_t dict_slice_key_error(pjx_object *const bounds[3]) {
    if (!PJX_PY_AT_LEAST(3, 12)) {
        pjx_err_set(PJX_EXC_TYPE, "unhashable type: 'slice'");
        return -1;
    }
    pjx_str *text[3] = {NULL, NULL, NULL};
    int64_t ignored;
    int ok = 1;
    for (int k = 0; k < 3 && ok; k++) {
        pjx_slot v = {.o = bounds[k]};
        ok = pjx_slot_hash(PJX_KIND_OBJ, v, &ignored) == 0 &&
             (text[k] = pjx_slot_repr(PJX_KIND_OBJ, v)) != NULL;
    }
    if (ok) pjx_err_format(PJX_EXC_KEY, "slice(%s, %s, %s)", text[0]->data, text[1]->data,
                           text[2]->data);
    for (int k = 0; k < 3; k++)
        if (text[k] != NULL) pjx_decref(text[k]);
    return -1;
}

int32_t pjx_any_getslice_objects(pjx_object *a, pjx_object *start, pjx_object *stop,
                                 pjx_object *step, pjx_object **out) {
    pjx_object *const bounds[3] = {start, stop, step};
    if (a != NULL && a->type_id == PJX_TYPE_DICT) return dict_slice_key_error(bounds);
    int64_t index[3] = {0, 0, 0};
    int sequence = a != NULL && (a->type_id == PJX_TYPE_STR || a->type_id == PJX_TYPE_BYTES ||
                                 a->type_id == PJX_TYPE_LIST || a->type_id == PJX_TYPE_TUPLE);
    /* (what is not subscriptable says so without reading the bounds) */
    for (int k = 0; k < 3 && sequence; k++)
        if (pjx_any_slice_index(bounds[k], &index[k]) < 0) return -1;
    return pjx_any_getslice(a, index[0], index[1], index[2], out);
}

int32_t pjx_any_setslice(pjx_object *a, int64_t start, int64_t stop, int64_t step, pjx_object *value) {
    if (a == NULL || a->type_id != PJX_TYPE_LIST) {
        pjx_err_format(PJX_EXC_TYPE, "'%s' object does not support item assignment",
                       pjx_any_type_name(a));
        return -1;
    }
    pjx_list *l = (pjx_list *)a;
    pjx_list *items;
    if (value != NULL && value->type_id == PJX_TYPE_LIST && ((pjx_list *)value)->kind == l->kind) {
        items = (pjx_list *)value; /* set_slice copes with value == l */
        pjx_incref(items);
    } else {
        if (!pjx_any_is_iterable(value)) {
            pjx_err_set(PJX_EXC_TYPE, step == PJX_NONE_INDEX || step == 1
                        ? "can only assign an iterable" : "must assign iterable to extended slice");
            return -1;
        }
        /* the items converted to the list's kind first: one that does not
         * fit raises TypeError before anything changes */
        pjx_list *any_items = pjx_any_items(value);
        if (any_items == NULL) return -1;
        items = any_items;
        if (l->kind != PJX_KIND_OBJ) {
            items = pjx_list_new(l->kind, any_items->size);
            for (int64_t i = 0; items != NULL && i < any_items->size; i++) {
                pjx_slot v;
                if (pjx_any_to_slot(any_items->items[i].o, l->kind, "this list", "values", &v) < 0) {
                    pjx_decref(items);
                    items = NULL;
                    break;
                }
                pjx_list_append_steal(items, v); /* (capacity reserved: cannot fail) */
            }
            pjx_decref(any_items);
            if (items == NULL) return -1;
        }
    }
    const char *item = pjx_list_item_desc(l);
    for (int64_t i = 0; i < items->size; i++) /* all checked before anything changes */
        if (pjx_desc_check(items->items[i].o, l->kind, item, "this list", "values") < 0) {
            pjx_decref(items);
            return -1;
        }
    int32_t rc = pjx_list_set_slice(l, start, stop, step, items);
    if (rc == 0)
        for (int64_t i = 0; i < items->size; i++) {
            pjx_list_note_store(l, items->items[i]);
            if (l->kind == PJX_KIND_OBJ) pjx_desc_fix(items->items[i].o, item);
        }
    pjx_decref(items);
    return rc;
}

int32_t pjx_any_delslice(pjx_object *a, int64_t start, int64_t stop, int64_t step) {
    if (a != NULL && a->type_id == PJX_TYPE_LIST)
        return pjx_list_del_slice((pjx_list *)a, start, stop, step);
    pjx_err_format(PJX_EXC_TYPE, "'%s' object does not support item deletion", pjx_any_type_name(a));
    return -1;
}

int32_t pjx_any_delitem(pjx_object *a, pjx_object *key) {
    if (a != NULL && a->type_id == PJX_TYPE_LIST) {
        int64_t i;
        if (index_of(key, "list", &i) < 0) return -1;
        return pjx_list_delitem((pjx_list *)a, i);
    }
    if (a != NULL && a->type_id == PJX_TYPE_DICT) {
        pjx_dict *d = (pjx_dict *)a;
        pjx_slot k;
        int32_t found = pjx_any_probe_key(key, d->key_kind, &k);
        if (found > 0) found = pjx_dict_lookup(d, k, NULL);
        if (found < 0) return -1;
        if (!found) return pjx_any_key_error(key); /* KeyError(key as given) */
        return pjx_dict_delitem(d, k);
    }
    pjx_err_format(PJX_EXC_TYPE, "'%s' object %s support item deletion", pjx_any_type_name(a),
                   a != NULL && (a->type_id == PJX_TYPE_STR || a->type_id == PJX_TYPE_TUPLE ||
                                 a->type_id == PJX_TYPE_BYTES) ? "doesn't" : "does not");
    return -1;
}

int32_t pjx_any_contains(pjx_object *a, pjx_object *item, int64_t *out) {
    int32_t k;
    pjx_slot v;
    pjx_any_unpack(item, &k, &v);
    if (a != NULL) {
        switch (a->type_id) {
        case PJX_TYPE_STR: case PJX_TYPE_BYTES:
            if (item == NULL || item->type_id != a->type_id) {
                pjx_err_format(PJX_EXC_TYPE, "'in <%s>' requires %s as left operand, not %s",
                               a->type_id == PJX_TYPE_STR ? "string" : "bytes",
                               a->type_id == PJX_TYPE_STR ? "string" : "a bytes-like object",
                               pjx_any_type_name(item));
                return -1;
            }
            *out = a->type_id == PJX_TYPE_STR ? pjx_str_contains((pjx_str *)a, (pjx_str *)item)
                                               : pjx_bytes_contains((pjx_bytes *)a, (pjx_bytes *)item);
            return 0;
        /* (the same object is found, a NaN's box too, as CPython's
         * containers find an item by identity before they compare) */
        case PJX_TYPE_LIST: case PJX_TYPE_DEQUE: {
            pjx_list *l = (pjx_list *)a;
            *out = 0;
            for (int64_t i = 0; i < l->size && !*out; i++)
                *out = (l->kind == PJX_KIND_OBJ && l->items[i].o == item) ||
                       pjx_slot_eq_mixed(l->kind, l->items[i], k, v);
            return 0;
        }
        case PJX_TYPE_TUPLE: {
            pjx_tuple *t = (pjx_tuple *)a;
            *out = 0;
            for (int64_t i = 0; i < t->size && !*out; i++)
                *out = (PJX_TUPLE_KINDS(t)[i] == PJX_KIND_OBJ && t->items[i].o == item) ||
                       pjx_slot_eq_mixed(PJX_TUPLE_KINDS(t)[i], t->items[i], k, v);
            return 0;
        }
        case PJX_TYPE_DICT: case PJX_TYPE_SET: {
            pjx_dict *d = (pjx_dict *)a;
            pjx_slot key;
            int32_t found = pjx_any_probe_key(item, d->key_kind, &key);
            if (found > 0) found = pjx_dict_lookup(d, key, NULL);
            if (found < 0) return -1;
            *out = found;
            return 0;
        }
        default: break;
        }
    }
    pjx_err_format(PJX_EXC_TYPE, "argument of type '%s' is not iterable", pjx_any_type_name(a));
    return -1;
}

pjx_list *pjx_any_items(pjx_object *a) {
    if (a != NULL) {
        pjx_list *r;
        switch (a->type_id) {
        case PJX_TYPE_LIST: case PJX_TYPE_TUPLE: case PJX_TYPE_DEQUE: {
            int is_list = a->type_id != PJX_TYPE_TUPLE;
            int64_t n = is_list ? ((pjx_list *)a)->size : ((pjx_tuple *)a)->size;
            r = pjx_list_new(PJX_KIND_OBJ, n);
            if (r == NULL) return NULL;
            for (int64_t i = 0; i < n; i++) {
                pjx_object *item;
                int32_t kind = is_list ? ((pjx_list *)a)->kind : PJX_TUPLE_KINDS((pjx_tuple *)a)[i];
                pjx_slot v = is_list ? ((pjx_list *)a)->items[i] : ((pjx_tuple *)a)->items[i];
                if (pjx_any_pack(kind, v, &item) < 0 ||
                    pjx_list_append_steal(r, (pjx_slot){.o = item}) < 0) goto fail;
            }
            if (is_list) /* read through an Any: they keep their types */
                pjx_desc_adopt_items(r, 0, n, pjx_list_item_desc((pjx_list *)a));
            return r;
        fail:
            pjx_decref(r);
            return NULL;
        }
        case PJX_TYPE_STR: {
            pjx_str *s = (pjx_str *)a;
            r = pjx_list_new(PJX_KIND_OBJ, s->length);
            if (r == NULL) return NULL;
            for (int64_t pos = 0; pos < s->nbytes;) {
                pjx_str *ch = pjx_str_char_at_byte(s, pos);
                if (ch == NULL) goto fail_str;
                pos += ch->nbytes;
                if (pjx_list_append_steal(r, (pjx_slot){.o = &ch->ob}) < 0) goto fail_str;
            }
            return r;
        fail_str:
            pjx_decref(r);
            return NULL;
        }
        case PJX_TYPE_BYTES: {
            pjx_bytes *b = (pjx_bytes *)a;
            r = pjx_list_new(PJX_KIND_OBJ, b->size);
            if (r == NULL) return NULL;
            for (int64_t i = 0; i < b->size; i++) {
                pjx_object *item = pjx_box_int((unsigned char)b->data[i]);
                if (item == NULL || pjx_list_append_steal(r, (pjx_slot){.o = item}) < 0) {
                    pjx_decref(r);
                    return NULL;
                }
            }
            return r;
        }
        case PJX_TYPE_DICT: case PJX_TYPE_SET: {
            pjx_dict *d = (pjx_dict *)a;
            r = pjx_list_new(PJX_KIND_OBJ, d->size);
            if (r == NULL) return NULL;
            int64_t pos = 0;
            pjx_slot k, v;
            while (pjx_dict_next(d, &pos, &k, &v)) {
                pjx_object *item;
                if (pjx_any_pack(d->key_kind, k, &item) < 0 ||
                    pjx_list_append_steal(r, (pjx_slot){.o = item}) < 0) {
                    pjx_decref(r);
                    return NULL;
                }
            }
            return r;
        }
        default: break;
        }
    }
    pjx_err_format(PJX_EXC_TYPE, "'%s' object is not iterable", pjx_any_type_name(a));
    return NULL;
}

int64_t pjx_any_isinstance(pjx_object *a, int64_t type_id, int64_t class_id) {
    if (type_id == PJX_TYPE_NONE_CHECK) return a == NULL;
    if (a == NULL) return 0;
    if (class_id != 0)
        return a->type_id == PJX_TYPE_INSTANCE &&
               pjx_class_is_subclass(((pjx_instance *)a)->cls, class_id);
    if (type_id == PJX_TYPE_INT) return a->type_id == PJX_TYPE_INT || a->type_id == PJX_TYPE_BOOL;
    if (type_id >= PJX_TYPE_COUNTER_CHECK && type_id <= PJX_TYPE_DEFAULTDICT_CHECK)
        return a->type_id == PJX_TYPE_DICT &&
               (a->flags & (1u << (type_id - PJX_TYPE_COUNTER_CHECK))) != 0;
    return (int64_t)a->type_id == type_id;
}

/* type(a) is T: exact, unlike isinstance (a bool is no int, an instance of
 * a subclass is not of its base); type ids and class ids as isinstance's. */
int64_t pjx_any_is_type(pjx_object *a, int64_t type_id, int64_t class_id) {
    if (type_id == PJX_TYPE_NONE_CHECK) return a == NULL;
    if (a == NULL) return 0;
    if (class_id != 0)
        return a->type_id == PJX_TYPE_INSTANCE && ((pjx_instance *)a)->cls->id == class_id;
    if (type_id >= PJX_TYPE_COUNTER_CHECK && type_id <= PJX_TYPE_DEFAULTDICT_CHECK)
        return a->type_id == PJX_TYPE_DICT &&
               a->flags == (1u << (type_id - PJX_TYPE_COUNTER_CHECK));
    if (type_id == PJX_TYPE_DICT && a->type_id == PJX_TYPE_DICT) return a->flags == 0;
    return (int64_t)a->type_id == type_id;
}

/* type(a) is type(b) */
int64_t pjx_any_same_type(pjx_object *a, pjx_object *b) {
    if (a == NULL || b == NULL) return a == b;
    if (a->type_id != b->type_id) return 0;
    if (a->type_id == PJX_TYPE_DICT) return a->flags == b->flags;
    if (a->type_id == PJX_TYPE_INSTANCE)
        return ((pjx_instance *)a)->cls->id == ((pjx_instance *)b)->cls->id;
    return 1;
}

int32_t pjx_any_int(pjx_object *a, int64_t *out) {
    if (a != NULL) {
        switch (a->type_id) {
        case PJX_TYPE_INT: case PJX_TYPE_BOOL: *out = ((pjx_box *)a)->value.i; return 0;
        case PJX_TYPE_FLOAT: return pjx_float_to_int(((pjx_box *)a)->value.f, out);
        case PJX_TYPE_STR: return pjx_str_to_int((pjx_str *)a, 10, out);
        default: break;
        }
    }
    pjx_err_format(PJX_EXC_TYPE, "int() argument must be a string, a bytes-like object or a "
                   "real number, not '%s'", pjx_any_type_name(a));
    return -1;
}

int32_t pjx_any_float(pjx_object *a, double *out) {
    if (a != NULL) {
        switch (a->type_id) {
        case PJX_TYPE_INT: case PJX_TYPE_BOOL: *out = (double)((pjx_box *)a)->value.i; return 0;
        case PJX_TYPE_FLOAT: *out = ((pjx_box *)a)->value.f; return 0;
        case PJX_TYPE_STR: return pjx_str_to_float((pjx_str *)a, out);
        default: break;
        }
    }
    pjx_err_format(PJX_EXC_TYPE, "float() argument must be a string or a real number, not '%s'",
                   pjx_any_type_name(a));
    return -1;
}

int32_t pjx_any_real(pjx_object *a, double *out) {
    if (a != NULL && is_number(a)) {
        *out = a->type_id == PJX_TYPE_FLOAT ? ((pjx_box *)a)->value.f
                                            : (double)((pjx_box *)a)->value.i;
        return 0;
    }
    pjx_err_format(PJX_EXC_TYPE, "must be real number, not %s", pjx_any_type_name(a));
    return -1;
}

int32_t pjx_any_as_index(pjx_object *a, int64_t *out) {
    if (a != NULL && (a->type_id == PJX_TYPE_INT || a->type_id == PJX_TYPE_BOOL)) {
        *out = ((pjx_box *)a)->value.i;
        return 0;
    }
    pjx_err_format(PJX_EXC_TYPE, "'%s' object cannot be interpreted as an integer",
                   pjx_any_type_name(a));
    return -1;
}

int32_t pjx_any_no_attribute(pjx_object *a, const char *name) {
    pjx_err_format(PJX_EXC_ATTRIBUTE, "'%s' object has no attribute '%s'", pjx_any_type_name(a), name);
    return -1;
}
