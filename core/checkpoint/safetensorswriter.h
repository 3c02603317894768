// Writes safetensors files, streaming: tensor bytes go from the caller's memory (often another
// mapped file) straight to disk, so a 2.5 GB checkpoint is never copied in memory.
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/checkpoint/tensorrecord.h"
#include "core/common/expected.h"

namespace samdesk {

// One tensor to write: `size` contiguous little-endian bytes at `data` (size must equal the
// shape's element count times the dtype size).
struct SafetensorsEntry {
    std::string name;
    DType dtype = DType::Float32;
    Shape shape;
    const void* data = nullptr;
    std::size_t size = 0;
};

// Writes `entries` in the given order, with `metadata` as "__metadata__" (omitted when empty).
// The JSON header is padded with spaces to a multiple of 8 bytes, so the data starts 8-byte
// aligned. The file is written atomically: on failure the target is untouched. Errors:
// InvalidInput (empty or duplicate name, size that does not match the shape) or Io.
Status writeSafetensors(const std::filesystem::path& path,
                        const std::vector<SafetensorsEntry>& entries,
                        const std::map<std::string, std::string>& metadata);

}  // namespace samdesk
