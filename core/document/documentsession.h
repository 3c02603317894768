// The document's image session: the images being annotated (a folder or one image), the current
// image's pixels, the engine on the inference thread (loading a checkpoint, the embedding cache)
// and the encode state of the current image, with encoding ahead of the next image. It knows
// nothing of prompts or objects; the AnnotationDocument switches images through it and the
// other parts react to what it reports. QtCore/QtGui only.
//
// Thread affinity: the UI thread. The inference thread's results arrive as queued signals.
#pragma once

#include <QElapsedTimer>
#include <QHash>
#include <QImage>
#include <QObject>
#include <QRect>

#include "core/document/imagefolder.h"
#include "core/document/inferencetypes.h"
#include "core/engine/cachefolder.h"

namespace samdesk {

class InferenceThread;
class InferenceWorker;

class DocumentSession : public QObject {
    Q_OBJECT
public:
    enum class EncodeState { NoImage, Encoding, Ready, Cancelled, Failed };
    Q_ENUM(EncodeState)
    // How the current image was made ready: by the encoder, from the embedding cache on disk,
    // or from memory (encoded earlier in this run, or ahead of time). A repeated request
    // answered from memory (the engine was just loaded) does not hide how it was first made.
    enum class EncodeSource { None, Encoder, Memory, DiskCache };
    Q_ENUM(EncodeSource)

    // `factory` makes engines on the inference thread (createEngine in the app). The session
    // starts with GrabCut; call loadCheckpoint() for SAM.
    explicit DocumentSession(EngineFactory factory, QObject* parent = nullptr);
    ~DocumentSession() override;

    // ---- Images (switched by AnnotationDocument, which saves and resets the other parts) ----
    const ImageFolder& images() const { return m_folder; }
    ImageFolder& images() { return m_folder; }
    int currentIndex() const { return m_index; }
    QString currentImagePath() const { return m_folder.absolutePath(m_index); }
    const QImage& image() const { return m_image; }
    // Names the image's content (path, size, modification time): results of the inference
    // thread are matched to the image with it.
    const QString& imageKey() const { return m_imageKey; }
    QString keyFor(const QString& path) const;

    // Replaces the image list (nothing is shown until showImage()).
    void setImages(ImageFolder folder);
    // Reads the image at `index` of the list and makes it current, without telling observers
    // (announceImage() does, once the other parts are reset). False, with imageUnreadable() and
    // error() ("Cannot open <path>: <reason>"), when the file cannot be read: then nothing else
    // changes.
    bool showImage(int index);
    // Why the image at `index` could not be opened the last time it was tried; empty when it
    // opened or was not tried. Kept per file, so a rebuilt image list can still show it.
    QString unreadableReason(int index) const;
    void announceImage();  // currentImageChanged(), then the encode of the new image
    void announceImageList() { Q_EMIT imageListChanged(); }
    // Marks the current image as having saved annotations (the image list shows it).
    void markAnnotated();
    // Marks image `index` of the list (annotations saved for it behind the window's back).
    void markAnnotated(int index);

    // ---- Engine -------------------------------------------------------------------------------
    // Loads a SAM checkpoint on the inference thread; engineChanged() or engineFailed() follows.
    // On failure the current engine stays. precision: "auto", "float32", "bfloat16", "mixed",
    // "float16".
    void loadCheckpoint(const QString& path, const QString& device = QStringLiteral("cpu"),
                        const QString& precision = QStringLiteral("auto"));
    // The on-disk embedding cache for the next checkpoint loaded (empty directory: none).
    void setEmbeddingCache(const QString& directory, quint64 maxBytes);
    QString embeddingCacheDirectory() const { return m_cacheDirectory; }
    void useGrabCut();
    bool engineLoading() const { return m_engineLoading; }
    const EngineStatus& engine() const { return m_engine; }
    bool isSam() const { return !m_engine.checkpoint.isEmpty(); }
    // Increases with every engine loaded: a mask hint of an older engine must not be fed back.
    int engineGeneration() const { return m_engineGeneration; }

