// The inference worker: a mailbox drained on the inference thread (see inferenceworker.h).
#include "core/document/inferenceworker.h"

#include <QElapsedTimer>
#include <QMetaObject>

#include "core/annotation/automaskmerge.h"
#include "core/annotation/automaskshapes.h"
#include "core/document/imageconvert.h"
#include "core/document/imageload.h"

namespace samdesk {

InferenceWorker::InferenceWorker(EngineFactory factory) : m_factory(std::move(factory)) {
    qRegisterMetaType<samdesk::DecodeResultPtr>();
    qRegisterMetaType<samdesk::EngineStatus>();
    qRegisterMetaType<samdesk::EverythingResultPtr>();
    qRegisterMetaType<samdesk::FolderEverythingImage>();
}

InferenceWorker::~InferenceWorker() = default;

void InferenceWorker::schedule() {
    // Called with m_mutex held.
    if (m_drainScheduled)
        return;
    m_drainScheduled = true;
    QMetaObject::invokeMethod(this, "drain", Qt::QueuedConnection);
}

void InferenceWorker::requestEngine(const EngineChoice& choice) {
    std::optional<EncodeRequest> dropped;
    {
        std::lock_guard lock(m_mutex);
        m_pendingEngine = choice;
        m_cancelEncode = true;  // the running encode belongs to the old engine
        m_cancelPrefetch = true;
        dropped.swap(m_pendingPrefetch);
        schedule();
    }
    reportDropped(dropped);
}

template <typename Change>
void InferenceWorker::postWork(Change&& change) {
    std::optional<EncodeRequest> dropped;
    {
        std::lock_guard lock(m_mutex);
        // Other work stops the encode ahead or in the background that runs, and drops a
        // background one that waits.
        m_cancelPrefetch = true;
        if (m_pendingPrefetch && m_pendingPrefetch->background)
            dropped.swap(m_pendingPrefetch);
        change();
        schedule();
    }
    reportDropped(dropped);
}

void InferenceWorker::requestEncode(const EncodeRequest& request) {
    postWork([&] {
        if (!m_runningEncodeKey.isEmpty() && m_runningEncodeKey != request.key)
            m_cancelEncode = true;
        m_pendingEncode = request;
    });
}

void InferenceWorker::requestDecode(const DecodeRequest& request) {
    postWork([&] { m_pendingDecode = request; });
}

void InferenceWorker::requestSteps(const StepsRequest& request) {
    postWork([&] { m_pendingSteps.append(request); });
}

void InferenceWorker::cancelSteps() {
    std::lock_guard lock(m_mutex);
    m_pendingSteps.clear();
}

void InferenceWorker::requestEverything(const EverythingRequest& request) {
    std::optional<EverythingRequest> replaced;
    postWork([&] {
        replaced.swap(m_pendingEverything);
        m_pendingEverything = request;
    });
    if (replaced)
        Q_EMIT everythingFailed(replaced->id, replaced->imageKey, tr("Replaced by a new run"),
                                true);
}

void InferenceWorker::cancelEverything() {
    std::optional<EverythingRequest> dropped;
    {
        std::lock_guard lock(m_mutex);
        m_cancelEverything = true;
        dropped.swap(m_pendingEverything);
    }
    if (dropped)
        Q_EMIT everythingFailed(dropped->id, dropped->imageKey, tr("Segment everything cancelled"),
                                true);
}

void InferenceWorker::requestFolderEverything(const FolderEverythingRequest& request) {
    std::optional<quint64> replaced;
    postWork([&] {
        if (m_folderRun)
            replaced = m_folderRun->id;
        m_folderRun = request;
        m_folderNext = 0;
        m_cancelFolder = false;
    });
    if (replaced)
        Q_EMIT folderEverythingFinished(*replaced, true);
}

void InferenceWorker::cancelFolderEverything() {
    std::optional<quint64> dropped;
    {
        std::lock_guard lock(m_mutex);
        m_cancelFolder = true;  // the image in progress stops between decoder batches
        if (m_folderRun)
            dropped = m_folderRun->id;
        m_folderRun.reset();
    }
    if (dropped)
        Q_EMIT folderEverythingFinished(*dropped, true);
}

void InferenceWorker::setShownImage(const QString& key) {
    std::lock_guard lock(m_shownMutex);
    m_shownKey = key;
}

void InferenceWorker::requestPrefetch(const EncodeRequest& request) {
    EncodeRequest ahead = request;
    ahead.background = false;
    queueIdleEncode(std::move(ahead));
}

void InferenceWorker::requestBackgroundEncode(const EncodeRequest& request) {
    EncodeRequest background = request;
    background.background = true;
    queueIdleEncode(std::move(background));
}

void InferenceWorker::queueIdleEncode(EncodeRequest request) {
    std::optional<EncodeRequest> replaced;
    {
        std::lock_guard lock(m_mutex);
        // A new view's region makes the one being encoded for the last view useless.
        if (request.background && !m_runningIdleKey.isEmpty() && m_runningIdleKey != request.key)
            m_cancelPrefetch = true;
        replaced.swap(m_pendingPrefetch);
        m_pendingPrefetch = std::move(request);
        schedule();
    }
    reportDropped(replaced);
}

void InferenceWorker::reportDropped(const std::optional<EncodeRequest>& dropped) {
    if (dropped && dropped->background)
        Q_EMIT encodeFailed(dropped->key, tr("Replaced before it started"), true);
}

void InferenceWorker::cancelEncode() {
    std::optional<EncodeRequest> dropped;
    bool reportedByRunning = false;
    {
        std::lock_guard lock(m_mutex);
        m_cancelEncode = true;
        dropped.swap(m_pendingEncode);
        // The running encode of the same image reports the cancel itself: one report per
        // cancel, so a late second one cannot cancel the encode the user asks for next.
        reportedByRunning = dropped && m_runningEncodeKey == dropped->key;
    }
    // Outside the lock: a receiver on this thread may post the next request right away.
    if (dropped && !reportedByRunning)
        Q_EMIT encodeFailed(dropped->key, tr("Encoding cancelled"), true);
}

void InferenceWorker::drain() {
    for (;;) {
        std::optional<EngineChoice> engine;
        std::optional<EncodeRequest> encode, prefetch;
        std::optional<DecodeRequest> decode;
        std::optional<StepsRequest> steps;
        std::optional<EverythingRequest> everything;
        bool folderStep = false;
        {
            std::lock_guard lock(m_mutex);
            if (m_pendingEngine) {
                engine.swap(m_pendingEngine);
            } else if (m_pendingEncode) {
                encode.swap(m_pendingEncode);
                m_runningEncodeKey = encode->key;
                m_cancelEncode = false;
            } else if (m_pendingDecode) {
                decode.swap(m_pendingDecode);
            } else if (!m_pendingSteps.isEmpty()) {
                steps = m_pendingSteps.takeFirst();
            } else if (m_pendingEverything) {
                everything.swap(m_pendingEverything);
                m_cancelEverything = false;
            } else if (m_folderRun) {
                folderStep = true;
            } else if (m_pendingPrefetch) {
                prefetch.swap(m_pendingPrefetch);
                m_runningIdleKey = prefetch->key;
                m_cancelPrefetch = false;
            } else {
                m_drainScheduled = false;
                return;
            }
        }
        if (engine)
            runEngine(*engine);
        else if (encode)
            runEncode(*encode, false);
        else if (decode)
            runDecode(*decode);
        else if (steps)
            runSteps(*steps);
        else if (everything)
            runEverything(*everything);
        else if (folderStep)
            runFolderStep();
        else if (prefetch)
            runEncode(*prefetch, true);
        if (encode || prefetch) {
            std::lock_guard lock(m_mutex);
            m_runningEncodeKey.clear();
            m_runningIdleKey.clear();
        }
    }
}

void InferenceWorker::runEngine(const EngineChoice& choice) {
    auto loaded = m_factory(choice);
    if (!loaded) {
        Q_EMIT engineFailed(QString::fromStdString(choice.checkpoint),
                            QString::fromStdString(loaded.error().message));
        return;
    }
    m_engine = std::move(loaded->engine);
    m_sessions.clear();
    m_sessionOrder.clear();
    EngineStatus status;
    status.name = QString::fromStdString(m_engine->name());
    status.device = QString::fromStdString(m_engine->deviceDescription());
    status.checkpoint = QString::fromStdString(choice.checkpoint);
    status.acceptsMaskInput = m_engine->acceptsMaskInput();
    status.maskFrame = m_engine->maskFrame();
    status.report = loaded->report;
    status.cacheDirectory = QString::fromStdString(loaded->cacheDirectory);
    status.cacheError = QString::fromStdString(loaded->cacheError);
    Q_EMIT engineReady(status);
}

void InferenceWorker::keepSession(const QString& key, std::shared_ptr<ImageSession> session) {
    // One region per image: a new one replaces the last, so regions the view rested on one
    // after another never push the whole image's encoding out.
    const QString image = imageKeyOf(key);
    if (image != key) {
        for (auto it = m_sessions.begin(); it != m_sessions.end();) {
            if (it.key() != key && it.key() != image && imageKeyOf(it.key()) == image) {
                m_sessionOrder.removeAll(it.key());
                it = m_sessions.erase(it);
            } else {
                ++it;
            }
        }
    }
    m_sessions.insert(key, std::move(session));
    m_sessionOrder.removeAll(key);
    m_sessionOrder.append(key);
    while (m_sessionOrder.size() > kSessionsKept)
        m_sessions.remove(m_sessionOrder.takeFirst());
}

void InferenceWorker::runEncode(const EncodeRequest& request, bool ahead) {
    // An encode ahead of time reports nothing; a background one (ahead, for the image shown)
    // reports like the user's own.
    const bool reports = !ahead || request.background;
    if (m_sessions.contains(request.key)) {
        m_sessionOrder.removeAll(request.key);
        m_sessionOrder.append(request.key);
        if (reports)
            Q_EMIT encoded(request.key, 0.0, true, false, QString());
        return;
    }
    if (!m_engine) {
        if (reports)
            Q_EMIT encodeFailed(request.key, tr("No engine is loaded"), false);
        return;
    }
    QImage image = request.image;
    QString unreadable = tr("Cannot read the image to encode");
    if (image.isNull() && !request.path.isEmpty()) {
        // The decoder the session uses for the image it shows: the same pixels, the same key.
        auto loaded = loadImage(request.path);
        if (loaded)
            image = std::move(loaded.value());
        else
            unreadable = QString::fromStdString(loaded.error().message);
    }
    if (image.isNull()) {
        if (reports)
            Q_EMIT encodeFailed(request.key, unreadable, false);
        return;
    }
    std::atomic<bool>& cancel = ahead ? m_cancelPrefetch : m_cancelEncode;
    if (!ahead)
        Q_EMIT encodeStarted(request.key);
    QElapsedTimer timer;
    timer.start();
    EncodeControl hooks;
    hooks.cancel = &cancel;
    if (!ahead) {
        const QString key = request.key;
        hooks.progress = [this, key](int done, int total) {
            Q_EMIT encodeProgress(key, done, total);
        };
    }
    auto session = request.region
                       ? m_engine->encodeRegion(toRgbImage(image), *request.region, hooks)
                       : m_engine->encode(toRgbImage(image), hooks);
    if (!session) {
        if (reports)
            Q_EMIT encodeFailed(request.key, QString::fromStdString(session.error().message),
                                session.error().kind == Error::Kind::Cancelled);
        return;
    }
    std::shared_ptr<ImageSession> kept = session.value();
    keepSession(request.key, std::move(session.value()));
    if (ahead && !request.background) {
        Q_EMIT prefetched(request.key, image);
        return;
    }
    Q_EMIT encoded(request.key, double(timer.nsecsElapsed()) / 1e6, false, kept->fromCache(),
                   QString::fromStdString(kept->cacheNote()));
}

void InferenceWorker::runDecode(const DecodeRequest& request) {
    const auto it = m_sessions.constFind(request.imageKey);
    if (!m_engine || it == m_sessions.constEnd()) {
        Q_EMIT decodeFailed(request.id, request.imageKey, tr("The image is not encoded"), true);
        return;
    }
    QElapsedTimer timer;
    timer.start();
    auto result = m_engine->predict(*it.value(), request.prompts);
    ++m_decodesRun;
    if (!result) {
        Q_EMIT decodeFailed(request.id, request.imageKey,
                            QString::fromStdString(result.error().message), false);
        return;
    }
    auto out = std::make_shared<DecodeResult>();
    out->requestId = request.id;
    out->imageKey = request.imageKey;
    out->result = std::move(result.value());
    out->milliseconds = double(timer.nsecsElapsed()) / 1e6;
    out->maskInput = !request.prompts.maskInput.empty();
    Q_EMIT decoded(out);
}

void InferenceWorker::runSteps(const StepsRequest& request) {
    const auto it = m_sessions.constFind(request.imageKey);
    if (!m_engine || it == m_sessions.constEnd()) {
        Q_EMIT stepsFailed(request.id, request.imageKey, tr("The image is not encoded"));
        return;
    }
    QElapsedTimer timer;
    timer.start();
    auto result = predictSteps(*m_engine, *it.value(), request.steps);
    if (!result) {
        Q_EMIT stepsFailed(request.id, request.imageKey,
                           QString::fromStdString(result.error().message));
        return;
    }
    auto out = std::make_shared<DecodeResult>();
    out->requestId = request.id;
    out->imageKey = request.imageKey;
    out->result = std::move(result.value());
    out->milliseconds = double(timer.nsecsElapsed()) / 1e6;
    Q_EMIT stepsDecoded(out);
}

void InferenceWorker::runEverything(const EverythingRequest& request) {
    const auto it = m_sessions.constFind(request.imageKey);
    if (!m_engine || it == m_sessions.constEnd()) {
        Q_EMIT everythingFailed(request.id, request.imageKey, tr("The image is not encoded"),
                                false);
        return;
    }
    QElapsedTimer timer;
    timer.start();
    EncodeControl control;
    control.cancel = &m_cancelEverything;
    const quint64 id = request.id;
    control.progress = [this, id](int done, int total) {
        Q_EMIT everythingProgress(id, done, total);
    };
    auto result = m_engine->segmentEverything(*it.value(), toRgbImage(request.image),
                                              request.params, control);
    if (!result) {
        Q_EMIT everythingFailed(request.id, request.imageKey,
                                QString::fromStdString(result.error().message),
                                result.error().kind == Error::Kind::Cancelled);
        return;
    }
    auto out = std::make_shared<EverythingResult>();
    out->requestId = request.id;
    out->imageKey = request.imageKey;
    out->result = std::move(result.value());
    out->outlines.reserve(out->result.masks.size());
    for (const AutoMask& mask : out->result.masks)
        out->outlines.push_back(autoMaskOutline(mask));
    out->milliseconds = double(timer.nsecsElapsed()) / 1e6;
    Q_EMIT everythingDone(out);
}

bool InferenceWorker::runFolderStep() {
    FolderEverythingItem item;
    FolderEverythingRequest run;  // a copy of the request's parts this image needs
    int index = 0, images = 0;
    std::optional<quint64> over;
    {
        std::lock_guard lock(m_mutex);
        if (!m_folderRun)
            return false;
        index = m_folderNext++;
        images = int(m_folderRun->items.size());
        if (index >= images) {
            over = m_folderRun->id;
            m_folderRun.reset();
        }
    }
    if (over) {
        Q_EMIT folderEverythingFinished(*over, false);
        return false;
    }
    {
        std::lock_guard lock(m_mutex);
        if (!m_folderRun)
            return false;  // cancelled in between
        item = m_folderRun->items[index];
        run.id = m_folderRun->id;
        run.params = m_folderRun->params;
        run.store = m_folderRun->store;
        run.engine = m_folderRun->engine;
        run.fingerprint = m_folderRun->fingerprint;
    }
    FolderEverythingImage out;
    out.requestId = run.id;
    out.index = index;
    out.imageFile = item.imageFile;
    const auto shown = [&] {
        std::lock_guard lock(m_shownMutex);
        return m_shownKey == item.key;
    };
    const auto finish = [&] { Q_EMIT folderEverythingImageDone(out); };
    // A cancel (the run's) leaves the image as it was; other errors are the image's failure.
    const auto stopped = [&](const Error& e) {
        if (e.kind == Error::Kind::Cancelled)
            out.skipped = true;
        else
            out.error = QString::fromStdString(e.message);
        finish();
    };
    if (shown()) {
        out.skipped = true;
        finish();
        return true;
    }
    if (!m_engine) {
        out.error = tr("No engine is loaded");
        finish();
        return true;
    }
    auto loaded = loadImage(item.path);
    if (!loaded) {
        out.error = QString::fromStdString(loaded.error().message);
        finish();
        return true;
    }
    const QImage image = std::move(loaded.value());
    const RgbImage rgb = toRgbImage(image);
    EncodeControl control;
    control.cancel = &m_cancelFolder;
    control.progress = [this, &run, index, images](int done, int total) {
        Q_EMIT folderEverythingProgress(run.id, index, images, done, total);
    };
    // An image still encoded in memory (visited, or encoded ahead) is not encoded again; the
    // others are encoded here (through the embedding cache) and not kept, so the shown image's
    // encoding stays in memory.
    std::shared_ptr<ImageSession> session;
    if (const auto it = m_sessions.constFind(item.key); it != m_sessions.constEnd()) {
        session = it.value();
    } else {
        auto encoded = m_engine->encode(rgb, control);
        if (!encoded) {
            stopped(encoded.error());
            return true;
        }
        session = encoded.value();
    }
    auto result = m_engine->segmentEverything(*session, rgb, run.params, control);
    if (!result) {
        stopped(result.error());
        return true;
    }
    {
        // Held over the save: the window cannot start showing (and reading) this image between
        // the check and the write.
        std::lock_guard lock(m_shownMutex);
        if (m_shownKey == item.key) {
            out.skipped = true;
        } else {
            const AnnotationTarget target{run.store, item.imageFile.toStdString()};
            auto merged = putIntoAnnotations(target, image.width(), image.height(), result->masks,
                                             {run.engine, run.fingerprint});
            if (merged) {
                out.added = int(merged->added);
                out.replaced = int(merged->replaced);
            } else {
                out.error = QString::fromStdString(merged.error().message);
            }
        }
    }
    finish();
    return true;
}

}  // namespace samdesk
