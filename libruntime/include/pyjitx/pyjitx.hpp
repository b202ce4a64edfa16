/* pyjitx.hpp: a header-only C++17 layer over the runtime's C ABI.
 *
 *   pyjitx::Value   owns one runtime value (int, float, bool, None, str,
 *                   bytes, list, dict, set, tuple, NDArray, compiled-class
 *                   objects): copy increfs, move steals, the destructor
 *                   decrefs.  Checked accessors throw pyjitx::Error.
 *   pyjitx::Error   a Python exception (its type name and message) raised
 *                   by the runtime, by a compiled entry point, or by a
 *                   checked accessor.
 *   pyjitx::call    calls an entry point declared in a `pyjitx build`
 *                   header with Values and returns a Value.
 *
 * The C ABI it wraps (runtime.h, object.h): arguments are borrowed, object
 * results are new references, failure is status -1 / NULL with the
 * exception pending in this thread's pjx_err_* state.  Every wrapper here
 * turns that pending exception into a thrown pyjitx::Error and clears it,
 * so the error state is clean after any catch.
 *
 * A Value holds what a container slot holds (object.h): a kind and an
 * 8-byte slot.  int, float, bool and None are unboxed; every other value is
 * an owned object pointer (never NULL: None is its own kind).  Boxed
 * scalars met in List[Any] and friends (any.h) are unboxed on the way in,
 * so a Value holding 3 is an int whatever container it came from.
 *
 * Threads: reference counts are atomic and the error state is per thread,
 * so Values may be copied, destroyed and passed to entry points from any
 * thread; a container must not be mutated while another thread uses it.
 *
 *   pyjitx::Session loads a directory that Pipeline.save wrote and runs it
 *                   (session.hpp, included at the end of this file).
 */
#ifndef PYJITX_PYJITX_HPP
#define PYJITX_PYJITX_HPP

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "pyjitx/any.h"
#include "pyjitx/containers.h"
#include "pyjitx/hash.h"
#include "pyjitx/ndarray.h"
#include "pyjitx/object.h"
#include "pyjitx/runtime.h"
#include "pyjitx/str.h"

/* ---- DLPack -----------------------------------------------------------------
 * The unversioned DLPack structs (https://dmlc.github.io/dlpack/latest/),
 * what torch.from_dlpack / np.from_dlpack consumers take.  The real
 * dlpack.h is used when it is on the include path; otherwise the part
 * needed here is declared under dlpack.h's own include guard, so including
 * dlpack.h afterwards is a no-op instead of a redefinition.  libtorch's
 * copy (ATen/dlpack.h) is taken where torch's headers are on the include
 * path, so that torch.hpp may come after this header. */
#if defined(__has_include)
#if __has_include(<dlpack/dlpack.h>)
#include <dlpack/dlpack.h>
#elif __has_include(<ATen/dlpack.h>) /* libtorch's copy, for <pyjitx/torch.hpp> */
#include <ATen/dlpack.h>
#endif
#endif
#ifndef DLPACK_DLPACK_H_
#define DLPACK_DLPACK_H_
extern "C" {
typedef enum {
    kDLCPU = 1,
    kDLCUDA = 2,
    kDLCUDAHost = 3,
    kDLOpenCL = 4,
    kDLVulkan = 7,
    kDLMetal = 8,
    kDLVPI = 9,
    kDLROCM = 10,
    kDLROCMHost = 11,
    kDLExtDev = 12,
    kDLCUDAManaged = 13,
    kDLOneAPI = 14,
} DLDeviceType;
typedef struct {
    DLDeviceType device_type;
    int32_t device_id;
} DLDevice;
typedef enum {
    kDLInt = 0U,
    kDLUInt = 1U,
    kDLFloat = 2U,
    kDLOpaqueHandle = 3U,
    kDLBfloat = 4U,
    kDLComplex = 5U,
    kDLBool = 6U,
} DLDataTypeCode;
typedef struct {
    uint8_t code;
    uint8_t bits;
    uint16_t lanes;
} DLDataType;
typedef struct {
    void *data;
    DLDevice device;
    int32_t ndim;
    DLDataType dtype;
    int64_t *shape;
    int64_t *strides; /* in elements; NULL means C-contiguous */
    uint64_t byte_offset;
} DLTensor;
typedef struct DLManagedTensor {
    DLTensor dl_tensor;
    void *manager_ctx;
    void (*deleter)(struct DLManagedTensor *self);
} DLManagedTensor;
}
#endif

