// The project's own names for SAMv1 weights, and the table that maps the original checkpoint
// names onto them. The model modules register exactly the converted names, so loading is strict.
//
// The original file keeps all encoder blocks in one flat list; the converted names show the
// structure: stages of windowed blocks, each closed by a global block, e.g.
//   image_encoder.blocks.11.mlp.lin2.bias -> image_encoder.stages.3.global_block.mlp.fc2.bias
//   image_encoder.blocks.4.attn.rel_pos_h ->
//   image_encoder.stages.1.windowed_blocks.1.attention.rel_pos_rows
// LayerNorm2d weights (C) become (1, C, 1, 1) and no_mask_embed (1, P) becomes (1, P, 1, 1), so
// inference broadcasts them without reshaping. docs/checkpoints.md lists every rule.
#pragma once

#include <string>
#include <vector>

#include "core/checkpoint/samconfig.h"
#include "core/checkpoint/tensorrecord.h"

namespace samdesk {

struct KeySpec {
    std::string original;   // name in the official checkpoints
    std::string converted;  // name in the project's module tree
    Shape originalShape;
    Shape convertedShape;  // same element count; differs only by added unit dimensions
};

// Every tensor a SAMv1 model with `config` has, in the original file's order.
std::vector<KeySpec> samKeySpecs(const SamConfig& config);

}  // namespace samdesk
