// Binds a loaded checkpoint's tensors to the model's parameters and buffers, strictly: every
// model tensor must be in the checkpoint with the same shape. float32 weights for a float32 CPU
// model are used in place, over the memory-mapped file (no copy, no second copy of the model in
// memory); other dtypes or devices are converted tensor by tensor.
#pragma once

#include <torch/torch.h>

#include <functional>
#include <string>

#include "core/checkpoint/samcheckpoint.h"
#include "core/common/expected.h"

namespace samdesk {

struct BindReport {
    std::size_t tensors = 0;
    std::size_t zeroCopy = 0;   // bound over the file's bytes
    std::size_t converted = 0;  // copied (dtype, device, alignment or layout differed)
};

// `dtypeFor(name)` gives the dtype each tensor is wanted in.
Expected<BindReport> bindWeights(
    torch::nn::Module& model, const SamCheckpoint& checkpoint,
    const std::function<torch::ScalarType(const std::string&)>& dtypeFor,
    const torch::Device& device);

// A tensor over a record's bytes (no copy), keeping the record's mapping alive.
torch::Tensor tensorFromRecord(const TensorRecord& record);

torch::ScalarType torchDtype(DType dtype);

}  // namespace samdesk