namespace pyjitx {

/* ---- errors ---------------------------------------------------------------- */

/* A Python exception: type() is its class name ("ValueError"), message()
 * its str(); what() is "ValueError: message" as Python prints it. */
class Error : public std::runtime_error {
public:
    Error(std::string type, std::string message)
        : std::runtime_error(message.empty() ? type : type + ": " + message),
          type_(std::move(type)), message_(std::move(message)) {}
    const std::string &type() const noexcept { return type_; }
    const std::string &message() const noexcept { return message_; }

    /* Takes the exception pending in this thread's runtime error state (a
     * call just returned -1 / NULL) and clears it.  User-defined exception
     * classes carry the name "Exception": the runtime keeps no class names. */
    static Error take_pending() {
        int32_t kind = pjx_err_kind();
        if (kind == PJX_OK) {
            return Error("SystemError", "a runtime call failed without setting an exception");
        }
        // Copy both strings before clearing: the message dies with the error.
        std::string type = pjx_err_kind_name(kind);
        const char *message = pjx_err_message();
        std::string text = message ? message : "";
        pjx_err_clear();
        return Error(std::move(type), std::move(text));
    }

private:
    std::string type_;
    std::string message_;
};

namespace detail {
[[noreturn]] inline void throw_pending() { throw Error::take_pending(); }
inline void check(int32_t status) {
    if (status != 0) throw_pending();
}
template <class T> T *check(T *object) {
    if (object == nullptr) throw_pending();
    return object;
}
} // namespace detail

/* The Python type of a Value.  Object is a compiled-class instance (or an
 * exception object); NDArray is numpy-like. */
enum class Type { None, Bool, Int, Float, Str, Bytes, List, Dict, Set, Tuple, NDArray, Object };

/* The item kind of a runtime container (object.h's pjx_kind): a List[int]
 * stores unboxed ints (Kind::Int), a List[str] or List[Any] stores object
 * pointers (Kind::Object).  Compiled entry points trust the kind of what
 * they receive, so an EMPTY list passed as List[int] must be made with
 * Kind::Int (an inferred empty list is Kind::Object). */
enum class Kind : int32_t {
    Int = PJX_KIND_INT,
    Float = PJX_KIND_FLOAT,
    Bool = PJX_KIND_BOOL,
    None = PJX_KIND_NONE,
    Object = PJX_KIND_OBJ,
};

/* ---- Value ------------------------------------------------------------------ */

class Value {
public:
    /* None */
    Value() noexcept { slot_.bits = 0; }

    /* Implicit conversions from C++ scalars and strings, so that
     * Value::list({1, 2, 3}) and Value::dict({{"a", 1.5}}) read naturally.
     * bool gets an exactly-bool template: a plain Value(bool) constructor
     * would silently accept any pointer. */
    template <class T, std::enable_if_t<std::is_same_v<T, bool>, int> = 0>
    Value(T b) noexcept : kind_(PJX_KIND_BOOL) { slot_.i = b ? 1 : 0; }
    template <class T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool> &&
                                            !std::is_same_v<T, char>, int> = 0>
    Value(T i) noexcept : kind_(PJX_KIND_INT) { slot_.i = static_cast<int64_t>(i); }
    Value(double f) noexcept : kind_(PJX_KIND_FLOAT) { slot_.f = f; }
    Value(const char *s) : Value(str(s)) {}
    Value(const std::string &s) : Value(str(s)) {}
    Value(std::string_view s) : Value(str(s)) {}

    Value(const Value &other) noexcept : kind_(other.kind_), slot_(other.slot_) {
        pjx_slot_incref(kind_, slot_);
    }
    Value(Value &&other) noexcept : kind_(other.kind_), slot_(other.slot_) {
        other.kind_ = PJX_KIND_NONE; // the source is left None
        other.slot_.bits = 0;
    }
    Value &operator=(Value other) noexcept { // copy-and-swap: one decref of the old value
        std::swap(kind_, other.kind_);
        std::swap(slot_, other.slot_);
        return *this;
    }
    ~Value() { pjx_slot_decref(kind_, slot_); }

    /* ---- constructors by type ---- */
    static Value none() noexcept { return Value(); }
    static Value boolean(bool b) noexcept { return Value(b); }
    static Value integer(int64_t i) noexcept { return Value(i); }
    static Value floating(double f) noexcept { return Value(f); }

