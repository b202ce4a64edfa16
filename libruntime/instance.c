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
