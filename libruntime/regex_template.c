/* Replacement templates of sub()/subn() and Match.expand(): "\1", "\g<2>",
 * "\g<name>", the escapes of re._parser.parse_template (\n, \t, ..., octal
 * \0 and \123), every other backslash kept as written.  Parsed as CPython
 * 3.11's re._parser.parse_template parses them, with its error messages
 * and positions (re.error, and IndexError for an unknown group name). */
#include "regex_internal.h"
#include "str_internal.h"
#include "pyjitx/format.h"

#include <stdio.h>
#include <string.h>

/* The template as characters (a str's code points, a bytes' bytes, as
 * re's Tokenizer reads bytes through latin-1), read a token at a time: one
 * character, or a backslash and the character after it. */
typedef struct tokenizer {
    const uint32_t *s;
    int64_t n;
    int64_t index;     /* after the current token */
    uint32_t next[2];
    int32_t next_len;  /* 0: at the end */
    int32_t is_bytes;
    const pjx_re_pattern *pattern;
} tokenizer;

/* re.error(msg, template, pos): "msg at position pos", and the line and
 * column when the template has several lines */
static void error_at(const tokenizer *t, const char *msg, int64_t pos) {
    int64_t line = 1, newlines = 0, last_newline = -1;
    for (int64_t i = 0; i < t->n; i++) {
        if (t->s[i] != '\n') continue;
        newlines++;
        if (i < pos) {
            line++;
            last_newline = i;
        }
    }
    char text[400];
    const char *m = msg;
    if (t->is_bytes) {
        /* msg.encode('ascii', 'backslashreplace') */
        int64_t k = 0;
        const unsigned char *p = (const unsigned char *)msg;
        while (*p && k < (int64_t)sizeof text - 12) {
            int len;
            uint32_t cp = *p < 0x80 ? *p : pjx_u8_decode(p, &len);
            len = pjx_u8_len(*p);
            if (cp < 0x80) text[k++] = (char)cp;
            else if (cp < 0x100) k += snprintf(text + k, 8, "\\x%02x", cp);
            else if (cp < 0x10000) k += snprintf(text + k, 8, "\\u%04x", cp);
            else k += snprintf(text + k, 12, "\\U%08x", cp);
            p += len;
        }
        text[k] = '\0';
        m = text;
    }
    if (newlines)
        pjx_re_error("%s at position %lld (line %lld, column %lld)", m, (long long)pos,
                     (long long)line, (long long)(pos - last_newline));
    else
        pjx_re_error("%s at position %lld", m, (long long)pos);
}

/* Tokenizer.__next: -1 on "bad escape (end of pattern)" */
static int32_t advance(tokenizer *t) {
    if (t->index >= t->n) {
        t->next_len = 0;
        return 0;
    }
    uint32_t c = t->s[t->index];
    if (c == '\\') {
        if (t->index + 1 >= t->n) {
            error_at(t, "bad escape (end of pattern)", t->n - 1);
            return -1;
        }
        t->next[0] = c;
        t->next[1] = t->s[t->index + 1];
        t->next_len = 2;
        t->index += 2;
        return 0;
    }
    t->next[0] = c;
    t->next_len = 1;
    t->index += 1;
    return 0;
}

static inline int64_t tell(const tokenizer *t) { return t->index - t->next_len; }

static inline int next_is(const tokenizer *t, uint32_t lo, uint32_t hi) {
    return t->next_len == 1 && t->next[0] >= lo && t->next[0] <= hi;
}

/* the pieces being built */
typedef struct builder {
    pjx_strbuf literal;
    int64_t nitems, capacity;
    re_template *out;
    int first;  /* the next finished literal is literal0 */
} builder;

static int32_t append_char(builder *b, const tokenizer *t, uint32_t c) {
    if (t->is_bytes) {
        char byte = (char)c;
        return pjx_strbuf_append(&b->literal, &byte, 1);
    }
    char utf8[4];
    return pjx_strbuf_append(&b->literal, utf8, pjx_u8_encode(c, utf8));
}

