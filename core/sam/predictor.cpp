// The predictor: checkpoint -> model, image -> embedding, prompts -> masks. Every public method
// locks the mutex, enters InferenceMode and turns libtorch exceptions into Errors.
#include "core/sam/predictor.h"

#include <algorithm>
#include <mutex>

#include "core/checkpoint/samcheckpoint.h"
#include "core/sam/imagepreprocessing.h"
#include "core/sam/promptvalidation.h"
#include "core/sam/runtimeinfo.h"
#include "core/sam/sammodel.h"
#include "core/sam/weightbinder.h"

namespace samdesk {

int LowResPrediction::best() const {
    return static_cast<int>(std::max_element(iou.begin(), iou.end()) - iou.begin());
}

LowResMask LowResPrediction::mask(int index) const {
    const std::size_t plane = static_cast<std::size_t>(side) * side;
    LowResMask m;
    m.side = side;
    m.logits.assign(logits.begin() + static_cast<std::ptrdiff_t>(plane * index),
                    logits.begin() + static_cast<std::ptrdiff_t>(plane * (index + 1)));
    return m;
}

namespace {

namespace F = torch::nn::functional;

Expected<torch::Device> parseDevice(const std::string& name) {
    if (name == "cpu")
        return torch::Device(torch::kCPU);
    if (name == "cuda" || name.rfind("cuda:", 0) == 0) {
        if (!torch::cuda::is_available()) {
#ifdef SAMDESK_TORCH_HAS_CUDA
            return Error::invalid("device '" + name + "' requested but no CUDA GPU is visible");
#else
            return Error::invalid("device '" + name +
                                  "' requested but this build's libtorch has no CUDA support "
                                  "(build against a CUDA libtorch with -DTorch_DIR=...)");
#endif
        }
        int index = 0;
        if (name.size() > 5) {
            const std::string digits = name.substr(5);
            if (digits.empty() || digits.size() > 3 ||
                !std::all_of(digits.begin(), digits.end(), ::isdigit))
                return Error::invalid("bad device '" + name + "' (cpu, cuda or cuda:N)");
            index = std::stoi(digits);
        }
        const auto count = static_cast<int>(torch::cuda::device_count());
        if (index >= count)
            return Error::invalid("device '" + name + "' requested but only " +
                                  std::to_string(count) + " CUDA device(s) exist");
        return torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(index));
    }
    return Error::invalid("unknown device '" + name + "' (cpu, cuda or cuda:N)");
}

Expected<torch::ScalarType> parseDtype(const std::string& name, const torch::Device& device) {
    if (name == "float32")
        return torch::kFloat32;
    if (name == "bfloat16")
        return torch::kBFloat16;
    if (name == "float16") {
        // libtorch's CPU kernels lack float16 matrix products and convolutions.
        if (device.is_cpu())
            return Error::invalid("dtype float16 needs a CUDA device; on the CPU use bfloat16");
        return torch::kFloat16;
    }
    return Error::invalid("unknown dtype '" + name + "' (float32, bfloat16 or float16)");
}

// Runs `body`, turning exceptions into Errors: none crosses the API boundary.
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

std::vector<float> toFloats(const torch::Tensor& t) {
    const auto c = t.to(torch::kCPU, torch::kFloat32).contiguous();
    return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

}  // namespace

struct Predictor::Impl {
    PredictorOptions options;
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

