// The document's prediction: the prompts of the current mask (every change an undo step), their
// decode on the inference thread, the mask candidates that come back with the chosen one and
// the threshold, the refinement loop (the chosen candidate's low-res logits go with the next
// prompts) and the hover preview. QtCore/QtGui only.
//
// Coordinates: original image pixels. Thread affinity: the UI thread; results of the inference
// thread arrive as queued signals carrying values.
#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QPointF>
#include <QRect>
#include <QRectF>
#include <QSize>
#include <QTimer>

#include <optional>
#include <vector>

#include "core/annotation/binarymask.h"
#include "core/annotation/imageannotations.h"
#include "core/document/inferencetypes.h"
#include "core/document/promptstate.h"

class QUndoStack;

namespace samdesk {

class DocumentAnnotations;
struct AnnotationObject;
class DocumentSession;

class DocumentPrediction : public QObject {
    Q_OBJECT
public:
    // What the next mask does to the object being refined: replaces it (New: a new object when
    // none is refined), is added to it (Add) or cut from it (Subtract). The current mask shows
    // the result, and Keep stores it.
    enum class CombineMode { New, Add, Subtract };
    Q_ENUM(CombineMode)

    // Decodes through the session's engine; the mask of an object being refined comes from
    // `annotations`; prompt changes go on `undo`.
    DocumentPrediction(DocumentSession* session, const DocumentAnnotations* annotations,
                       QUndoStack* undo, QObject* parent = nullptr);
    ~DocumentPrediction() override;

    // ---- Prompts ------------------------------------------------------------------------------
    const PromptState& prompts() const { return m_prompts; }
    int addPoint(QPointF position, bool foreground);  // returns the new point's id
    void movePoint(int id, QPointF position);
    void setBox(const QRectF& box);
    void removePrompt(int id);  // a point's id, or PromptState::kBoxId
    void clearPrompts();
    int refiningObject() const { return m_prompts.refiningObject; }
    // The undo step that changes the prompts to `after`; `mergeKey` != 0 merges consecutive
    // steps with the same key (a marker dragged across the image is one move).
    void pushPrompts(const QString& text, PromptState after, int mergeKey = 0);

    // The prompts as an object keeps them: points in the order placed, box, chosen candidate,
    // threshold, whether the shown mask had a mask input, the engine and checkpoint fingerprint.
    // nullopt without a prediction.
    std::optional<ObjectPrompts> keptPrompts() const;
    // Kept prompts as the current prompts (new point ids), refining `objectId`; their candidate
    // is chosen again when the decode arrives.
    PromptState promptsFrom(const ObjectPrompts& kept, int objectId);
    // The embedding prompts decode against: the region's when it is ready and every prompt lies
    // inside it, else the whole image's (DocumentSession keys).
    QString sessionKeyFor(const PromptState& state) const;
    QString sessionKeyFor(const std::vector<PromptPoint>& points,
                          const std::optional<PromptBox>& box) const;

    CombineMode combineMode() const { return m_combineMode; }
    void setCombineMode(CombineMode mode);
    // True when the current mask is a decode combined with the refined object (Add, Subtract).
    bool combining() const;

    // Mask for the point under the cursor while there are no prompts (throttled).
    void setHoverPreview(bool on);
    bool hoverPreview() const { return m_hoverEnabled; }
    void hover(QPointF position);
    void endHover();

