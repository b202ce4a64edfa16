/* Module state: the slots in which compiled code keeps the module-level
 * names it declares `global` (pyjitx/frontend/module_state.py).  A call
 * from Python copies the module's value into each slot before it runs
 * (state_write) and the slot's value back out after it (state_read, or
 * state_write_back for a container changed in place). */
#include "_convert.h"
#include "_state.h"

/* state_write(slot_address, flag_address, descriptor, name, value) ->
 * int: the value converted into the slot (the old value released); the
 * result identifies the runtime object now in the slot (0 for scalars),
 * for state_write_back. */
static PyObject *state_write(PyObject *module, PyObject *args) {
    unsigned long long slot_address, flag_address;
    const char *desc, *name;
    PyObject *value;
    if (!PyArg_ParseTuple(args, "KKssO", &slot_address, &flag_address, &desc, &name, &value))
        return NULL;
    pjx_slot *slot = (pjx_slot *)(uintptr_t)slot_address;
    uint8_t *flag = (uint8_t *)(uintptr_t)flag_address;
    pjx_slot converted;
    const char *d = desc;
    pjx_identity id; /* shared objects stay shared; a cycle is refused */
    pjx_identity_init(&id, 1);
    conversion c = pjx_from_python_in(value, &d, &converted, &id, 0);
    pjx_identity_release(&id);
    if (c == FAILED) return NULL;
    if (c == MISMATCH) {
        char expected[256];
        pjx_descriptor_name(desc, expected, sizeof expected);
        PyErr_Format(PyExc_TypeError, "global '%s' must be %s for compiled code, not %s", name,
                     expected, Py_TYPE(value)->tp_name);
        return NULL;
    }
    int object = pjx_descriptor_kind(desc) == PJX_KIND_OBJ;
    pjx_slot old = *slot;
    *slot = converted;
    if (object && *flag) pjx_decref(old.o);
    *flag = 1;
    return PyLong_FromUnsignedLongLong(object ? (unsigned long long)(uintptr_t)converted.o : 0);
}

/* state_read(slot_address, descriptor) -> the slot's value as a Python object */
static PyObject *state_read(PyObject *module, PyObject *args) {
    unsigned long long slot_address;
    const char *desc;
    if (!PyArg_ParseTuple(args, "Ks", &slot_address, &desc)) return NULL;
    const char *d = desc;
    return pjx_to_python(*(pjx_slot *)(uintptr_t)slot_address, &d);
}

/* state_write_back(slot_address, descriptor, written, target) -> bool:
 * if the slot still holds the object state_write put there (`written`),
 * its contents go back into `target` (the module's object it came from)
 * in place, and the result is True; otherwise (compiled code bound the
 * name to another object) False, and the caller takes state_read's. */
static PyObject *state_write_back(PyObject *module, PyObject *args) {
    unsigned long long slot_address, written;
    const char *desc;
    PyObject *target;
    if (!PyArg_ParseTuple(args, "KKsO", &slot_address, &written, &desc, &target)) return NULL;
    pjx_slot slot = *(pjx_slot *)(uintptr_t)slot_address;
    if (written == 0 || (uintptr_t)slot.o != (uintptr_t)written) Py_RETURN_FALSE;
    /* (only a list, dict or set can be changed in place) */
    if (desc[0] != 'l' && desc[0] != 'd' && desc[0] != 'e') Py_RETURN_FALSE;
    if (pjx_write_back(target, slot, desc) < 0) return NULL;
    Py_RETURN_TRUE;
}

/* state_is_set(flag_address) -> bool */
static PyObject *state_is_set(PyObject *module, PyObject *arg) {
    unsigned long long flag_address = PyLong_AsUnsignedLongLong(arg);
    if (flag_address == (unsigned long long)-1 && PyErr_Occurred()) return NULL;
    return PyBool_FromLong(*(uint8_t *)(uintptr_t)flag_address != 0);
}

/* state_clear(slot_address, flag_address, descriptor): the slot lets go of
 * its value (after a call from Python: the module holds it now). */
static PyObject *state_clear(PyObject *module, PyObject *args) {
    unsigned long long slot_address, flag_address;
    const char *desc;
    if (!PyArg_ParseTuple(args, "KKs", &slot_address, &flag_address, &desc)) return NULL;
    pjx_slot *slot = (pjx_slot *)(uintptr_t)slot_address;
    uint8_t *flag = (uint8_t *)(uintptr_t)flag_address;
    if (*flag && pjx_descriptor_kind(desc) == PJX_KIND_OBJ) pjx_decref(slot->o);
    slot->bits = 0;
    *flag = 0;
    Py_RETURN_NONE;
}

PyMethodDef pjx_state_functions[] = {
    {"state_clear", state_clear, METH_VARARGS, "state_clear(slot, flag, descriptor)"},
    {"state_is_set", state_is_set, METH_O, "state_is_set(flag): has the slot a value?"},
    {"state_write", state_write, METH_VARARGS,
     "state_write(slot, flag, descriptor, name, value): the module's value into a slot"},
    {"state_read", state_read, METH_VARARGS, "state_read(slot, descriptor): a slot's value"},
    {"state_write_back", state_write_back, METH_VARARGS,
     "state_write_back(slot, descriptor, written, target): a changed container back in place"},
    {NULL, NULL, 0, NULL},
};