    /* A str from UTF-8, validated as Python's bytes.decode('utf-8') does:
     * invalid input throws Error("UnicodeDecodeError", CPython's message). */
    static Value str(std::string_view utf8) {
        pjx_bytes *raw = detail::check(pjx_bytes_from_data(utf8.data(), (int64_t)utf8.size()));
        pjx_str *s = pjx_bytes_decode(raw, nullptr, nullptr);
        pjx_decref(raw);
        return adopt(detail::check(s));
    }
    static Value bytes(std::string_view data) {
        return adopt(detail::check(pjx_bytes_from_data(data.data(), (int64_t)data.size())));
    }

    /* Containers.  Without a kind, the items' common kind is used (all
     * ints: a List[int]); mixed or object items give Kind::Object, where
     * scalars are boxed as a List[Any] holds them.  With a kind, every item
     * must fit it (an int fits Kind::Float) or Error("TypeError") is thrown. */
    static Value list(const std::vector<Value> &items) { return list(items, common_kind(items)); }
    static Value list(const std::vector<Value> &items, Kind kind) {
        Value l = adopt(detail::check(pjx_list_new((int32_t)kind, (int64_t)items.size())));
        for (const Value &item : items) {
            pjx_slot v = item.stored_as((int32_t)kind);
            if (pjx_list_append_steal(l.get<pjx_list>(), v) != 0) {
                pjx_slot_decref((int32_t)kind, v);
                detail::throw_pending();
            }
        }
        return l;
    }
    static Value tuple(const std::vector<Value> &items) {
        Value t = adopt(detail::check(pjx_tuple_new((int64_t)items.size())));
        for (size_t i = 0; i < items.size(); i++) {
            // A tuple keeps one kind per item: each item stays as it is.
            pjx_slot v = items[i].slot_;
            pjx_slot_incref(items[i].kind_, v);
            pjx_tuple_set_steal(t.get<pjx_tuple>(), (int64_t)i, items[i].kind_, v);
        }
        return t;
    }
    static Value set(const std::vector<Value> &items) { return set(items, common_kind(items)); }
    static Value set(const std::vector<Value> &items, Kind kind) {
        Value s = adopt(detail::check(pjx_set_new((int32_t)kind)));
        for (const Value &item : items) {
            Held key((int32_t)kind, item.stored_as((int32_t)kind));
            detail::check(pjx_set_add(s.get<pjx_dict>(), key.slot)); // TypeError: unhashable
        }
        return s;
    }
    using Items = std::vector<std::pair<Value, Value>>;
    static Value dict(const Items &items) {
        std::vector<Value> keys, values;
        for (const auto &kv : items) {
            keys.push_back(kv.first);
            values.push_back(kv.second);
        }
        return dict(items, common_kind(keys), common_kind(values));
    }
    static Value dict(const Items &items, Kind key_kind, Kind value_kind) {
        Value d = adopt(detail::check(pjx_dict_new((int32_t)key_kind, (int32_t)value_kind)));
        for (const auto &kv : items) {
            Held key((int32_t)key_kind, kv.first.stored_as((int32_t)key_kind));
            Held value((int32_t)value_kind, kv.second.stored_as((int32_t)value_kind));
            detail::check(pjx_dict_setitem(d.get<pjx_dict>(), key.slot, value.slot));
        }
        return d;
    }
    /* A zeroed C-contiguous NDArray (dtype: ndarray.h's PJX_DT_*). */
    static Value zeros(pjx_dtype dtype, const std::vector<int64_t> &shape) {
        return adopt(detail::check(pjx_ndarray_zeros(dtype, (int32_t)shape.size(), shape.data())));
    }
    /* An NDArray over a DLPack tensor's memory (CPU only), no copy: the
     * tensor's deleter runs when the last reference to the array dies.  On
     * failure the tensor is still the caller's. */
    static Value from_dlpack(DLManagedTensor *tensor);

