// The engines that turn prompts into masks, behind one interface: an image is encoded once into a
// session (slow: SAM's image encoder), then each prompt set is decoded into mask candidates (fast).
// Plain value types only (no Qt, torch or OpenCV), so the document and the UI can include this;
// the prompts are the vocabulary every layer shares (core/common/prompts.h).
//
// Coordinates: prompts are in original image pixels, x to the right, y down, (0, 0) the top-left
// corner of the top-left pixel (a click in the middle of pixel (i, j) is (i + 0.5, j + 0.5)).
// Thread affinity: an engine and its sessions are used from one thread at a time (the document's
// inference thread); the cancel flag and the progress callback are the only cross-thread parts.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/common/automask.h"
#include "core/common/expected.h"
#include "core/common/prompts.h"
#include "core/engine/logitmap.h"

namespace samdesk {

// 8-bit RGB: owned (`pixels`, rows packed) or borrowed from a decoded image (`borrowed`, rows
// `stride` bytes apart, kept alive by `owner`), so that a 200 MP photo is not copied once more on
// its way to the engine.
struct RgbImage {
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> pixels;
    const std::uint8_t* borrowed = nullptr;
    std::size_t stride = 0;
    std::shared_ptr<const void> owner;

    bool empty() const { return width <= 0 || height <= 0; }
    const std::uint8_t* data() const { return borrowed ? borrowed : pixels.data(); }
    std::size_t rowBytes() const { return borrowed ? stride : std::size_t(width) * 3; }
    // Every row's pixels are there.
    bool complete() const {
        return !empty() && (borrowed ? stride >= std::size_t(width) * 3
                                     : pixels.size() >= std::size_t(width) * height * 3);
    }
};

// Where SAM's low-res logits lie over the image: a square of `side` values covering the padded
// `inputSize` x `inputSize` model input, whose top-left part shows the image resized so that its
// longer side is `inputSize`. Zero for engines without a mask input.
struct MaskFrame {
    int inputSize = 0;  // S (1024 released)
    int side = 0;       // 4G (256 released)
    bool operator==(const MaskFrame&) const = default;
};

// A rectangle of output pixels: columns [x, x + width), rows [y, y + height).
struct OutputRegion {
    int x = 0, y = 0, width = 0, height = 0;
};

// Turns low-res logits into logits at any size (SAM): a click only pays for the mask it shows,
// at the size it is shown (the other candidates, thumbnails, a zoomed-out view). Immutable and
// thread-safe, so the UI thread may use it while the engine decodes the next click.
class LogitUpscaler {
public:
    virtual ~LogitUpscaler() = default;
    virtual int imageWidth() const = 0;  // the original image
    virtual int imageHeight() const = 0;
    // `region` of the image scaled to outWidth x outHeight (the image's own size for full
    // resolution); the result is region.width x region.height.
    virtual LogitMap upscale(const LowResLogits& lowRes, int outWidth, int outHeight,
                             const OutputRegion& region) const = 0;
    // The whole image at its own size.
    LogitMap full(const LowResLogits& lowRes) const {
        return upscale(lowRes, imageWidth(), imageHeight(), {0, 0, imageWidth(), imageHeight()});
    }
};

struct MaskCandidate {
    float score = 0.f;  // SAM's predicted IoU; NaN when the engine predicts none (GrabCut)
    // At original image size. Empty for SAM's candidates: those are upsampled when needed, at
    // the size needed (SegmentResult::fullLogits, SegmentResult::upscaler).
    LogitMap logits;
    LowResLogits lowRes;
};

struct SegmentResult {
    std::vector<MaskCandidate> candidates;  // at least one
    int best = 0;                           // index of the highest score
    // Set by engines that leave candidates at low resolution (SAM); null otherwise.
    std::shared_ptr<const LogitUpscaler> upscaler;

