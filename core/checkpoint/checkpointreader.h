// Reads any checkpoint file samdesk accepts, recognised by its content (never by its extension):
// PyTorch zip checkpoints and safetensors. Other content gets an error that says what it is
// (a legacy torch.save file, a plain pickle, an HTML page, a Git LFS pointer, ...).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>

#include "core/checkpoint/tensorrecord.h"
#include "core/common/expected.h"

namespace samdesk {

// Maps `path` and reads it. Records point into the mapping and keep it alive.
Expected<StateDict> readCheckpoint(const std::filesystem::path& path);

// The same over bytes in memory (used by the fuzzer); `keepAlive` owns `bytes`.
Expected<StateDict> parseCheckpoint(std::span<const std::uint8_t> bytes,
                                    std::shared_ptr<const void> keepAlive,
                                    const std::string& source);

}  // namespace samdesk
