// "Segment everything": the original SAMv1 automatic mask generator (segment_anything's
// SamAutomaticMaskGenerator) over a Predictor, step for step (../shared/spec/amg.md): a point
// grid per crop, multimask decoding in batches, the IoU and stability filters, dropping masks that
// touch a crop edge, box NMS within and across crops, hole and island removal with re-scoring,
// and the same records in the same order. Differences: it returns no mask where the original
// raises (a multi-crop run that yields none), and it is fast: the decoder runs as batches of
// one-point prompts (Predictor::predictPoints), only the masks that pass the IoU filter are
// upsampled, the stability score is counted on the part of the crop where the logits can pass
// its cuts, and the RLE is made on the mask's box (docs/everything.md).
//
// Coordinates: original image pixels (x right, y down); boxes of masks are inclusive pixel
// indices, crop boxes exclusive, as in the original's output. Torch-free header.
//
// Threads: generate() runs on the calling thread (the predictor's decoder threads, plus as many
// threads for the masks' post-processing) and uses the predictor exclusively for its duration.
// The cancel flag may be set from any thread; progress runs on the calling thread.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <vector>

#include "core/common/expected.h"
#include "core/common/prompts.h"
#include "core/sam/predictor/predictor.h"

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

// Puts a crop's embedding into the predictor. The default encodes it (Predictor::setImage);
// the CLI goes through the embedding cache, and the app can skip the whole image (region equal
// to the image) when the predictor already holds its embedding.
using CropEncoder = std::function<Status(Predictor&, const ImageView& crop,
                                         const ImageRegion& region, const EncodeControl& control)>;

struct AutoMaskControl {
    // (done, total) steps: each crop counts its encoder's blocks and its decoder batches.
    std::function<void(int done, int total)> progress;
    // Checked between encoder blocks and decoder batches: generate() returns Cancelled.
    const std::atomic<bool>* cancel = nullptr;
    CropEncoder encode;  // empty: Predictor::setImage
    // Post-processing threads (0: the predictor's decoder threads, else every core).
    int threads = 0;
};

class AutoMaskGenerator {
public:
    // `predictor` must outlive the generator. The parameters are checked by generate().
    AutoMaskGenerator(Predictor& predictor, AutoMaskParams params = {});

    const AutoMaskParams& params() const { return m_params; }

    // Every mask of `image`, in the original's order. The predictor is left holding the last
    // crop's embedding (the whole image's without crop layers). Errors: bad parameters, an
    // unreadable image format, the encoder's errors, Cancelled.
    Expected<AutoMaskResult> generate(const ImageView& image, const AutoMaskControl& control = {});

private:
    Predictor& m_predictor;
    AutoMaskParams m_params;
};

}  // namespace samdesk
