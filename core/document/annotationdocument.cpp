// AnnotationDocument, part 1: images, engine, encoding. Decoding and the candidates are in
// annotationdocument_decode.cpp, the edits (prompts, objects, labels) in
// annotationdocument_edits.cpp.
#include "core/document/annotationdocument.h"

#include <QDateTime>
#include <QFileInfo>
#include <QImageReader>

#include <cmath>

#include "core/document/inferencethread.h"

namespace samdesk {

AnnotationDocument::AnnotationDocument(EngineFactory factory, QObject* parent) : QObject(parent) {
    qRegisterMetaType<samdesk::AnnotationDocument::EncodeState>();
    m_inference = new InferenceThread(std::move(factory), this);
    connectWorker();
    m_saveTimer.setSingleShot(true);
    m_saveTimer.setInterval(400);
    connect(&m_saveTimer, &QTimer::timeout, this, &AnnotationDocument::saveNow);
    m_hoverTimer.setSingleShot(true);
    m_hoverTimer.setInterval(60);  // at most ~16 hover decodes a second
    connect(&m_hoverTimer, &QTimer::timeout, this, &AnnotationDocument::sendHover);
    m_undo.setUndoLimit(500);
    m_promptClock.start();
    m_engineLoading = true;
    m_inference->worker()->requestEngine(EngineChoice{});
}

AnnotationDocument::~AnnotationDocument() {
    flush();
}

void AnnotationDocument::connectWorker() {
    InferenceWorker* w = m_inference->worker();
    connect(w, &InferenceWorker::engineReady, this, &AnnotationDocument::onEngineReady);
    connect(w, &InferenceWorker::engineFailed, this, &AnnotationDocument::onEngineFailed);
    connect(w, &InferenceWorker::encodeProgress, this,
            [this](const QString& key, int done, int total) {
                if (key == m_imageKey && m_encodeState == EncodeState::Encoding)
                    Q_EMIT encodeProgress(done, total);
            });
    connect(w, &InferenceWorker::encoded, this, &AnnotationDocument::onEncoded);
    connect(w, &InferenceWorker::encodeFailed, this, &AnnotationDocument::onEncodeFailed);
    connect(w, &InferenceWorker::decoded, this, &AnnotationDocument::onDecoded);
    connect(w, &InferenceWorker::decodeFailed, this, &AnnotationDocument::onDecodeFailed);
    connect(w, &InferenceWorker::prefetched, this, [this](const QString& key, const QImage& image) {
        m_aheadKey = key;
        m_aheadImage = image;
    });
}

// ---- Images -----------------------------------------------------------------------------------

bool AnnotationDocument::openImage(const QString& path) {
    const QFileInfo info(path);
    const QString abs = path.startsWith(QLatin1String(":/")) ? path : info.absoluteFilePath();
    ImageFolder previous = m_folder;
    const int previousIndex = m_index;
    flush();
    m_folder = ImageFolder::single(abs);
    if (!showImage(abs, 0)) {
        m_folder = previous;
        m_index = previousIndex;
        return false;
    }
    loadLabels();
    Q_EMIT imageListChanged();
    return true;
}

bool AnnotationDocument::openFolder(const QString& folder, const QString& select) {
    auto opened = ImageFolder::open(folder);
    if (!opened) {
        Q_EMIT error(QString::fromStdString(opened.error().message));
        return false;
    }
    flush();
    ImageFolder previous = m_folder;
    const int previousIndex = m_index;
    m_folder = std::move(opened.value());
    int first = select.isEmpty() ? 0 : std::max(0, m_folder.indexOf(select));
    // The first image that opens: an unreadable file must not make the whole folder unusable.
    bool shown = false;
    for (int i = 0; i < m_folder.count() && !shown; ++i)
        shown = showImage(m_folder.absolutePath((first + i) % m_folder.count()),
                          (first + i) % m_folder.count());
    if (!shown) {
        m_folder = previous;
        m_index = previousIndex;
        return false;
    }
    loadLabels();
    Q_EMIT imageListChanged();
    return true;
}

bool AnnotationDocument::setCurrentIndex(int index) {
    if (index < 0 || index >= m_folder.count())
        return false;
    if (index == m_index)
        return true;
    flush();
    return showImage(m_folder.absolutePath(index), index);
}

bool AnnotationDocument::next() {
    return m_index + 1 < m_folder.count() && setCurrentIndex(m_index + 1);
}

bool AnnotationDocument::previous() {
    return m_index > 0 && setCurrentIndex(m_index - 1);
}

QString AnnotationDocument::keyFor(const QString& path) const {
    const QFileInfo info(path);
    if (path.startsWith(QLatin1String(":/")))
        return path;
    return QStringLiteral("%1|%2|%3")
        .arg(info.absoluteFilePath())
        .arg(info.size())
        .arg(info.lastModified().toMSecsSinceEpoch());
}

// Reads the image and its annotations and makes it current. The previous image's autosave has
// been flushed by the caller.
bool AnnotationDocument::showImage(const QString& path, int index) {
    const QString key = keyFor(path);
    QImage image;
    if (key == m_aheadKey && !m_aheadImage.isNull()) {
        image = m_aheadImage;  // read on the inference thread with its encoding ahead
    } else {
        QImageReader reader(path);
        reader.setAutoTransform(true);
        image = reader.read();
        if (image.isNull()) {
            Q_EMIT error(tr("Cannot open %1: %2").arg(path, reader.errorString()));
            return false;
        }
    }
    m_aheadKey.clear();
    m_aheadImage = QImage();
    m_image = std::move(image);
    m_index = index;
    m_imageKey = key;
    m_undo.clear();
    m_objectPrompts.clear();
    m_prompts = PromptState();
    m_hoverPoint.reset();
    clearPrediction();

    const std::string file = m_folder.files().value(index).toStdString();
    m_annotations = ImageAnnotations();
    m_annotations.imageFile = file;
    m_annotations.width = m_image.width();
    m_annotations.height = m_image.height();
    auto loaded = m_folder.store().load(file);
    if (!loaded) {
        Q_EMIT error(tr("The saved annotations of %1 cannot be read: %2")
                         .arg(path, QString::fromStdString(loaded.error().message)));
    } else if (loaded.value()) {
        ImageAnnotations& a = *loaded.value();
        if (a.width == m_image.width() && a.height == m_image.height())
            m_annotations = std::move(a);
        else
            Q_EMIT error(tr("The saved annotations of %1 are for a %2 x %3 image, not %4 x %5: "
                            "not shown (the file is kept until you save new ones)")
                             .arg(path)
                             .arg(a.width)
                             .arg(a.height)
                             .arg(m_image.width())
                             .arg(m_image.height()));
    }
    m_dirtyObjects = false;
    Q_EMIT currentImageChanged();
    Q_EMIT objectsChanged();
    Q_EMIT promptsChanged();
    requestEncode();
    return true;
}

// ---- Engine -----------------------------------------------------------------------------------

void AnnotationDocument::loadCheckpoint(const QString& path, const QString& device,
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

void AnnotationDocument::setEmbeddingCache(const QString& directory, quint64 maxBytes) {
    m_cacheDirectory = directory;
    m_cacheMaxBytes = maxBytes;
}

void AnnotationDocument::useGrabCut() {
    m_engineLoading = true;
    Q_EMIT engineLoadingChanged(true);
    m_inference->worker()->requestEngine(EngineChoice{});
}

void AnnotationDocument::onEngineReady(const EngineStatus& status) {
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

void AnnotationDocument::onEngineFailed(const QString& checkpoint, const QString& message) {
    m_engineLoading = false;
    Q_EMIT engineLoadingChanged(false);
    Q_EMIT engineFailed(checkpoint, message);
    // The previous engine keeps running; if an encode was cancelled by the attempt, redo it.
    if (!m_image.isNull() && m_encodeState != EncodeState::Ready)
        requestEncode();
}

void AnnotationDocument::setEncodeState(EncodeState state) {
    if (m_encodeState == state)
        return;
    m_encodeState = state;
    Q_EMIT encodeStateChanged(state);
}

void AnnotationDocument::requestEncode() {
    if (m_image.isNull())
        return;
    setEncodeState(EncodeState::Encoding);
    m_encodeClock.start();
    Q_EMIT encodeProgress(0, 0);
    m_inference->worker()->requestEncode({m_imageKey, m_image, QString()});
}

void AnnotationDocument::reencode() {
    requestEncode();
    scheduleDecode();
}

void AnnotationDocument::requestPrefetch() {
    if (m_index + 1 >= m_folder.count())
        return;
    const QString path = m_folder.absolutePath(m_index + 1);
    m_inference->worker()->requestPrefetch({keyFor(path), QImage(), path});
}

void AnnotationDocument::cancelEncode() {
    if (m_encodeState == EncodeState::Encoding)
        m_inference->worker()->cancelEncode();
}

void AnnotationDocument::onEncoded(const QString& key, double ms, bool reused, bool fromCache,
                                   const QString& cacheNote) {
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
    scheduleDecode();
    requestPrefetch();
}

void AnnotationDocument::onEncodeFailed(const QString& key, const QString& text, bool cancelled) {
    if (key != m_imageKey)
        return;
    setEncodeState(cancelled ? EncodeState::Cancelled : EncodeState::Failed);
    if (cancelled)
        Q_EMIT message(tr("Encoding cancelled: add a prompt to encode again"));
    else
        Q_EMIT error(tr("Cannot encode the image: %1").arg(text));
}

}  // namespace samdesk
