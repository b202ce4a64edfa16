/* json.dumps: an Any (or a typed container boxed as one) written as JSON
 * text with the output of CPython's json.encoder (JSONEncoder.iterencode:
 * indent, separators, sort_keys, ensure_ascii, allow_nan, skipkeys), its
 * ValueErrors and TypeErrors.
 *
 * Values are walked as (kind, slot) pairs, the way containers hold them,
 * so a List[int] or a Dict[str, float] is written without boxing. */
#include "internal.h"
#include "str_internal.h"
#include "pyjitx/any.h"
#include "pyjitx/containers.h"
#include "pyjitx/json.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    pjx_strbuf b;
    const char *indent; /* NULL: no indent */
    int64_t indent_len;
    const char *item_sep, *key_sep;
    int64_t item_sep_len, key_sep_len;
    int64_t flags;
    int64_t level;
    /* the containers being written, outermost first (CPython's markers:
     * "Circular reference detected") */
    pjx_object **open;
    int64_t n_open, cap_open;
} writer;

static int32_t put(writer *w, const char *text, int64_t n) { return pjx_strbuf_append(&w->b, text, n); }

static int32_t put_newline_indent(writer *w) {
    if (put(w, "\n", 1) < 0) return -1;
    for (int64_t k = 0; k < w->level; k++)
        if (put(w, w->indent, w->indent_len) < 0) return -1;
    return 0;
}

/* ---- scalars ------------------------------------------------------------- */
static int32_t put_int(writer *w, int64_t v) {
    char buffer[24];
    char *p = buffer + sizeof buffer;
    uint64_t m = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do { *--p = (char)('0' + m % 10); m /= 10; } while (m);
    if (v < 0) *--p = '-';
    return put(w, p, buffer + sizeof buffer - p);
}

/* floatstr: repr(float), or NaN/Infinity/-Infinity when allowed */
static int32_t put_float(writer *w, double v) {
    const char *special = isnan(v) ? "NaN" : isinf(v) ? (v > 0 ? "Infinity" : "-Infinity") : NULL;
    if (special != NULL) {
        if (!(w->flags & PJX_JSON_ALLOW_NAN)) {
            /* json.encoder's Python code (used for an indent) names the
             * value; 3.11's C encoder does not */
            if (w->indent != NULL || PJX_PY_AT_LEAST(3, 12))
                pjx_err_format(PJX_EXC_VALUE,
                               "Out of range float values are not JSON compliant: %s",
                               isnan(v) ? "nan" : v > 0 ? "inf" : "-inf");
            else
                pjx_err_set(PJX_EXC_VALUE, "Out of range float values are not JSON compliant");
            return -1;
        }
        return put(w, special, (int64_t)strlen(special));
    }
    return pjx_strbuf_append_steal(&w->b, pjx_float_repr(v));
}

static const char hex_digits[] = "0123456789abcdef";

static int32_t put_u_escape(writer *w, uint32_t c) {
    char e[6] = {'\\', 'u', hex_digits[(c >> 12) & 15], hex_digits[(c >> 8) & 15],
                 hex_digits[(c >> 4) & 15], hex_digits[c & 15]};
    return put(w, e, 6);
}

/* encode_basestring(_ascii): quotes, the short escapes, \u00XX for the
 * other control characters; with ensure_ascii every non-ASCII character
 * (and DEL) as \uXXXX, astral ones as a surrogate pair. */
