// What samdesk remembers between runs (QSettings, organisation and application "samdesk"): the
// last checkpoint, device and precision, recent images and folders, view options, and the window
// layout (stored by the UI as opaque bytes), segment everything's parameters. Every getter has a
// sensible default.
#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

#include "core/common/automask.h"

namespace samdesk {

class AppSettings {
public:
    static constexpr int kMaxRecent = 10;

    QString checkpoint() const;
    void setCheckpoint(const QString& path);  // empty: GrabCut
    QString device() const;                   // "cpu" (default), "cuda"
    void setDevice(const QString& device);
    QString precision() const;  // "auto" (default), "float32", "bfloat16", "mixed", "float16"
    void setPrecision(const QString& precision);

    // The on-disk embedding cache: on by default, in $SAMDESK_CACHE_DIR, else
    // $XDG_CACHE_HOME/samdesk/embeddings, else ~/.cache/samdesk/embeddings; 2 GiB by default.
    bool embeddingCacheEnabled() const;
    void setEmbeddingCacheEnabled(bool on);
    QString embeddingCacheDirectory() const;              // never empty
    void setEmbeddingCacheDirectory(const QString& dir);  // empty: back to the default
    quint64 embeddingCacheMaxBytes() const;
    void setEmbeddingCacheMaxBytes(quint64 bytes);

    QStringList recentFiles() const;  // images and folders, newest first, existing only
    void addRecentFile(const QString& path);
    void clearRecentFiles();
    QString lastDirectory() const;  // for file dialogs
    void setLastDirectory(const QString& dir);

    bool refineWithPrevious() const;  // feed the last low-res logits back (default on)
    void setRefineWithPrevious(bool on);
    bool hoverPreview() const;  // default off
    void setHoverPreview(bool on);
    // Encode the visible region in the background when the view rests on part of a large photo
    // (AnnotationDocument::encodeViewInBackground). Default off.
    bool autoRegionEncoding() const;
    void setAutoRegionEncoding(bool on);
    double maskThreshold() const;  // logits, default 0
    void setMaskThreshold(double threshold);

    // Segment everything's parameters (the original's names as keys, "everything/points_per_side"
    // ...; its defaults for those not stored). Explicit point grids are not stored.
    AutoMaskParams everythingParams() const;
    void setEverythingParams(const AutoMaskParams& params);

    QByteArray windowGeometry() const;
    void setWindowGeometry(const QByteArray& geometry);
    QByteArray windowState() const;
    void setWindowState(const QByteArray& state);
};

}  // namespace samdesk