    // ---- Mask candidates ----------------------------------------------------------------------
    bool hasPrediction() const { return bool(m_prediction); }
    // True when the shown prediction was decoded against the region's encoding
    // (DocumentSession::encodeRegion), false for the whole image's.
    bool predictionFromRegion() const;
    bool predictionIsHover() const { return m_predictionIsHover; }
    int candidateCount() const;
    float candidateScore(int index) const;  // NaN when the engine has no score
    // At the current threshold and the image's size. SAM's candidates other than the best are
    // upsampled on first use (a click only pays for the mask it shows).
    BinaryMask candidateMask(int index) const;
    // `region` of the image scaled to `scaled` (both in scaled pixels), at the current threshold:
    // a thumbnail without a full-size mask. Null when there is no such candidate.
    BinaryMask candidateMaskScaled(int index, QSize scaled, const QRect& region) const;
    // The candidate's bounding box in image pixels (for candidates not upsampled yet, from a mask
    // of long side 256 with a cell of margin: it holds the exact box, within 1/128 of the long
    // side). Empty when the mask is empty.
    QRect candidateBounds(int index) const;
    int selectedCandidate() const { return m_selected; }
    void selectCandidate(int index);
    double threshold() const { return m_threshold; }
    void setThreshold(double logit);
    bool refineWithPrevious() const { return m_refineWithPrevious; }
    void setRefineWithPrevious(bool on);
    // The mask Keep would store: the selected candidate at the threshold (combined with the
    // refined object in Add and Subtract; the mask of the object being refined, before any
    // prompt), at the image's full size. Null when there is
    // none. Made on the first call after a change (a large image's full-size mask is not made
    // on every click).
    const BinaryMask& currentMask() const;
    // Cheap: whether currentMask() would be non-null.
    bool hasCurrentMask() const;
    // `region` of the current mask scaled to `scaled` (both in scaled pixels): what the canvas
    // draws, at the view's resolution and for the visible part only. Null when there is none.
    BinaryMask currentMaskScaled(QSize scaled, const QRect& region) const;
    // Decode time of the last prediction on the inference thread, and the time from the prompt
    // change that asked for it to its arrival on the UI thread.
    double lastDecodeMs() const { return m_lastDecodeMs; }
    double lastRoundTripMs() const { return m_lastRoundTripMs; }
    // Restarted at each prompt change (the canvas measures click-to-painted-mask with it).
    const QElapsedTimer& promptClock() const { return m_promptClock; }

    // ---- For AnnotationDocument ---------------------------------------------------------------
    // A new image: no prompts, no prediction, no hover. Silent: announce() tells the observers.
    void resetForImage();
    void announce() { Q_EMIT promptsChanged(); }
    // Decodes the current prompts again (after an engine change or a new encode).
    void scheduleDecode();
    // The undo command's entry point.
    void applyPrompts(const PromptState& state);

Q_SIGNALS:
    void promptsChanged();
    void predictionChanged();
    void thresholdChanged(double logit);
    void combineModeChanged(samdesk::DocumentPrediction::CombineMode mode);
    void message(const QString& text);
    void error(const QString& text);

private:
    PromptState withHint(PromptState state) const;
    void sendDecode(const PromptState& state, bool hover);
    bool isCurrentKey(const QString& key) const;
    void sendHover();
    void clearPrediction();
    void updateCurrentMask();
    const AnnotationObject* refinedObject() const;
    void onObjectsChanged();
    void onDecoded(const DecodeResultPtr& result);
    void onDecodeFailed(quint64 id, const QString& key, const QString& message, bool notEncoded);

    DocumentSession* m_session;
    const DocumentAnnotations* m_annotations;
    QUndoStack* m_undo;

    PromptState m_prompts;
    int m_nextPointId = 1;

    quint64 m_nextRequestId = 1;
    quint64 m_lastSentRequest = 0;
    quint64 m_lastAppliedRequest = 0;
    quint64 m_hoverRequest = 0;
    DecodeResultPtr m_prediction;
    mutable std::vector<LogitMap> m_fullLogits;  // per candidate, filled on first use
    bool m_predictionIsHover = false;
    int m_selected = 0;
    double m_threshold = 0.0;
    bool m_refineWithPrevious = true;
    CombineMode m_combineMode = CombineMode::New;
    std::optional<int> m_restoreCandidate;  // chosen again when the next decode arrives
    mutable BinaryMask m_currentMask;
    mutable bool m_currentMaskValid = false;
    bool m_maskShown = false;  // observers were last told of a mask (hasCurrentMask())
    double m_lastDecodeMs = 0;
    double m_lastRoundTripMs = 0;
    QElapsedTimer m_promptClock;

    bool m_hoverEnabled = false;
    std::optional<QPointF> m_hoverPoint;
    QTimer m_hoverTimer;
};

}  // namespace samdesk