    // The candidate's logits at original size: its own, or upsampled now.
    LogitMap fullLogits(int index) const;
};

// What an engine keeps per image (SAM: the image embedding). Opaque to callers; a session is
// only valid with the engine that made it.
class ImageSession {
public:
    virtual ~ImageSession() = default;
    virtual int width() const = 0;  // original image size
    virtual int height() const = 0;
    // The part of the image the encoding covers: the whole image, or the region encoded alone
    // (encodeRegion). Predictions of a region session are in the whole image's pixels.
    virtual ImageRegion region() const { return {0, 0, width(), height()}; }
    // True when the encoding came from the on-disk embedding cache (no encoder run).
    virtual bool fromCache() const { return false; }
    // Why the encoding was not cached or a cached one was not used (a corrupt entry, a full
    // disk); empty when all went well. For the status bar, never an error.
    virtual std::string cacheNote() const { return {}; }
};

class Segmenter {
public:
    virtual ~Segmenter() = default;

    // Short name for the status bar: "GrabCut", "SAM vit_b".
    virtual std::string name() const = 0;
    // Device and precision in words ("CPU, float32"), empty when it does not apply.
    virtual std::string deviceDescription() const { return {}; }
    // True when predict() uses PromptSet::maskInput (the refinement loop).
    virtual bool acceptsMaskInput() const = 0;
    // The geometry of maskInput (see MaskFrame); empty when acceptsMaskInput() is false.
    virtual MaskFrame maskFrame() const { return {}; }

    // Slow, once per image. Errors: Cancelled, InvalidInput (empty image), Runtime.
    virtual Expected<std::shared_ptr<ImageSession>> encode(const RgbImage& image,
                                                           const EncodeControl& control) = 0;
    // Encodes only `region` of the image (in its pixels), as if it were the whole image: SAM
    // sees a small part of a large photo at its full input size. Prompts for the session are
    // in the whole image's pixels and must lie inside the region; masks come back in the whole
    // image's frame. Errors: InvalidInput (empty region or not inside, or an engine without
    // region encoding: the default), as encode().
    virtual Expected<std::shared_ptr<ImageSession>> encodeRegion(const RgbImage& image,
                                                                 const ImageRegion& region,
                                                                 const EncodeControl& control) {
        (void)image, (void)region, (void)control;
        return Error::invalid(name() + " cannot encode a region of an image");
    }
    // Segment everything (the original's automatic mask generator) on the image `session`
    // encodes, a whole-image session of `image`: its embedding is used as it is; crop layers
    // encode their crops. Progress counts encoder blocks and decoder batches; the cancel flag is
    // checked between them. Errors: InvalidInput (bad parameters, a region session, an engine
    // without it: the default), Cancelled, Runtime.
    virtual Expected<AutoMaskResult> segmentEverything(ImageSession& session, const RgbImage& image,
                                                       const AutoMaskParams& params,
                                                       const EncodeControl& control) {
        (void)session, (void)image, (void)params, (void)control;
        return Error::invalid(name() + " cannot segment everything: load a SAM checkpoint");
    }
    // Fast, per prompt set. Errors: InvalidInput (no prompt, foreign session), Runtime.
    // Engines pay for their first prediction's one-time costs (kernels, allocations) when they
    // are made, so that the user's first click does not.
    virtual Expected<SegmentResult> predict(ImageSession& session, const PromptSet& prompts) = 0;
};

// Index of the candidate with the highest score (NaN scores count as lowest); 0 when empty.
int bestCandidate(const std::vector<MaskCandidate>& candidates);

// Low-res logits standing for a binary mask (width x height, non-zero inside) in `frame`: the
// mask's share of each low-res cell mapped to [-magnitude, magnitude], the padding far outside.
// Used to refine an object whose prompts are not known (kept in an earlier session). Empty when
// the frame is empty.
LowResLogits maskToLowRes(const std::uint8_t* mask, int width, int height, MaskFrame frame,
                          float magnitude = 10.f);

// Decodes prompts in the order a person placed them: `steps` one after the other, each step after
// the first with the low-res logits of the step before's best candidate as its mask input (SAM's
// refinement loop; an engine without a mask input decodes each step on its own). What a re-run of
// an object's kept prompts uses to make the mask its clicks made. Returns the last step's result.
// Errors: InvalidInput (no steps), and predict()'s.
Expected<SegmentResult> predictSteps(Segmenter& engine, ImageSession& session,
                                     const std::vector<PromptSet>& steps);

}  // namespace samdesk
