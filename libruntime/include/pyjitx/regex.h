/* Regular expressions for compiled code: the `re` module's Pattern and
 * Match objects, built from programs that the compiler made with the
 * interpreter's own re parser (pyjitx/regex_program.py), and matched by
 * the runtime's engine with CPython's results (regex_engine.c).
 *
 * Ownership follows object.h: arguments are borrowed, object results are
 * new references.  A string argument is a str or a bytes object (any other
 * object is a TypeError, with CPython's message); positions are character
 * indices as in Python.  "Optional" results are NULL for None. */
#ifndef PYJITX_REGEX_H
#define PYJITX_REGEX_H

#include "pyjitx/object.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The layout of a compiled pattern's program (pyjitx/regex_program.py's
 * VERSION): part of the ABI hash, so a host refuses programs of another. */
#define PJX_RE_PROGRAM_VERSION 1u

typedef struct pjx_re_pattern {
    pjx_object ob;
    int64_t flags;         /* Pattern.flags */
    int64_t groups;        /* capturing groups, group 0 not counted */
    int32_t is_bytes;
    int32_t _pad;
    pjx_object *pattern;   /* the str or bytes it was compiled from */
    pjx_dict *groupindex;  /* Dict[str, int] of the named groups */
    pjx_str **indexgroup;  /* groups + 1 names (NULL: unnamed), for lastgroup */
    /* what the matcher may skip (regex_analyze.c): per code word, 0 or the
     * number (from 1) of a 256-bit set in `sets` -- the answers of a set op
     * for the characters below 256, or the characters an alternative of a
     * BRANCH can start with; `search_set`, the whole pattern's */
    uint32_t *aux;
    uint64_t (*sets)[4];
    int64_t search_set;
    int64_t codesize;
    uint32_t code[];       /* the program (regex_internal.h) */
} pjx_re_pattern;

typedef struct pjx_re_match {
    pjx_object ob;
    pjx_re_pattern *pattern;
    pjx_object *string;
    int64_t pos, endpos;
    int64_t lastindex;     /* -1: None */
    int64_t ngroups;       /* groups + 1 */
    /* 2 * ngroups character indices (start, end of each group; -1 where
     * the group did not take part), then the same as byte offsets */
    int64_t marks[];
} pjx_re_match;

/* A pattern from a program (the bytes pyjitx/regex_program.py makes), the
 * pattern text and the named groups; RuntimeError if the program is not
 * one this runtime runs. */
PJX_EXPORT pjx_re_pattern *pjx_re_compile(pjx_bytes *program, pjx_object *pattern,
                                          pjx_dict *groupindex);

#define PJX_RE_MATCH 0
#define PJX_RE_SEARCH 1
#define PJX_RE_FULLMATCH 2
/* Pattern.match/search/fullmatch(string, pos, endpos): a Match or NULL */
PJX_EXPORT int32_t pjx_re_run(pjx_re_pattern *p, pjx_object *string, int64_t pos,
                              int64_t endpos, int64_t mode, pjx_re_match **out);
/* Pattern.findall: a list of str/bytes (no group or one) or of tuples */
PJX_EXPORT pjx_list *pjx_re_findall(pjx_re_pattern *p, pjx_object *string, int64_t pos,
                                    int64_t endpos);
/* Pattern.finditer's matches, all of them (`limit` > 0: the first limit) */
PJX_EXPORT pjx_list *pjx_re_finditer(pjx_re_pattern *p, pjx_object *string, int64_t pos,
                                     int64_t endpos, int64_t limit);
/* Pattern.split: pieces and groups (None where a group did not take part) */
PJX_EXPORT pjx_list *pjx_re_split(pjx_re_pattern *p, pjx_object *string, int64_t maxsplit);
/* Pattern.sub/subn with a replacement string (a template: \1, \g<name>) */
PJX_EXPORT pjx_object *pjx_re_sub(pjx_re_pattern *p, pjx_object *repl, pjx_object *string,
                                  int64_t count);
PJX_EXPORT pjx_tuple *pjx_re_subn(pjx_re_pattern *p, pjx_object *repl, pjx_object *string,
                                  int64_t count);
/* The pieces of a sub() with a function: string[prev end:start] of each
 * match in `matches` and the tail, joined with `replacements` (one per
 * match, str or bytes) between them. */
PJX_EXPORT pjx_object *pjx_re_join_replacements(pjx_object *string, pjx_list *matches,
                                                pjx_list *replacements);
/* re.escape */
PJX_EXPORT pjx_object *pjx_re_escape(pjx_object *string);

/* Match objects.  A group is given by number; pjx_re_group_index turns a
 * name into one (IndexError "no such group" for an unknown name, as for a
 * number out of range). */
PJX_EXPORT int32_t pjx_re_group_index(pjx_re_match *m, pjx_str *name, int64_t *out);
/* a group given as an Any: an int or a str */
PJX_EXPORT int32_t pjx_re_any_group_index(pjx_re_match *m, pjx_object *group, int64_t *out);
/* pos (0) and endpos (1); string (0) and re (1), new references;
 * lastindex as an Any (a boxed int, NULL for None) */
PJX_EXPORT int64_t pjx_re_match_int(pjx_re_match *m, int64_t which);
PJX_EXPORT pjx_object *pjx_re_match_object(pjx_re_match *m, int64_t which);
PJX_EXPORT int32_t pjx_re_match_lastindex(pjx_re_match *m, pjx_object **out);
/* Pattern.pattern; Pattern.flags (0) and Pattern.groups (1) */
PJX_EXPORT pjx_object *pjx_re_pattern_text(pjx_re_pattern *p);
PJX_EXPORT int64_t pjx_re_pattern_int(pjx_re_pattern *p, int64_t which);
PJX_EXPORT int32_t pjx_re_match_group(pjx_re_match *m, int64_t group, pjx_object **out);
PJX_EXPORT int32_t pjx_re_match_start(pjx_re_match *m, int64_t group, int64_t *out);
PJX_EXPORT int32_t pjx_re_match_end(pjx_re_match *m, int64_t group, int64_t *out);
PJX_EXPORT pjx_tuple *pjx_re_match_span(pjx_re_match *m, int64_t group);
/* groups(default) and groupdict(default): `dflt` (borrowed, NULL: None)
 * stands for a group that did not take part */
PJX_EXPORT pjx_tuple *pjx_re_match_groups(pjx_re_match *m, pjx_object *dflt);
PJX_EXPORT pjx_dict *pjx_re_match_groupdict(pjx_re_match *m, pjx_object *dflt);
PJX_EXPORT pjx_object *pjx_re_match_expand(pjx_re_match *m, pjx_object *repl);
PJX_EXPORT int32_t pjx_re_match_lastgroup(pjx_re_match *m, pjx_object **out);
PJX_EXPORT pjx_tuple *pjx_re_match_regs(pjx_re_match *m);
PJX_EXPORT pjx_str *pjx_re_match_repr(pjx_re_match *m);
PJX_EXPORT pjx_str *pjx_re_pattern_repr(pjx_re_pattern *p);
PJX_EXPORT pjx_dict *pjx_re_pattern_groupindex(pjx_re_pattern *p);
PJX_EXPORT int64_t pjx_re_pattern_eq(pjx_re_pattern *a, pjx_re_pattern *b);
PJX_EXPORT int64_t pjx_re_pattern_hash(pjx_re_pattern *p);

/* re.error's exception kind (its parent is Exception) */
PJX_EXPORT int32_t pjx_re_error_kind(void);

#ifdef __cplusplus
}
#endif
#endif
