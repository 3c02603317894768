// SamEngine: the Predictor behind the Segmenter interface (the prompts are the same types; the
// results become candidates whose upsampling waits until the UI asks for it).
#include "core/engine/samengine.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>

#include "core/sam/predictor/automaskgenerator.h"
#include "core/sam/predictor/embeddingstore.h"
#include "core/sam/predictor/imagepreprocessing.h"
#include "core/sam/predictor/maskupscaler.h"
#include "core/sam/predictor/predictor.h"
#include "core/sam/predictor/regioncrop.h"

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

// A region's logits in the whole image's frame: the region's own upsampling (as for the cropped
// image) placed at the region's place of an output of any size; outside it, nothing is
// selected. At the image's own size a region pixel (i, j) is image pixel (x + i, y + j) exactly.
class RegionLogitUpscaler final : public LogitUpscaler {
public:
    RegionLogitUpscaler(std::shared_ptr<const SamLogitUpscaler> inner, ImageRegion region,
                        ImageSize image)
        : m_inner(std::move(inner)), m_region(region), m_image(image) {}
    int imageWidth() const override { return m_image.width; }
    int imageHeight() const override { return m_image.height; }
    LogitMap upscale(const LowResLogits& low, int outWidth, int outHeight,
                     const OutputRegion& r) const override {
        if (outWidth <= 0 || outHeight <= 0 || r.width <= 0 || r.height <= 0)
            return {};
        const double sx = double(outWidth) / m_image.width, sy = double(outHeight) / m_image.height;
        const int cx0 = int(std::lround(m_region.x * sx));
        const int cy0 = int(std::lround(m_region.y * sy));
        const int cw = std::max(1, int(std::lround((m_region.x + m_region.width) * sx)) - cx0);
        const int ch = std::max(1, int(std::lround((m_region.y + m_region.height) * sy)) - cy0);
        LogitMap map(r.width, r.height);  // nothing selected
        const int ix0 = std::max(r.x, cx0), iy0 = std::max(r.y, cy0);
        const int ix1 = std::min(r.x + r.width, cx0 + cw), iy1 = std::min(r.y + r.height, cy0 + ch);
        if (ix0 >= ix1 || iy0 >= iy1)
            return map;
        const LogitMap inner =
            m_inner->upscale(low, cw, ch, {ix0 - cx0, iy0 - cy0, ix1 - ix0, iy1 - iy0});
        if (inner.empty())
            return {};
        for (int j = 0; j < inner.height(); ++j)
            std::copy_n(inner.steps().data() + std::size_t(j) * inner.width(), inner.width(),
                        map.steps().data() + std::size_t(iy0 - r.y + j) * r.width + (ix0 - r.x));
        return map;
    }

private:
    std::shared_ptr<const SamLogitUpscaler> m_inner;
    ImageRegion m_region;
    ImageSize m_image;
};

class SamSession final : public ImageSession {
public:
    // `region` of an image of size `image` (the whole image when they agree).
    SamSession(ImageEmbedding e, const void* owner, const SamConfig& config, ImageRegion region,
               ImageSize image)
        : embedding(std::move(e)), owner(owner), id(nextSessionId()), area(region), image(image) {
        auto own = std::make_shared<SamLogitUpscaler>(4 * config.gridSize(), config.imageSize,
                                                      embedding.imageSize);
        if (isRegion())
            upscaler = std::make_shared<RegionLogitUpscaler>(std::move(own), area, image);
        else
            upscaler = std::move(own);
    }
    int width() const override { return image.width; }
    int height() const override { return image.height; }
    ImageRegion region() const override { return area; }
    bool fromCache() const override { return cached; }
    std::string cacheNote() const override { return note; }
    bool isRegion() const { return !(area == ImageRegion{0, 0, image.width, image.height}); }

    ImageEmbedding embedding;  // of the region (its imageSize is the region's size)
    const void* owner;
    std::uint64_t id;
    ImageRegion area;
    ImageSize image;
    std::shared_ptr<const LogitUpscaler> upscaler;
    bool cached = false;
    std::string note;
};

ImageView viewOf(const RgbImage& image) {
    ImageView view;
    view.data = image.data();
    view.width = image.width;
    view.height = image.height;
    view.channels = 3;
    view.strideBytes = image.rowBytes();
    view.order = PixelOrder::Rgb;
    return view;
}

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

    // Encodes `view` (the whole image, or a region of it: the cache key is made from the pixels
    // encoded, so a region has entries of its own) into a session of `owner`.
    Expected<std::shared_ptr<ImageSession>> encode(const ImageView& view, ImageRegion region,
                                                   ImageSize image, const EncodeControl& control,
                                                   const void* owner);
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
    po.decodeThreads = options.decodeThreads;
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

