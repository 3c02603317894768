// The Predictor's private state, shared by its two source files: predictor.cpp (loading,
// encoding, embeddings) and predictordecode.cpp (prompts, masks, upscaling). Internal to
// core/sam: it carries libtorch types.
#pragma once

#include <torch/torch.h>

#include <mutex>
#include <optional>

#include "core/sam/model/pointbatchdecoder.h"
#include "core/sam/model/sammodel.h"
#include "core/sam/predictor/maskupscaler.h"
#include "core/sam/predictor/predictor.h"

namespace samdesk {

// Runs `body` in inference mode, turning exceptions into Errors: none crosses the API boundary.
template <typename T, typename Body>
Expected<T> guarded(const std::string& what, Body&& body) {
    try {
        c10::InferenceMode inference;
        return body();
    } catch (const c10::Error& e) {
        return Error::runtime(what + ": libtorch: " + e.what_without_backtrace());
    } catch (const std::bad_alloc&) {
        return Error::runtime(what + ": out of memory");
    } catch (const std::exception& e) {
        return Error::runtime(what + ": " + e.what());
    }
}

inline std::vector<float> toFloats(const torch::Tensor& t) {
    const auto c = t.to(torch::kCPU, torch::kFloat32).contiguous();
    return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

struct Predictor::Impl {
    PredictorOptions options;  // dtype resolved (never "auto")
    SamConfig config;
    torch::Device device{torch::kCPU};
    torch::ScalarType encoderDtype = torch::kFloat32;
    SamModel model{nullptr};
    torch::Tensor imagePositions;  // (1, P, G, G), depends on the config only
    mutable std::mutex mutex;

    // The current image.
    bool hasImage = false;
    ImageSize original, input;  // input: the resized image inside the S x S model input
    torch::Tensor embedding;    // (1, P, G, G) float32 on `device`
    std::optional<ResizedImage> resized;
    // The decoder's per-image work for prompts without a mask input (prepareImage()).
    std::optional<MaskDecoderImpl::Prepared> prepared;
    // The decoder for batches of one-point prompts (predictPoints), over `model`'s weights.
    std::optional<PointBatchDecoder> pointDecoder;
    // The last output size's upscaler (the blend taps depend on the image and output sizes).
    mutable std::optional<MaskUpscaler> upscaler;
    mutable ImageSize upscalerSize;

    int maskSide() const { return 4 * config.gridSize(); }
    // The phase's thread count on the calling thread (PredictorOptions::threads).
    void useThreads(bool encoding) const;
    // A decode may run: an image is set and the prompts fit it; the decoder's threads are set.
    Status readyToDecode(const PromptSet& prompts) const;
    void clear();
    Status encode(const ImageView& view, const EncodeControl& control);
    // Called whenever `embedding` changes: per-image work that no prompt changes.
    void prepareImage();
    void warmUpDecoder();  // once, when the predictor is made
    LowResPrediction decode(const PromptSet& prompts);
    const MaskUpscaler& upscalerFor(ImageSize outSize) const;
    // Validates a low-res mask and an output region for the upscale methods.
    Status checkUpscale(const LowResLogits& mask, ImageSize outSize,
                        const UpscaleRegion& region) const;
};

}  // namespace samdesk
