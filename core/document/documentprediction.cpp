// DocumentPrediction: prompts as undo steps, their decodes, the candidates, the hover preview.
#include "core/document/documentprediction.h"

#include <QUndoStack>

#include <cmath>

#include "core/annotation/maskedit.h"
#include "core/document/documentannotations.h"
#include "core/document/documentsession.h"
#include "core/document/inferenceworker.h"
#include "core/document/promptcommand.h"

namespace samdesk {

namespace {

// `region` of a full-size mask scaled to `scaled`: the nearest full-size pixel of each scaled one.
template <typename Inside>
BinaryMask sampleNearest(QSize full, QSize scaled, const QRect& region, Inside inside) {
    std::vector<std::uint8_t> bytes(std::size_t(region.width()) * region.height());
    for (int y = 0; y < region.height(); ++y) {
        const int sy = std::min(full.height() - 1,
                                int((y + region.y() + 0.5) * full.height() / scaled.height()));
        for (int x = 0; x < region.width(); ++x) {
            const int sx = std::min(full.width() - 1,
                                    int((x + region.x() + 0.5) * full.width() / scaled.width()));
            bytes[std::size_t(y) * region.width() + x] = inside(sx, sy) ? 1 : 0;
        }
    }
    auto mask = BinaryMask::fromBytes(region.width(), region.height(), std::move(bytes));
    return mask ? std::move(mask.value()) : BinaryMask();
}

// `decoded` combined with `object` (same size) by `mode`: Add: either, Subtract: object and not
// decoded.
BinaryMask combined(const BinaryMask& object, BinaryMask decoded,
                    DocumentPrediction::CombineMode mode) {
    if (object.width() != decoded.width() || object.height() != decoded.height())
        return decoded;
    auto r = combineMasks(
        object, decoded,
        mode == DocumentPrediction::CombineMode::Add ? MaskOp::Union : MaskOp::Subtract);
    return r ? std::move(r.value()) : decoded;
}

}  // namespace

DocumentPrediction::DocumentPrediction(DocumentSession* session,
                                       const DocumentAnnotations* annotations, QUndoStack* undo,
                                       QObject* parent)
    : QObject(parent), m_session(session), m_annotations(annotations), m_undo(undo) {
    m_hoverTimer.setSingleShot(true);
    m_hoverTimer.setInterval(60);  // at most ~16 hover decodes a second
    connect(&m_hoverTimer, &QTimer::timeout, this, &DocumentPrediction::sendHover);
    m_promptClock.start();
    InferenceWorker* w = session->worker();
    connect(w, &InferenceWorker::decoded, this, &DocumentPrediction::onDecoded);
    connect(w, &InferenceWorker::decodeFailed, this, &DocumentPrediction::onDecodeFailed);
    connect(session, &DocumentSession::encoded, this, &DocumentPrediction::scheduleDecode);
    connect(annotations, &DocumentAnnotations::objectsChanged, this,
            &DocumentPrediction::onObjectsChanged);
}

DocumentPrediction::~DocumentPrediction() = default;

void DocumentPrediction::resetForImage() {
    m_prompts = PromptState();
    m_hoverPoint.reset();
    clearPrediction();
}

void DocumentPrediction::onObjectsChanged() {
    // The object being refined changed (undo, redo, a hand edit) while its mask is (part of)
    // what is shown.
    if (m_prompts.refiningObject && (!m_prediction || combining()))
        updateCurrentMask();
}

// ---- Prompts ----------------------------------------------------------------------------------

PromptState DocumentPrediction::withHint(PromptState state) const {
    // The refinement loop: the next prompt set carries the chosen candidate's low-res logits.
    // Without a prediction yet, a hint already there (an object reselected for refinement) stays.
    if (m_prediction && !m_predictionIsHover && m_selected < candidateCount()) {
        const auto& lowRes = m_prediction->result.candidates[std::size_t(m_selected)].lowRes;
        state.hint = lowRes.empty()
                         ? MaskHint()
                         : MaskHint{std::make_shared<const LowResLogits>(lowRes),
                                    m_session->engineGeneration(), m_prediction->imageKey};
    }
    return state;
}

void DocumentPrediction::pushPrompts(const QString& text, PromptState after, int mergeKey) {
    m_undo->push(new PromptCommand(this, text, m_prompts, std::move(after), mergeKey));
}

int DocumentPrediction::addPoint(QPointF position, bool foreground) {
    if (m_session->image().isNull())
        return 0;
    m_hoverTimer.stop();
    m_hoverPoint.reset();
    PromptState next = withHint(m_prompts);
    const int id = m_nextPointId++;
    next.points.append(PromptPointItem{id, {position.x(), position.y(), foreground}});
    pushPrompts(foreground ? tr("Add foreground point") : tr("Add background point"),
                std::move(next));
    return id;
}

void DocumentPrediction::movePoint(int id, QPointF position) {
    PromptState next = m_prompts;
    for (auto& p : next.points)
        if (p.id == id)
            p.point = {position.x(), position.y(), p.point.foreground};
    if (next == m_prompts)
        return;
    next.hint = MaskHint();  // the old mask would pull the result back to where the point was
    pushPrompts(tr("Move point"), std::move(next), id);
}

void DocumentPrediction::setBox(const QRectF& box) {
    if (m_session->image().isNull())
        return;
    const QRectF clipped = box.normalized().intersected(
        QRectF(0, 0, m_session->image().width(), m_session->image().height()));
    if (clipped.width() < 1 || clipped.height() < 1)
        return;
    m_hoverPoint.reset();
    PromptState next = m_prompts;
    next.hint = MaskHint();  // a new box starts a new object outline
    next.box = PromptBox{clipped.left(), clipped.top(), clipped.right(), clipped.bottom()};
    pushPrompts(m_prompts.box ? tr("Change box") : tr("Draw box"), std::move(next));
}

void DocumentPrediction::removePrompt(int id) {
    PromptState next = m_prompts;
    if (id == PromptState::kBoxId) {
        if (!next.box)
            return;
        next.box.reset();
    } else {
        const auto before = next.points.size();
        next.points.removeIf([id](const PromptPointItem& p) { return p.id == id; });
        if (next.points.size() == before)
            return;
    }
    // Feeding back a mask made with the removed prompt would keep its effect.
    next.hint = MaskHint();
    pushPrompts(id == PromptState::kBoxId ? tr("Remove box") : tr("Remove point"), std::move(next));
}

void DocumentPrediction::clearPrompts() {
    if (m_prompts.isEmpty() && !m_prompts.refiningObject)
        return;
    pushPrompts(tr("Clear prompts"), PromptState());
}

void DocumentPrediction::applyPrompts(const PromptState& state) {
    m_prompts = state;
    Q_EMIT promptsChanged();
    scheduleDecode();
}

// ---- Decoding ---------------------------------------------------------------------------------

void DocumentPrediction::scheduleDecode() {
    m_promptClock.restart();
    if (m_prompts.isEmpty()) {
        clearPrediction();
        return;
    }
    if (m_session->image().isNull())
        return;
    if (m_session->encodeState() == DocumentSession::EncodeState::Cancelled ||
        m_session->encodeState() == DocumentSession::EncodeState::Failed)
        m_session->requestEncode();
    sendDecode(m_prompts, false);
}

QString DocumentPrediction::sessionKeyFor(const PromptState& state) const {
    std::vector<PromptPoint> points;
    points.reserve(std::size_t(state.points.size()));
    for (const auto& p : state.points)
        points.push_back(p.point);
    return sessionKeyFor(points, state.box);
}

QString DocumentPrediction::sessionKeyFor(const std::vector<PromptPoint>& points,
                                          const std::optional<PromptBox>& box) const {
    // The region's encoding when it is ready and every prompt lies inside it; else the image's.
    if (!m_session->regionReady() || (points.empty() && !box))
        return m_session->imageKey();
    // The engine's own test (promptsInRegion refuses what this lets through otherwise).
    const QRect q = m_session->region();
    const ImageRegion r{q.x(), q.y(), q.width(), q.height()};
    for (const PromptPoint& p : points)
        if (!r.contains(p.x, p.y))
            return m_session->imageKey();
    if (box && (!r.contains(box->x0, box->y0) || !r.contains(box->x1, box->y1)))
        return m_session->imageKey();
    return m_session->regionKey();
}

bool DocumentPrediction::isCurrentKey(const QString& key) const {
    return key == m_session->imageKey() ||
           (!m_session->regionKey().isEmpty() && key == m_session->regionKey());
}

bool DocumentPrediction::predictionFromRegion() const {
    return m_prediction && !m_session->regionKey().isEmpty() &&
           m_prediction->imageKey == m_session->regionKey();
}

void DocumentPrediction::sendDecode(const PromptState& state, bool hover) {
    DecodeRequest request;
    request.id = m_nextRequestId++;
    request.imageKey = sessionKeyFor(state);
    const bool useHint = m_refineWithPrevious && m_session->engine().acceptsMaskInput &&
                         state.hint.engineGeneration == m_session->engineGeneration() &&
                         state.hint.sessionKey == request.imageKey;
    request.prompts = state.toPromptSet(useHint);
    if (hover)
        m_hoverRequest = request.id;
    else
        m_lastSentRequest = request.id;
    m_session->worker()->requestDecode(request);
}

void DocumentPrediction::onDecoded(const DecodeResultPtr& result) {
    if (!isCurrentKey(result->imageKey) || result->requestId < m_lastAppliedRequest)
        return;
    const bool hover = result->requestId == m_hoverRequest;
    if (hover && (!m_prompts.isEmpty() || !m_hoverPoint || m_prompts.refiningObject))
        return;  // the user clicked (or left) since: a hover mask would be stale
    if (!hover && m_prompts.isEmpty())
        return;  // the prompts were cleared while it ran
    if (result->result.candidates.empty())
        return;
    m_lastAppliedRequest = result->requestId;
    m_prediction = result;
    m_fullLogits.assign(result->result.candidates.size(), LogitMap());
    m_predictionIsHover = hover;
    m_selected = std::clamp(m_restoreCandidate.value_or(result->result.best), 0,
                            int(result->result.candidates.size()) - 1);
    if (!hover)
        m_restoreCandidate.reset();
    m_lastDecodeMs = result->milliseconds;
    m_lastRoundTripMs = double(m_promptClock.nsecsElapsed()) / 1e6;
    updateCurrentMask();
    if (!hover && m_session->regionReady())
        Q_EMIT message(predictionFromRegion()
                           ? tr("Mask from the region's embedding")
                           : tr("Mask from the whole image's embedding (a prompt lies outside the "
                                "region)"));
    if (!hover)
        m_session->requestPrefetch();
}

void DocumentPrediction::onDecodeFailed(quint64 id, const QString& key, const QString& text,
                                        bool notEncoded) {
    if (!isCurrentKey(key) || id < m_lastAppliedRequest || id == m_hoverRequest)
        return;
    if (notEncoded && key == m_session->regionKey()) {
        // The region's encoding was pushed out of memory: encode it again (the embedding cache
        // usually has it), the newest prompts decode after it.
        m_session->encodeRegion(m_session->region());
        return;
    }
    if (notEncoded) {
        // The session is gone although the image was encoded (pushed out by images encoded
        // ahead): encode again; the newest prompts are decoded after it. After a cancel the
        // user's next prompt restarts the encode instead.
        if (m_session->encodeState() == DocumentSession::EncodeState::Ready &&
            !m_prompts.isEmpty()) {
            m_session->requestEncode();
            sendDecode(m_prompts, false);
        }
        return;
    }
    if (m_session->encodeState() == DocumentSession::EncodeState::Ready)
        Q_EMIT error(tr("Cannot compute the mask: %1").arg(text));
}

void DocumentPrediction::clearPrediction() {
    const bool had = bool(m_prediction) || m_maskShown;
    m_prediction.reset();
    m_currentMask = BinaryMask();
    m_currentMaskValid = false;
    m_fullLogits.clear();
    m_predictionIsHover = false;
    m_selected = 0;
    m_lastAppliedRequest = m_lastSentRequest;
    if (had || m_prompts.refiningObject)
        updateCurrentMask();
}

void DocumentPrediction::updateCurrentMask() {
    // Made at full size only when asked for (Keep, an export): a click pays for what the canvas
    // shows, at the size it shows it (currentMaskScaled()).
    m_currentMask = BinaryMask();
    m_currentMaskValid = false;
    m_maskShown = hasCurrentMask();
    Q_EMIT predictionChanged();
}

const AnnotationObject* DocumentPrediction::refinedObject() const {
    return m_prompts.refiningObject ? m_annotations->find(m_prompts.refiningObject) : nullptr;
}

bool DocumentPrediction::hasCurrentMask() const {
    if (m_prediction)
        return candidateCount() > 0;
    const AnnotationObject* o = refinedObject();
    return o && !o->mask.isNull();
}

bool DocumentPrediction::combining() const {
    return m_combineMode != CombineMode::New && m_prediction && !m_predictionIsHover &&
           refinedObject() != nullptr;
}

void DocumentPrediction::setCombineMode(CombineMode mode) {
    if (mode == m_combineMode)
        return;
    m_combineMode = mode;
    Q_EMIT combineModeChanged(mode);
    if (m_prediction && refinedObject())
        updateCurrentMask();
}

const BinaryMask& DocumentPrediction::currentMask() const {
    if (!m_currentMaskValid) {
        if (m_prediction) {
            m_currentMask = candidateMask(m_selected);
            if (combining())
                m_currentMask =
                    combined(refinedObject()->mask, std::move(m_currentMask), m_combineMode);
        } else if (const AnnotationObject* o = refinedObject()) {
            m_currentMask = o->mask;
        }
        m_currentMaskValid = true;
    }
    return m_currentMask;
}

BinaryMask DocumentPrediction::currentMaskScaled(QSize scaled, const QRect& region) const {
    const AnnotationObject* o = refinedObject();
    const bool withObject = o && !o->mask.isNull() && !scaled.isEmpty() && !region.isEmpty() &&
                            QRect(QPoint(0, 0), scaled).contains(region);
    // The object's own mask, nearest image pixel of each scaled pixel.
    auto objectScaled = [&] {
        const BinaryMask& full = o->mask;
        return sampleNearest(QSize(full.width(), full.height()), scaled, region,
                             [&full](int x, int y) { return full.at(x, y); });
    };
    if (m_prediction) {
        BinaryMask decoded = candidateMaskScaled(m_selected, scaled, region);
        if (combining() && withObject)
            return combined(objectScaled(), std::move(decoded), m_combineMode);
        return decoded;
    }
    return withObject ? objectScaled() : BinaryMask();
}

std::optional<ObjectPrompts> DocumentPrediction::keptPrompts() const {
    if (!m_prediction || m_predictionIsHover || m_prompts.isEmpty())
        return std::nullopt;
    ObjectPrompts kept;
    for (const auto& p : m_prompts.points)  // in the order placed (ids increase)
        kept.points.push_back(p.point);
    kept.box = m_prompts.box;
    kept.candidate = m_selected;
    kept.threshold = m_threshold;
    kept.maskInput = m_prediction->maskInput;
    const EngineStatus& engine = m_session->engine();
    kept.engine = engine.name.toStdString();
    if (engine.report)
        kept.checkpoint = engine.report->fingerprint;
    return kept;
}

PromptState DocumentPrediction::promptsFrom(const ObjectPrompts& kept, int objectId) {
    PromptState state;
    for (const PromptPoint& p : kept.points)
        state.points.append(PromptPointItem{m_nextPointId++, p});
    state.box = kept.box;
    state.refiningObject = objectId;
    m_restoreCandidate = kept.candidate;
    setThreshold(kept.threshold);
    return state;
}

int DocumentPrediction::candidateCount() const {
    return m_prediction ? int(m_prediction->result.candidates.size()) : 0;
}

float DocumentPrediction::candidateScore(int index) const {
    if (index < 0 || index >= candidateCount())
        return std::nanf("");
    return m_prediction->result.candidates[std::size_t(index)].score;
}

BinaryMask DocumentPrediction::candidateMask(int index) const {
    if (index < 0 || index >= candidateCount())
        return {};
    const LogitMap* logits = &m_prediction->result.candidates[std::size_t(index)].logits;
    if (logits->empty()) {
        LogitMap& lazy = m_fullLogits[std::size_t(index)];
        if (lazy.empty())
            lazy = m_prediction->result.fullLogits(index);
        logits = &lazy;
    }
    auto mask =
        BinaryMask::fromBytes(logits->width(), logits->height(), logits->mask(float(m_threshold)));
    return mask ? std::move(mask.value()) : BinaryMask();
}

BinaryMask DocumentPrediction::candidateMaskScaled(int index, QSize scaled,
                                                   const QRect& region) const {
    if (index < 0 || index >= candidateCount() || scaled.isEmpty() || region.isEmpty() ||
        !QRect(QPoint(0, 0), scaled).contains(region))
        return {};
    const SegmentResult& r = m_prediction->result;
    const MaskCandidate& c = r.candidates[std::size_t(index)];
    const float t = float(m_threshold);
    if (r.upscaler) {
        const LogitMap map =
            r.upscaler->upscale(c.lowRes, scaled.width(), scaled.height(),
                                {region.x(), region.y(), region.width(), region.height()});
        auto mask = BinaryMask::fromBytes(map.width(), map.height(), map.mask(t));
        return mask ? std::move(mask.value()) : BinaryMask();
    }
    // Full-size logits (GrabCut): the nearest image pixel of each scaled pixel.
    const LogitMap& full = c.logits;
    if (full.empty())
        return {};
    return sampleNearest(QSize(full.width(), full.height()), scaled, region,
                         [&full, t](int x, int y) { return full.inside(x, y, t); });
}

QRect DocumentPrediction::candidateBounds(int index) const {
    if (index < 0 || index >= candidateCount())
        return {};
    const SegmentResult& r = m_prediction->result;
    const bool upsampled = !r.candidates[std::size_t(index)].logits.empty() ||
                           !m_fullLogits[std::size_t(index)].empty();
    if (upsampled || !r.upscaler) {
        const PixelRect b = candidateMask(index).boundingBox();
        return QRect(b.x, b.y, b.width, b.height);
    }
    // A reduced-size mask, its box scaled back with a pixel of margin. Long side 256: the
    // decoder's own grid (256 low-res cells over the model's input), so nothing finer is known,
    // and a click pays a quarter of what 512 cost.
    const QSize image(r.upscaler->imageWidth(), r.upscaler->imageHeight());
    const double s = std::min(1.0, 256.0 / std::max(image.width(), image.height()));
    const QSize small(std::max(1, int(image.width() * s)), std::max(1, int(image.height() * s)));
    const PixelRect b = candidateMaskScaled(index, small, QRect(QPoint(0, 0), small)).boundingBox();
    if (b.width <= 0 || b.height <= 0)
        return {};
    const double fx = double(image.width()) / small.width();
    const double fy = double(image.height()) / small.height();
    const QRect box(QPoint(int(std::floor((b.x - 1) * fx)), int(std::floor((b.y - 1) * fy))),
                    QPoint(int(std::ceil((b.x + b.width + 1) * fx)) - 1,
                           int(std::ceil((b.y + b.height + 1) * fy)) - 1));
    return box.intersected(QRect(QPoint(0, 0), image));
}

void DocumentPrediction::selectCandidate(int index) {
    if (index < 0 || index >= candidateCount() || index == m_selected)
        return;
    m_selected = index;
    updateCurrentMask();
}

void DocumentPrediction::setThreshold(double logit) {
    logit = std::clamp(logit, -double(LogitMap::kMaxThreshold), double(LogitMap::kMaxThreshold));
    if (logit == m_threshold)
        return;
    m_threshold = logit;
    Q_EMIT thresholdChanged(logit);
    if (m_prediction)
        updateCurrentMask();
}

void DocumentPrediction::setRefineWithPrevious(bool on) {
    m_refineWithPrevious = on;
}

// ---- Hover preview ----------------------------------------------------------------------------

void DocumentPrediction::setHoverPreview(bool on) {
    m_hoverEnabled = on;
    if (!on)
        endHover();
}

void DocumentPrediction::hover(QPointF position) {
    if (!m_hoverEnabled || !m_prompts.isEmpty() || m_prompts.refiningObject ||
        m_session->encodeState() != DocumentSession::EncodeState::Ready)
        return;
    m_hoverPoint = position;
    if (!m_hoverTimer.isActive())
        m_hoverTimer.start();
}

void DocumentPrediction::sendHover() {
    if (!m_hoverPoint || !m_prompts.isEmpty())
        return;
    PromptState state;
    state.points.append(PromptPointItem{0, {m_hoverPoint->x(), m_hoverPoint->y(), true}});
    sendDecode(state, true);
}

void DocumentPrediction::endHover() {
    m_hoverTimer.stop();
    m_hoverPoint.reset();
    if (m_predictionIsHover)
        clearPrediction();
}

}  // namespace samdesk
