/* NDArray <-> numpy / torch through DLPack.
 *
 * In: `value.__dlpack__()` gives a capsule holding a DLManagedTensor; the
 * runtime array views its memory and calls the tensor's deleter when it
 * dies.  The deleter may release a numpy array, so it runs with the GIL
 * (compiled code drops references without holding it).  A read-only numpy
 * array cannot be exported through DLPack: it is copied, and the copy is
 * marked read-only so that writes raise as numpy's would.
 *
 * Out: an Exporter object holds the runtime array and offers it both as
 * numpy's `__array_struct__` (a C struct in a capsule: the fastest way in,
 * no numpy headers needed) and as `__dlpack__`/`__dlpack_device__`.  The
 * numpy array returned to Python is numpy.asarray(exporter): a writable
 * view whose base is the exporter (numpy 1.x marks arrays imported through
 * DLPack read-only, which a result must not be).  Torch and other DLPack
 * consumers take the numpy array, or the exporter, through DLPack. */
#include "_ndarray.h"

#include "_dlpack.h"

#include <string.h>

/* ---- dtypes --------------------------------------------------------------- */
static int dtype_from_dl(pjx_dl_dtype t) {
    if (t.lanes != 1) return -1;
    switch (t.code) {
    case PJX_DL_BOOL: return t.bits == 8 ? PJX_DT_BOOL : -1;
    case PJX_DL_UINT: return t.bits == 8 ? PJX_DT_UINT8 : -1;
    case PJX_DL_INT:
        return t.bits == 8 ? PJX_DT_INT8 : t.bits == 32 ? PJX_DT_INT32
             : t.bits == 64 ? PJX_DT_INT64 : -1;
    case PJX_DL_FLOAT:
        return t.bits == 16 ? PJX_DT_FLOAT16 : t.bits == 32 ? PJX_DT_FLOAT32
             : t.bits == 64 ? PJX_DT_FLOAT64 : -1;
    default: return -1;
    }
}

static pjx_dl_dtype dtype_to_dl(int dtype) {
    static const pjx_dl_dtype table[PJX_DT__COUNT] = {
        {PJX_DL_BOOL, 8, 1}, {PJX_DL_UINT, 8, 1}, {PJX_DL_INT, 8, 1}, {PJX_DL_INT, 32, 1},
        {PJX_DL_INT, 64, 1}, {PJX_DL_FLOAT, 16, 1}, {PJX_DL_FLOAT, 32, 1}, {PJX_DL_FLOAT, 64, 1}};
    return table[dtype];
}

/* ---- Python -> runtime ---------------------------------------------------- */
static void release_managed(void *owner) {
    pjx_dl_managed *managed = owner;
    if (managed->deleter == NULL) return;
    if (!Py_IsInitialized()) return; /* interpreter gone: leak rather than crash */
    PyGILState_STATE state = PyGILState_Ensure();
    managed->deleter(managed);
    PyGILState_Release(state);
}

static PyObject *dlpack_capsule(PyObject *value, int *readonly) {
    static PyObject *name = NULL;
    if (name == NULL && (name = PyUnicode_InternFromString("__dlpack__")) == NULL) return NULL;
    *readonly = 0;
    PyObject *capsule = PyObject_CallMethodNoArgs(value, name);
    if (capsule != NULL || !PyErr_ExceptionMatches(PyExc_BufferError)) return capsule;
    /* numpy refuses to export a read-only array: view a copy instead */
    PyErr_Clear();
    PyObject *copy = PyObject_CallMethod(value, "copy", NULL);
    if (copy == NULL) return NULL;
    capsule = PyObject_CallMethodNoArgs(copy, name);
    Py_DECREF(copy);
    *readonly = 1;
    return capsule;
}

static int parse_desc(const char *desc, int *dtype, int *ndim) {
    /* "A[<d><n>]": d a dtype digit or '*', n digits or '*' */
    const char *d = desc + 2;
    *dtype = *d == '*' ? -1 : *d - '0';
    d++;
    if (*d == '*') {
        *ndim = -1;
    } else {
        *ndim = 0;
        while (*d >= '0' && *d <= '9') *ndim = *ndim * 10 + (*d++ - '0');
    }
    return 0;
}

