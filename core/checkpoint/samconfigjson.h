// SamConfig as JSON: the object `samdesk-cli inspect --json` prints under "config" and the one
// `convert` stores in the safetensors metadata ("samdesk.config").
#pragma once

#include <string>

#include "core/checkpoint/samconfig.h"
#include "core/common/expected.h"

namespace samdesk {

// {"patch_size", "image_size", "embed_dim", "depth", "num_heads", "mlp_dim", "window_size",
//  "global_blocks", "prompt_dim", "mask_in_chans", "decoder_depth", "decoder_mlp_dim",
//  "decoder_heads", "cross_attention_dim", "num_mask_tokens", "iou_head_hidden_dim",
//  "iou_head_depth", "variant"} as compact JSON text.
std::string samConfigToJson(const SamConfig& config);

// Parses what samConfigToJson wrote. Errors (Format) name the missing or malformed field.
Expected<SamConfig> samConfigFromJson(const std::string& text);

}  // namespace samdesk
