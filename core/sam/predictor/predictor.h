// The SAMv1 predictor: load a checkpoint, encode an image once (slow), then decode prompts per
// click (fast). The public face of the model: no libtorch or OpenCV types here (pimpl), so the
// engine and the GUI can include it cheaply.
//
// Upsampling (predict, upscale*) never builds the S x S intermediate of the reference: see
// maskupscaler.h (same values to float rounding).
//
// Coordinate spaces: every point, box and size in this header is in ORIGINAL image pixels
// (x to the right, y down, continuous: the pixel (i, j) covers [i, i+1) x [j, j+1)), except the
// low-res logits, which live in the model's mask frame: a square of side 4G (256 for released
// checkpoints) covering the padded S x S model input (S = 1024 released), of which only the top
// left (4G * newh / S) x (4G * neww / S) part shows the image.
//
// Threads: a Predictor is not tied to a thread. Every method may be called from any thread; calls
// are serialised by an internal mutex (a predict() issued while setImage() runs waits for it), so
// one worker thread should own it. The cancel flag of EncodeControl may be set from any thread;
// the progress callback runs on the thread that called setImage().
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/checkpoint/samconfig.h"
#include "core/common/expected.h"
#include "core/common/prompts.h"
#include "core/sam/predictor/maskupscaler.h"

namespace samdesk {

struct PredictorOptions {
    std::string device = "cpu";  // "cpu", "cuda" or "cuda:N" (needs a CUDA libtorch and GPU)
    // The image encoder's precision: "auto", "float32" (the reference), "bfloat16", "mixed" (the
    // CPU: bfloat16 linear layers, float32 attention), "float16" (CUDA). "auto" = bfloat16 on
    // CUDA; on a CPU, bfloat16 or mixed only where the encoder's own matrix products measured
    // more than 10% faster so (core/sam/runtime/dtypecalibration.h, cached per CPU), else
    // float32. Predictor::options() reports the dtype chosen.
    std::string dtype = "auto";
    // libtorch intra-op threads of the encoder (setImage) and of the decoder (predict*), set on
    // the calling thread for each call (OpenMP thread counts belong to the calling thread: a
    // worker thread that sets none runs on one core). 0: every core for the encoder; the
    // decoder's 0: as the encoder's.
    int threads = 0;
    int decodeThreads = 0;
};

// Channel order of interleaved pixels: OpenCV decodes BGR(A), QImage RGB888/RGBA8888 is RGB(A).
enum class PixelOrder { Bgr, Rgb };

// A borrowed image in memory: interleaved, 8 or 16 bits per channel (16: native-endian uint16,
// scaled to 8 bits), 1 (gray), 3 or 4 channels (alpha is ignored). Only read during the call.
struct ImageView {
    const void* data = nullptr;
    int width = 0;
    int height = 0;
    int channels = 3;
    int bitDepth = 8;
    std::size_t strideBytes = 0;  // bytes from one row to the next; 0 = tightly packed
    PixelOrder order = PixelOrder::Bgr;
};

struct ImageSize {
    int width = 0;
    int height = 0;
    bool operator==(const ImageSize&) const = default;
};

// The decoder's direct output, before any upsampling.
struct LowResPrediction {
    int count = 0;              // C: 3 (multimask) or 1
    int side = 0;               // 4G
    std::vector<float> logits;  // C x side x side
    std::vector<float> iou;     // C predicted IoU scores (not clamped, no sigmoid)

    int best() const;                    // index of the highest IoU score
    LowResLogits mask(int index) const;  // feed back as PromptSet::maskInput
};

// The decoder's output for many one-point prompts (Predictor::predictPoints).
struct PointBatchPrediction {
    int count = 0;              // points
    int side = 0;               // 4G
    std::vector<float> iou;     // count x 3: each point's multimask candidates' IoU scores
    std::vector<int> plane;     // count: the point's first of 3 planes in `logits`; -1: none
    std::vector<float> logits;  // planes x side x side, low-res (the mask frame)