    /* ---- the C ABI ----
     * adopt() takes over a NEW reference (an entry point's object result);
     * NULL is None (an Optional result) and a boxed scalar (an Any result)
     * becomes the scalar.  borrow() increfs instead. */
    template <class T> static Value adopt(T *object) noexcept {
        Value v;
        v.set_object(reinterpret_cast<pjx_object *>(object), /*owned=*/true);
        return v;
    }
    template <class T> static Value borrow(T *object) noexcept {
        Value v;
        v.set_object(reinterpret_cast<pjx_object *>(object), /*owned=*/false);
        return v;
    }
    /* A copy of a container slot of the given kind (a borrowed slot). */
    static Value from_slot(int32_t kind, pjx_slot slot) noexcept {
        if (kind == PJX_KIND_OBJ) return borrow(slot.o);
        Value v;
        v.kind_ = kind;
        v.slot_ = slot;
        return v;
    }
    /* The object as a BORROWED pointer for an entry point's argument, valid
     * while this Value lives; nullptr for None (an Optional argument).
     * int, float and bool are no objects: pass as_int() etc. instead. */
    pjx_object *borrow_ptr() const {
        if (kind_ == PJX_KIND_NONE) return nullptr;
        if (kind_ != PJX_KIND_OBJ) wrong_type("an object (str, list, ...)");
        return slot_.o;
    }
    /* borrow_ptr() checked against the handle type a header declares:
     * borrow_as<pjx_str>(), <pjx_list>, <pjx_dict> (dict or set), <pjx_tuple>,
     * <pjx_bytes>, <pjx_ndarray>, <pjx_instance>; <pjx_object> is an Any
     * and requires an object (box scalars with to_any()). */
    template <class T> T *borrow_as() const;
    /* This value as an Any (any.h): a new reference, scalars boxed, None NULL. */
    pjx_object *to_any() const {
        if (kind_ == PJX_KIND_OBJ) {
            pjx_incref(slot_.o);
            return slot_.o;
        }
        pjx_object *a = nullptr;
        detail::check(pjx_any_pack(kind_, slot_, &a));
        return a;
    }
    /* Gives up ownership: the caller gets the new reference (nullptr for None). */
    pjx_object *release() {
        pjx_object *o = borrow_ptr();
        kind_ = PJX_KIND_NONE;
        slot_.bits = 0;
        return o;
    }
    int32_t kind() const noexcept { return kind_; }
    pjx_slot slot() const noexcept { return slot_; } /* borrowed */

    /* ---- inspection ---- */
    Type type() const noexcept {
        switch (kind_) {
        case PJX_KIND_INT: return Type::Int;
        case PJX_KIND_FLOAT: return Type::Float;
        case PJX_KIND_BOOL: return Type::Bool;
        case PJX_KIND_NONE: return Type::None;
        default: break;
        }
        switch (slot_.o->type_id) {
        case PJX_TYPE_STR: return Type::Str;
        case PJX_TYPE_BYTES: return Type::Bytes;
        case PJX_TYPE_LIST: return Type::List;
        case PJX_TYPE_DICT: return Type::Dict;
        case PJX_TYPE_SET: return Type::Set;
        case PJX_TYPE_TUPLE: return Type::Tuple;
        case PJX_TYPE_NDARRAY: return Type::NDArray;
        default: return Type::Object;
        }
    }
    /* Python's name of the type: "int", "str", "NoneType", a class name... */
    std::string type_name() const {
        if (kind_ == PJX_KIND_OBJ) return pjx_any_type_name(slot_.o);
        static const char *const names[] = {"int", "float", "bool", "NoneType"};
        return names[kind_];
    }
    bool is_none() const noexcept { return kind_ == PJX_KIND_NONE; }

