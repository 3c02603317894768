// Helpers for the torch-free tensor description.
#include "core/checkpoint/tensorrecord.h"

#include <sstream>

namespace samdesk {

std::size_t dtypeSize(DType dtype) {
    switch (dtype) {
        case DType::Float32:
            return 4;
        case DType::Float16:
            return 2;
        case DType::BFloat16:
            return 2;
        case DType::Float64:
            return 8;
        case DType::Int64:
            return 8;
        case DType::Int32:
            return 4;
        case DType::Int16:
            return 2;
        case DType::Int8:
            return 1;
        case DType::UInt8:
            return 1;
        case DType::Bool:
            return 1;
    }
    return 1;
}

const char* dtypeName(DType dtype) {
    switch (dtype) {
        case DType::Float32:
            return "float32";
        case DType::Float16:
            return "float16";
        case DType::BFloat16:
            return "bfloat16";
        case DType::Float64:
            return "float64";
        case DType::Int64:
            return "int64";
        case DType::Int32:
            return "int32";
        case DType::Int16:
            return "int16";
        case DType::Int8:
            return "int8";
        case DType::UInt8:
            return "uint8";
        case DType::Bool:
            return "bool";
    }
    return "unknown";
}

namespace {
struct DTypeName {
    DType dtype;
    const char* name;
};
constexpr DTypeName kSafetensorsNames[] = {
    {DType::Float32, "F32"}, {DType::Float16, "F16"}, {DType::BFloat16, "BF16"},
    {DType::Float64, "F64"}, {DType::Int64, "I64"},   {DType::Int32, "I32"},
    {DType::Int16, "I16"},   {DType::Int8, "I8"},     {DType::UInt8, "U8"},
    {DType::Bool, "BOOL"},
};
}  // namespace

const char* dtypeSafetensorsName(DType dtype) {
    for (const auto& e : kSafetensorsNames)
        if (e.dtype == dtype)
            return e.name;
    return "?";
}

bool dtypeFromSafetensorsName(const std::string& name, DType* out) {
    for (const auto& e : kSafetensorsNames) {
        if (name == e.name) {
            *out = e.dtype;
            return true;
        }
    }
    return false;
}

std::string shapeToString(const Shape& shape) {
    std::ostringstream s;
    s << "(";
    for (std::size_t i = 0; i < shape.size(); ++i)
        s << (i ? ", " : "") << shape[i];
    if (shape.size() == 1)
        s << ",";
    s << ")";
    return s.str();
}

std::int64_t shapeNumel(const Shape& shape) {
    std::int64_t n = 1;
    for (auto d : shape)
        n *= d;
    return n;
}

bool TensorRecord::isContiguous() const {
    std::int64_t expected = 1;
    for (std::size_t i = shape.size(); i-- > 0;) {
        if (shape[i] != 1 && strides[i] != expected)
            return false;
        expected *= shape[i];
    }
    return true;
}

const TensorRecord* StateDict::find(const std::string& name) const {
    for (const auto& t : tensors)
        if (t.name == name)
            return &t.tensor;
    return nullptr;
}

}  // namespace samdesk
