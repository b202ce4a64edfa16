/* Messages of argument binding that depend on run-time values (a call with
 * `**mapping` whose keys decide which parameters are missing), worded as
 * CPython's ceval.c words them. */
#include "internal.h"

#include <stdio.h>

/* "f() missing 2 required positional arguments: 'a' and 'b'" (three or
 * more: "'a', 'b', and 'c'"); `names` is a list of str. */
pjx_str *pjx_missing_arguments_message(pjx_str *function, int64_t keyword_only, pjx_list *names) {
    pjx_strbuf b;
    pjx_strbuf_init(&b);
    char count[64];
    int64_t n = names->size;
    snprintf(count, sizeof count, "() missing %lld required %s argument%s: ", (long long)n,
             keyword_only ? "keyword-only" : "positional", n == 1 ? "" : "s");
    int32_t rc = pjx_strbuf_append(&b, function->data, function->nbytes);
    if (rc == 0) rc = pjx_strbuf_append_cstr(&b, count);
    for (int64_t i = 0; rc == 0 && i < n; i++) {
        pjx_str *name = (pjx_str *)names->items[i].o;
        if (i > 0) rc = pjx_strbuf_append_cstr(&b, n == 2 ? " and " : i == n - 1 ? ", and " : ", ");
        if (rc == 0) rc = pjx_strbuf_append_cstr(&b, "'");
        if (rc == 0) rc = pjx_strbuf_append(&b, name->data, name->nbytes);
        if (rc == 0) rc = pjx_strbuf_append_cstr(&b, "'");
    }
    if (rc < 0) {
        pjx_strbuf_release(&b);
        return NULL;
    }
    return pjx_strbuf_finish(&b);
}
