// Overflow-checked tensor size arithmetic.
#include "core/checkpoint/bytes.h"

namespace samdesk::bytes {

bool contiguousByteSize(const Shape& shape, DType dtype, std::uint64_t* bytes) {
    std::uint64_t n = dtypeSize(dtype);
    for (const auto d : shape) {
        if (d < 0 || __builtin_mul_overflow(n, static_cast<std::uint64_t>(d), &n))
            return false;
    }
    *bytes = n;
    return true;
}

bool stridedByteExtent(const Shape& shape, const Shape& strides, DType dtype,
                       std::uint64_t* bytes) {
    if (shape.size() != strides.size())
        return false;
    std::uint64_t last = 0;  // offset of the last element, in elements
    bool empty = false;
    for (std::size_t i = 0; i < shape.size(); ++i) {
        if (shape[i] < 0 || strides[i] < 0)
            return false;
        if (shape[i] == 0) {
            empty = true;
            continue;
        }
        std::uint64_t step = 0;
        if (__builtin_mul_overflow(static_cast<std::uint64_t>(shape[i] - 1),
                                   static_cast<std::uint64_t>(strides[i]), &step) ||
            __builtin_add_overflow(last, step, &last))
            return false;
    }
    if (empty) {
        *bytes = 0;
        return true;
    }
    std::uint64_t count = 0;
    if (__builtin_add_overflow(last, std::uint64_t{1}, &count) ||
        __builtin_mul_overflow(count, static_cast<std::uint64_t>(dtypeSize(dtype)), bytes))
        return false;
    return true;
}

Shape contiguousStrides(const Shape& shape) {
    // Unsigned arithmetic: callers validate sizes first, but a wrap must never be undefined.
    Shape strides(shape.size(), 1);
    std::uint64_t s = 1;
    for (std::size_t i = shape.size(); i-- > 0;) {
        strides[i] = static_cast<std::int64_t>(s);
        s *= shape[i] > 0 ? static_cast<std::uint64_t>(shape[i]) : 1;
    }
    return strides;
}

}  // namespace samdesk::bytes
