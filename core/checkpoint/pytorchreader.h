// Reads PyTorch zip checkpoints (torch.save since 1.6): finds `<prefix>/data.pkl` under any
// top-level folder, runs it through the restricted pickle machine, finds the state dict (also
// when wrapped under "model"/"state_dict"/... next to optimizer state), and describes each
// tensor over its `<prefix>/data/<key>` storage entry. Zero copy: records point into `bytes`.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "core/checkpoint/tensorrecord.h"
#include "core/common/expected.h"

namespace samdesk {

// `keepAlive` owns `bytes` and is stored in every record; `source` names the file in messages.
// Errors: Format (bad archive or pickle, missing or short storage, a view that overruns its
// storage), Forbidden (a pickle global outside the allow-list), NotSam (no tensors at all).
Expected<StateDict> parsePytorchZip(std::span<const std::uint8_t> bytes,
                                    std::shared_ptr<const void> keepAlive,
                                    const std::string& source);

}  // namespace samdesk
