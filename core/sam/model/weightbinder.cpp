// Weight binding. Only one tensor is ever converted at a time, so loading a float32 file into a
// bfloat16 model needs the file mapping plus the bfloat16 model, never two float32 copies.
#include "core/sam/model/weightbinder.h"

#include "core/sam/model/sammodel.h"

namespace samdesk {

torch::ScalarType torchDtype(DType dtype) {
    switch (dtype) {
        case DType::Float32:
            return torch::kFloat32;
        case DType::Float16:
            return torch::kFloat16;
        case DType::BFloat16:
            return torch::kBFloat16;
        case DType::Float64:
            return torch::kFloat64;
        case DType::Int64:
            return torch::kInt64;
        case DType::Int32:
            return torch::kInt32;
        case DType::Int16:
            return torch::kInt16;
        case DType::Int8:
            return torch::kInt8;
        case DType::UInt8:
            return torch::kUInt8;
        case DType::Bool:
            return torch::kBool;
    }
    return torch::kFloat32;
}

torch::Tensor tensorFromRecord(const TensorRecord& record) {
    auto keepAlive = record.keepAlive;
    return torch::from_blob(
        const_cast<std::uint8_t*>(record.data), record.shape, record.strides,
        [keepAlive](void*) mutable { keepAlive.reset(); },
        torch::TensorOptions().dtype(torchDtype(record.dtype)));
}

Expected<BindReport> bindWeights(
    torch::nn::Module& model, const SamCheckpoint& checkpoint,
    const std::function<torch::ScalarType(const std::string&)>& dtypeFor,
    const torch::Device& device) {
    BindReport report;
    const auto named = namedTensors(model);
    if (named.size() != checkpoint.tensors.size())
        return Error{Error::Kind::MissingKey,
                     checkpoint.info.path + ": the model has " + std::to_string(named.size()) +
                         " tensors, the checkpoint " + std::to_string(checkpoint.tensors.size())};
    for (const auto& [name, target] : named) {
        const ConvertedTensor* source = checkpoint.find(name);
        if (!source)
            return Error{Error::Kind::MissingKey,
                         checkpoint.info.path + ": no tensor for model weight '" + name + "'"};
        const TensorRecord& record = source->tensor;
        if (Shape(target.sizes().begin(), target.sizes().end()) != record.shape)
            return Error{Error::Kind::BadShape,
                         checkpoint.info.path + ": '" + name + "' (" + source->original +
                             ") has shape " + shapeToString(record.shape) + ", the model needs " +
                             shapeToString(Shape(target.sizes().begin(), target.sizes().end()))};
        const auto wanted = dtypeFor(name);
        auto view = tensorFromRecord(record);
        const bool aligned =
            reinterpret_cast<std::uintptr_t>(record.data) % dtypeSize(record.dtype) == 0;
        torch::Tensor data = target;  // shares the parameter's TensorImpl: set_data rebinds it
        if (device.is_cpu() && view.scalar_type() == wanted && aligned && view.is_contiguous()) {
            data.set_data(view);
            ++report.zeroCopy;
        } else {
            data.set_data(view.to(torch::TensorOptions().dtype(wanted).device(device),
                                  /*non_blocking=*/false, /*copy=*/true)
                              .contiguous());
            ++report.converted;
        }
        ++report.tensors;
    }
    return report;
}

}  // namespace samdesk
