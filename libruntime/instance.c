/* Instances of compiled classes: allocation, deallocation by the class's
 * field kinds, subclass tests and the default repr.  Compiled code reads
 * and writes fields itself (object.h gives the layout); methods are
 * compiled functions reached directly or through the class's vtable. */
#include "internal.h"

#include <stdio.h>
#include <string.h>

pjx_instance *pjx_instance_new(const pjx_class *cls) {
    size_t size = sizeof(pjx_instance) + (size_t)cls->nfields * sizeof(pjx_slot);
    pjx_instance *self = pjx_object_new(size, PJX_TYPE_INSTANCE);
    if (self == NULL) return NULL;
    self->cls = cls;
    memset(self->fields, 0, (size_t)cls->nfields * sizeof(pjx_slot));
    return self;
}

void pjx_instance_dealloc(pjx_instance *self) {
    const pjx_class *cls = self->cls;
    for (int64_t i = 0; i < cls->nfields; i++) {
        if (cls->field_kinds[i] == PJX_KIND_OBJ) pjx_decref(self->fields[i].o);
    }
    pjx_free(self);
}

int64_t pjx_class_is_subclass(const pjx_class *cls, int64_t id) {
    for (; cls != NULL; cls = cls->base) {
        if (cls->id == id) return 1;
    }
    return 0;
}

void pjx_err_no_attribute(const pjx_instance *self, const char *name) {
    const char *qualname = strrchr(self->cls->name, '.');
    pjx_err_format(PJX_EXC_ATTRIBUTE, "'%s' object has no attribute '%s'",
                   qualname ? qualname + 1 : self->cls->name, name);
}

/* object.__repr__: <module.QualName object at 0x...>. */
pjx_str *pjx_instance_repr(const pjx_instance *self) {
    char buf[512];
    int n = snprintf(buf, sizeof buf, "<%s object at %p>", self->cls->name, (const void *)self);
    if (n < 0) n = 0;
    if (n >= (int)sizeof buf) n = (int)sizeof buf - 1;
    return pjx_str_from_utf8(buf, n);
}

/* ---- special methods the runtime calls (containers of instances) -------- */

static const char *short_name(const pjx_class *cls) {
    const char *dot = strrchr(cls->name, '.');
    return dot ? dot + 1 : cls->name;
}

int32_t pjx_instance_hash(pjx_instance *self, int64_t *out) {
    const pjx_class *cls = self->cls;
    if (cls->flags & PJX_CLASS_UNHASHABLE) {
        pjx_err_format(PJX_EXC_TYPE, "unhashable type: '%s'", short_name(cls));
        return -1;
    }
    if (cls->hooks.hash) {
        /* (a __hash__ may hash instances that hash ...: bounded as the
         * interpreter bounds Python frames) */
        if (pjx_guard_enter("") < 0) return -1;
        int32_t rc = cls->hooks.hash(self, out);
        pjx_guard_leave();
        return rc;
    }
    /* object.__hash__: the address, rotated as CPython does */
    uint64_t a = (uint64_t)(uintptr_t)self;
    int64_t h = (int64_t)((a >> 4) | (a << 60));
    *out = h == -1 ? -2 : h;
    return 0;
}

/* a == b: a's __eq__, else b's (reflected), else identity.  Containers'
 * equality cannot fail, so an exception raised by __eq__ counts as "not
 * equal" (docs/guide/semantics.md). */
static int64_t instance_eq(pjx_instance *a, pjx_instance *b) {
    int64_t result;
    for (int side = 0; side < 2; side++) {
        pjx_instance *self = side ? b : a, *other = side ? a : b;
        if (self->cls->hooks.eq == NULL) continue;
        int64_t failures = pjx_compare_failures();
        int32_t rc = self->cls->hooks.eq(self, other, &result);
        if (rc == 0) return result != 0;
        if (rc < 0) {
            /* the nesting bound's RecursionError goes on to the caller's
             * == (list.c); another exception means "not equal" */
            if (!pjx_compare_failed_since(failures)) pjx_err_clear();
            return 0;
        }
    }
    return 0;
}

int64_t pjx_instance_eq(pjx_instance *a, pjx_instance *b) {
    if (a == b) return 1;
    if (a->cls->hooks.eq == NULL && b->cls->hooks.eq == NULL) return 0;
    /* __eq__ may compare what holds these instances again (a child that
     * holds its parent): counted as containers' == are (list.c) */
    if (pjx_compare_enter() < 0) return 0;
    int64_t equal = instance_eq(a, b);
    pjx_guard_leave();
    return equal;
}

static int32_t instance_compare(pjx_instance *a, pjx_instance *b, int64_t *out);

int32_t pjx_instance_compare(pjx_instance *a, pjx_instance *b, int64_t *out) {
    if (a->cls->hooks.lt == NULL && b->cls->hooks.lt == NULL) return 1;
    if (pjx_compare_enter() < 0) return -1;
    int32_t rc = instance_compare(a, b, out);
    pjx_guard_leave();
    return rc;
}

static int32_t instance_compare(pjx_instance *a, pjx_instance *b, int64_t *out) {
    int64_t less;
    int32_t rc = 1;
    if (a->cls->hooks.lt) rc = a->cls->hooks.lt(a, b, &less);
    if (rc < 0) return -1;
    if (rc == 0 && less) {
        *out = -1;
        return 0;
    }
    int32_t rc2 = 1;
    if (b->cls->hooks.lt) rc2 = b->cls->hooks.lt(b, a, &less);
    if (rc2 < 0) return -1;
    if (rc2 == 0 && less) {
        *out = 1;
        return 0;
    }
    if (rc == 1 && rc2 == 1) return 1;
    *out = 0;
    return 0;
}