static int32_t put_string(writer *w, const pjx_str *s) {
    const int ascii = (w->flags & PJX_JSON_ENSURE_ASCII) != 0;
    const unsigned char *p = (const unsigned char *)s->data, *end = p + s->nbytes;
    if (pjx_strbuf_reserve(&w->b, s->nbytes + 2) < 0 || put(w, "\"", 1) < 0) return -1;
    const unsigned char *run = p; /* characters copied as they are */
    while (p < end) {
        unsigned char c = *p;
        int plain = ascii ? (c >= 0x20 && c < 0x7F && c != '"' && c != '\\')
                          : (c >= 0x20 && c != '"' && c != '\\');
        if (plain) {
            p++;
            continue;
        }
        if (put(w, (const char *)run, p - run) < 0) return -1;
        int n = 1;
        uint32_t cp = c < 0x80 ? c : pjx_u8_decode(p, &n);
        p += n;
        run = p;
        const char *short_escape = NULL;
        switch (cp) {
        case '"': short_escape = "\\\""; break;
        case '\\': short_escape = "\\\\"; break;
        case '\n': short_escape = "\\n"; break;
        case '\r': short_escape = "\\r"; break;
        case '\t': short_escape = "\\t"; break;
        case '\b': short_escape = "\\b"; break;
        case '\f': short_escape = "\\f"; break;
        default: break;
        }
        int32_t rc;
        if (short_escape != NULL) {
            rc = put(w, short_escape, 2);
        } else if (cp >= 0x10000) {
            uint32_t v = cp - 0x10000;
            rc = put_u_escape(w, 0xD800 | (v >> 10));
            if (rc == 0) rc = put_u_escape(w, 0xDC00 | (v & 0x3FF));
        } else {
            rc = put_u_escape(w, cp);
        }
        if (rc < 0) return -1;
    }
    if (put(w, (const char *)run, p - run) < 0) return -1;
    return put(w, "\"", 1);
}

/* ---- containers ----------------------------------------------------------- */
static int32_t put_value(writer *w, int32_t kind, pjx_slot v);

static int32_t enter(writer *w, pjx_object *o) {
    for (int64_t k = 0; k < w->n_open; k++) {
        if (w->open[k] == o) {
            pjx_err_set(PJX_EXC_VALUE, "Circular reference detected");
            return -1;
        }
    }
    if (pjx_guard_enter(" while encoding a JSON object") < 0) return -1;
    if (w->n_open == w->cap_open) {
        int64_t cap = w->cap_open ? w->cap_open * 2 : 16;
        pjx_object **grown = pjx_alloc((size_t)cap * sizeof *grown);
        if (grown == NULL) {
            pjx_guard_leave();
            return -1;
        }
        if (w->n_open) memcpy(grown, w->open, (size_t)w->n_open * sizeof *grown);
        pjx_free(w->open);
        w->open = grown;
        w->cap_open = cap;
    }
    w->open[w->n_open++] = o;
    return 0;
}

static void leave(writer *w) {
    w->n_open--;
    pjx_guard_leave();
}

/* '[' (newline and indent) items separated (newline, indent) ']' */
static int32_t put_sequence(writer *w, pjx_object *o, int64_t size, const pjx_slot *items,
                            int32_t kind, const uint8_t *kinds) {
    if (size == 0) return put(w, "[]", 2);
    if (enter(w, o) < 0) return -1;
    int32_t rc = put(w, "[", 1);
    if (rc == 0 && w->indent != NULL) {
        w->level++;
        rc = put_newline_indent(w);
    }
    for (int64_t i = 0; rc == 0 && i < size; i++) {
        if (i > 0) {
            rc = put(w, w->item_sep, w->item_sep_len);
            if (rc == 0 && w->indent != NULL) rc = put_newline_indent(w);
            if (rc < 0) break;
        }
        rc = put_value(w, kinds ? kinds[i] : kind, items[i]);
    }
    if (rc == 0 && w->indent != NULL) {
        w->level--;
        rc = put_newline_indent(w);
    }
    if (rc == 0) rc = put(w, "]", 1);
    leave(w);
    return rc;
}

/* A key as JSON object keys are: str as is, float/int/bool/None as their
 * JSON text; 1 when it is skipped (skipkeys), -1 on error. */
static int32_t put_key(writer *w, int32_t kind, pjx_slot k) {
    if (kind == PJX_KIND_OBJ && k.o != NULL && k.o->type_id == PJX_TYPE_STR)
        return put_string(w, (pjx_str *)k.o);
    pjx_slot_unbox(&kind, &k);
    if (kind == PJX_KIND_OBJ && k.o == NULL) kind = PJX_KIND_NONE;
    writer text = *w; /* the key's text, then written as a string */
    pjx_strbuf_init(&text.b);
    int32_t rc;
    switch (kind) {
    case PJX_KIND_FLOAT: rc = put_float(&text, k.f); break;
    case PJX_KIND_BOOL: rc = k.i ? put(&text, "true", 4) : put(&text, "false", 5); break;
    case PJX_KIND_NONE: rc = put(&text, "null", 4); break;
    case PJX_KIND_INT: rc = put_int(&text, k.i); break;
    default:
        pjx_strbuf_release(&text.b);
        if (w->flags & PJX_JSON_SKIPKEYS) return 1;
        pjx_err_format(PJX_EXC_TYPE, "keys must be str, int, float, bool or None, not %s",
                       pjx_slot_type_name(kind, k));
        return -1;
    }
    if (rc == 0) rc = put(w, "\"", 1);
    if (rc == 0) rc = put(w, text.b.data, text.b.size); /* (ASCII: nothing to escape) */
    if (rc == 0) rc = put(w, "\"", 1);
    pjx_strbuf_release(&text.b);
    return rc;
}

