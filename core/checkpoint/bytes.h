// Bounds-checked little-endian reads and overflow-checked size arithmetic for the readers of
// untrusted files (zip, pickle, safetensors): every size a file claims goes through these.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/checkpoint/tensorrecord.h"

namespace samdesk::bytes {

inline std::uint16_t le16(const std::uint8_t* p) {
    return static_cast<std::uint16_t>(p[0] | (p[1] << 8));
}
inline std::uint32_t le32(const std::uint8_t* p) {
    return static_cast<std::uint32_t>(p[0]) | (static_cast<std::uint32_t>(p[1]) << 8) |
           (static_cast<std::uint32_t>(p[2]) << 16) | (static_cast<std::uint32_t>(p[3]) << 24);
}
inline std::uint64_t le64(const std::uint8_t* p) {
    return static_cast<std::uint64_t>(le32(p)) | (static_cast<std::uint64_t>(le32(p + 4)) << 32);
}

// True when [offset, offset + length) lies inside a buffer of `size` bytes (no wrap-around).
inline bool inside(std::uint64_t offset, std::uint64_t length, std::uint64_t size) {
    return offset <= size && length <= size - offset;
}

// Element count and byte size of a contiguous tensor; false on a negative dimension or overflow.
bool contiguousByteSize(const Shape& shape, DType dtype, std::uint64_t* bytes);

// Bytes a strided view needs from its first element: (1 + sum((shape[i]-1) * stride[i])) *
// itemsize, or 0 when the view is empty. False on negative dims/strides or overflow.
bool stridedByteExtent(const Shape& shape, const Shape& strides, DType dtype, std::uint64_t* bytes);

// Row-major strides (in elements) of a contiguous tensor.
Shape contiguousStrides(const Shape& shape);

}  // namespace samdesk::bytes