static pjx_object *take_literal(builder *b, const tokenizer *t) {
    pjx_object *o;
    if (t->is_bytes) {
        o = (pjx_object *)pjx_bytes_from_data(b->literal.data, b->literal.size);
        pjx_strbuf_release(&b->literal);
    } else {
        o = (pjx_object *)pjx_strbuf_finish(&b->literal);
    }
    pjx_strbuf_init(&b->literal);
    return o;
}

/* addgroup(index, pos) */
static int32_t add_group(builder *b, const tokenizer *t, int64_t index, int64_t offset) {
    if (index > t->pattern->groups) {
        char msg[64];
        snprintf(msg, sizeof msg, "invalid group reference %lld", (long long)index);
        error_at(t, msg, tell(t) - offset);
        return -1;
    }
    pjx_object *literal = take_literal(b, t);
    if (literal == NULL) return -1;
    if (b->first) {
        b->out->literal0 = literal;
        b->first = 0;
    } else {
        b->out->items[b->nitems - 1].literal = literal;
    }
    if (b->nitems == b->capacity) {
        int64_t capacity = b->capacity ? 2 * b->capacity : 4;
        void *grown = pjx_alloc(sizeof b->out->items[0] * (size_t)capacity);
        if (grown == NULL) return -1;
        if (b->nitems) memcpy(grown, b->out->items, sizeof b->out->items[0] * (size_t)b->nitems);
        pjx_free(b->out->items);
        b->out->items = grown;
        b->capacity = capacity;
    }
    b->out->items[b->nitems].group = index;
    b->out->items[b->nitems].literal = NULL;
    b->nitems++;
    b->out->nitems = b->nitems;
    return 0;
}

/* the name of \g<name> as a str (a bytes template's through latin-1) */
static pjx_str *name_string(const uint32_t *chars, int64_t n) {
    pjx_strbuf buf;
    pjx_strbuf_init(&buf);
    for (int64_t i = 0; i < n; i++) {
        char utf8[4];
        if (pjx_strbuf_append(&buf, utf8, pjx_u8_encode(chars[i], utf8)) < 0) {
            pjx_strbuf_release(&buf);
            return NULL;
        }
    }
    return pjx_strbuf_finish(&buf);
}

/* \g<name>: the group's number (-1 raised) */
static int64_t group_reference(tokenizer *t) {
    /* s.match("<") */
    if (!next_is(t, '<', '<')) {
        error_at(t, "missing <", tell(t));
        return -1;
    }
    if (advance(t) < 0) return -1;
    /* s.getuntil(">", "group name"): one token at a time, so an escaped
     * character is two characters of the name */
    int64_t start = tell(t), length = 0;
    for (;;) {
        int32_t len = t->next_len;
        uint32_t c0 = t->next[0];
        if (advance(t) < 0) return -1;
        if (len == 0) {
            if (length == 0) error_at(t, "missing group name", tell(t));
            else error_at(t, "missing >, unterminated name", tell(t) - length);
            return -1;
        }
        if (len == 1 && c0 == '>') {
            if (length == 0) {
                error_at(t, "missing group name", tell(t) - 1);
                return -1;
            }
            break;
        }
        length += len;
    }
    pjx_str *name = name_string(t->s + start, length);
    if (name == NULL) return -1;
    int64_t index = -1;
    if (pjx_str_isidentifier(name)) {
        pjx_slot value;
        int32_t found = pjx_dict_lookup(t->pattern->groupindex, (pjx_slot){.o = (pjx_object *)name},
                                        &value);
        if (found == 1) {
            index = value.i;
        } else if (found == 0) {
            pjx_str *r = pjx_str_repr(name);
            if (r != NULL) {
                pjx_err_format(PJX_EXC_INDEX, "unknown group name %s", r->data);
                pjx_decref(r);
            }
        }
        pjx_decref(name);
        return index;
    }
    /* int(name): Python's int() syntax (signs, spaces, underscores, any
     * Unicode digits); a negative number is no group number either */
    int64_t value;
    int32_t rc = pjx_str_to_int(name, 10, &value);
    if (rc < 0 && pjx_err_kind() == PJX_EXC_OVERFLOW) {
        pjx_err_clear();
        rc = 0;
        value = INT64_MAX; /* past MAXGROUPS */
    }
    if (rc < 0 || value < 0) {
        pjx_err_clear();
        pjx_str *r = pjx_str_repr(name);
        if (r != NULL) {
            char msg[300];
            snprintf(msg, sizeof msg, "bad character in group name %s", r->data);
            pjx_decref(r);
            error_at(t, msg, tell(t) - (length + 1));
        }
        pjx_decref(name);
        return -1;
    }
    pjx_decref(name);
    if (value >= 1073741823 /* MAXGROUPS */) {
        char msg[64];
        snprintf(msg, sizeof msg, "invalid group reference %lld", (long long)value);
        error_at(t, msg, tell(t) - (length + 1));
        return -1;
    }
    /* (addgroup's check: the caller's, with the same offset) */
    return value;
}

