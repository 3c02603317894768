// Document images: core/imageio for files, QImageReader for resources.
#include "core/document/imageload.h"

#include <QFile>
#include <QImageReader>

#include <vector>

#include "core/imageio/imagereader.h"

namespace samdesk {

namespace {

using Bytes = std::vector<std::uint8_t>;

void freeBytes(void* bytes) {
    delete static_cast<Bytes*>(bytes);
}

std::string prefixOf(const QString& path) {
    return QFile::encodeName(path).toStdString() + ": ";
}

}  // namespace

Expected<QImage> loadImage(const QString& path) {
    if (path.startsWith(QLatin1String(":/"))) {
        QImageReader reader(path);
        reader.setAutoTransform(true);
        const QImage image = reader.read();
        if (image.isNull())
            return Error::format(prefixOf(path) + reader.errorString().toStdString());
        return image.convertToFormat(QImage::Format_RGB888);
    }
    auto decoded = readImage(std::filesystem::path(QFile::encodeName(path).toStdString()));
    if (!decoded)
        return decoded.error();
    const int w = decoded->width, h = decoded->height;
    // The QImage takes the buffer over and frees it with its last copy (on any thread).
    auto* bytes = new Bytes(std::move(decoded->rgb));
    QImage image(bytes->data(), w, h, qsizetype(w) * 3, QImage::Format_RGB888, freeBytes, bytes);
    if (image.isNull()) {
        delete bytes;
        return Error::runtime(prefixOf(path) + "cannot hold " + std::to_string(w) + " x " +
                              std::to_string(h) + " pixels in a QImage");
    }
    return image;
}

QString loadErrorReason(const Error& error, const QString& path) {
    const std::string prefix = prefixOf(path);
    const std::string& message = error.message;
    if (message.rfind(prefix, 0) == 0)
        return QString::fromStdString(message.substr(prefix.size()));
    return QString::fromStdString(message);
}

}  // namespace samdesk