    int maskSide() const { return 4 * config.gridSize(); }
    void clear();
    Status encode(const ImageView& view, const EncodeControl& control);
    LowResPrediction decode(const Prompts& prompts, torch::Tensor* logits);
    torch::Tensor upscale(const torch::Tensor& lowRes, ImageSize outSize) const;
};

void Predictor::Impl::clear() {
    hasImage = false;
    original = input = {};
    embedding = torch::Tensor();
    resized.reset();
}

Status Predictor::Impl::encode(const ImageView& view, const EncodeControl& control) {
    clear();
    const int S = config.imageSize;
    ImageSize originalSize, inputSize;
    ResizedImage small;
    {  // the full-size RGB copy is freed before the encoder runs
        const auto rgb = imageToRgb8(view);
        if (!rgb)
            return rgb.error();
        originalSize = {rgb->width, rgb->height};
        inputSize = modelInputSize(originalSize, S);
        if (inputSize.width < 1 || inputSize.height < 1)
            return Error::invalid("image of " + std::to_string(originalSize.width) + " x " +
                                  std::to_string(originalSize.height) +
                                  " pixels is too thin: its short side would be 0 pixels at the "
                                  "model input");
        small.width = inputSize.width;
        small.height = inputSize.height;
        small.rgb = pillowResizeBilinear(rgb->rgb.data(), rgb->width, rgb->height, 3,
                                         inputSize.width, inputSize.height);
    }

    const auto pixels =
        torch::from_blob(small.rgb.data(), {small.height, small.width, 3}, torch::kUInt8)
            .permute({2, 0, 1})
            .unsqueeze(0);
    const auto mean = torch::tensor({123.675f, 116.28f, 103.53f}).view({1, 3, 1, 1});
    const auto std = torch::tensor({58.395f, 57.12f, 57.375f}).view({1, 3, 1, 1});
    auto x = (pixels - mean) / std;
    x = F::pad(x, F::PadFuncOptions({0, S - small.width, 0, S - small.height}));
    x = x.to(device, encoderDtype);

    bool cancelled = false;
    auto afterBlock = [&](int done, int total) {
        if (control.progress)
            control.progress(done, total);
        cancelled = control.cancel && control.cancel->load();
        return !cancelled;
    };
    if (control.cancel && control.cancel->load())
        return Error{Error::Kind::Cancelled, "image encoding cancelled"};
    auto out = model->imageEncoder->forward(x, afterBlock);
    if (cancelled || !out.defined())
        return Error{Error::Kind::Cancelled, "image encoding cancelled"};
    embedding = out.to(torch::kFloat32);
    original = originalSize;
    input = inputSize;
    resized = std::move(small);
    hasImage = true;
    return {};
}

LowResPrediction Predictor::Impl::decode(const Prompts& prompts, torch::Tensor* logits) {
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
            kinds.push_back(p.label);
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
    if (const auto& m = prompts.maskInput)
        mask =
            torch::from_blob(const_cast<float*>(m->logits.data()), {1, 1, m->side, m->side}, opts)
                .to(device, /*non_blocking=*/false, /*copy=*/true);

    const auto encoded = model->promptEncoder->forward(points, labels, box, mask);
    const auto out = model->maskDecoder->forward(embedding, imagePositions, encoded.sparse,
                                                 encoded.dense, prompts.multimask);
    LowResPrediction result;
    result.count = static_cast<int>(out.lowResLogits.size(1));
    result.side = static_cast<int>(out.lowResLogits.size(2));
    result.logits = toFloats(out.lowResLogits);
    result.iou = toFloats(out.iou);
    if (logits)
        *logits = out.lowResLogits;
    return result;
}

torch::Tensor Predictor::Impl::upscale(const torch::Tensor& lowRes, ImageSize outSize) const {
    const std::int64_t S = config.imageSize;
    auto x = F::interpolate(lowRes, F::InterpolateFuncOptions()
                                        .size(std::vector<std::int64_t>{S, S})
                                        .mode(torch::kBilinear)
                                        .align_corners(false));
    x = x.slice(2, 0, input.height).slice(3, 0, input.width);
    return F::interpolate(x, F::InterpolateFuncOptions()
                                 .size(std::vector<std::int64_t>{outSize.height, outSize.width})
                                 .mode(torch::kBilinear)
                                 .align_corners(false));
}

Predictor::Predictor(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Predictor::~Predictor() = default;

Expected<std::unique_ptr<Predictor>> Predictor::load(const std::filesystem::path& checkpoint,
                                                     const PredictorOptions& options) {
    auto device = parseDevice(options.device);
    if (!device)
        return device.error();
    auto dtype = parseDtype(options.dtype, *device);
    if (!dtype)
        return dtype.error();
    auto loaded = loadSamCheckpoint(checkpoint);
    if (!loaded)
        return loaded.error();
    const std::string what = "loading " + checkpoint.string();
    return guarded<std::unique_ptr<Predictor>>(what, [&]() -> Expected<std::unique_ptr<Predictor>> {
        if (options.threads > 0)
            configureThreads(options.threads);
        auto impl = std::make_unique<Impl>();
        impl->options = options;
        impl->config = loaded->config;
        impl->device = *device;
        impl->encoderDtype = *dtype;
        impl->model = SamModel(impl->config);
        const auto encoderDtype = *dtype;
        auto bound = bindWeights(
            *impl->model, *loaded,
            [encoderDtype](const std::string& name) {
                // Only the encoder (nearly all the compute) runs in a reduced dtype; prompts
                // and masks stay float32 (cheap, and the mask edges keep their precision).
                return name.rfind("image_encoder.", 0) == 0 ? encoderDtype : torch::kFloat32;
            },
            *device);
        if (!bound)
            return bound.error();
        impl->model->eval();
        impl->imagePositions = impl->model->promptEncoder->denseImagePositions();
        return std::unique_ptr<Predictor>(new Predictor(std::move(impl)));
    });
}

const SamConfig& Predictor::config() const {
    return m_impl->config;
}

const PredictorOptions& Predictor::options() const {
    return m_impl->options;
}

Status Predictor::setImage(const ImageView& image, const EncodeControl& control) {
    std::lock_guard lock(m_impl->mutex);
    auto st = guarded<bool>("encoding the image", [&]() -> Expected<bool> {
        auto s = m_impl->encode(image, control);
        if (!s)
            return s.error();
        return true;
    });
    if (!st) {
        m_impl->clear();
        return st.error();
    }
    return {};
}

Status Predictor::setEmbedding(const ImageEmbedding& e) {
    std::lock_guard lock(m_impl->mutex);
    const int P = m_impl->config.promptDim, G = m_impl->config.gridSize();
    if (e.channels != P || e.grid != G || e.values.size() != static_cast<std::size_t>(P) * G * G)
        return Error::invalid("embedding of " + std::to_string(e.channels) + " x " +
                              std::to_string(e.grid) + " x " + std::to_string(e.grid) + " (" +
                              std::to_string(e.values.size()) + " values); this model needs " +
                              std::to_string(P) + " x " + std::to_string(G) + " x " +
                              std::to_string(G));
    const ImageSize input = modelInputSize(e.imageSize, m_impl->config.imageSize);
    if (e.imageSize.width <= 0 || e.imageSize.height <= 0 || input.width < 1 || input.height < 1)
        return Error::invalid("embedding without a valid image size (" +
                              std::to_string(e.imageSize.width) + " x " +
                              std::to_string(e.imageSize.height) + ")");
    auto st = guarded<bool>("importing the embedding", [&]() -> Expected<bool> {
        m_impl->clear();
        m_impl->embedding =
            torch::from_blob(const_cast<float*>(e.values.data()), {1, P, G, G}, torch::kFloat32)
                .to(m_impl->device, torch::kFloat32, false, /*copy=*/true);
        m_impl->original = e.imageSize;
        m_impl->input = input;
        m_impl->hasImage = true;
        return true;
    });
    if (!st)
        return st.error();
    return {};
}

bool Predictor::hasImage() const {
    std::lock_guard lock(m_impl->mutex);
    return m_impl->hasImage;
}

ImageSize Predictor::imageSize() const {
    std::lock_guard lock(m_impl->mutex);
    return m_impl->original;
}

void Predictor::clearImage() {
    std::lock_guard lock(m_impl->mutex);
    m_impl->clear();
}

Expected<ImageEmbedding> Predictor::embedding() const {
    std::lock_guard lock(m_impl->mutex);
    if (!m_impl->hasImage)
        return Error::invalid("no image set: call setImage() first");
    return guarded<ImageEmbedding>("exporting the embedding", [&]() -> Expected<ImageEmbedding> {
        ImageEmbedding e;
        e.channels = m_impl->config.promptDim;
        e.grid = m_impl->config.gridSize();
        e.imageSize = m_impl->original;
        e.values = toFloats(m_impl->embedding);
        return e;
    });
}

Expected<ResizedImage> Predictor::resizedImage() const {
    std::lock_guard lock(m_impl->mutex);
    if (!m_impl->resized)
        return Error::invalid(m_impl->hasImage ? "no resized image: the embedding was imported"
                                               : "no image set: call setImage() first");
    return *m_impl->resized;
}

Expected<LowResPrediction> Predictor::predictLowRes(const Prompts& prompts) {
    std::lock_guard lock(m_impl->mutex);
    if (!m_impl->hasImage)
        return Error::invalid("no image set: call setImage() first");
    if (auto st = validatePrompts(prompts, m_impl->original, m_impl->maskSide()); !st)
        return st.error();
    return guarded<LowResPrediction>("decoding the prompts", [&]() -> Expected<LowResPrediction> {
        return m_impl->decode(prompts, nullptr);
    });
}

Expected<Prediction> Predictor::predict(const Prompts& prompts) {
    std::lock_guard lock(m_impl->mutex);
    if (!m_impl->hasImage)
        return Error::invalid("no image set: call setImage() first");
    if (auto st = validatePrompts(prompts, m_impl->original, m_impl->maskSide()); !st)
        return st.error();
    return guarded<Prediction>("decoding the prompts", [&]() -> Expected<Prediction> {
        Prediction p;
        torch::Tensor lowRes;
        p.lowRes = m_impl->decode(prompts, &lowRes);
        p.size = m_impl->original;
        p.logits = toFloats(m_impl->upscale(lowRes, m_impl->original));
        return p;
    });
}

Expected<std::vector<float>> Predictor::upscaleLogits(const LowResMask& mask,
                                                      ImageSize outSize) const {
    std::lock_guard lock(m_impl->mutex);
    if (!m_impl->hasImage)
        return Error::invalid("no image set: call setImage() first");
    const int side = m_impl->maskSide();
    if (mask.side != side || mask.logits.size() != static_cast<std::size_t>(side) * side)
        return Error::invalid("low-res mask of side " + std::to_string(mask.side) + " (" +
                              std::to_string(mask.logits.size()) + " values); this model gives " +
                              std::to_string(side) + " x " + std::to_string(side));
    if (outSize.width <= 0 || outSize.height <= 0)
        return Error::invalid("empty output size " + std::to_string(outSize.width) + " x " +
                              std::to_string(outSize.height));
    return guarded<std::vector<float>>("upscaling the mask", [&]() -> Expected<std::vector<float>> {
        const auto low = torch::from_blob(const_cast<float*>(mask.logits.data()),
                                          {1, 1, side, side}, torch::kFloat32)
                             .to(m_impl->device);
        return toFloats(m_impl->upscale(low, outSize));
    });
}

Expected<std::vector<std::uint8_t>> Predictor::upscaleMask(const LowResMask& mask,
                                                           ImageSize outSize) const {
    auto logits = upscaleLogits(mask, outSize);
    if (!logits)
        return logits.error();
    std::vector<std::uint8_t> out(logits->size());
    std::transform(logits->begin(), logits->end(), out.begin(),
                   [](float v) -> std::uint8_t { return v > 0.0f ? 255 : 0; });
    return out;
}

}  // namespace samdesk
