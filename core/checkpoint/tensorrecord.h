// What a checkpoint reader produces: named tensors described by dtype, shape and strides, whose
// bytes stay inside the memory-mapped file. No libtorch here, so the readers build fast, can be
// fuzzed alone, and the detection/conversion logic works on shapes only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace samdesk {

enum class DType { Float32, Float16, BFloat16, Float64, Int64, Int32, Int16, Int8, UInt8, Bool };

// Bytes per element.
std::size_t dtypeSize(DType dtype);
// "float32", "float16", ...
const char* dtypeName(DType dtype);
// safetensors' names: "F32", "F16", "BF16", "F64", "I64", ...
const char* dtypeSafetensorsName(DType dtype);
bool dtypeFromSafetensorsName(const std::string& name, DType* out);

using Shape = std::vector<std::int64_t>;
std::string shapeToString(const Shape& shape);  // "(1, 64, 64, 768)"
std::int64_t shapeNumel(const Shape& shape);

struct TensorRecord {
    DType dtype = DType::Float32;
    Shape shape;
    Shape strides;                       // in elements, as the file states them
    const std::uint8_t* data = nullptr;  // first element (storage start + offset)
    // Validated: every element the shape/strides address lies inside
    // [data, data + bytesAvailable). Readers reject records that overrun their storage.
    std::size_t bytesAvailable = 0;
    std::shared_ptr<const void> keepAlive;  // the mapping the bytes live in

    std::int64_t numel() const { return shapeNumel(shape); }
    bool isContiguous() const;
    std::size_t nbytes() const { return static_cast<std::size_t>(numel()) * dtypeSize(dtype); }
};

// Ordered as in the file.
struct NamedTensor {
    std::string name;
    TensorRecord tensor;
};

// The raw content of a checkpoint file, before any SAM-specific interpretation.
struct StateDict {
    std::string format;  // "pytorch-zip" | "safetensors"
    std::vector<NamedTensor> tensors;
    std::vector<std::string> warnings;  // e.g. ignored non-tensor entries, stripped prefixes
    std::string metadataJson;           // safetensors "__metadata__" (a JSON object), or empty

    const TensorRecord* find(const std::string& name) const;
};

}  // namespace samdesk
