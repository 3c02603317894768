// The SAMv1 configurations tests write by hand, kept in one place. The fixture's architecture is
// not here: tests take it from synthConfig("tiny") (core/checkpoint/synthcheckpoint.h).
#pragma once

#include "core/checkpoint/samconfig.h"

namespace samdesk::test {

// The smallest SAMv1 layout detection accepts: a few kB of weights, for generated checkpoints
// that are truncated or bit-flipped many times over.
inline SamConfig microConfig() {
    SamConfig c;
    c.patchSize = 2;
    c.imageSize = 8;
    c.embedDim = 8;
    c.depth = 2;
    c.numHeads = 2;
    c.mlpDim = 8;
    c.windowSize = 2;
    c.globalBlocks = {1};
    c.promptDim = 8;
    c.maskInChans = 4;
    c.decoderDepth = 1;
    c.decoderMlpDim = 8;
    c.crossAttentionDim = 8;
    c.numMaskTokens = 2;
    c.iouHeadHiddenDim = 8;
    c.iouHeadDepth = 2;
    c.variant = "custom";
    return c;
}

// Not a released shape anywhere: trailing windowed blocks with no global block, a deeper IoU
// head, 3 mask tokens, one decoder layer, patch 8.
inline SamConfig customConfig() {
    SamConfig c;
    c.patchSize = 8;
    c.imageSize = 128;
    c.embedDim = 64;
    c.depth = 6;
    c.numHeads = 4;
    c.mlpDim = 96;
    c.windowSize = 5;
    c.globalBlocks = {2};
    c.promptDim = 48;
    c.maskInChans = 8;
    c.decoderDepth = 1;
    c.decoderMlpDim = 40;
    c.crossAttentionDim = 24;
    c.numMaskTokens = 3;
    c.iouHeadHiddenDim = 20;
    c.iouHeadDepth = 4;
    c.variant = "custom";
    return c;
}

}  // namespace samdesk::test