Expected<std::shared_ptr<ImageSession>> SamEngine::Impl::encode(const ImageView& view,
                                                                ImageRegion region, ImageSize image,
                                                                const EncodeControl& control,
                                                                const void* owner) {
    loadedSession = 0;
    bool cached = false;
    std::string note;
    if (store) {
        // A hit sets the stored embedding; a miss encodes and stores (a full disk or an
        // unwritable folder only costs the next visit its shortcut).
        auto outcome = store->encode(*predictor, view, control);
        if (!outcome)
            return outcome.error();
        cached = outcome->fromCache;
        if (!outcome->rejected.empty())
            note = "cached embedding rejected (" + outcome->rejected + "), encoded again";
        if (!outcome->stored)
            note = "embedding not cached: " + outcome->stored.error().message;
    } else if (auto st = predictor->setImage(view, control); !st) {
        return st.error();
    }
    auto embedding = predictor->embedding();
    if (!embedding)
        return embedding.error();
    auto session = std::make_shared<SamSession>(std::move(embedding.value()), owner,
                                                predictor->config(), region, image);
    session->cached = cached;
    session->note = std::move(note);
    loadedSession = session->id;
    return std::shared_ptr<ImageSession>(std::move(session));
}

Expected<std::shared_ptr<ImageSession>> SamEngine::encode(const RgbImage& image,
                                                          const EncodeControl& control) {
    return encodeRegion(image, {0, 0, image.width, image.height}, control);  // the whole image
}

Expected<std::shared_ptr<ImageSession>> SamEngine::encodeRegion(const RgbImage& image,
                                                                const ImageRegion& region,
                                                                const EncodeControl& control) {
    if (!image.complete())
        return Error::invalid("SAM: empty or short image");
    const ImageSize size{image.width, image.height};
    if (auto st = checkRegion(region, size); !st)
        return st.error();
    return m_impl->encode(cropView(viewOf(image), region), region, size, control, this);
}

Expected<SegmentResult> SamEngine::predict(ImageSession& session, const PromptSet& prompts) {
    auto* s = dynamic_cast<SamSession*>(&session);
    if (!s || s->owner != this)
        return Error::invalid("SAM: the image session belongs to another engine");
    if (prompts.empty())
        return Error::invalid("SAM: no prompt");
    // A region session decodes the prompts in the region's frame; its upscaler puts the masks
    // back into the image's.
    PromptSet moved;
    if (s->isRegion()) {
        auto inRegion = promptsInRegion(prompts, s->area);
        if (!inRegion)
            return inRegion.error();
        moved = std::move(inRegion.value());
    }
    const PromptSet& used = s->isRegion() ? moved : prompts;
    if (m_impl->loadedSession != s->id) {
        if (auto st = m_impl->predictor->setEmbedding(s->embedding); !st)
            return st.error();
        m_impl->loadedSession = s->id;
    }
    // Every candidate at low resolution, none upsampled: the UI asks for the part it shows at
    // the size it shows it, and for the full-size mask only when it keeps one
    // (SegmentResult::upscaler). A click costs the same on a 48 MP photo as on a small one.
    auto prediction = m_impl->predictor->predictLowRes(used);
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

Expected<AutoMaskResult> SamEngine::segmentEverything(ImageSession& session, const RgbImage& image,
                                                      const AutoMaskParams& params,
                                                      const EncodeControl& control) {
    auto* s = dynamic_cast<SamSession*>(&session);
    if (!s || s->owner != this)
        return Error::invalid("SAM: the image session belongs to another engine");
    if (s->isRegion())
        return Error::invalid("SAM: segment everything needs the whole image's session");
    if (!image.complete() || image.width != s->width() || image.height != s->height())
        return Error::invalid("SAM: the image is not the one the session encodes");
    Impl& impl = *m_impl;
    const ImageRegion whole{0, 0, image.width, image.height};
    AutoMaskControl amg;
    amg.progress = control.progress;
    amg.cancel = control.cancel;
    // The whole image is encoded already (the session); crops go through the embedding cache
    // when there is one, so a second run with crop layers encodes nothing.
    amg.encode = [&](Predictor& predictor, const ImageView& crop, const ImageRegion& region,
                     const EncodeControl& encodeControl) -> Status {
        if (region == whole) {
            if (impl.loadedSession != s->id) {
                if (auto st = predictor.setEmbedding(s->embedding); !st)
                    return st;
                impl.loadedSession = s->id;
            }
            if (encodeControl.progress)
                encodeControl.progress(1, 1);
            return {};
        }
        impl.loadedSession = 0;
        if (impl.store) {
            auto outcome = impl.store->encode(predictor, crop, encodeControl);
            if (!outcome)
                return outcome.error();
            return {};
        }
        return predictor.setImage(crop, encodeControl);
    };
    auto result = AutoMaskGenerator(*impl.predictor, params).generate(viewOf(image), amg);
    return result;
}

}  // namespace samdesk
