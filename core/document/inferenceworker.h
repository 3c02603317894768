// The inference thread's object: it owns the engine and the encoded images (sessions), and runs
// what the UI asks for. Requests land in a mailbox with one slot per kind that keeps only the
// newest request, so clicks that arrive while the model is busy coalesce into one decode of the
// latest prompts, and flipping through images encodes only the image the user stopped at.
//
// Thread affinity: lives on the inference thread. The request*() and cancel*() methods are
// thread-safe and meant for the UI thread; signals are emitted on the inference thread (connect
// them queued). Order of work: engine change, then encode, then decode, then step decodes, then
// segment everything, then one image of a folder run, then encoding ahead or in the background
// (which any other request stops).
#pragma once

#include <QHash>
#include <QObject>
#include <QStringList>

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>

#include "core/document/inferencetypes.h"

namespace samdesk {

class InferenceWorker : public QObject {
    Q_OBJECT
public:
    // How many encoded images stay in memory (the current one, the next, the previous...).
    static constexpr int kSessionsKept = 3;

    explicit InferenceWorker(EngineFactory factory);
    ~InferenceWorker() override;

    void requestEngine(const EngineChoice& choice);
    // Encodes the image unless a session for its key exists; a running encode of another image
    // is cancelled (the user moved on), and so is an encode ahead of time.
    void requestEncode(const EncodeRequest& request);
    // Replaces any decode not started yet.
    void requestDecode(const DecodeRequest& request);
    // Queued behind the requests waiting now (never replaced); after a pending decode.
    void requestSteps(const StepsRequest& request);
    // Drops the step decodes not started yet.
    void cancelSteps();
    // Segment everything on an encoded image, after the decodes waiting now; replaces a request
    // not started yet.
    void requestEverything(const EverythingRequest& request);
    // Stops the running segment-everything (between encoder blocks and decoder batches) and
    // drops a waiting one; everythingFailed(cancelled) follows for each.
    void cancelEverything();
    // Segment everything on a list of images, each one's masks saved into its annotations; one
    // image per turn, after every other kind of request (so clicks on the shown image wait for
    // at most the image in progress). Replaces a folder run not finished.
    void requestFolderEverything(const FolderEverythingRequest& request);
    // Stops the folder run (the image in progress is not saved); folderEverythingFinished follows.
    void cancelFolderEverything();
    // The image the window shows: a folder run does not write its annotations (the window holds
    // them and would save over the run's objects). Set before the window reads them.
    void setShownImage(const QString& key);
    // Encodes an image when nothing else is waiting; stopped when other work arrives (and run
    // once that is done), replaced by the next request of this kind or of the one below.
    void requestPrefetch(const EncodeRequest& request);
    // The same for the image shown (a region the view rests on, say), reported like
    // requestEncode: encoded(), or encodeFailed(cancelled) when other work stopped it or it was
    // replaced before it started. It also stops a background encode of another key that runs.
    void requestBackgroundEncode(const EncodeRequest& request);
    // Stops the running encode (between encoder blocks) and drops a waiting one.
    void cancelEncode();

    // Number of decodes run so far (requests that were replaced before running do not count).
    int decodesRun() const { return m_decodesRun.load(); }

Q_SIGNALS:
    void engineReady(const samdesk::EngineStatus& status);
    void engineFailed(const QString& checkpoint, const QString& message);
    void encodeStarted(const QString& key);
    void encodeProgress(const QString& key, int done, int total);
    // `reused`: the image was still encoded in memory from an earlier visit or encoded ahead
    // of time. `fromCache`: the embedding came from the on-disk cache (no encoder run).
    // `cacheNote`: why the embedding cache was not used or not written (empty when all is well).
    void encoded(const QString& key, double milliseconds, bool reused, bool fromCache,
                 const QString& cacheNote);
    void encodeFailed(const QString& key, const QString& message, bool cancelled);
    // An image encoded ahead of time, with its decoded pixels (so opening it reads no file).
    void prefetched(const QString& key, const QImage& image);
    void decoded(const samdesk::DecodeResultPtr& result);
    void stepsDecoded(const samdesk::DecodeResultPtr& result);
    void stepsFailed(quint64 requestId, const QString& imageKey, const QString& message);
    void everythingProgress(quint64 requestId, int done, int total);
    void everythingDone(const samdesk::EverythingResultPtr& result);
    void everythingFailed(quint64 requestId, const QString& imageKey, const QString& message,
                          bool cancelled);
    void folderEverythingProgress(quint64 requestId, int image, int images, int done, int total);
    void folderEverythingImageDone(const samdesk::FolderEverythingImage& result);
    void folderEverythingFinished(quint64 requestId, bool cancelled);
    // `notEncoded`: there is no session for the image (encode it, then ask again).
    void decodeFailed(quint64 requestId, const QString& imageKey, const QString& message,
                      bool notEncoded);

private:
    void schedule();
    Q_INVOKABLE void drain();
    void runEngine(const EngineChoice& choice);
    void runEncode(const EncodeRequest& request, bool ahead);
    void runDecode(const DecodeRequest& request);
    void runSteps(const StepsRequest& request);
    void runEverything(const EverythingRequest& request);
    // The next image of the folder run; false when the run is over.
    bool runFolderStep();
    void keepSession(const QString& key, std::shared_ptr<ImageSession> session);
    void queueIdleEncode(EncodeRequest request);
    // Queues work: `change` fills the mailbox under m_mutex; the encode ahead or in the
    // background that runs stops, a background one that waits is dropped (and reported).
    template <typename Change>
    void postWork(Change&& change);
    // encodeFailed(cancelled) for a background encode dropped before it ran (not under m_mutex).
    void reportDropped(const std::optional<EncodeRequest>& dropped);

    EngineFactory m_factory;
    std::unique_ptr<Segmenter> m_engine;
    QHash<QString, std::shared_ptr<ImageSession>> m_sessions;
    QStringList m_sessionOrder;  // least recently used first

    std::mutex m_mutex;  // guards the mailbox below
    std::optional<EngineChoice> m_pendingEngine;
    std::optional<EncodeRequest> m_pendingEncode;
    std::optional<DecodeRequest> m_pendingDecode;
    std::optional<EncodeRequest> m_pendingPrefetch;
    QList<StepsRequest> m_pendingSteps;
    std::optional<EverythingRequest> m_pendingEverything;
    std::optional<FolderEverythingRequest> m_folderRun;  // the run and its next image
    int m_folderNext = 0;
    std::mutex m_shownMutex;  // guards m_shownKey; held by a folder run's save
    QString m_shownKey;
    QString m_runningEncodeKey;  // the user encode in progress, if any
    QString m_runningIdleKey;    // the encode ahead or in the background in progress, if any
    bool m_drainScheduled = false;

    std::atomic<bool> m_cancelEncode{false};
    std::atomic<bool> m_cancelPrefetch{false};
    std::atomic<bool> m_cancelEverything{false};
    std::atomic<bool> m_cancelFolder{false};
    std::atomic<int> m_decodesRun{0};
};

}  // namespace samdesk
