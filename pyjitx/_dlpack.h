/* The DLPack ABI (https://dmlc.github.io/dlpack/latest/c_api.html), the
 * unversioned structs that `__dlpack__()` capsules named "dltensor" hold.
 * Only what the bridge reads and writes is declared. */
#ifndef PYJITX_DLPACK_H
#define PYJITX_DLPACK_H

#include <stdint.h>

enum { PJX_DL_CPU = 1 };
enum { PJX_DL_INT = 0, PJX_DL_UINT = 1, PJX_DL_FLOAT = 2, PJX_DL_BOOL = 6 };

typedef struct {
    int32_t device_type;
    int32_t device_id;
} pjx_dl_device;

typedef struct {
    uint8_t code;
    uint8_t bits;
    uint16_t lanes;
} pjx_dl_dtype;

typedef struct {
    void *data;
    pjx_dl_device device;
    int32_t ndim;
    pjx_dl_dtype dtype;
    int64_t *shape;
    int64_t *strides; /* in elements; NULL: C-contiguous */
    uint64_t byte_offset;
} pjx_dl_tensor;

typedef struct pjx_dl_managed {
    pjx_dl_tensor dl_tensor;
    void *manager_ctx;
    void (*deleter)(struct pjx_dl_managed *self);
} pjx_dl_managed;

#endif
