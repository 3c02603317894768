// SamEngine: the Predictor behind the Segmenter interface (the prompts are the same types; the
// results become candidates whose upsampling waits until the UI asks for it).
#include "core/engine/samengine.h"

#include <chrono>
#include <optional>

#include "core/sam/predictor/embeddingstore.h"
#include "core/sam/predictor/imagepreprocessing.h"
#include "core/sam/predictor/maskupscaler.h"
#include "core/sam/predictor/predictor.h"

namespace samdesk {

namespace {

// Session ids let the engine know whether the predictor already holds a session's embedding.
std::uint64_t nextSessionId() {
    static std::atomic<std::uint64_t> id{0};
    return ++id;
}

// The reference's upsampling (MaskUpscaler: bilinear to S x S, crop, bilinear to the output)
// for one image, quantised row by row: no full-size float buffer.
class SamLogitUpscaler final : public LogitUpscaler {
public:
    SamLogitUpscaler(int side, int modelSize, ImageSize image)
        : m_side(side)
        , m_modelSize(modelSize)
        , m_image(image)
        , m_crop(modelInputSize(image, modelSize)) {}
    int imageWidth() const override { return m_image.width; }
    int imageHeight() const override { return m_image.height; }
    LogitMap upscale(const LowResLogits& low, int outWidth, int outHeight,
                     const OutputRegion& r) const override {
        const bool valid = low.width == m_side && low.height == m_side &&
                           low.values.size() == std::size_t(m_side) * m_side && outWidth > 0 &&
                           outHeight > 0 && r.x >= 0 && r.y >= 0 && r.width > 0 && r.height > 0 &&
                           r.x + r.width <= outWidth && r.y + r.height <= outHeight;
        if (!valid)
            return {};
        const MaskUpscaler up(m_side, m_modelSize, m_crop.width, m_crop.height, outWidth,
                              outHeight);
        LogitMap map(r.width, r.height);
        std::int8_t* q = map.steps().data();
        up.forEachLogitRow(
            low.values.data(), {r.x, r.y, r.width, r.height}, [&](int j, const float* values) {
                LogitMap::quantiseRow(values, q + std::size_t(j) * r.width, std::size_t(r.width));
            });
        return map;
    }

private:
    int m_side, m_modelSize;
    ImageSize m_image, m_crop;
};

class SamSession final : public ImageSession {
public:
    SamSession(ImageEmbedding e, const void* owner, const SamConfig& config)
        : embedding(std::move(e))
        , owner(owner)
        , id(nextSessionId())
        , upscaler(std::make_shared<SamLogitUpscaler>(4 * config.gridSize(), config.imageSize,
                                                      embedding.imageSize)) {}
    int width() const override { return embedding.imageSize.width; }
    int height() const override { return embedding.imageSize.height; }
    bool fromCache() const override { return cached; }
    std::string cacheNote() const override { return note; }