    /* ---- checked accessors: Error("TypeError") for another type ---- */
    int64_t as_int() const { // bool is an int, as in Python
        if (kind_ != PJX_KIND_INT && kind_ != PJX_KIND_BOOL) wrong_type("int");
        return slot_.i;
    }
    double as_float() const { // an int converts, as Python's float parameters accept ints
        if (kind_ == PJX_KIND_FLOAT) return slot_.f;
        if (kind_ == PJX_KIND_INT || kind_ == PJX_KIND_BOOL) return (double)slot_.i;
        wrong_type("float");
    }
    bool as_bool() const {
        if (kind_ != PJX_KIND_BOOL) wrong_type("bool");
        return slot_.i != 0;
    }
    /* The UTF-8 text; str_view() is valid while this Value lives. */
    std::string as_str() const { return std::string(str_view()); }
    std::string_view str_view() const {
        const pjx_str *s = get_checked<pjx_str>(Type::Str, "str");
        return std::string_view(s->data, (size_t)s->nbytes);
    }
    std::string as_bytes() const {
        const pjx_bytes *b = get_checked<pjx_bytes>(Type::Bytes, "bytes");
        return std::string(b->data, (size_t)b->size);
    }
    std::vector<Value> as_list() const {
        const pjx_list *l = get_checked<pjx_list>(Type::List, "list");
        std::vector<Value> items;
        items.reserve((size_t)l->size);
        for (int64_t i = 0; i < l->size; i++) items.push_back(from_slot(l->kind, l->items[i]));
        return items;
    }
    std::vector<Value> as_tuple() const {
        pjx_tuple *t = get_checked<pjx_tuple>(Type::Tuple, "tuple");
        std::vector<Value> items;
        items.reserve((size_t)t->size);
        for (int64_t i = 0; i < t->size; i++)
            items.push_back(from_slot(PJX_TUPLE_KINDS(t)[i], t->items[i]));
        return items;
    }
    /* (key, value) pairs in insertion order, as Python iterates a dict. */
    Items as_dict() const {
        pjx_dict *d = get_checked<pjx_dict>(Type::Dict, "dict");
        Items items;
        items.reserve((size_t)d->size);
        int64_t pos = 0;
        pjx_slot k, v;
        while (pjx_dict_next(d, &pos, &k, &v)) // borrowed: from_slot increfs
            items.emplace_back(from_slot(d->key_kind, k), from_slot(d->value_kind, v));
        return items;
    }
    std::vector<Value> as_set() const {
        pjx_dict *s = get_checked<pjx_dict>(Type::Set, "set");
        std::vector<Value> items;
        int64_t pos = 0;
        pjx_slot k;
        while (pjx_dict_next(s, &pos, &k, nullptr)) items.push_back(from_slot(s->key_kind, k));
        return items;
    }
    /* len(value): Python's TypeError for an int, a 0-d array...; an
     * NDArray's is its first dimension, as numpy's. */
    int64_t size() const {
        if (kind_ != PJX_KIND_OBJ)
            throw Error("TypeError", "object of type '" + type_name() + "' has no len()");
        if (slot_.o->type_id == PJX_TYPE_NDARRAY) { // numpy's len(), which pjx_any_len lacks
            const pjx_ndarray *a = get<pjx_ndarray>();
            if (a->ndim == 0) throw Error("TypeError", "len() of unsized object");
            return PJX_ND_SHAPE(a)[0];
        }
        int64_t n = 0;
        detail::check(pjx_any_len(slot_.o, &n));
        return n;
    }
    /* value[key] with Python's semantics and errors: a list, tuple, str or
     * bytes index (negative from the end; IndexError), a dict key
     * (KeyError).  Returns a new Value (a copy of the item). */
    Value operator[](const Value &key) const {
        // Through Anys: pjx_any_getitem has Python's rules for every type.
        Held self(PJX_KIND_OBJ, slot_of_any(to_any())), k(PJX_KIND_OBJ, slot_of_any(key.to_any()));
        pjx_object *out = nullptr;
        detail::check(pjx_any_getitem(self.slot.o, k.slot.o, &out));
        return adopt(out);
    }
    /* Any integer type (a template, so that v[0] is not ambiguous with the
     * null pointer constant of operator[](const char *)). */
    template <class T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>, int> = 0>
    Value operator[](T index) const {
        return (*this)[Value((int64_t)index)];
    }
    Value operator[](const char *key) const { return (*this)[Value(key)]; }

    /* Checks this value against a boundary descriptor -- a parameter's
     * "descriptor" in a build's manifest.json: "l[f]" is List[float],
     * "d[si]" Dict[str, int] -- deeply, container item kinds included;
     * Error("TypeError") when it does not fit.  Entry points trust their
     * arguments and a C header declares only `pjx_list *`, so a host that
     * builds containers itself can check them here (a List[int] passed as
     * a List[float] would be read as garbage, not converted).  As where
     * compiled code casts an Any, a list, dict or set of objects that
     * passes is held typed from then on (any.h, "Item types"): later
     * stores of another type through an Any raise, and so does a check as
     * another type ("l[a]" after "l[s]"). */
    void check_type(const char *descriptor) const {
        Held self(PJX_KIND_OBJ, slot_of_any(to_any()));
        pjx_object *same = nullptr;
        detail::check(pjx_any_cast(self.slot.o, descriptor, &same));
        pjx_decref(same);
    }

    /* ---- NDArray ---- */
    int32_t ndim() const { return array()->ndim; }
    std::vector<int64_t> shape() const {
        const pjx_ndarray *a = array();
        return std::vector<int64_t>(PJX_ND_SHAPE(a), PJX_ND_SHAPE(a) + a->ndim);
    }
    std::vector<int64_t> strides() const { // in elements, as DLPack counts them
        const pjx_ndarray *a = array();
        return std::vector<int64_t>(PJX_ND_STRIDES(a), PJX_ND_STRIDES(a) + a->ndim);
    }
    pjx_dtype dtype() const { return (pjx_dtype)array()->dtype; }
    std::string dtype_name() const { return pjx_dtype_name(array()->dtype); }
    void *data() const { return array()->data; }
    /* A DLPack view of the array (no copy): the tensor holds a reference
     * that its deleter drops, so it outlives this Value safely.  The
     * consumer must call tensor->deleter(tensor) exactly once. */
    DLManagedTensor *to_dlpack() const;

