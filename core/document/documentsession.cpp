// DocumentSession: the image list, the current image's pixels, the engine and the encodes.
#include "core/document/documentsession.h"

#include <QDateTime>
#include <QFileInfo>

#include <algorithm>

#include "core/document/imageload.h"
#include "core/document/inferencethread.h"

namespace samdesk {

DocumentSession::DocumentSession(EngineFactory factory, QObject* parent) : QObject(parent) {
    qRegisterMetaType<samdesk::DocumentSession::EncodeState>();
    m_inference = new InferenceThread(std::move(factory), this);
    connectWorker();
    m_engineLoading = true;
    m_inference->worker()->requestEngine(EngineChoice{});
}

DocumentSession::~DocumentSession() = default;

InferenceWorker* DocumentSession::worker() const {
    return m_inference->worker();
}

void DocumentSession::connectWorker() {
    InferenceWorker* w = m_inference->worker();
    connect(w, &InferenceWorker::engineReady, this, &DocumentSession::onEngineReady);
    connect(w, &InferenceWorker::engineFailed, this, &DocumentSession::onEngineFailed);
    connect(w, &InferenceWorker::encodeProgress, this,
            [this](const QString& key, int done, int total) {
                if (key == m_imageKey && m_encodeState == EncodeState::Encoding)
                    Q_EMIT encodeProgress(done, total);
            });
    connect(w, &InferenceWorker::encoded, this, &DocumentSession::onEncoded);
    connect(w, &InferenceWorker::encodeFailed, this, &DocumentSession::onEncodeFailed);
    connect(w, &InferenceWorker::prefetched, this, [this](const QString& key, const QImage& image) {
        m_aheadKey = key;
        m_aheadImage = image;
    });
}

// ---- Images -----------------------------------------------------------------------------------

QString DocumentSession::keyFor(const QString& path) const {
    const QFileInfo info(path);
    if (path.startsWith(QLatin1String(":/")))
        return path;
    return QStringLiteral("%1|%2|%3")
        .arg(info.absoluteFilePath())
        .arg(info.size())
        .arg(info.lastModified().toMSecsSinceEpoch());
}

void DocumentSession::setImages(ImageFolder folder) {
    m_folder = std::move(folder);
}

bool DocumentSession::showImage(int index) {
    const QString path = m_folder.absolutePath(index);
    const QString key = keyFor(path);
    QImage image;
    if (key == m_aheadKey && !m_aheadImage.isNull()) {
        image = m_aheadImage;  // read on the inference thread with its encoding ahead
    } else {
        auto loaded = loadImage(path);
        if (!loaded) {
            const QString reason = loadErrorReason(loaded.error(), path);
            m_unreadable.insert(path, reason);
            Q_EMIT imageUnreadable(index, reason);
            Q_EMIT error(tr("Cannot open %1: %2").arg(path, reason));
            return false;
        }
        image = std::move(loaded.value());
    }
    m_unreadable.remove(path);
    m_aheadKey.clear();
    m_aheadImage = QImage();
    clearRegion();
    m_image = std::move(image);
    m_index = index;
    m_imageKey = key;
    return true;
}

QString DocumentSession::unreadableReason(int index) const {
    if (index < 0 || index >= m_folder.count())
        return QString();
    return m_unreadable.value(m_folder.absolutePath(index));
}

void DocumentSession::announceImage() {
    Q_EMIT currentImageChanged();
}

void DocumentSession::markAnnotated() {
    markAnnotated(m_index);
}

void DocumentSession::markAnnotated(int index) {
    if (index < 0 || index >= m_folder.count() || m_folder.isAnnotated(index))
        return;
    m_folder.setAnnotated(index, true);
    Q_EMIT annotatedChanged(index, true);
}

// ---- Engine -----------------------------------------------------------------------------------

void DocumentSession::loadCheckpoint(const QString& path, const QString& device,
                                     const QString& precision) {
    EngineChoice choice;
    choice.checkpoint = path.toStdString();
    choice.device = device.toStdString();
    choice.dtype = precision.toStdString();
    choice.cacheDirectory = m_cacheDirectory.toStdString();
    choice.cacheMaxBytes = m_cacheMaxBytes;
    m_engineLoading = true;
    Q_EMIT engineLoadingChanged(true);
    Q_EMIT message(tr("Loading %1...").arg(QFileInfo(path).fileName()));
    m_inference->worker()->requestEngine(choice);
}

void DocumentSession::setEmbeddingCache(const QString& directory, quint64 maxBytes) {
    m_cacheDirectory = directory;
    m_cacheMaxBytes = maxBytes;
}

void DocumentSession::useGrabCut() {
    m_engineLoading = true;
    Q_EMIT engineLoadingChanged(true);
    m_inference->worker()->requestEngine(EngineChoice{});
}

void DocumentSession::onEngineReady(const EngineStatus& status) {
    clearRegion();  // the worker dropped its encoding with the old engine
    m_engine = status;
    ++m_engineGeneration;
    m_engineLoading = false;
    Q_EMIT engineLoadingChanged(false);
    Q_EMIT engineChanged();
    if (!status.checkpoint.isEmpty()) {
        QString text = tr("%1 loaded (%2)").arg(status.name, status.device);
        if (status.device.startsWith(QLatin1String("cpu")) && cudaDeviceAvailable())
            text += tr(" - a CUDA GPU is available: Model > Device > CUDA GPU");
        if (!status.cacheError.isEmpty())
            text += tr(" - no embedding cache: %1").arg(status.cacheError);
        Q_EMIT message(text);
    }
    // The worker dropped the old engine's sessions: encode the current image again.
    if (!m_image.isNull())
        requestEncode();
}

void DocumentSession::onEngineFailed(const QString& checkpoint, const QString& message) {
    m_engineLoading = false;
    Q_EMIT engineLoadingChanged(false);
    Q_EMIT engineFailed(checkpoint, message);
    // The previous engine keeps running; if an encode was cancelled by the attempt, redo it.
    if (!m_image.isNull() && m_encodeState != EncodeState::Ready)
        requestEncode();
}

// ---- Encoding ---------------------------------------------------------------------------------

void DocumentSession::setEncodeState(EncodeState state) {
    if (m_encodeState == state)
        return;
    m_encodeState = state;
    Q_EMIT encodeStateChanged(state);
}

void DocumentSession::requestEncode() {
    if (m_image.isNull())
        return;
    setEncodeState(EncodeState::Encoding);
    m_encodeClock.start();
    Q_EMIT encodeProgress(0, 0);
    m_inference->worker()->requestEncode({m_imageKey, m_image, QString(), {}});
}

void DocumentSession::requestPrefetch() {
    if (m_index + 1 >= m_folder.count())
        return;
    const QString path = m_folder.absolutePath(m_index + 1);
    m_inference->worker()->requestPrefetch({keyFor(path), QImage(), path, {}});
}

void DocumentSession::cancelEncode() {
    if (m_encodeState == EncodeState::Encoding)
        m_inference->worker()->cancelEncode();
}

void DocumentSession::encodeRegion(const QRect& wanted) {
    const QRect r = wanted.intersected(m_image.rect());
    if (m_image.isNull() || r.width() < 8 || r.height() < 8) {
        Q_EMIT message(tr("Zoom in on a part of the image to encode it alone"));
        return;
    }
    startRegion(r, false);
}

bool DocumentSession::regionEncodingHelps(QSize image, const QRect& visible, const QRect& current,
                                          int inputSize) {
    const QRect v = visible.intersected(QRect(QPoint(0, 0), image));
    if (inputSize <= 0 || v.width() < 8 || v.height() < 8)
        return false;
    const int imageLong = std::max(image.width(), image.height());
    const int viewLong = std::max(v.width(), v.height());
    if (imageLong <= inputSize || 2 * viewLong > imageLong)
        return false;
    const bool held = !current.isNull() && current.contains(v) &&
                      2 * std::max(current.width(), current.height()) <= 3 * viewLong;
    return !held;
}

bool DocumentSession::encodeRegionInBackground(const QRect& visible) {
    if (!isSam() || m_encodeState != EncodeState::Ready || m_image.isNull() ||
        !regionEncodingHelps(m_image.size(), visible, m_region, m_engine.maskFrame.inputSize))
        return false;
    startRegion(visible.intersected(m_image.rect()), true);
    return true;
}

void DocumentSession::startRegion(const QRect& r, bool background) {
    const ImageRegion area{r.x(), r.y(), r.width(), r.height()};
    m_region = r;
    m_regionKey = regionSessionKey(m_imageKey, area);
    m_regionReady = false;
    m_regionBackground = background;
    m_regionClock.start();
    Q_EMIT regionChanged();
    Q_EMIT message((background ? tr("Encoding the visible region %1 x %2 at (%3, %4) in the "
                                    "background (a prompt stops it)...")
                               : tr("Encoding the region %1 x %2 at (%3, %4)..."))
                       .arg(r.width())
                       .arg(r.height())
                       .arg(r.x())
                       .arg(r.y()));
    EncodeRequest request{m_regionKey, m_image, QString(), {}};
    request.region = area;
    if (background)
        m_inference->worker()->requestBackgroundEncode(request);
    else
        m_inference->worker()->requestEncode(request);
}

void DocumentSession::clearRegion() {
    if (m_region.isNull() && m_regionKey.isEmpty())
        return;
    m_region = QRect();
    m_regionKey.clear();
    m_regionReady = false;
    m_regionBackground = false;
    Q_EMIT regionChanged();
}

void DocumentSession::onEncoded(const QString& key, double ms, bool reused, bool fromCache,
                                const QString& cacheNote) {
    if (!m_regionKey.isEmpty() && key == m_regionKey) {
        m_regionReady = true;
        Q_EMIT regionChanged();
        Q_EMIT message((m_regionBackground
                            ? tr("Visible region encoded in the background in %1 s: prompts "
                                 "inside it use its embedding")
                            : tr("Region encoded in %1 s: prompts inside it use its embedding"))
                           .arg(double(m_regionClock.nsecsElapsed()) / 1e9, 0, 'f', 2) +
                       (fromCache ? tr(" (from the cache)") : QString()));
        Q_EMIT encoded();
        return;
    }
    if (key != m_imageKey)
        return;
    const bool repeat = reused && key == m_sourceKey && m_engineGeneration == m_sourceGeneration;
    if (!repeat) {
        m_lastEncodeSource = reused      ? EncodeSource::Memory
                             : fromCache ? EncodeSource::DiskCache
                                         : EncodeSource::Encoder;
        m_sourceKey = key;
        m_sourceGeneration = m_engineGeneration;
        m_lastEncodeMs = ms;
        m_lastReadyMs = m_encodeClock.isValid() ? double(m_encodeClock.nsecsElapsed()) / 1e6 : 0.0;
    }
    setEncodeState(EncodeState::Ready);
    if (fromCache)
        Q_EMIT message(tr("Embedding read from the cache in %1 ms").arg(ms, 0, 'f', 0));
    else if (!reused)
        Q_EMIT message(tr("Image encoded in %1 s").arg(ms / 1000.0, 0, 'f', 2) +
                       (cacheNote.isEmpty() ? QString() : tr(" (%1)").arg(cacheNote)));
    Q_EMIT encoded();
    requestPrefetch();
}

void DocumentSession::onEncodeFailed(const QString& key, const QString& text, bool cancelled) {
    if (!m_regionKey.isEmpty() && key == m_regionKey) {
        const bool background = m_regionBackground;
        clearRegion();
        if (!cancelled)
            Q_EMIT error(tr("Cannot encode the region: %1").arg(text));
        else if (background)
            Q_EMIT message(
                tr("Encoding the visible region stopped for other work: prompts use "
                   "the whole image"));
        return;
    }
    if (key != m_imageKey)
        return;
    setEncodeState(cancelled ? EncodeState::Cancelled : EncodeState::Failed);
    if (cancelled)
        Q_EMIT message(tr("Encoding cancelled: add a prompt to encode again"));
    else
        Q_EMIT error(tr("Cannot encode the image: %1").arg(text));
}

}  // namespace samdesk