static int32_t put_dict(writer *w, pjx_dict *d) {
    if (d->size == 0) return put(w, "{}", 2);
    pjx_list *keys = NULL;
    if (w->flags & PJX_JSON_SORT_KEYS) {
        /* sorted(d.items()): the keys are distinct, so by key; mixed key
         * types raise sort's TypeError */
        keys = pjx_dict_keys(d);
        if (keys == NULL) return -1;
        if (pjx_list_sort(keys, 0) < 0) {
            pjx_decref(keys);
            return -1;
        }
    }
    if (enter(w, (pjx_object *)d) < 0) {
        pjx_decref(keys);
        return -1;
    }
    int32_t rc = put(w, "{", 1);
    if (rc == 0 && w->indent != NULL) {
        w->level++;
        rc = put_newline_indent(w);
    }
    int first = 1;
    int64_t pos = 0, index = 0;
    for (;;) {
        if (rc < 0) break;
        pjx_slot k, v;
        if (keys != NULL) {
            if (index >= keys->size) break;
            k = keys->items[index++];
            if (pjx_dict_getitem(d, k, &v) < 0) {
                rc = -1;
                break;
            }
            pjx_slot_decref(d->value_kind, v); /* (still held by the dict) */
        } else if (!pjx_dict_next(d, &pos, &k, &v)) {
            break;
        }
        /* the key's text is checked before the separator goes out */
        int64_t mark = w->b.size;
        if (!first) {
            rc = put(w, w->item_sep, w->item_sep_len);
            if (rc == 0 && w->indent != NULL) rc = put_newline_indent(w);
            if (rc < 0) break;
        }
        rc = put_key(w, d->key_kind, k);
        if (rc == 1) { /* skipped */
            w->b.size = mark;
            rc = 0;
            continue;
        }
        first = 0;
        if (rc == 0) rc = put(w, w->key_sep, w->key_sep_len);
        if (rc == 0) rc = put_value(w, d->value_kind, v);
    }
    if (rc == 0 && w->indent != NULL) {
        w->level--;
        rc = put_newline_indent(w);
    }
    if (rc == 0) rc = put(w, "}", 1);
    leave(w);
    pjx_decref(keys);
    return rc;
}

static int32_t put_value(writer *w, int32_t kind, pjx_slot v) {
    pjx_slot_unbox(&kind, &v);
    switch (kind) {
    case PJX_KIND_INT: return put_int(w, v.i);
    case PJX_KIND_FLOAT: return put_float(w, v.f);
    case PJX_KIND_BOOL: return v.i ? put(w, "true", 4) : put(w, "false", 5);
    case PJX_KIND_NONE: return put(w, "null", 4);
    default: break;
    }
    pjx_object *o = v.o;
    if (o == NULL) return put(w, "null", 4);
    switch (o->type_id) {
    case PJX_TYPE_STR: return put_string(w, (pjx_str *)o);
    case PJX_TYPE_LIST: {
        pjx_list *l = (pjx_list *)o;
        return put_sequence(w, o, l->size, l->items, l->kind, NULL);
    }
    case PJX_TYPE_TUPLE: {
        pjx_tuple *t = (pjx_tuple *)o;
        return put_sequence(w, o, t->size, t->items, 0, PJX_TUPLE_KINDS(t));
    }
    case PJX_TYPE_DICT: return put_dict(w, (pjx_dict *)o);
    default:
        pjx_err_format(PJX_EXC_TYPE, "Object of type %s is not JSON serializable",
                       pjx_any_type_name(o));
        return -1;
    }
}

