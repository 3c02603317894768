// The values that cross between the UI thread and the inference thread: requests going in,
// results coming out. Plain values (engine structs, QImage, QString), never tensors or pixmaps.
#pragma once

#include <QImage>
#include <QList>
#include <QMetaType>
#include <QString>

#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "core/annotation/annotationstore.h"
#include "core/annotation/polygon.h"
#include "core/engine/enginefactory.h"
#include "core/engine/segmenter.h"

namespace samdesk {

// Makes an engine on the inference thread; tests inject their own.
using EngineFactory = std::function<Expected<LoadedEngine>(const EngineChoice&)>;

// An image to encode. `key` names the image's content (path, size and modification time), so a
// result can be matched to the image it belongs to, and a session reused when it comes back.
struct EncodeRequest {
    QString key;
    QImage image;  // for the current image (already decoded for display)
    QString path;  // for an image encoded ahead of time (read on the inference thread)
    std::optional<ImageRegion> region;  // only this part of the image (Segmenter::encodeRegion)
    // Set by InferenceWorker::requestBackgroundEncode: runs when the inference thread is idle,
    // stops for any other request, and is reported like the user's encode.
    bool background = false;
};

// The key of `region` of the image keyed `imageKey`, and the image's key of any key (itself for
// a whole image's): the inference thread keeps one region per image.
inline QString regionSessionKey(const QString& imageKey, const ImageRegion& r) {
    return imageKey +
           QStringLiteral("#region %1,%2 %3x%4").arg(r.x).arg(r.y).arg(r.width).arg(r.height);
}
inline QString imageKeyOf(const QString& key) {
    const qsizetype at = key.lastIndexOf(QLatin1String("#region "));
    return at < 0 ? key : key.left(at);
}

struct DecodeRequest {
    quint64 id = 0;  // increasing; results carry it
    QString imageKey;
    PromptSet prompts;
};

// Prompts decoded in steps (predictSteps): a re-run of an object's kept prompts. Queued in order,
// never replaced by a later request (unlike DecodeRequest); results come back as DecodeResult
// with `requestId` = `id`.
struct StepsRequest {
    quint64 id = 0;
    QString imageKey;
    std::vector<PromptSet> steps;
};

// Segment everything on an encoded image (Segmenter::segmentEverything). One at a time: a new
// request replaces one not started yet.
struct EverythingRequest {
    quint64 id = 0;
    QString imageKey;
    QImage image;  // the image the key names (crop layers encode parts of it)
    AutoMaskParams params;
};

// Segment everything on other images of the folder, their masks merged into their saved
// annotations as unlabelled objects (core/annotation/automaskmerge.h), one image at a time.
struct FolderEverythingItem {
    QString key;        // DocumentSession::keyFor(path)
    QString path;       // absolute
    QString imageFile;  // the store's key (relative to the folder)
};
struct FolderEverythingRequest {
    quint64 id = 0;
    QList<FolderEverythingItem> items;
    AutoMaskParams params;
    AnnotationStore store{std::filesystem::path()};
    std::string engine, fingerprint;  // the objects' maker (ObjectPrompts)
};
// One image of a folder run: the objects it added and replaced, or why it was skipped or failed.
struct FolderEverythingImage {
    quint64 requestId = 0;
    int index = 0;  // in the request's items
    QString imageFile;
    int added = 0, replaced = 0;
    bool skipped = false;  // shown in the window when its turn came (the window's edits win)
    QString error;         // empty when it went well
};

// The proposals with their outlines for display (polygons in image pixels, holes left out),
// made on the inference thread.
struct EverythingResult {
    quint64 requestId = 0;
    QString imageKey;
    AutoMaskResult result;
    std::vector<std::vector<std::vector<PointF>>> outlines;  // per mask, its parts' rings
    double milliseconds = 0;  // the run on the inference thread, outlines included
};
using EverythingResultPtr = std::shared_ptr<const EverythingResult>;

struct DecodeResult {
    quint64 requestId = 0;
    QString imageKey;
    SegmentResult result;
    double milliseconds = 0;  // decode time on the inference thread
    bool maskInput = false;   // a mask input went with the prompts (the refinement loop)
};
using DecodeResultPtr = std::shared_ptr<const DecodeResult>;

struct EngineStatus {
    QString name;    // "GrabCut", "SAM vit_b"
    QString device;  // "cpu, float32"; empty for GrabCut
    QString checkpoint;
    bool acceptsMaskInput = false;
    MaskFrame maskFrame;  // SAM: where its mask input lies over the image
    std::shared_ptr<const CheckpointReport> report;  // SAM only
    QString cacheDirectory;  // SAM: the embedding cache in use, empty when none
    QString cacheError;      // SAM: why the embedding cache asked for is not in use
};

}  // namespace samdesk

Q_DECLARE_METATYPE(samdesk::DecodeResultPtr)
Q_DECLARE_METATYPE(samdesk::EngineStatus)
Q_DECLARE_METATYPE(samdesk::EverythingResultPtr)
Q_DECLARE_METATYPE(samdesk::FolderEverythingImage)
