// Reading the document's images. Files go through core/imageio (readImage: the decoder
// samdesk-cli uses, so the app and the CLI give the model the same pixels and find each other's
// embedding cache entries; no Qt allocation limit, so any image that fits in memory opens);
// Qt resources (":/...", the bundled sample) through QImageReader. QtGui only.
//
// Any thread (the inference thread reads images ahead of time).
#pragma once

#include <QImage>
#include <QString>

#include "core/common/expected.h"

namespace samdesk {

// The image as displayed (EXIF orientation applied), QImage::Format_RGB888. A file's pixels are
// not copied: the QImage owns the decoder's buffer. Errors (Io, Format, Runtime) say the path
// and the reason: "<path>: <reason>".
Expected<QImage> loadImage(const QString& path);

// The reason of a loadImage() error without the leading "<path>: ".
QString loadErrorReason(const Error& error, const QString& path);

}  // namespace samdesk
