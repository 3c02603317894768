// "Segment everything" as values every layer shares: the automatic mask generator's parameters
// (the original SamAutomaticMaskGenerator's, same meaning and defaults), its output records and
// its timings. Plain std types: the generator (core/sam), the engines (core/engine), the document,
// the UI's parameter panel and the CLI use them as they are.
//
// Coordinates: original image pixels (x right, y down); boxes of masks are inclusive pixel
// indices, crop boxes exclusive, as in the original's output.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/common/expected.h"

namespace samdesk {

// The original's parameters, same meaning and defaults (names in camelCase: points_per_side is
// pointsPerSide). Thresholds <= 0 switch their filter off, as in the original.
struct AutoMaskParams {
    // Grid side for layer 0; layer k uses int(pointsPerSide / downscale^k). 0 with pointGrids.
    int pointsPerSide = 32;
    // Explicit grids instead, one per layer (at least cropNLayers + 1): (x, y) in [0, 1] of the
    // crop, used as given.
    std::vector<std::vector<std::array<double, 2>>> pointGrids;
    // Prompts per decoder batch in the original. The batched decoder gives each prompt the same
    // result whatever the batch, so this only sets how often progress and cancel are checked.
    int pointsPerBatch = 64;
    double predIouThresh = 0.88;               // keep a mask if its predicted IoU > this
    double stabilityScoreThresh = 0.95;        // keep a mask if its stability score >= this
    double stabilityScoreOffset = 1.0;         // the logit offset of the stability score
    double boxNmsThresh = 0.7;                 // box IoU threshold of the NMS within a crop
    int cropNLayers = 0;                       // extra crop layers; layer k has (2^k)^2 crops
    double cropNmsThresh = 0.7;                // box IoU threshold of the NMS across crops
    double cropOverlapRatio = 512.0 / 1500.0;  // crop overlap, as a fraction of the short side
    int cropNPointsDownscaleFactor = 1;        // points per side shrink by this per layer
    int minMaskRegionArea = 0;  // > 0: fill holes and remove islands smaller than this (pixels)
};

// The scalar parameters by the original's names ("points_per_side", ...), in the original's
// order; one of `integer` and `real` is set. The one list the CLI's flags, the app's settings,
// its parameter panel and its script read.
struct AutoMaskParamField {
    const char* name;
    int AutoMaskParams::*integer = nullptr;
    double AutoMaskParams::*real = nullptr;

    double get(const AutoMaskParams& p) const { return integer ? p.*integer : p.*real; }
    // An integer field takes the value as given (the caller checks it is whole and in range).
    void set(AutoMaskParams& p, double value) const {
        if (integer)
            p.*integer = static_cast<int>(value);
        else
            p.*real = value;
    }
};
const std::vector<AutoMaskParamField>& autoMaskParamFields();
// The field called `name`; null when none is.
const AutoMaskParamField* findAutoMaskParam(const std::string& name);

// Errors (InvalidInput) naming the parameter, for values the original rejects or cannot run.
Status checkAutoMaskParams(const AutoMaskParams& params);

// One output record, as the original's with output_mode "uncompressed_rle".
struct AutoMask {
    int width = 0, height = 0;  // the image's size
    // COCO's uncompressed RLE: runs over the pixels column by column (x outer, y inner),
    // starting with a run of zeros (0 when pixel (0, 0) is set); they add up to width * height.
    std::vector<std::uint32_t> counts;
    std::int64_t area = 0;          // pixels in the mask
    std::array<int, 4> bbox{};      // x0, y0, x1 - x0, y1 - y0 of the inclusive mask box
    double predictedIou = 0;        // the decoder's IoU score (float32, widened)
    double pointX = 0, pointY = 0;  // the grid point that made it, image pixels
    double stabilityScore = 0;      // float32, widened
    std::array<int, 4> cropBox{};   // x0, y0, width, height of its crop
    // Not in the original's records: which of the decoder's three masks for the point it is
    // (0..2), and whether min_mask_region_area's clean-up changed it. A mask of the whole image's
    // crop that was not cleaned is what one multimask click at the point gives as that candidate.
    int candidate = 0;
    bool cleaned = false;

    // width * height bytes, row-major, 1 in the mask.
    std::vector<std::uint8_t> toMask() const;
};

struct AutoMaskStats {
    double encodeSeconds = 0;  // the image encoder over every crop (or the cached embeddings)
    double decodeSeconds = 0;  // the batched decoder
    double maskSeconds = 0;    // everything else: filters, upsampling, NMS, records
    int crops = 0;
    int points = 0;            // prompts decoded
    int candidates = 0;        // masks the decoder made (3 per point)
    int upsampled = 0;         // masks that passed the IoU filter and were upsampled
    std::int64_t nearCut = 0;  // their pixels with |logit| < 1e-3 (float rounding decides them)
};

struct AutoMaskResult {
    std::vector<AutoMask> masks;
    AutoMaskStats stats;
};

// width x height bytes (0/1, row-major) from COCO's uncompressed column-major counts (which
// must add up to width * height).
std::vector<std::uint8_t> decodeColumnRle(const std::vector<std::uint32_t>& counts, int width,
                                          int height);

// True when pixel (x, y) is set in the counts of a width x height mask (a walk over the runs).
bool columnRleAt(const std::vector<std::uint32_t>& counts, int height, int x, int y);

}  // namespace samdesk
