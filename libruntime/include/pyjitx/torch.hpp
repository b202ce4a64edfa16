/* pyjitx/torch.hpp: runs the TorchScript models of saved pipelines
 * ("torch" nodes) through libtorch.  Include it in ONE source file of a
 * host that links libtorch; it registers itself with pyjitx::Session, so
 * nothing else changes:
 *
 *     #include <pyjitx/torch.hpp>   // also includes <pyjitx/pyjitx.hpp>
 *
 * CMake: find_package(Torch) (prefix: python -c "import torch;
 * print(torch.utils.cmake_prefix_path)"), target_link_libraries(app
 * pyjitx::runtime ${TORCH_LIBRARIES}); libtorch's headers want C++17 or
 * later.  A host without this file refuses pipelines with models
 * (TorchUnavailableError at Session::load).
 *
 * Values, as the Python loader passes them (pyjitx/pipeline/torch_nodes.py):
 * an NDArray becomes a tensor over the same memory (DLPack, no copy);
 * int, float, bool, None and str pass as themselves; lists and tuples item
 * by item (a list of ints as a List[int], of tensors as a List[Tensor]).
 * The model's tensors come back as NDArrays over the tensor's memory (no
 * copy), tuples, lists and dicts of them item by item.  The model runs
 * under torch::NoGradGuard: a pipeline is inference.  It is saved in the
 * mode (train/eval) it had when traced, and is not switched here.
 */
#ifndef PYJITX_TORCH_HPP
#define PYJITX_TORCH_HPP

#include <ATen/DLConvertor.h>
#include <torch/script.h>

#include <memory>
#include <string>
#include <vector>

#include "pyjitx/pyjitx.hpp"

namespace pyjitx {
namespace torch_detail {

inline c10::IValue to_ivalue(const Value &v) {
    switch (v.type()) {
    case Type::None: return c10::IValue();
    case Type::Bool: return c10::IValue(v.as_bool());
    case Type::Int: return c10::IValue(v.as_int());
    case Type::Float: return c10::IValue(v.as_float());
    case Type::Str: return c10::IValue(v.as_str());
    case Type::NDArray: return c10::IValue(at::fromDLPack(v.to_dlpack())); // owns the export
    case Type::Tuple: {
        std::vector<c10::IValue> items;
        for (const Value &item : v.as_tuple()) items.push_back(to_ivalue(item));
        return c10::ivalue::Tuple::create(std::move(items));
    }
    case Type::List: {
        std::vector<Value> items = v.as_list();
        bool ints = true, floats = true, tensors = true;
        for (const Value &item : items) {
            ints = ints && item.type() == Type::Int;
            floats = floats && item.type() == Type::Float;
            tensors = tensors && item.type() == Type::NDArray;
        }
        if (!items.empty() && tensors) {
            c10::List<at::Tensor> out;
            for (const Value &item : items) out.push_back(at::fromDLPack(item.to_dlpack()));
            return c10::IValue(out);
        }
        if (ints) { // (an empty list too: TorchScript's default List type)
            c10::List<int64_t> out;
            for (const Value &item : items) out.push_back(item.as_int());
            return c10::IValue(out);
        }
        if (floats) {
            c10::List<double> out;
            for (const Value &item : items) out.push_back(item.as_float());
            return c10::IValue(out);
        }
        c10::impl::GenericList out(c10::AnyType::get());
        for (const Value &item : items) out.push_back(to_ivalue(item));
        return c10::IValue(out);
    }
    default:
        throw Error("TypeError", "a " + v.type_name() + " cannot be passed to a TorchScript model");
    }
}

inline Value from_ivalue(const c10::IValue &v) {
    if (v.isNone()) return Value();
    if (v.isBool()) return Value(v.toBool());
    if (v.isInt()) return Value(v.toInt());
    if (v.isDouble()) return Value(v.toDouble());
    if (v.isString()) return Value::str(v.toStringRef());
    if (v.isTensor()) {
        at::Tensor t = v.toTensor().detach();
        if (t.scalar_type() == at::kBFloat16 || t.scalar_type() == at::kShort ||
            t.is_complex() || !t.device().is_cpu())
            throw Error("TypeError", std::string("a TorchScript model returned a ") +
                                         c10::toString(t.scalar_type()) +
                                         " tensor, which an NDArray cannot hold");
        DLManagedTensor *exported = at::toDLPack(t);
        try {
            return Value::from_dlpack(exported);
        } catch (...) {
            exported->deleter(exported);
            throw;
        }
    }
    if (v.isTuple()) {
        std::vector<Value> items;
        for (const c10::IValue &item : v.toTupleRef().elements()) items.push_back(from_ivalue(item));
        return Value::tuple(items);
    }
    if (v.isList()) {
        std::vector<Value> items;
        for (const c10::IValue &item : v.toListRef()) items.push_back(from_ivalue(item));
        return Value::list(items);
    }
    if (v.isGenericDict()) {
        Value::Items items;
        for (const auto &kv : v.toGenericDict()) items.emplace_back(from_ivalue(kv.key()), from_ivalue(kv.value()));
        return Value::dict(items);
    }
    throw Error("TypeError", "a TorchScript model returned a " + v.tagKind() +
                                 ", which has no pyjitx value");
}

class Model final : public TorchModel {
public:
    explicit Model(torch::jit::Module module) : module_(std::move(module)) {}

    Value forward(const std::vector<Value> &args) const override {
        torch::NoGradGuard no_grad;
        std::vector<c10::IValue> inputs;
        inputs.reserve(args.size());
        for (const Value &a : args) inputs.push_back(to_ivalue(a));
        c10::IValue out;
        try {
            // forward() does not change the module: several threads may run it.
            out = const_cast<torch::jit::Module &>(module_).forward(std::move(inputs));
        } catch (const c10::Error &e) {
            throw Error("RuntimeError", e.what_without_backtrace());
        }
        return from_ivalue(out);
    }

private:
    torch::jit::Module module_;
};

inline std::unique_ptr<TorchModel> load(const std::string &path, int /*device: -1, the CPU*/) {
    try {
        return std::make_unique<Model>(torch::jit::load(path, torch::kCPU));
    } catch (const c10::Error &e) {
        throw LoadError("ObjectLoadError", path + ": torch::jit::load failed: " + e.what_without_backtrace());
    }
}

/* Registered before main() runs, in every host that includes this file. */
inline const bool registered = register_torch_loader(&load);

} // namespace torch_detail
} // namespace pyjitx

#endif /* PYJITX_TORCH_HPP */