conversion pjx_ndarray_from_python(PyObject *value, const char *desc, pjx_slot *slot) {
    if (!PyObject_HasAttrString((PyObject *)Py_TYPE(value), "__dlpack__")) return MISMATCH;
    int want_dtype, want_ndim;
    parse_desc(desc, &want_dtype, &want_ndim);
    int readonly;
    PyObject *capsule = dlpack_capsule(value, &readonly);
    if (capsule == NULL) return FAILED;
    pjx_dl_managed *managed = PyCapsule_GetPointer(capsule, "dltensor");
    if (managed == NULL) {
        Py_DECREF(capsule);
        return FAILED;
    }
    pjx_dl_tensor *t = &managed->dl_tensor;
    int dtype = dtype_from_dl(t->dtype);
    if (t->device.device_type != PJX_DL_CPU) {
        Py_DECREF(capsule); /* still named "dltensor": its destructor frees the tensor */
        PyErr_SetString(PyExc_TypeError, "pyjitx: arrays must be in CPU memory");
        return FAILED;
    }
    if (dtype < 0) {
        Py_DECREF(capsule);
        PyErr_SetString(PyExc_TypeError, "pyjitx: unsupported array dtype (supported: bool, "
                        "uint8, int8, int32, int64, float16, float32, float64)");
        return FAILED;
    }
    if ((want_dtype >= 0 && dtype != want_dtype) || (want_ndim >= 0 && t->ndim != want_ndim)) {
        Py_DECREF(capsule);
        return MISMATCH;
    }
    pjx_ndarray *a = pjx_ndarray_foreign(dtype, t->ndim, t->shape, t->strides,
                                         (char *)t->data + t->byte_offset, managed,
                                         release_managed, readonly);
    if (a == NULL) {
        Py_DECREF(capsule);
        PyErr_SetString(PyExc_MemoryError, "pyjitx: cannot allocate an array header");
        return FAILED;
    }
    /* the runtime array owns the tensor now */
    if (PyCapsule_SetName(capsule, "used_dltensor") < 0) {
        managed->deleter = NULL; /* never run twice */
        pjx_decref(a);
        Py_DECREF(capsule);
        return FAILED;
    }
    Py_DECREF(capsule);
    slot->o = &a->ob;
    return CONVERTED;
}

/* ---- runtime -> Python ---------------------------------------------------- */
typedef struct {
    PyObject_HEAD
    pjx_ndarray *array; /* a reference */
} Exporter;

static void managed_delete(pjx_dl_managed *managed) {
    pjx_decref(managed->manager_ctx);
    PyMem_RawFree(managed);
}

static void capsule_destructor(PyObject *capsule) {
    /* an unconsumed capsule still owns its tensor */
    if (!PyCapsule_IsValid(capsule, "dltensor")) return;
    pjx_dl_managed *managed = PyCapsule_GetPointer(capsule, "dltensor");
    if (managed != NULL && managed->deleter != NULL) managed->deleter(managed);
}

static PyObject *exporter_dlpack(Exporter *self, PyObject *args, PyObject *kwargs) {
    (void)args;
    (void)kwargs; /* stream (CPU: none), max_version (we export the unversioned form) */
    pjx_dl_managed *managed = PyMem_RawMalloc(sizeof *managed);
    if (managed == NULL) return PyErr_NoMemory();
    pjx_ndarray *a = self->array;
    pjx_incref(a);
    managed->manager_ctx = a;
    managed->deleter = managed_delete;
    managed->dl_tensor.data = a->data;
    managed->dl_tensor.device.device_type = PJX_DL_CPU;
    managed->dl_tensor.device.device_id = 0;
    managed->dl_tensor.ndim = a->ndim;
    managed->dl_tensor.dtype = dtype_to_dl(a->dtype);
    managed->dl_tensor.shape = PJX_ND_SHAPE(a);
    managed->dl_tensor.strides = PJX_ND_STRIDES(a);
    managed->dl_tensor.byte_offset = 0;
    PyObject *capsule = PyCapsule_New(managed, "dltensor", capsule_destructor);
    if (capsule == NULL) managed_delete(managed);
    return capsule;
}

/* numpy's PyArrayInterface (the __array_struct__ protocol), as documented
 * in numpy's "array interface" page; declared here so that the bridge
 * builds without numpy's headers. */
typedef struct {
    int two;           /* always 2 */
    int nd;
    char typekind;     /* 'b' bool, 'i' signed, 'u' unsigned, 'f' float */
    int itemsize;
    int flags;
    Py_intptr_t *shape;
    Py_intptr_t *strides; /* in bytes */
    void *data;
    PyObject *descr;
} array_interface;

