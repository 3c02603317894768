// The Predictor's fast path: prompts -> low-res logits (the decoder), and the upsampling of
// chosen masks to the size they are shown at (MaskUpscaler: no S x S intermediate).
#include <ATen/record_function.h>

#include <algorithm>

#include "core/sam/predictor/imagepreprocessing.h"
#include "core/sam/predictor/predictorimpl.h"
#include "core/sam/predictor/promptvalidation.h"

namespace samdesk {

void Predictor::Impl::prepareImage() {
    prepared = model->maskDecoder->prepare(embedding, imagePositions,
                                           model->promptEncoder->denseWithoutMask());
}

void Predictor::Impl::warmUpDecoder() {
    // The first decode of a process creates oneDNN's kernels and the allocator's blocks (~0.3 s
    // for vit_b on a CPU, ~3x a normal click). Paid once, here, on a zero embedding of a 4:3
    // image: the decoder's shapes do not depend on the image, so every later image's first
    // click runs at full speed, and an embedding from the disk cache is ready in milliseconds.
    const int P = config.promptDim, G = config.gridSize();
    embedding =
        torch::zeros({1, P, G, G}, torch::TensorOptions().dtype(torch::kFloat32)).to(device);
    original = {config.imageSize, config.imageSize * 3 / 4};
    input = modelInputSize(original, config.imageSize);
    hasImage = true;
    prepareImage();
    PromptSet click;
    click.points = {{original.width / 2.0, original.height / 2.0, true}};
    (void)decode(click);
    clear();
}

LowResPrediction Predictor::Impl::decode(const PromptSet& prompts) {
    const auto opts = torch::TensorOptions().dtype(torch::kFloat32);
    // Original pixels -> resized frame, in double as the reference, then float32.
    const double sx = static_cast<double>(input.width) / original.width;
    const double sy = static_cast<double>(input.height) / original.height;
    std::optional<torch::Tensor> points, labels, box, mask;
    if (!prompts.points.empty()) {
        std::vector<float> xy;
        std::vector<std::int64_t> kinds;
        for (const auto& p : prompts.points) {
            xy.push_back(static_cast<float>(p.x * sx));
            xy.push_back(static_cast<float>(p.y * sy));
            kinds.push_back(p.foreground ? 1 : 0);
        }
        points = torch::tensor(xy, opts).view({-1, 2}).to(device);
        labels = torch::tensor(kinds, torch::kInt64).to(device);
    }
    if (const auto& b = prompts.box) {
        const std::vector<float> corners{
            static_cast<float>(b->x0 * sx), static_cast<float>(b->y0 * sy),
            static_cast<float>(b->x1 * sx), static_cast<float>(b->y1 * sy)};
        box = torch::tensor(corners, opts).to(device);
    }
    if (const LowResLogits& m = prompts.maskInput; !m.empty())
        mask =
            torch::from_blob(const_cast<float*>(m.values.data()), {1, 1, m.height, m.width}, opts)
                .to(device, /*non_blocking=*/false, /*copy=*/true);

    const auto encoded = [&] {
        RECORD_FUNCTION("samdesk::prompt encoder", std::vector<c10::IValue>());
        return model->promptEncoder->forward(points, labels, box, mask);
    }();
    RECORD_FUNCTION("samdesk::mask decoder", std::vector<c10::IValue>());
    const auto out = prepared && !mask
                         ? model->maskDecoder->forward(*prepared, encoded.sparse, prompts.multimask)
                         : model->maskDecoder->forward(embedding, imagePositions, encoded.sparse,
                                                       encoded.dense, prompts.multimask);
    LowResPrediction result;
    result.count = static_cast<int>(out.lowResLogits.size(1));
    result.side = static_cast<int>(out.lowResLogits.size(2));
    result.logits = toFloats(out.lowResLogits);
    result.iou = toFloats(out.iou);
    return result;
}

const MaskUpscaler& Predictor::Impl::upscalerFor(ImageSize outSize) const {
    if (!upscaler || upscalerSize != outSize) {
        upscaler.emplace(maskSide(), config.imageSize, input.width, input.height, outSize.width,
                         outSize.height);
        upscalerSize = outSize;
    }
    return *upscaler;
}

Status Predictor::Impl::checkUpscale(const LowResLogits& mask, ImageSize outSize,
                                     const UpscaleRegion& region) const {
    if (!hasImage)
        return Error::invalid("no image set: call setImage() first");
    const int side = maskSide();
    if (mask.width != side || mask.height != side ||
        mask.values.size() != static_cast<std::size_t>(side) * side)
        return Error::invalid("low-res mask of " + std::to_string(mask.width) + " x " +
                              std::to_string(mask.height) + " (" +
                              std::to_string(mask.values.size()) + " values); this model gives " +
                              std::to_string(side) + " x " + std::to_string(side));
    if (outSize.width <= 0 || outSize.height <= 0)
        return Error::invalid("empty output size " + std::to_string(outSize.width) + " x " +
                              std::to_string(outSize.height));
    if (region.x < 0 || region.y < 0 || region.width <= 0 || region.height <= 0 ||
        region.x + region.width > outSize.width || region.y + region.height > outSize.height)
        return Error::invalid("region " + std::to_string(region.width) + " x " +
                              std::to_string(region.height) + " at (" + std::to_string(region.x) +
                              ", " + std::to_string(region.y) + ") is not inside " +
                              std::to_string(outSize.width) + " x " +
                              std::to_string(outSize.height));
    return {};
}

Status Predictor::Impl::readyToDecode(const PromptSet& prompts) const {
    if (!hasImage)
        return Error::invalid("no image set: call setImage() first");
    if (auto st = validatePrompts(prompts, original, maskSide()); !st)
        return st.error();
    useThreads(false);
    return {};
}

Expected<LowResPrediction> Predictor::predictLowRes(const PromptSet& prompts) {
    std::lock_guard lock(m_impl->mutex);
    if (auto st = m_impl->readyToDecode(prompts); !st)
        return st.error();
    return guarded<LowResPrediction>("decoding the prompts", [&]() -> Expected<LowResPrediction> {
        return m_impl->decode(prompts);
    });
}

Expected<Prediction> Predictor::predict(const PromptSet& prompts) {
    std::lock_guard lock(m_impl->mutex);
    if (auto st = m_impl->readyToDecode(prompts); !st)
        return st.error();
    return guarded<Prediction>("decoding the prompts", [&]() -> Expected<Prediction> {
        Prediction p;
        p.lowRes = m_impl->decode(prompts);
        p.size = m_impl->original;
        const MaskUpscaler& up = m_impl->upscalerFor(p.size);
        const UpscaleRegion all{0, 0, p.size.width, p.size.height};
        const std::size_t plane = static_cast<std::size_t>(p.size.width) * p.size.height;
        const std::size_t lowPlane = static_cast<std::size_t>(p.lowRes.side) * p.lowRes.side;
        p.logits.resize(plane * p.lowRes.count);
        for (int c = 0; c < p.lowRes.count; ++c)
            up.logits(p.lowRes.logits.data() + lowPlane * c, all, p.logits.data() + plane * c);
        return p;
    });
}

Expected<std::vector<float>> Predictor::upscaleLogits(const LowResLogits& mask,
                                                      ImageSize outSize) const {
    std::lock_guard lock(m_impl->mutex);
    const UpscaleRegion all{0, 0, outSize.width, outSize.height};
    if (auto st = m_impl->checkUpscale(mask, outSize, all); !st)
        return st.error();
    std::vector<float> out(static_cast<std::size_t>(outSize.width) * outSize.height);
    m_impl->upscalerFor(outSize).logits(mask.values.data(), all, out.data());
    return out;
}

Expected<std::vector<std::uint8_t>> Predictor::upscaleMask(const LowResLogits& mask,
                                                           ImageSize outSize) const {
    return upscaleMaskRegion(mask, outSize, {0, 0, outSize.width, outSize.height});
}

Expected<std::vector<std::uint8_t>> Predictor::upscaleMaskRegion(
    const LowResLogits& mask, ImageSize outSize, const UpscaleRegion& region) const {
    std::lock_guard lock(m_impl->mutex);
    if (auto st = m_impl->checkUpscale(mask, outSize, region); !st)
        return st.error();
    std::vector<std::uint8_t> out(static_cast<std::size_t>(region.width) * region.height);
    RECORD_FUNCTION("samdesk::upscale mask", std::vector<c10::IValue>());
    m_impl->upscalerFor(outSize).mask(mask.values.data(), region, out.data());
    return out;
}

}  // namespace samdesk