    // ---- Encoding -----------------------------------------------------------------------------
    EncodeState encodeState() const { return m_encodeState; }
    EncodeSource lastEncodeSource() const { return m_lastEncodeSource; }
    // Milliseconds from the encode request (opening the image) to Ready, and the inference
    // thread's part of it (the encoder run, or reading the cache entry).
    double lastReadyMs() const { return m_lastReadyMs; }
    double lastEncodeMs() const { return m_lastEncodeMs; }
    void requestEncode();
    // Encodes the next image of the folder ahead of time, when the inference thread is idle.
    void requestPrefetch();
    // Stops the running encode between encoder blocks; prompts wait until the image is encoded
    // again (a new prompt restarts it).
    void cancelEncode();

    // ---- Region encoding ----------------------------------------------------------------------
    // Encodes `region` of the current image alone (clipped to the image), so that SAM sees a
    // small part of a large photo at its full input size; the whole image's encoding stays for
    // prompts outside it. One region per image; a new one replaces it, a new image clears it.
    void encodeRegion(const QRect& region);
    // The same without being asked, for the view the user rests on: only when
    // regionEncodingHelps (and with SAM, the image encoded), run in the background (any other
    // work on the inference thread stops it, and the region is dropped). True when started.
    bool encodeRegionInBackground(const QRect& visible);
    // Whether encoding `visible` alone shows SAM more: the model's input (`inputSize` a side)
    // shrinks the image, and the view covers at most half of its long side, so SAM sees the
    // view at least twice as finely; and `current` (the region encoded or being encoded, null
    // when none) does not already hold the view at about that scale (its long side at most
    // 1.5 times the view's).
    static bool regionEncodingHelps(QSize image, const QRect& visible, const QRect& current,
                                    int inputSize);
    void clearRegion();
    // The region asked for (empty when none) and whether its encoding is ready.
    QRect region() const { return m_region; }
    bool regionReady() const { return m_regionReady; }
    // The region was encoded (or is being encoded) in the background, not asked for.
    bool regionInBackground() const { return m_regionBackground; }
    // The key the region's encoding is kept under on the inference thread (empty: none).
    const QString& regionKey() const { return m_regionKey; }

    // For the prediction part: decode requests go to the worker, results come from it.
    InferenceWorker* worker() const;

Q_SIGNALS:
    void imageListChanged();
    void currentImageChanged();
    void annotatedChanged(int index, bool annotated);
    // showImage(index) failed; `reason` says why, without the path (the list shows it).
    void imageUnreadable(int index, const QString& reason);
    void engineChanged();
    void engineLoadingChanged(bool loading);
    void engineFailed(const QString& checkpoint, const QString& message);
    void encodeStateChanged(samdesk::DocumentSession::EncodeState state);
    void encodeProgress(int done, int total);
    // The current image became Ready (after encodeStateChanged), or its region did: waiting
    // prompts can decode.
    void encoded();
    void regionChanged();
    void message(const QString& text);
    void error(const QString& text);

private:
    void connectWorker();
    void setEncodeState(EncodeState state);
    void onEngineReady(const EngineStatus& status);
    void onEngineFailed(const QString& checkpoint, const QString& message);
    void onEncoded(const QString& key, double ms, bool reused, bool fromCache,
                   const QString& cacheNote);
    void onEncodeFailed(const QString& key, const QString& message, bool cancelled);

    InferenceThread* m_inference = nullptr;
    EngineStatus m_engine;
    int m_engineGeneration = 0;
    bool m_engineLoading = false;
    QString m_cacheDirectory;
    quint64 m_cacheMaxBytes = defaultCacheMaxBytes();

    ImageFolder m_folder;
    int m_index = -1;
    QImage m_image;
    QString m_imageKey;
    QString m_aheadKey;  // the image read (and encoded) ahead of time, and its pixels
    QImage m_aheadImage;
    QHash<QString, QString> m_unreadable;  // absolute path -> why it did not open

    void startRegion(const QRect& region, bool background);

    QRect m_region;
    QString m_regionKey;
    bool m_regionReady = false;
    bool m_regionBackground = false;
    QElapsedTimer m_regionClock;

    EncodeState m_encodeState = EncodeState::NoImage;
    QElapsedTimer m_encodeClock;  // from the encode request to Ready
    EncodeSource m_lastEncodeSource = EncodeSource::None;
    QString m_sourceKey;  // the image and engine generation m_lastEncodeSource is about
    int m_sourceGeneration = -1;
    double m_lastReadyMs = 0;
    double m_lastEncodeMs = 0;
};

}  // namespace samdesk