static int32_t parse(tokenizer *t, builder *b) {
    if (advance(t) < 0) return -1;
    for (;;) {
        if (t->next_len == 0) break;
        uint32_t this[4];
        int32_t this_len = t->next_len;
        this[0] = t->next[0];
        this[1] = t->next[1];
        if (advance(t) < 0) return -1;
        if (this_len == 1) {
            if (append_char(b, t, this[0]) < 0) return -1;
            continue;
        }
        uint32_t c = this[1];
        if (c == 'g') {
            int64_t start = tell(t) + 1; /* (after the "<") */
            int64_t index = group_reference(t);
            if (index < 0) return -1;
            /* addgroup(index, len(name) + 1): the offset back to the name */
            if (add_group(b, t, index, tell(t) - start) < 0) return -1;
        } else if (c == '0') {
            /* \0, \0o, \0oo: an octal byte */
            uint32_t v = 0;
            for (int k = 0; k < 2 && next_is(t, '0', '7'); k++) {
                v = v * 8 + (t->next[0] - '0');
                if (advance(t) < 0) return -1;
            }
            if (append_char(b, t, v & 0xff) < 0) return -1;
        } else if (c >= '0' && c <= '9') {
            /* \1 .. \99 a group; \ooo (three octal digits) a character */
            int64_t len = 2;
            int64_t number = c - '0';
            if (next_is(t, '0', '9')) {
                uint32_t d = t->next[0];
                if (advance(t) < 0) return -1;
                len = 3;
                number = number * 10 + (d - '0');
                if (c <= '7' && d <= '7' && next_is(t, '0', '7')) {
                    uint32_t e = t->next[0];
                    if (advance(t) < 0) return -1;
                    uint32_t v = (c - '0') * 64 + (d - '0') * 8 + (e - '0');
                    if (v > 0377) {
                        char msg[80];
                        snprintf(msg, sizeof msg, "octal escape value \\%c%c%c outside of range "
                                 "0-0o377", (char)c, (char)d, (char)e);
                        error_at(t, msg, tell(t) - 4);
                        return -1;
                    }
                    if (append_char(b, t, v) < 0) return -1;
                    continue;
                }
            }
            if (add_group(b, t, number, len - 1) < 0) return -1;
        } else {
            static const char escapes[] = "a\ab\bf\fn\nr\rt\tv\v\\\\";
            const char *e = c < 128 ? strchr(escapes, (int)c) : NULL;
            if (e != NULL && c != 0 && ((e - escapes) % 2) == 0) {
                if (append_char(b, t, (unsigned char)e[1]) < 0) return -1;
            } else if (c < 128 && ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')) {
                char msg[32];
                snprintf(msg, sizeof msg, "bad escape \\%c", (char)c);
                error_at(t, msg, tell(t) - 2);
                return -1;
            } else {
                /* kept as written, backslash included */
                if (append_char(b, t, '\\') < 0 || append_char(b, t, c) < 0) return -1;
            }
        }
    }
    pjx_object *literal = take_literal(b, t);
    if (literal == NULL) return -1;
    if (b->first) {
        b->out->literal0 = literal;
        b->first = 0;
    } else {
        b->out->items[b->nitems - 1].literal = literal;
    }
    return 0;
}

