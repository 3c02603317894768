// The SAM engine: core/sam's Predictor behind the Segmenter interface. A session holds the image
// embedding as plain floats, so several images can stay encoded (the current one, the next one
// encoded ahead of time) while the predictor holds one at a time: switching sessions costs a
// copy of the embedding, not an encoder run.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>

#include "core/engine/checkpointreport.h"
#include "core/engine/segmenter.h"

namespace samdesk {

struct SamEngineOptions {
    std::string device = "cpu";  // "cpu", "cuda", "cuda:N"
    // "auto" (bfloat16 on CUDA; bfloat16 or mixed on CPUs where it measured faster; else
    // float32), "float32", "bfloat16", "mixed" (CPU), "float16"
    std::string dtype = "auto";
    int threads = 0;        // libtorch threads of the encoder; 0 = every core
    int decodeThreads = 0;  // and of a decode; 0 = as the encoder's
    // The on-disk embedding cache (core/cache): an image encoded once, by the app or by
    // `samdesk-cli encode`, is not encoded again. Empty: no disk cache.
    std::filesystem::path cacheDirectory;
    std::uint64_t cacheMaxBytes = 2ull << 30;
};

class SamEngine final : public Segmenter {
public:
    // Loads the checkpoint (any accepted format; the architecture comes from the weights).
    // Errors are the loader's and the predictor's, naming the file, key or shape.
    static Expected<std::unique_ptr<SamEngine>> load(const std::filesystem::path& checkpoint,
                                                     const SamEngineOptions& options = {});
    ~SamEngine() override;

    std::string name() const override;               // "SAM vit_b"
    std::string deviceDescription() const override;  // "cpu, float32"
    bool acceptsMaskInput() const override { return true; }
    MaskFrame maskFrame() const override;
    Expected<std::shared_ptr<ImageSession>> encode(const RgbImage& image,
                                                   const EncodeControl& control) override;
    Expected<std::shared_ptr<ImageSession>> encodeRegion(const RgbImage& image,
                                                         const ImageRegion& region,
                                                         const EncodeControl& control) override;
    Expected<SegmentResult> predict(ImageSession& session, const PromptSet& prompts) override;
    Expected<AutoMaskResult> segmentEverything(ImageSession& session, const RgbImage& image,
                                               const AutoMaskParams& params,
                                               const EncodeControl& control) override;

    // The checkpoint's description, with the device and load time filled in.
    const CheckpointReport& report() const;
    // The embedding cache in use; empty when there is none (not asked for, or the checkpoint's
    // fingerprint could not be taken: then cacheError() says why).
    std::filesystem::path cacheDirectory() const;
    const std::string& cacheError() const;

private:
    struct Impl;
    explicit SamEngine(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

}  // namespace samdesk