    /* ---- compiled-class objects ---- */
    /* "module.QualName" of an instance's class. */
    std::string class_name() const {
        const pjx_instance *self = get_checked<pjx_instance>(Type::Object, "a compiled-class object");
        if (self->ob.type_id != PJX_TYPE_INSTANCE) wrong_type("a compiled-class object");
        return self->cls->name;
    }

    /* repr(value), exactly as Python writes it (an NDArray shows its dtype
     * and shape only, as the runtime formats arrays inside containers). */
    std::string repr() const {
        pjx_str *r = detail::check(pjx_slot_repr(kind_, slot_));
        std::string text(r->data, (size_t)r->nbytes);
        pjx_decref(r);
        return text;
    }
    /* Python's == (1 == 1.0, [1] == [1.0], nested containers...). */
    friend bool operator==(const Value &a, const Value &b) {
        Held x(PJX_KIND_OBJ, slot_of_any(a.to_any())), y(PJX_KIND_OBJ, slot_of_any(b.to_any()));
        int64_t eq = 0;
        detail::check(pjx_any_compare(PJX_EQ, x.slot.o, y.slot.o, &eq));
        return eq != 0;
    }
    friend bool operator!=(const Value &a, const Value &b) { return !(a == b); }

private:
    /* An owned slot, decref'd on scope exit (the exception-safe temporary of
     * the builders above). */
    struct Held {
        int32_t kind;
        pjx_slot slot;
        Held(int32_t k, pjx_slot s) noexcept : kind(k), slot(s) {}
        Held(const Held &) = delete;
        Held &operator=(const Held &) = delete;
        ~Held() { pjx_slot_decref(kind, slot); }
    };
    static pjx_slot slot_of_any(pjx_object *o) noexcept {
        pjx_slot s;
        s.o = o;
        return s;
    }

    void set_object(pjx_object *o, bool owned) noexcept {
        int32_t kind;
        pjx_slot v;
        pjx_any_unpack(o, &kind, &v); // NULL -> None, a box -> its scalar
        if (kind == PJX_KIND_OBJ) {
            if (!owned) pjx_incref(o);
        } else if (owned) {
            pjx_decref(o); // the scalar was copied out of the box
        }
        kind_ = kind;
        slot_ = v;
    }

    /* The common kind of some items: theirs if they all share it, else
     * Object (boxing scalars).  No items: Object. */
    static Kind common_kind(const std::vector<Value> &items) noexcept {
        if (items.empty()) return Kind::Object;
        int32_t k = items[0].kind_;
        for (const Value &v : items)
            if (v.kind_ != k) return Kind::Object;
        return (Kind)k;
    }

    /* This value as a NEW reference slot of a container of `kind`. */
    pjx_slot stored_as(int32_t kind) const {
        pjx_slot v = slot_;
        switch (kind) {
        case PJX_KIND_OBJ:
            if (kind_ == PJX_KIND_OBJ) {
                pjx_incref(v.o);
                return v;
            }
            return slot_of_any(to_any()); // a box, or NULL for None
        case PJX_KIND_FLOAT:
            if (kind_ == PJX_KIND_INT) v.f = (double)slot_.i;
            else if (kind_ != PJX_KIND_FLOAT) wrong_type("float");
            return v;
        default:
            if (kind_ != kind) {
                static const char *const names[] = {"int", "float", "bool", "None"};
                wrong_type(names[kind]);
            }
            return v;
        }
    }

    [[noreturn]] void wrong_type(const std::string &expected) const {
        throw Error("TypeError", "expected " + expected + ", got " + type_name());
    }
    template <class T> T *get_checked(Type type, const char *expected) const {
        if (this->type() != type) wrong_type(expected);
        return reinterpret_cast<T *>(slot_.o);
    }
    template <class T> T *get() const noexcept { return reinterpret_cast<T *>(slot_.o); }
    pjx_ndarray *array() const { return get_checked<pjx_ndarray>(Type::NDArray, "NDArray"); }