    ImageEmbedding embedding;
    const void* owner;
    std::uint64_t id;
    std::shared_ptr<const SamLogitUpscaler> upscaler;
    bool cached = false;
    std::string note;
};

double msSince(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

struct SamEngine::Impl {
    std::unique_ptr<Predictor> predictor;
    CheckpointReport report;
    std::uint64_t loadedSession = 0;  // the session whose embedding the predictor holds
    std::optional<EmbeddingStore> store;
    std::string cacheError;
};

SamEngine::SamEngine(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
SamEngine::~SamEngine() = default;

Expected<std::unique_ptr<SamEngine>> SamEngine::load(const std::filesystem::path& checkpoint,
                                                     const SamEngineOptions& options) {
    const auto t0 = std::chrono::steady_clock::now();
    auto report = describeCheckpoint(checkpoint);
    if (!report)
        return report.error();
    PredictorOptions po;
    po.device = options.device;
    po.dtype = options.dtype;
    po.threads = options.threads;
    auto predictor = Predictor::load(checkpoint, po);
    if (!predictor)
        return predictor.error();
    auto impl = std::make_unique<Impl>();
    impl->predictor = std::move(predictor.value());
    impl->report = std::move(report.value());
    impl->report.device = impl->predictor->options().device;
    impl->report.compute = impl->predictor->options().dtype;
    if (!options.cacheDirectory.empty()) {
        // Without a fingerprint there is no safe key: run without the cache, and say why.
        auto store = EmbeddingStore::open(checkpoint, *impl->predictor, options.cacheDirectory,
                                          options.cacheMaxBytes);
        if (store)
            impl->store.emplace(std::move(store.value()));
        else
            impl->cacheError = store.error().message;
    }
    impl->report.loadMs = msSince(t0);
    return std::unique_ptr<SamEngine>(new SamEngine(std::move(impl)));
}

std::string SamEngine::name() const {
    return "SAM " + m_impl->predictor->config().variant;
}

std::string SamEngine::deviceDescription() const {
    const auto& o = m_impl->predictor->options();
    return o.device + ", " + o.dtype;
}

MaskFrame SamEngine::maskFrame() const {
    const SamConfig& c = m_impl->predictor->config();
    return {c.imageSize, 4 * c.gridSize()};
}

const CheckpointReport& SamEngine::report() const {
    return m_impl->report;
}

std::filesystem::path SamEngine::cacheDirectory() const {
    return m_impl->store ? m_impl->store->cache().directory() : std::filesystem::path();
}

const std::string& SamEngine::cacheError() const {
    return m_impl->cacheError;
}

Expected<std::shared_ptr<ImageSession>> SamEngine::encode(const RgbImage& image,
                                                          const EncodeControl& control) {
    if (image.empty() || image.pixels.size() < std::size_t(image.width) * image.height * 3)
        return Error::invalid("SAM: empty or short image");
    ImageView view;
    view.data = image.pixels.data();
    view.width = image.width;
    view.height = image.height;
    view.channels = 3;
    view.order = PixelOrder::Rgb;
    m_impl->loadedSession = 0;
    bool cached = false;
    std::string note;
    if (m_impl->store) {
        // A hit sets the stored embedding; a miss encodes and stores (a full disk or an
        // unwritable folder only costs the next visit its shortcut).
        auto outcome = m_impl->store->encode(*m_impl->predictor, view, control);
        if (!outcome)
            return outcome.error();
        cached = outcome->fromCache;
        if (!outcome->rejected.empty())
            note = "cached embedding rejected (" + outcome->rejected + "), encoded again";
        if (!outcome->stored)
            note = "embedding not cached: " + outcome->stored.error().message;
    } else if (auto st = m_impl->predictor->setImage(view, control); !st) {
        return st.error();
    }
    auto embedding = m_impl->predictor->embedding();
    if (!embedding)
        return embedding.error();
    auto session = std::make_shared<SamSession>(std::move(embedding.value()), this,
                                                m_impl->predictor->config());
    session->cached = cached;
    session->note = std::move(note);
    m_impl->loadedSession = session->id;
    return std::shared_ptr<ImageSession>(std::move(session));
}

Expected<SegmentResult> SamEngine::predict(ImageSession& session, const PromptSet& prompts) {
    auto* s = dynamic_cast<SamSession*>(&session);
    if (!s || s->owner != this)
        return Error::invalid("SAM: the image session belongs to another engine");
    if (prompts.empty())
        return Error::invalid("SAM: no prompt");
    if (m_impl->loadedSession != s->id) {
        if (auto st = m_impl->predictor->setEmbedding(s->embedding); !st)
            return st.error();
        m_impl->loadedSession = s->id;
    }
    // Every candidate at low resolution, none upsampled: the UI asks for the part it shows at
    // the size it shows it, and for the full-size mask only when it keeps one
    // (SegmentResult::upscaler). A click costs the same on a 48 MP photo as on a small one.
    auto prediction = m_impl->predictor->predictLowRes(prompts);
    if (!prediction)
        return prediction.error();
    const LowResPrediction& pr = prediction.value();
    const std::size_t lowPlane = std::size_t(pr.side) * pr.side;
    SegmentResult result;
    result.upscaler = s->upscaler;
    for (int i = 0; i < pr.count; ++i) {
        MaskCandidate c;
        c.score = pr.iou[std::size_t(i)];
        c.lowRes.width = c.lowRes.height = pr.side;
        c.lowRes.values.assign(pr.logits.begin() + std::ptrdiff_t(lowPlane * i),
                               pr.logits.begin() + std::ptrdiff_t(lowPlane * (i + 1)));
        result.candidates.push_back(std::move(c));
    }
    result.best = bestCandidate(result.candidates);
    if (pr.side != 4 * m_impl->predictor->config().gridSize())
        return Error::runtime("SAM: the decoder returned low-res logits of an unexpected size");
    return result;
}

}  // namespace samdesk
