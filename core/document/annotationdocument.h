// The annotation document: the images being annotated, the current image with its objects and
// labels (h3's data model, autosaved per image through its AnnotationStore), the prompts and the
// live mask candidates, and the undo stack that covers every edit. It drives the inference thread
// (encode once per image, decode per prompt change) and tells its observers (the canvas and the
// panels) what changed through signals. QtCore/QtGui only.
//
// Coordinates: original image pixels. Thread affinity: the UI thread; results of the inference
// thread arrive as queued signals carrying values.
#pragma once

#include <QElapsedTimer>
#include <QHash>
#include <QImage>
#include <QObject>
#include <QTimer>
#include <QUndoStack>

#include <optional>

#include "core/annotation/imageannotations.h"
#include "core/annotation/labelset.h"
#include "core/document/imagefolder.h"
#include "core/document/inferencetypes.h"
#include "core/document/promptstate.h"

namespace samdesk {

class InferenceThread;

class AnnotationDocument : public QObject {
    Q_OBJECT
public:
    enum class EncodeState { NoImage, Encoding, Ready, Cancelled, Failed };
    Q_ENUM(EncodeState)

    // `factory` makes engines on the inference thread (createEngine in the app). The document
    // starts with GrabCut; call loadCheckpoint() for SAM.
    explicit AnnotationDocument(EngineFactory factory, QObject* parent = nullptr);
    ~AnnotationDocument() override;

    // ---- Images -------------------------------------------------------------------------------
    // Opens one image (a file or a Qt resource). False (and an error() signal) when unreadable;
    // the current image stays.
    bool openImage(const QString& path);
    // Opens a folder's images and shows the first one (or `select` when it is one of them).
    bool openFolder(const QString& folder, const QString& select = {});
    const ImageFolder& images() const { return m_folder; }
    int currentIndex() const { return m_index; }
    bool setCurrentIndex(int index);
    bool next();
    bool previous();
    QString currentImagePath() const { return m_folder.absolutePath(m_index); }
    const QImage& image() const { return m_image; }

    // ---- Engine -------------------------------------------------------------------------------
    // Loads a SAM checkpoint on the inference thread; engineChanged() or engineFailed() follows.
    // On failure the current engine stays.
    // precision: "auto" (bfloat16 where the CPU or GPU is fast at it, else float32),
    // "float32", "bfloat16", "float16".
    void loadCheckpoint(const QString& path, const QString& device = QStringLiteral("cpu"),
                        const QString& precision = QStringLiteral("auto"));
    // The on-disk embedding cache for the next checkpoint loaded (empty directory: none). An
    // image encoded once (here or by `samdesk-cli encode`) then opens without an encoder run.
    void setEmbeddingCache(const QString& directory, quint64 maxBytes);
    QString embeddingCacheDirectory() const { return m_cacheDirectory; }
    void useGrabCut();
    bool engineLoading() const { return m_engineLoading; }
    const EngineStatus& engine() const { return m_engine; }
    bool isSam() const { return !m_engine.checkpoint.isEmpty(); }

    EncodeState encodeState() const { return m_encodeState; }
    // How the current image was made ready: by the encoder, from the embedding cache on disk,
    // or from memory (encoded earlier in this run, or ahead of time). A repeated request
    // answered from memory (the engine was just loaded) does not hide how it was first made.
    enum class EncodeSource { None, Encoder, Memory, DiskCache };
    EncodeSource lastEncodeSource() const { return m_lastEncodeSource; }
    // Milliseconds from the encode request (opening the image) to Ready, and the inference
    // thread's part of it (the encoder run, or reading the cache entry).
    double lastReadyMs() const { return m_lastReadyMs; }
    double lastEncodeMs() const { return m_lastEncodeMs; }
    // Stops the running encode between encoder blocks; prompts wait until the image is encoded
    // again (a new prompt restarts it).
    void cancelEncode();
    void reencode();

    // ---- Prompts ------------------------------------------------------------------------------
    const PromptState& prompts() const { return m_prompts; }
    int addPoint(QPointF position, bool foreground);  // returns the new point's id
    void movePoint(int id, QPointF position);
    void setBox(const QRectF& box);
    void removePrompt(int id);  // a point's id, or PromptState::kBoxId
    void clearPrompts();

    // Mask for the point under the cursor while there are no prompts (throttled).
    void setHoverPreview(bool on);
    bool hoverPreview() const { return m_hoverEnabled; }
    void hover(QPointF position);
    void endHover();

    // ---- Mask candidates ----------------------------------------------------------------------
    bool hasPrediction() const { return bool(m_prediction); }
    bool predictionIsHover() const { return m_predictionIsHover; }
    int candidateCount() const;
    float candidateScore(int index) const;  // NaN when the engine has no score
    // At the current threshold and the image's size. SAM's candidates other than the best are
    // upsampled on first use (a click only pays for the mask it shows).
    BinaryMask candidateMask(int index) const;
    // `region` of the image scaled to `scaled` (both in scaled pixels), at the current threshold:
    // a thumbnail without a full-size mask. Null when there is no such candidate.
    BinaryMask candidateMaskScaled(int index, QSize scaled, const QRect& region) const;
    // The candidate's bounding box in image pixels (from a reduced-size mask for candidates not
    // upsampled yet: within a few pixels). Empty when the mask is empty.
    QRect candidateBounds(int index) const;
    int selectedCandidate() const { return m_selected; }
    void selectCandidate(int index);
    double threshold() const { return m_threshold; }
    void setThreshold(double logit);
    bool refineWithPrevious() const { return m_refineWithPrevious; }
    void setRefineWithPrevious(bool on);
    // The mask Keep would store: the selected candidate at the threshold (or the mask of the
    // object being refined, before any prompt). Null when there is none.
    const BinaryMask& currentMask() const { return m_currentMask; }
    // Decode time of the last prediction on the inference thread, and the time from the prompt
    // change that asked for it to its arrival on the UI thread.
    double lastDecodeMs() const { return m_lastDecodeMs; }
    double lastRoundTripMs() const { return m_lastRoundTripMs; }
    // Restarted at each prompt change (the canvas measures click-to-painted-mask with it).
    const QElapsedTimer& promptClock() const { return m_promptClock; }

