// Everything the checkpoint info dialog shows about a loaded SAM checkpoint, as plain strings and
// numbers (no torch, no Qt): the file, its format and dtype, every detected config value,
// parameter counts per part, load times, the device, and the key table original -> converted.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "core/common/expected.h"

namespace samdesk {

struct CheckpointKeyRow {
    std::string original;        // name in the official checkpoints
    std::string converted;       // samdesk's module name
    std::string shape;           // original shape, "(768, 3, 16, 16)"
    std::string convertedShape;  // differs only by unit dimensions
};

struct CheckpointReport {
    std::string path;
    std::string format;  // "pytorch-zip" | "safetensors"
    std::string naming;  // "original" | "converted"
    std::uint64_t fileSize = 0;
    std::string dtype;    // of the weights in the file: "float32", "float16", ...
    std::string variant;  // "vit_b" | "vit_l" | "vit_h" | "custom"
    // Every detected config value, named as in `samdesk-cli inspect --json`.
    std::vector<std::pair<std::string, std::string>> config;
    // ("image_encoder", n), ("image_encoder.blocks", n), ..., ("total", n): values per part.
    std::vector<std::pair<std::string, std::int64_t>> parameters;
    std::size_t tensorCount = 0;
    double readMs = 0;    // checkpoint reading, detection and conversion
    double loadMs = 0;    // the whole engine load (reading + binding the weights); 0 if unknown
    std::string device;   // "cpu", "cuda:0"; empty until an engine runs it
    std::string compute;  // the dtype inference runs in
    std::vector<CheckpointKeyRow> keys;
    std::vector<std::string> warnings;
    // The file's identity (checkpointFingerprint: its size and samples of its bytes), kept with
    // the objects it segmented so a re-run can tell another checkpoint. Empty when unreadable.
    std::string fingerprint;

    std::int64_t totalParameters() const;
};

// Reads the checkpoint with the project's loader (memory-mapped, nothing copied) and describes it.
// Errors are the loader's, naming the file and the key or shape.
Expected<CheckpointReport> describeCheckpoint(const std::filesystem::path& path);

}  // namespace samdesk