    int32_t kind_ = PJX_KIND_NONE;
    pjx_slot slot_; /* an owned reference when kind_ is PJX_KIND_OBJ */
};

/* Writes repr(value). */
inline std::ostream &operator<<(std::ostream &os, const Value &v) { return os << v.repr(); }

namespace detail {
template <class T> struct handle_type; /* which Types a C handle type accepts */
template <> struct handle_type<pjx_str> {
    static bool ok(Type t) { return t == Type::Str; }
    static constexpr const char *name = "str";
};
template <> struct handle_type<pjx_bytes> {
    static bool ok(Type t) { return t == Type::Bytes; }
    static constexpr const char *name = "bytes";
};
template <> struct handle_type<pjx_list> {
    static bool ok(Type t) { return t == Type::List; }
    static constexpr const char *name = "list";
};
template <> struct handle_type<pjx_dict> {
    static bool ok(Type t) { return t == Type::Dict || t == Type::Set; }
    static constexpr const char *name = "dict or set";
};
template <> struct handle_type<pjx_tuple> {
    static bool ok(Type t) { return t == Type::Tuple; }
    static constexpr const char *name = "tuple";
};
template <> struct handle_type<pjx_ndarray> {
    static bool ok(Type t) { return t == Type::NDArray; }
    static constexpr const char *name = "NDArray";
};
template <> struct handle_type<pjx_instance> {
    static bool ok(Type t) { return t == Type::Object; }
    static constexpr const char *name = "a compiled-class object";
};
template <> struct handle_type<pjx_object> {
    static bool ok(Type) { return true; }
    static constexpr const char *name = "an object";
};
} // namespace detail

template <class T> T *Value::borrow_as() const {
    if (kind_ != PJX_KIND_OBJ || !detail::handle_type<T>::ok(type()))
        wrong_type(detail::handle_type<T>::name);
    return reinterpret_cast<T *>(slot_.o);
}

namespace detail {
/* DLPack dtype <-> pjx_dtype; {0, 0, 0} / -1 when there is none. */
inline DLDataType dl_dtype(int32_t dtype) {
    switch (dtype) {
    case PJX_DT_BOOL: return {kDLBool, 8, 1};
    case PJX_DT_UINT8: return {kDLUInt, 8, 1};
    case PJX_DT_INT8: return {kDLInt, 8, 1};
    case PJX_DT_INT32: return {kDLInt, 32, 1};
    case PJX_DT_INT64: return {kDLInt, 64, 1};
    case PJX_DT_FLOAT16: return {kDLFloat, 16, 1};
    case PJX_DT_FLOAT32: return {kDLFloat, 32, 1};
    case PJX_DT_FLOAT64: return {kDLFloat, 64, 1};
    default: return {0, 0, 0};
    }
}
inline int32_t pjx_dtype_of(DLDataType t) {
    for (int32_t d = 0; d < PJX_DT__COUNT; d++) {
        DLDataType c = dl_dtype(d);
        if (c.code == t.code && c.bits == t.bits && t.lanes == 1) return d;
    }
    return -1;
}
/* The deleter of tensors made by to_dlpack: drops the array's reference. */
extern "C" inline void pjx_hpp_dlpack_deleter(DLManagedTensor *self) {
    pjx_decref(self->manager_ctx);
    delete self;
}
/* The release of arrays made by from_dlpack: the producer's deleter. */
extern "C" inline void pjx_hpp_dlpack_release(void *owner) {
    DLManagedTensor *tensor = static_cast<DLManagedTensor *>(owner);
    if (tensor->deleter) tensor->deleter(tensor);
}
} // namespace detail

inline DLManagedTensor *Value::to_dlpack() const {
    pjx_ndarray *a = array();
    DLManagedTensor *t = new DLManagedTensor{};
    t->dl_tensor.data = a->data;
    t->dl_tensor.device = DLDevice{kDLCPU, 0};
    t->dl_tensor.ndim = a->ndim;
    t->dl_tensor.dtype = detail::dl_dtype(a->dtype);
    // shape and strides point into the array's header, which lives as
    // long as the reference the tensor holds.
    t->dl_tensor.shape = PJX_ND_SHAPE(a);
    t->dl_tensor.strides = PJX_ND_STRIDES(a);
    t->dl_tensor.byte_offset = 0;
    pjx_incref(a);
    t->manager_ctx = a;
    t->deleter = detail::pjx_hpp_dlpack_deleter;
    return t;
}

inline Value Value::from_dlpack(DLManagedTensor *tensor) {
    const DLTensor &t = tensor->dl_tensor;
    if (t.device.device_type != kDLCPU)
        throw Error("ValueError", "from_dlpack: only CPU tensors are supported");
    int32_t dtype = detail::pjx_dtype_of(t.dtype);
    if (dtype < 0) throw Error("TypeError", "from_dlpack: unsupported dtype");
    char *data = static_cast<char *>(t.data) + t.byte_offset;
    // NULL strides (C-contiguous) are computed by the runtime.
    return adopt(detail::check(pjx_ndarray_foreign(dtype, t.ndim, t.shape, t.strides, data, tensor,
                                                   detail::pjx_hpp_dlpack_release, 0)));
}

/* ---- calling `pyjitx build` entry points -------------------------------------
 *
 *     pyjitx::Value ids = pyjitx::call(demo_words, pyjitx::Value::str("a b"));
 *
 * converts each argument to the C type the header declares (int64_t:
 * as_int(), double: as_float(), uint8_t: a bool or None, pjx_object *: an
 * Any, any other handle: borrow_as<T>() -- so None is refused there, call
 * Optional parameters by hand with borrow_ptr()), calls the entry point,
 * throws its exception as an Error, and returns the result as a Value.
 * A uint8_t result is a bool: for a function returning None, ignore it
 * (the C ABI gives both the same type).  Container arguments are passed as
 * they are: their item kinds must be the declared ones (Value::list({1, 2})
 * is a List[int]; Value::list({1, 2}, Kind::Float) a List[float]), which
 * Value::check_type(descriptor) verifies. */
namespace detail {
template <class F> struct entry_traits;
template <class... P> struct entry_traits<int32_t(P...)> {
    static_assert(sizeof...(P) >= 1, "an entry point takes at least its out pointer");
    using params = std::tuple<P...>;
    static constexpr size_t nargs = sizeof...(P) - 1;
    using out = std::remove_pointer_t<std::tuple_element_t<sizeof...(P) - 1, params>>;
};

/* One argument converted to C type T; `keep` owns any temporary (a boxed
 * Any) for the duration of the call. */
template <class T, class Enable = void> struct Arg;
template <> struct Arg<int64_t> {
    int64_t c;
    explicit Arg(const Value &v) : c(v.as_int()) {}
};
template <> struct Arg<double> {
    double c;
    explicit Arg(const Value &v) : c(v.as_float()) {}
};
template <> struct Arg<uint8_t> {
    uint8_t c;
    explicit Arg(const Value &v) : c(v.is_none() ? 0 : (uint8_t)v.as_bool()) {}
};
template <> struct Arg<pjx_object *> {
    pjx_object *c; /* an owned Any: the box of a scalar lives through the call */
    explicit Arg(const Value &v) : c(v.to_any()) {}
    ~Arg() { pjx_decref(c); }
    Arg(const Arg &) = delete;
    Arg &operator=(const Arg &) = delete;
};
template <class T> struct Arg<T *, std::enable_if_t<!std::is_same_v<T, pjx_object>>> {
    T *c;
    explicit Arg(const Value &v) : c(v.borrow_as<T>()) {}
};

template <class R> Value result(R out) {
    if constexpr (std::is_same_v<R, int64_t>) return Value::integer(out);
    else if constexpr (std::is_same_v<R, double>) return Value::floating(out);
    else if constexpr (std::is_same_v<R, uint8_t>) return Value::boolean(out != 0);
    else return Value::adopt(out); // a new reference, NULL for None
}

template <class F, size_t... I, class... V>
Value call_impl(F *entry, std::index_sequence<I...>, const V &...args) {
    using traits = entry_traits<F>;
    // Each Arg is built in place from its Value (Args are not copyable).
    std::tuple<Arg<std::tuple_element_t<I, typename traits::params>>...> held{args...};
    typename traits::out out{};
    if (entry(std::get<I>(held).c..., &out) != 0) throw_pending();
    return result(out);
}
} // namespace detail

template <class F, class... A> Value call(F *entry, const A &...args) {
    static_assert(sizeof...(A) == detail::entry_traits<F>::nargs,
                  "pyjitx::call: wrong number of arguments for this entry point");
    return detail::call_impl(entry, std::make_index_sequence<sizeof...(A)>{}, Value(args)...);
}

/* hash() of str and bytes in compiled code is keyed by a hash secret
 * (hash.h).  By default the runtime takes it from PYTHONHASHSEED as
 * CPython does; a host may set it instead: the PYTHONHASHSEED the training
 * process ran with gives the hashes it computed. */
inline void set_hash_seed(uint32_t python_hash_seed) { pjx_hash_set_seed(python_hash_seed); }
inline void set_hash_secret(const unsigned char (&secret)[24]) { pjx_hash_set_secret(secret); }

} // namespace pyjitx

#include "pyjitx/session.hpp"

#endif /* PYJITX_PYJITX_HPP */