int32_t pjx_re_template_parse(const pjx_re_pattern *p, pjx_object *repl, re_template *out) {
    out->nitems = 0;
    out->literal0 = NULL;
    out->items = NULL;
    int is_bytes = repl->type_id == PJX_TYPE_BYTES;
    if (is_bytes != p->is_bytes) {
        /* CPython: the template parser's str/bytes join fails */
        pjx_err_format(PJX_EXC_TYPE, is_bytes ? "expected str instance, bytes found"
                                              : "expected a bytes-like object, str found");
        return -1;
    }
    const char *data = is_bytes ? ((pjx_bytes *)repl)->data : ((pjx_str *)repl)->data;
    int64_t size = is_bytes ? ((pjx_bytes *)repl)->size : ((pjx_str *)repl)->nbytes;
    if (memchr(data, '\\', (size_t)size) == NULL) {
        /* no backslash: the replacement is the literal itself */
        pjx_incref(repl);
        out->literal0 = repl;
        return 0;
    }
    int64_t n = is_bytes ? size : ((pjx_str *)repl)->length;
    uint32_t *chars = pjx_alloc(sizeof(uint32_t) * (size_t)(n + 1));
    if (chars == NULL) return -1;
    if (is_bytes) {
        for (int64_t i = 0; i < n; i++) chars[i] = (unsigned char)data[i];
    } else {
        const unsigned char *q = (const unsigned char *)data;
        for (int64_t i = 0; i < n; i++) {
            int len;
            chars[i] = pjx_u8_decode(q, &len);
            q += len;
        }
    }
    tokenizer t = {.s = chars, .n = n, .index = 0, .next_len = 0, .is_bytes = is_bytes, .pattern = p};
    builder b = {.nitems = 0, .capacity = 0, .out = out, .first = 1};
    pjx_strbuf_init(&b.literal);
    int32_t rc = parse(&t, &b);
    pjx_strbuf_release(&b.literal);
    pjx_free(chars);
    if (rc < 0) {
        pjx_re_template_fini(out);
        return -1;
    }
    return 0;
}

void pjx_re_template_fini(re_template *t) {
    pjx_decref(t->literal0);
    for (int64_t i = 0; i < t->nitems; i++) pjx_decref(t->items[i].literal);
    pjx_free(t->items);
    t->items = NULL;
    t->literal0 = NULL;
    t->nitems = 0;
}

static inline int32_t append_piece(pjx_strbuf *buf, pjx_object *o) {
    if (o == NULL) return 0;
    if (o->type_id == PJX_TYPE_STR) return pjx_strbuf_append(buf, ((pjx_str *)o)->data, ((pjx_str *)o)->nbytes);
    return pjx_strbuf_append(buf, ((pjx_bytes *)o)->data, ((pjx_bytes *)o)->size);
}

int32_t pjx_re_template_expand(const re_template *t, const char *data, const int64_t *spans,
                               pjx_strbuf *buf) {
    if (append_piece(buf, t->literal0) < 0) return -1;
    for (int64_t i = 0; i < t->nitems; i++) {
        int64_t g = t->items[i].group;
        int64_t b0 = spans[2 * g], b1 = spans[2 * g + 1];
        /* a group that did not take part adds nothing */
        if (b0 >= 0 && b1 > b0 && pjx_strbuf_append(buf, data + b0, b1 - b0) < 0) return -1;
        if (append_piece(buf, t->items[i].literal) < 0) return -1;
    }
    return 0;
}
