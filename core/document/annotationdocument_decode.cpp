// AnnotationDocument, part 2: decoding the prompts on the inference thread, the candidates that
// come back, the threshold, and the hover preview.
#include <cmath>

#include "core/document/annotationdocument.h"
#include "core/document/inferencethread.h"

namespace samdesk {

// ---- Decoding ---------------------------------------------------------------------------------

void AnnotationDocument::scheduleDecode() {
    m_promptClock.restart();
    if (m_prompts.isEmpty()) {
        clearPrediction();
        return;
    }
    if (m_image.isNull())
        return;
    if (m_encodeState == EncodeState::Cancelled || m_encodeState == EncodeState::Failed)
        requestEncode();
    sendDecode(m_prompts, false);
}

void AnnotationDocument::sendDecode(const PromptState& state, bool hover) {
    DecodeRequest request;
    request.id = m_nextRequestId++;
    request.imageKey = m_imageKey;
    const bool useHint = m_refineWithPrevious && m_engine.acceptsMaskInput &&
                         state.hint.engineGeneration == m_engineGeneration;
    request.prompts = state.toPromptSet(useHint);
    if (hover)
        m_hoverRequest = request.id;
    else
        m_lastSentRequest = request.id;
    m_inference->worker()->requestDecode(request);
}

void AnnotationDocument::onDecoded(const DecodeResultPtr& result) {
    if (result->imageKey != m_imageKey || result->requestId < m_lastAppliedRequest)
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
    m_selected = std::clamp(result->result.best, 0, int(result->result.candidates.size()) - 1);
    m_lastDecodeMs = result->milliseconds;
    m_lastRoundTripMs = double(m_promptClock.nsecsElapsed()) / 1e6;
    updateCurrentMask();
    if (!hover)
        requestPrefetch();
}

void AnnotationDocument::onDecodeFailed(quint64 id, const QString& key, const QString& text,
                                        bool notEncoded) {
    if (key != m_imageKey || id < m_lastAppliedRequest || id == m_hoverRequest)
        return;
    if (notEncoded) {
        // The session is gone although the image was encoded (pushed out by images encoded
        // ahead): encode again; the newest prompts are decoded after it. After a cancel the
        // user's next prompt restarts the encode instead.
        if (m_encodeState == EncodeState::Ready && !m_prompts.isEmpty()) {
            requestEncode();
            sendDecode(m_prompts, false);
        }
        return;
    }
    if (m_encodeState == EncodeState::Ready)
        Q_EMIT error(tr("Cannot compute the mask: %1").arg(text));
}

void AnnotationDocument::clearPrediction() {
    const bool had = bool(m_prediction) || !m_currentMask.isNull();
    m_prediction.reset();
    m_fullLogits.clear();
    m_predictionIsHover = false;
    m_selected = 0;
    m_lastAppliedRequest = m_lastSentRequest;
    if (had || m_prompts.refiningObject)
        updateCurrentMask();
}

void AnnotationDocument::updateCurrentMask() {
    m_currentMask = BinaryMask();
    if (m_prediction) {
        m_currentMask = candidateMask(m_selected);
    } else if (m_prompts.refiningObject) {
        if (const auto* o = m_annotations.find(m_prompts.refiningObject))
            m_currentMask = o->mask;
    }
    Q_EMIT predictionChanged();
}

int AnnotationDocument::candidateCount() const {
    return m_prediction ? int(m_prediction->result.candidates.size()) : 0;
}

float AnnotationDocument::candidateScore(int index) const {
    if (index < 0 || index >= candidateCount())
        return std::nanf("");
    return m_prediction->result.candidates[std::size_t(index)].score;
}

BinaryMask AnnotationDocument::candidateMask(int index) const {
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

BinaryMask AnnotationDocument::candidateMaskScaled(int index, QSize scaled,
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
    std::vector<std::uint8_t> bytes(std::size_t(region.width()) * region.height());
    for (int y = 0; y < region.height(); ++y) {
        const int sy = std::min(full.height() - 1,
                                int((y + region.y() + 0.5) * full.height() / scaled.height()));
        for (int x = 0; x < region.width(); ++x) {
            const int sx = std::min(full.width() - 1,
                                    int((x + region.x() + 0.5) * full.width() / scaled.width()));
            bytes[std::size_t(y) * region.width() + x] = full.inside(sx, sy, t) ? 1 : 0;
        }
    }
    auto mask = BinaryMask::fromBytes(region.width(), region.height(), std::move(bytes));
    return mask ? std::move(mask.value()) : BinaryMask();
}

QRect AnnotationDocument::candidateBounds(int index) const {
    if (index < 0 || index >= candidateCount())
        return {};
    const SegmentResult& r = m_prediction->result;
    const bool upsampled = !r.candidates[std::size_t(index)].logits.empty() ||
                           !m_fullLogits[std::size_t(index)].empty();
    if (upsampled || !r.upscaler) {
        const PixelRect b = candidateMask(index).boundingBox();
        return QRect(b.x, b.y, b.width, b.height);
    }
    // A reduced-size mask (long side 512), its box scaled back with a pixel of margin.
    const QSize image(r.upscaler->imageWidth(), r.upscaler->imageHeight());
    const double s = std::min(1.0, 512.0 / std::max(image.width(), image.height()));
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

void AnnotationDocument::selectCandidate(int index) {
    if (index < 0 || index >= candidateCount() || index == m_selected)
        return;
    m_selected = index;
    updateCurrentMask();
}

void AnnotationDocument::setThreshold(double logit) {
    logit = std::clamp(logit, -double(LogitMap::kMaxThreshold), double(LogitMap::kMaxThreshold));
    if (logit == m_threshold)
        return;
    m_threshold = logit;
    Q_EMIT thresholdChanged(logit);
    if (m_prediction)
        updateCurrentMask();
}

void AnnotationDocument::setRefineWithPrevious(bool on) {
    m_refineWithPrevious = on;
}

// ---- Hover preview ----------------------------------------------------------------------------

void AnnotationDocument::setHoverPreview(bool on) {
    m_hoverEnabled = on;
    if (!on)
        endHover();
}

void AnnotationDocument::hover(QPointF position) {
    if (!m_hoverEnabled || !m_prompts.isEmpty() || m_prompts.refiningObject ||
        m_encodeState != EncodeState::Ready)
        return;
    m_hoverPoint = position;
    if (!m_hoverTimer.isActive())
        m_hoverTimer.start();
}

void AnnotationDocument::sendHover() {
    if (!m_hoverPoint || !m_prompts.isEmpty())
        return;
    PromptState state;
    state.points.append({0, *m_hoverPoint, true});
    sendDecode(state, true);
}

void AnnotationDocument::endHover() {
    m_hoverTimer.stop();
    m_hoverPoint.reset();
    if (m_predictionIsHover)
        clearPrediction();
}

}  // namespace samdesk
