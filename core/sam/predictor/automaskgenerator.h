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

#include "core/common/automask.h"
#include "core/common/expected.h"
#include "core/common/prompts.h"
#include "core/sam/predictor/predictor.h"

namespace samdesk {

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
