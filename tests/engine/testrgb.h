// The engine tests' images: a fixture PNG as the engines' 8-bit RGB, read with QImage.
#pragma once

#include <QImage>
#include <QString>

#include "core/engine/segmenter.h"

namespace samdesk::test {

inline RgbImage loadRgb(const QString& file) {
    const QImage img = QImage(file).convertToFormat(QImage::Format_RGB888);
    RgbImage out{img.width(), img.height(), {}, nullptr, 0, {}};
    for (int y = 0; y < img.height(); ++y)
        out.pixels.insert(out.pixels.end(), img.constScanLine(y),
                          img.constScanLine(y) + std::size_t(img.width()) * 3);
    return out;
}

}  // namespace samdesk::test