    // ---- Objects and labels -------------------------------------------------------------------
    const ImageAnnotations& annotations() const { return m_annotations; }
    const LabelSet& labels() const { return m_labels; }
    QString currentLabel() const { return m_currentLabel; }
    void setCurrentLabel(const QString& label);  // added to the labels when new
    QColor objectColor(const AnnotationObject& object) const;

    // Enter: stores the current mask as a new object with the current label (or as the new mask
    // of the object being refined) and clears the prompts. False when there is no mask.
    bool keepMask();
    void removeObject(int id);
    void setObjectLabel(int id, const QString& label);
    void setObjectColor(int id, std::optional<QColor> color);  // nullopt: the label's colour
    void setObjectVisible(int id, bool visible);
    // Reselects an object to refine it: its prompts come back when they are known (made in this
    // session), else its mask shows as the current mask (and, with SAM, goes with the first new
    // prompt as the mask input); Keep then replaces its mask.
    void refineObject(int id);
    int refiningObject() const { return m_prompts.refiningObject; }

    void addLabel(const QString& name);
    bool renameLabel(const QString& from, const QString& to);
    void setLabelColor(const QString& name, const QColor& color);
    void removeLabel(const QString& name);  // its objects become unlabelled

    QUndoStack* undoStack() { return &m_undo; }

    // Writes pending autosaves now (also done on image switch and destruction).
    void flush();

    // ---- Used by the undo commands ------------------------------------------------------------
    struct ObjectUpdate {
        int id = 0;
        int index = -1;
        std::optional<AnnotationObject> object;  // nullopt: remove
    };
    void applyPrompts(const PromptState& state);
    void applyObjects(const QVector<ObjectUpdate>& updates);
    void applyLabels(const LabelSet& labels);

Q_SIGNALS:
    void imageListChanged();
    void currentImageChanged();
    void annotatedChanged(int index, bool annotated);
    void engineChanged();
    void engineLoadingChanged(bool loading);
    void engineFailed(const QString& checkpoint, const QString& message);
    void encodeStateChanged(samdesk::AnnotationDocument::EncodeState state);
    void encodeProgress(int done, int total);
    void promptsChanged();
    void predictionChanged();
    void thresholdChanged(double logit);
    void objectsChanged();
    void labelsChanged();
    void currentLabelChanged(const QString& label);
    void message(const QString& text);  // for the status bar
    void error(const QString& text);    // something the user should see

private:
    void connectWorker();
    bool showImage(const QString& path, int index);
    QString keyFor(const QString& path) const;
    void setEncodeState(EncodeState state);
    void requestEncode();
    void requestPrefetch();
    void pushPrompts(const QString& text, PromptState after, int mergeKey = 0);
    PromptState withHint(PromptState state) const;
    void scheduleDecode();
    void sendDecode(const PromptState& state, bool hover);
    void sendHover();
    void clearPrediction();
    void updateCurrentMask();
    void scheduleSave();
    void saveNow();
    void ensureLabel(const QString& name);
    void onEngineReady(const EngineStatus& status);
    void onEngineFailed(const QString& checkpoint, const QString& message);
    void onEncoded(const QString& key, double ms, bool reused, bool fromCache,
                   const QString& cacheNote);
    void onEncodeFailed(const QString& key, const QString& message, bool cancelled);
    void onDecoded(const DecodeResultPtr& result);
    void onDecodeFailed(quint64 id, const QString& key, const QString& message, bool notEncoded);
    void loadLabels();

    InferenceThread* m_inference = nullptr;
    EngineStatus m_engine;
    int m_engineGeneration = 0;
    bool m_engineLoading = false;

    ImageFolder m_folder;
    int m_index = -1;
    QImage m_image;
    QString m_imageKey;
    EncodeState m_encodeState = EncodeState::NoImage;

    ImageAnnotations m_annotations;
    LabelSet m_labels;
    QString m_currentLabel;
    bool m_dirtyObjects = false;
    bool m_dirtyLabels = false;
    QTimer m_saveTimer;
    QHash<int, PromptState> m_objectPrompts;  // prompts each object was kept with (this visit)

    PromptState m_prompts;
    int m_nextPointId = 1;
    QUndoStack m_undo;

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
    BinaryMask m_currentMask;
    double m_lastDecodeMs = 0;
    double m_lastRoundTripMs = 0;
    QElapsedTimer m_promptClock;
    QElapsedTimer m_encodeClock;  // from the encode request to Ready
    EncodeSource m_lastEncodeSource = EncodeSource::None;
    QString m_sourceKey;  // the image and engine generation m_lastEncodeSource is about
    int m_sourceGeneration = -1;
    double m_lastReadyMs = 0;
    double m_lastEncodeMs = 0;
    QString m_cacheDirectory;
    quint64 m_cacheMaxBytes = 2ull << 30;
    QString m_aheadKey;  // the image read (and encoded) ahead of time, and its pixels
    QImage m_aheadImage;

    bool m_hoverEnabled = false;
    std::optional<QPointF> m_hoverPoint;
    QTimer m_hoverTimer;
};

}  // namespace samdesk
