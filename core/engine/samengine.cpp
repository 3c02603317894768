// SamEngine: prompts and results converted between the Segmenter types and the Predictor's.
#include "core/engine/samengine.h"

#include <chrono>

#include "core/sam/predictor.h"

namespace samdesk {

namespace {

// Session ids let the engine know whether the predictor already holds a session's embedding.
std::uint64_t nextSessionId() {
    static std::atomic<std::uint64_t> id{0};
    return ++id;
}

class SamSession final : public ImageSession {
public:
    SamSession(ImageEmbedding e, const void* owner)
        : embedding(std::move(e)), owner(owner), id(nextSessionId()) {}
    int width() const override { return embedding.imageSize.width; }
    int height() const override { return embedding.imageSize.height; }

    ImageEmbedding embedding;
    const void* owner;
    std::uint64_t id;
};

double msSince(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

struct SamEngine::Impl {
    std::unique_ptr<Predictor> predictor;
    CheckpointReport report;
    std::uint64_t loadedSession = 0;  // the session whose embedding the predictor holds
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

Expected<std::shared_ptr<ImageSession>> SamEngine::encode(const RgbImage& image,
                                                          const EncodeHooks& hooks) {
    if (image.empty() || image.pixels.size() < std::size_t(image.width) * image.height * 3)
        return Error::invalid("SAM: empty or short image");
    ImageView view;
    view.data = image.pixels.data();
    view.width = image.width;
    view.height = image.height;
    view.channels = 3;
    view.order = PixelOrder::Rgb;
    m_impl->loadedSession = 0;
    EncodeControl control;
    control.progress = hooks.progress;
    control.cancel = hooks.cancel;
    if (auto st = m_impl->predictor->setImage(view, control); !st)
        return st.error();
    auto embedding = m_impl->predictor->embedding();
    if (!embedding)
        return embedding.error();
    auto session = std::make_shared<SamSession>(std::move(embedding.value()), this);
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
    Prompts p;
    for (const auto& pt : prompts.points)
        p.points.push_back({pt.x, pt.y, pt.foreground ? 1 : 0});
    if (prompts.box)
        p.box = BoxPrompt{prompts.box->x0, prompts.box->y0, prompts.box->x1, prompts.box->y1};
    if (!prompts.maskInput.empty())
        p.maskInput = LowResMask{prompts.maskInput.width, prompts.maskInput.values};
    p.multimask = prompts.multimask;
    auto prediction = m_impl->predictor->predict(p);
    if (!prediction)
        return prediction.error();
    const Prediction& pr = prediction.value();
    const int w = pr.size.width, h = pr.size.height;
    const std::size_t plane = std::size_t(w) * h;
    const std::size_t lowPlane = std::size_t(pr.lowRes.side) * pr.lowRes.side;
    SegmentResult result;
    for (int i = 0; i < pr.lowRes.count; ++i) {
        MaskCandidate c;
        c.score = pr.lowRes.iou[std::size_t(i)];
        c.logits = LogitMap::fromLogits(w, h, pr.logits.data() + plane * i);
        c.lowRes.width = c.lowRes.height = pr.lowRes.side;
        c.lowRes.values.assign(pr.lowRes.logits.begin() + std::ptrdiff_t(lowPlane * i),
                               pr.lowRes.logits.begin() + std::ptrdiff_t(lowPlane * (i + 1)));
        result.candidates.push_back(std::move(c));
    }
    result.best = bestCandidate(result.candidates);
    return result;
}

void SamEngine::warmUp(ImageSession& session) {
    PromptSet centre;
    centre.points = {{session.width() / 2.f, session.height() / 2.f, true}};
    (void)predict(session, centre);  // the result is not needed, only the work
}

}  // namespace samdesk