enum { NPY_C_CONTIGUOUS = 0x0001, NPY_ALIGNED = 0x0100, NPY_NOTSWAPPED = 0x0200,
       NPY_WRITEABLE = 0x0400 };

static void interface_free(PyObject *capsule) {
    PyMem_Free(PyCapsule_GetPointer(capsule, NULL));
}

static PyObject *exporter_struct(Exporter *self, void *closure) {
    (void)closure;
    static const char kinds[PJX_DT__COUNT] = {'b', 'u', 'i', 'i', 'i', 'f', 'f', 'f'};
    pjx_ndarray *a = self->array;
    /* the struct, then shape and strides in one block */
    array_interface *face = PyMem_Malloc(sizeof *face + 2 * (size_t)(a->ndim ? a->ndim : 1) *
                                         sizeof(Py_intptr_t));
    if (face == NULL) return PyErr_NoMemory();
    int64_t itemsize = pjx_dtype_itemsize(a->dtype);
    face->two = 2;
    face->nd = a->ndim;
    face->typekind = kinds[a->dtype];
    face->itemsize = (int)itemsize;
    face->flags = NPY_ALIGNED | NPY_NOTSWAPPED;
    if (!(a->ob.flags & PJX_ND_READONLY)) face->flags |= NPY_WRITEABLE;
    if (pjx_ndarray_is_c_contiguous(a)) face->flags |= NPY_C_CONTIGUOUS;
    face->shape = (Py_intptr_t *)(face + 1);
    face->strides = face->shape + a->ndim;
    for (int32_t i = 0; i < a->ndim; i++) {
        face->shape[i] = (Py_intptr_t)PJX_ND_SHAPE(a)[i];
        face->strides[i] = (Py_intptr_t)(PJX_ND_STRIDES(a)[i] * itemsize);
    }
    face->data = a->data;
    face->descr = NULL;
    PyObject *capsule = PyCapsule_New(face, NULL, interface_free);
    if (capsule == NULL) PyMem_Free(face);
    return capsule;
}

static PyGetSetDef exporter_getset[] = {
    {"__array_struct__", (getter)exporter_struct, NULL, "numpy's array interface (C)", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyObject *exporter_device(Exporter *self, PyObject *unused) {
    (void)self;
    (void)unused;
    return Py_BuildValue("(ii)", PJX_DL_CPU, 0);
}

static void exporter_dealloc(Exporter *self) {
    pjx_decref(self->array);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyMethodDef exporter_methods[] = {
    {"__dlpack__", (PyCFunction)(void (*)(void))exporter_dlpack, METH_VARARGS | METH_KEYWORDS,
     "A DLPack capsule viewing the array."},
    {"__dlpack_device__", (PyCFunction)exporter_device, METH_NOARGS, "(kDLCPU, 0)"},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject ExporterType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "pyjitx._ext.ArrayExporter",
    .tp_basicsize = sizeof(Exporter),
    .tp_dealloc = (destructor)exporter_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "A runtime NDArray offered to numpy/torch through DLPack.",
    .tp_methods = exporter_methods,
    .tp_getset = exporter_getset,
};

static PyObject *asarray; /* numpy.asarray, looked up on first use */

PyObject *pjx_ndarray_to_python(pjx_ndarray *a) {
    if (asarray == NULL) {
        PyObject *numpy = PyImport_ImportModule("numpy");
        if (numpy == NULL) return NULL;
        asarray = PyObject_GetAttrString(numpy, "asarray");
        Py_DECREF(numpy);
        if (asarray == NULL) return NULL;
    }
    Exporter *exporter = PyObject_New(Exporter, &ExporterType);
    if (exporter == NULL) return NULL;
    pjx_incref(a);
    exporter->array = a;
    PyObject *result = PyObject_CallOneArg(asarray, (PyObject *)exporter);
    Py_DECREF(exporter);
    return result;
}

int pjx_ndarray_bridge_init(PyObject *module) {
    if (PyType_Ready(&ExporterType) < 0) return -1;
    Py_INCREF(&ExporterType);
    if (PyModule_AddObject(module, "ArrayExporter", (PyObject *)&ExporterType) < 0) {
        Py_DECREF(&ExporterType);
        return -1;
    }
    return 0;
}