    // The low-res logits of candidate `candidate` (0..2) of point `point`; nullptr when that
    // point's masks were not computed.
    const float* lowRes(int point, int candidate) const;
};

struct Prediction {
    LowResPrediction lowRes;
    ImageSize size;             // the original image size
    std::vector<float> logits;  // C x height x width mask logits; the mask is logits > 0
};

// The image embedding as plain floats, to cache it and skip the encoder next time.
struct ImageEmbedding {
    int channels = 0;           // P (256 released)
    int grid = 0;               // G (64 released)
    ImageSize imageSize;        // the original image it was computed from
    std::vector<float> values;  // P x G x G, row-major
};

// The model input image: resized so that the long side is S, RGB, before normalisation.
struct ResizedImage {
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> rgb;  // height x width x 3
};

class Predictor {
public:
    // Reads the checkpoint (.pth or .safetensors; the architecture is detected from it) and binds
    // the weights, over the memory-mapped file when the dtype and device allow. Errors: unreadable
    // or non-SAM checkpoint, unknown device/dtype, CUDA requested but not available.
    static Expected<std::unique_ptr<Predictor>> load(const std::filesystem::path& checkpoint,
                                                     const PredictorOptions& options = {});
    ~Predictor();
    Predictor(const Predictor&) = delete;
    Predictor& operator=(const Predictor&) = delete;

    const SamConfig& config() const;
    // The options in effect: dtype is never "auto" here.
    const PredictorOptions& options() const;

    // Encodes the image (the slow step, seconds on a CPU). Replaces any previous image; on error
    // or cancellation the predictor has no image. The calling thread uses options().threads
    // libtorch threads (every core for 0).
    Status setImage(const ImageView& image, const EncodeControl& control = {});
    // Uses a stored embedding instead of running the encoder.
    Status setEmbedding(const ImageEmbedding& embedding);
    bool hasImage() const;
    ImageSize imageSize() const;  // {0, 0} without an image
    void clearImage();

    Expected<ImageEmbedding> embedding() const;
    // Only after setImage() (an imported embedding has no resized image).
    Expected<ResizedImage> resizedImage() const;

    // Decodes prompts without upsampling (the fast path for interactive clicks).
    Expected<LowResPrediction> predictLowRes(const PromptSet& prompts);
    // Decodes and upsamples every candidate to the original image size.
    Expected<Prediction> predict(const PromptSet& prompts);
    // Many prompts of one foreground point each, multimask, decoded as batches (the automatic
    // mask generator's grid): per point the candidates and scores that predictLowRes() gives
    // for it alone, to float rounding (a few 1e-6), in a fraction of the time (see
    // core/sam/model/pointbatchdecoder.h). The coordinates reach the model as the original's
    // predict_torch path (its generator's) computes them: scaled to the model input, shifted
    // by half a pixel and normalised in double, rounded to float last (predictLowRes rounds
    // after scaling). The low-res masks are computed only for the points that have a candidate
    // whose IoU score is > *minIou (every point without it): the mask upscaler is most of the
    // decoder's work. Errors: no image, a point outside the image.
    Expected<PointBatchPrediction> predictPoints(const std::vector<PromptPoint>& points,
                                                 std::optional<float> minIou = std::nullopt);
    // Upsamples one low-res mask as the reference does (to S x S, crop the image part, resize to
    // the original size) and, when `outSize` differs from the image size, resizes to `outSize`.
    Expected<std::vector<float>> upscaleLogits(const LowResLogits& mask, ImageSize outSize) const;
    // Same, thresholded: 255 where the logit is > 0, else 0; outSize.height x outSize.width.
    Expected<std::vector<std::uint8_t>> upscaleMask(const LowResLogits& mask,
                                                    ImageSize outSize) const;
    // Only `region` (in outSize pixels, inside 0..outSize) of upscaleMask(mask, outSize):
    // region.height x region.width values, equal to that part of the whole mask. For a zoomed
    // view: upsample only what is shown, only as large as it is shown.
    Expected<std::vector<std::uint8_t>> upscaleMaskRegion(const LowResLogits& mask,
                                                          ImageSize outSize,
                                                          const UpscaleRegion& region) const;

private:
    struct Impl;
    explicit Predictor(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

}  // namespace samdesk
