// Writing a loaded SAM checkpoint back out as safetensors (what `samdesk-cli convert` does):
// converted or original names, the dtype of the source, and the detected config in the metadata,
// so the file loads again to the same model and faster (no pickle, one mapping).
#pragma once

#include <filesystem>

#include "core/checkpoint/samcheckpoint.h"
#include "core/common/expected.h"

namespace samdesk {

// Streams every tensor of `checkpoint` to `path` (atomically). Metadata: "format": "pt",
// "samdesk.naming", "samdesk.config" (samConfigToJson). Errors: Io, InvalidInput.
Status writeSamSafetensors(const SamCheckpoint& checkpoint, const std::filesystem::path& path,
                           SamNaming naming);

}  // namespace samdesk
