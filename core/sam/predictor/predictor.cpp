// The predictor: checkpoint -> model, image -> embedding, prompts -> masks. Every public method
// locks the mutex, enters InferenceMode and turns libtorch exceptions into Errors.
#include "core/sam/predictor/predictor.h"

#include <algorithm>
#include <mutex>
#include <thread>

#include "core/checkpoint/samcheckpoint.h"
#include "core/sam/model/sammodel.h"
#include "core/sam/model/weightbinder.h"
#include "core/sam/predictor/imagepreprocessing.h"
#include "core/sam/predictor/predictorimpl.h"
#include "core/sam/predictor/promptvalidation.h"
#include "core/sam/runtime/cachingallocator.h"
#include "core/sam/runtime/calibrationcache.h"
#include "core/sam/runtime/runtimeinfo.h"

namespace samdesk {

int LowResPrediction::best() const {
    return static_cast<int>(std::max_element(iou.begin(), iou.end()) - iou.begin());
}

LowResLogits LowResPrediction::mask(int index) const {
    const std::size_t plane = static_cast<std::size_t>(side) * side;
    LowResLogits m;
    m.width = m.height = side;
    m.values.assign(logits.begin() + static_cast<std::ptrdiff_t>(plane * index),
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

// "auto": bfloat16 on CUDA; on the CPU what this machine's calibration measured faster
// (calibrationcache.h: cached per CPU and thread count, measured once when missing), float32
// unless bfloat16 or mixed wins clearly.
std::string resolveDtype(const std::string& name, const torch::Device& device) {
    if (name != "auto")
        return name;
    if (device.is_cuda())
        return "bfloat16";
    return calibratedCpuDtype(defaultCalibrationFile()).dtype;
}

Expected<torch::ScalarType> parseDtype(const std::string& name, const torch::Device& device) {
    if (name == "float32")
        return torch::kFloat32;
    if (name == "bfloat16")
        return torch::kBFloat16;
    if (name == "mixed") {
        // bfloat16 matrices, float32 attention: a CPU path (EncoderAttentionImpl).
        if (!device.is_cpu())
            return Error::invalid(
                "dtype mixed (bfloat16 linear layers, float32 attention) is for the CPU; on CUDA "
                "use bfloat16");
        return torch::kBFloat16;
    }
    if (name == "float16") {
        // libtorch's CPU kernels lack float16 matrix products and convolutions.
        if (device.is_cpu())
            return Error::invalid("dtype float16 needs a CUDA device; on the CPU use bfloat16");
        return torch::kFloat16;
    }
    return Error::invalid("unknown dtype '" + name +
                          "' (auto, float32, bfloat16, mixed or float16)");
}

}  // namespace

void Predictor::Impl::clear() {
    hasImage = false;
    original = input = {};
    embedding = torch::Tensor();
    resized.reset();
    prepared.reset();
    upscaler.reset();
    upscalerSize = {};
}

void Predictor::Impl::useThreads(bool encoding) const {
    const int all = std::max(1, int(std::thread::hardware_concurrency()));
    const int encoder = options.threads > 0 ? options.threads : all;
    const int n = encoding || options.decodeThreads <= 0 ? encoder : options.decodeThreads;
    if (at::get_num_threads() != n)
        at::set_num_threads(n);
}

Status Predictor::Impl::encode(const ImageView& view, const EncodeControl& control) {
    clear();
    useThreads(true);
    const int S = config.imageSize;
    ImageSize originalSize, inputSize;
    ResizedImage small;
    {  // a full-size RGB copy, when one is needed, is freed before the encoder runs
        // Packed 8-bit RGB (what the app and the CLI decode to) is resized where it lies: on a
        // 200 MP photo a copy would be 600 MB more at the peak.
        const bool packedRgb =
            view.data && view.width > 0 && view.height > 0 && view.channels == 3 &&
            view.bitDepth == 8 && view.order == PixelOrder::Rgb &&
            (view.strideBytes == 0 || view.strideBytes == static_cast<std::size_t>(view.width) * 3);
        Expected<ResizedImage> rgb = ResizedImage{};
        if (!packedRgb)
            rgb = imageToRgb8(view);
        if (!rgb)
            return rgb.error();
        const std::uint8_t* src =
            packedRgb ? static_cast<const std::uint8_t*>(view.data) : rgb->rgb.data();
        const int srcWidth = packedRgb ? view.width : rgb->width;
        const int srcHeight = packedRgb ? view.height : rgb->height;
        originalSize = {srcWidth, srcHeight};
        inputSize = modelInputSize(originalSize, S);
        if (inputSize.width < 1 || inputSize.height < 1)
            return Error::invalid("image of " + std::to_string(originalSize.width) + " x " +
                                  std::to_string(originalSize.height) +
                                  " pixels is too thin: its short side would be 0 pixels at the "
                                  "model input");
        small.width = inputSize.width;
        small.height = inputSize.height;
        small.rgb =
            pillowResizeBilinear(src, srcWidth, srcHeight, 3, inputSize.width, inputSize.height);
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
    prepareImage();
    return {};
}

Predictor::Predictor(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Predictor::~Predictor() = default;

Expected<std::unique_ptr<Predictor>> Predictor::load(const std::filesystem::path& checkpoint,
                                                     const PredictorOptions& options) {
    auto device = parseDevice(options.device);
    if (!device)
        return device.error();
    // The threads first: the calibration behind "auto" measures with the encoder's threads.
    configureThreads(options.threads);  // 0: every core
    PredictorOptions resolved = options;
    resolved.dtype = resolveDtype(options.dtype, *device);
    auto dtype = parseDtype(resolved.dtype, *device);
    if (!dtype)
        return dtype.error();
    auto loaded = loadSamCheckpoint(checkpoint);
    if (!loaded)
        return loaded.error();
    const std::string what = "loading " + checkpoint.string();
    return guarded<std::unique_ptr<Predictor>>(what, [&]() -> Expected<std::unique_ptr<Predictor>> {
        if (device->is_cpu())
            cachingallocator::install();
        auto impl = std::make_unique<Impl>();
        impl->options = resolved;
        impl->config = loaded->config;
        impl->device = *device;
        impl->encoderDtype = *dtype;
        impl->model = SamModel(impl->config);
        const auto encoderDtype = *dtype;
        const bool cpu = device->is_cpu();
        auto bound = bindWeights(
            *impl->model, *loaded,
            [encoderDtype, cpu](const std::string& name) {
                // Only the encoder (nearly all the compute) runs in a reduced dtype; prompts
                // and masks stay float32 (cheap, and the mask edges keep their precision). On
                // the CPU only the encoder's matrices are reduced (the GEMM operands); biases,
                // norms, tables and the position embedding stay float32 for the float32 token
                // stream (encoderworkspace.h).
                if (name.rfind("image_encoder.", 0) != 0)
                    return torch::kFloat32;
                if (!cpu)
                    return encoderDtype;
                const bool matrix = name.size() > 7 &&
                                    name.compare(name.size() - 7, 7, ".weight") == 0 &&
                                    name.find("norm") == std::string::npos;
                return matrix ? encoderDtype : torch::kFloat32;
            },
            *device);
        if (!bound)
            return bound.error();
        impl->model->eval();
        impl->model->imageEncoder->setFloat32Attention(resolved.dtype == "mixed");
        impl->pointDecoder.emplace(*impl->model);
        impl->imagePositions = impl->model->promptEncoder->denseImagePositions();
        impl->warmUpDecoder();
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
        m_impl->prepareImage();
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

}  // namespace samdesk
