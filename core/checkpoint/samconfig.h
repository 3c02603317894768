// The architecture of a SAMv1 model, as read from a checkpoint's names and shapes alone.
#pragma once

#include <string>
#include <vector>

#include "core/checkpoint/tensorrecord.h"
#include "core/common/expected.h"

namespace samdesk {

struct SamConfig {
    // Image encoder (ViT).
    int patchSize = 16;                          // P: pixels per patch side
    int imageSize = 1024;                        // S: model input side in pixels (= grid * patch)
    int embedDim = 768;                          // C: encoder width
    int depth = 12;                              // number of encoder blocks
    int numHeads = 12;                           // encoder heads (C / head dim)
    int mlpDim = 3072;                           // encoder MLP hidden width
    int windowSize = 14;                         // side of the attention window of windowed blocks
    std::vector<int> globalBlocks{2, 5, 8, 11};  // indices of global-attention blocks
    // Prompt encoder / mask decoder.
    int promptDim = 256;          // P: prompt and decoder width, and image embedding channels
    int maskInChans = 16;         // channels of the mask-hint downscaler
    int decoderDepth = 2;         // two-way transformer layers
    int decoderMlpDim = 2048;     // two-way transformer MLP hidden width
    int decoderHeads = 8;         // not stored in the weights: a fixed constant of SAMv1
    int crossAttentionDim = 128;  // internal width of the decoder's cross-attentions (P / 2)
    int numMaskTokens = 4;        // multimask outputs + 1
    int iouHeadHiddenDim = 256;
    int iouHeadDepth = 3;
    std::string variant = "vit_b";  // "vit_b" | "vit_l" | "vit_h" | "custom"

    int gridSize() const { return imageSize / patchSize; }  // G: token grid side
    int headDim() const { return embedDim / numHeads; }
    bool isGlobal(int block) const;

    // A stage is a run of windowed blocks closed by a global block (a trailing run of windowed
    // blocks without a global block forms a last stage with no global block).
    struct Stage {
        std::vector<int> windowedBlocks;  // original block indices
        int globalBlock = -1;             // original index, or -1
    };
    std::vector<Stage> stages() const;

    bool operator==(const SamConfig&) const = default;
};

// The released configurations.
SamConfig samConfigVitB();
SamConfig samConfigVitL();
SamConfig samConfigVitH();

// "vit_b"/"vit_l"/"vit_h" when `config` (ignoring the name) equals a released one, else "custom".
std::string samVariantName(const SamConfig& config);

// Reads the architecture from the original (un-prefixed) key names and shapes. Errors:
// NotSam when the tensors are not a SAMv1 state dict, MissingKey/BadShape for the key that
// detection needed. `source` names the file in messages.
Expected<SamConfig> detectSamConfig(const StateDict& dict, const std::string& source);

}  // namespace samdesk
