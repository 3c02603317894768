// Reads safetensors files: an 8-byte little-endian header length, a JSON header naming each
// tensor's dtype, shape and byte range, then the raw data. Zero copy: the records point into the
// memory-mapped file, which they keep alive.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>

#include "core/checkpoint/tensorrecord.h"
#include "core/common/expected.h"

namespace samdesk {

// Largest JSON header accepted. The format allows 100 MB; a SAM header is under 100 KB, and a
// smaller bound keeps the memory a hostile header can cost (the parsed JSON) small.
constexpr std::uint64_t kSafetensorsMaxHeader = 16u * 1024 * 1024;

// Maps `path` and parses it. Tensors are in file (data offset) order; `__metadata__` is kept as
// JSON text in StateDict::metadataJson. Errors (kind Io or Format) name the file and the tensor.
Expected<StateDict> readSafetensors(const std::filesystem::path& path);

// Parses safetensors bytes already in memory. The records point into `bytes`; `keepAlive` is
// stored in each record and must own them. `source` names the data in messages.
Expected<StateDict> parseSafetensors(std::span<const std::uint8_t> bytes,
                                     std::shared_ptr<const void> keepAlive,
                                     const std::string& source);

// True when `bytes` (the first bytes of a file, at least 9) look like a safetensors header.
bool looksLikeSafetensors(std::span<const std::uint8_t> bytes);

}  // namespace samdesk