/* ---- options --------------------------------------------------------------- */
/* JSONEncoder.__init__: an int indent is that many spaces (none below 0),
 * a str is itself */
static int32_t take_indent(writer *w, pjx_object *indent, pjx_strbuf *spaces) {
    if (indent == NULL) return 0;
    int32_t kind = PJX_KIND_OBJ;
    pjx_slot v = {.o = indent};
    pjx_slot_unbox(&kind, &v);
    if (kind == PJX_KIND_INT || kind == PJX_KIND_BOOL) {
        for (int64_t k = 0; k < v.i; k++)
            if (pjx_strbuf_append(spaces, " ", 1) < 0) return -1;
        w->indent = spaces->data;
        w->indent_len = spaces->size;
        return 0;
    }
    if (kind == PJX_KIND_OBJ && indent->type_id == PJX_TYPE_STR) {
        w->indent = ((pjx_str *)indent)->data;
        w->indent_len = ((pjx_str *)indent)->nbytes;
        return 0;
    }
    pjx_err_format(PJX_EXC_TYPE, "can't multiply sequence by non-int of type '%s'",
                   pjx_any_type_name(indent));
    return -1;
}

static int32_t take_separators(writer *w, pjx_object *separators) {
    if (separators == NULL) {
        w->item_sep = w->indent != NULL ? "," : ", ";
        w->item_sep_len = (int64_t)strlen(w->item_sep);
        w->key_sep = ": ";
        w->key_sep_len = 2;
        return 0;
    }
    pjx_slot items[2];
    int32_t kinds[2];
    int64_t n;
    if (separators->type_id == PJX_TYPE_TUPLE) {
        pjx_tuple *t = (pjx_tuple *)separators;
        n = t->size;
        for (int64_t k = 0; k < n && k < 2; k++) {
            items[k] = t->items[k];
            kinds[k] = PJX_TUPLE_KINDS(t)[k];
        }
    } else if (separators->type_id == PJX_TYPE_LIST) {
        pjx_list *l = (pjx_list *)separators;
        n = l->size;
        for (int64_t k = 0; k < n && k < 2; k++) {
            items[k] = l->items[k];
            kinds[k] = l->kind;
        }
    } else {
        pjx_err_format(PJX_EXC_TYPE, "cannot unpack non-iterable %s object",
                       pjx_any_type_name(separators));
        return -1;
    }
    if (n != 2) {
        if (n > 2) pjx_err_set(PJX_EXC_VALUE, "too many values to unpack (expected 2)");
        else pjx_err_format(PJX_EXC_VALUE, "not enough values to unpack (expected 2, got %lld)",
                            (long long)n);
        return -1;
    }
    for (int k = 0; k < 2; k++) {
        if (kinds[k] != PJX_KIND_OBJ || items[k].o == NULL || items[k].o->type_id != PJX_TYPE_STR) {
            pjx_err_format(PJX_EXC_TYPE, "json.dumps() separators must be str, not %s",
                           pjx_slot_type_name(kinds[k], items[k]));
            return -1;
        }
    }
    w->item_sep = ((pjx_str *)items[0].o)->data;
    w->item_sep_len = ((pjx_str *)items[0].o)->nbytes;
    w->key_sep = ((pjx_str *)items[1].o)->data;
    w->key_sep_len = ((pjx_str *)items[1].o)->nbytes;
    return 0;
}

pjx_str *pjx_json_dumps(pjx_object *value, pjx_object *indent, pjx_object *separators,
                        int64_t flags) {
    writer w;
    memset(&w, 0, sizeof w);
    pjx_strbuf_init(&w.b);
    w.flags = flags;
    pjx_strbuf spaces;
    pjx_strbuf_init(&spaces);
    int32_t rc = take_indent(&w, indent, &spaces);
    if (rc == 0) rc = take_separators(&w, separators);
    if (rc == 0) {
        pjx_slot v = {.o = value};
        rc = put_value(&w, PJX_KIND_OBJ, v);
    }
    pjx_free(w.open);
    pjx_strbuf_release(&spaces);
    if (rc < 0) {
        pjx_strbuf_release(&w.b);
        return NULL;
    }
    return pjx_strbuf_finish(&w.b);
}
