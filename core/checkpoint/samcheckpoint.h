// Loading a SAMv1 checkpoint: read any accepted file, detect the architecture from names and
// shapes, convert every tensor to the project's names (and shapes), strictly. The result is
// tensor descriptions over the memory-mapped file: nothing is copied; the model (core/sam) binds
// them to its parameters. Thread-safe: no shared state; the result may be moved across threads.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/checkpoint/samconfig.h"
#include "core/checkpoint/tensorrecord.h"
#include "core/common/expected.h"

namespace samdesk {

// Which names a file stores: the official ones, or samdesk's converted ones (samKeySpecs).
enum class SamNaming { Original, Converted };
const char* samNamingName(SamNaming naming);  // "original" | "converted"

struct ConvertedTensor {
    std::string name;      // converted name, as the model modules register it
    std::string original;  // name in the official checkpoints
    Shape originalShape;   // shape under the original name (differs by unit dimensions only)
    TensorRecord tensor;   // viewed with the converted shape (same bytes as in the file)
};

struct SamCheckpointInfo {
    std::string path;
    std::string format;  // "pytorch-zip" | "safetensors"
    SamNaming naming = SamNaming::Original;
    std::uint64_t fileSize = 0;    // bytes
    DType dtype = DType::Float32;  // the dtype holding most of the model's values
    std::int64_t parameters = 0;   // values over all model tensors
    std::size_t tensorCount = 0;
    double loadMs = 0;  // read + detect + convert, wall clock
};

struct SamCheckpoint {
    SamConfig config;
    std::vector<ConvertedTensor> tensors;           // in samKeySpecs(config) order
    std::map<std::string, std::string> originalOf;  // reverse table: converted -> original name
    // Not fatal, but listed: stripped key prefixes, the wrapper the weights were found under,
    // ignored non-tensor entries, and every key of the file that no model tensor consumed.
    std::vector<std::string> warnings;
    SamCheckpointInfo info;

    const ConvertedTensor* find(const std::string& convertedName) const;
};

// Reads `path` (PyTorch zip or safetensors, recognised by content). Errors, each naming the
// file and the key or shape: Io, Format (not a checkpoint, legacy format, corrupt or truncated,
// storage too short), Forbidden (a pickle global outside the allow-list), NotSam, MissingKey,
// BadShape (with expected and found shapes).
Expected<SamCheckpoint> loadSamCheckpoint(const std::filesystem::path& path);

// The same from an already read state dict (tests, fuzzing); `source` names it in messages.
Expected<SamCheckpoint> samCheckpointFromStateDict(StateDict dict, const std::string& source);

}  // namespace samdesk
