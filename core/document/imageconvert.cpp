// Qt image <-> plain pixel conversions.
#include "core/document/imageconvert.h"

#include <cstring>

namespace samdesk {

RgbImage toRgbImage(const QImage& image) {
    const QImage rgb = image.convertToFormat(QImage::Format_RGB888);
    RgbImage out;
    out.width = rgb.width();
    out.height = rgb.height();
    if (image.format() == QImage::Format_RGB888) {
        // Shared, not copied: the QImage keeps the pixels alive (and never changes them: an
        // implicitly shared QImage detaches before a write).
        auto owner = std::make_shared<const QImage>(rgb);
        out.borrowed = owner->constBits();
        out.stride = std::size_t(owner->bytesPerLine());
        out.owner = std::move(owner);
        return out;
    }
    out.pixels.resize(std::size_t(out.width) * out.height * 3);
    const std::size_t row = std::size_t(out.width) * 3;
    for (int y = 0; y < out.height; ++y)
        std::memcpy(out.pixels.data() + row * y, rgb.constScanLine(y), row);
    return out;
}

QImage maskToAlpha(const BinaryMask& mask) {
    QImage out(mask.width(), mask.height(), QImage::Format_Alpha8);
    for (int y = 0; y < mask.height(); ++y) {
        const std::uint8_t* m = mask.data() + std::size_t(y) * mask.width();
        uchar* o = out.scanLine(y);
        for (int x = 0; x < mask.width(); ++x)
            o[x] = m[x] ? 255 : 0;
    }
    return out;
}

QImage maskToOverlay(const BinaryMask& mask, QColor fill, QColor outline) {
    QImage out(mask.width(), mask.height(), QImage::Format_ARGB32_Premultiplied);
    out.fill(Qt::transparent);
    paintMask(out, mask, fill, outline);
    return out;
}

void paintMask(QImage& target, const BinaryMask& mask, QColor fill, QColor outline,
               const QRect& bounds) {
    if (mask.isNull() || target.size() != QSize(mask.width(), mask.height()))
        return;
    const QRgb f = qPremultiply(fill.rgba());
    const QRgb o = qPremultiply(outline.rgba());
    const int w = mask.width(), h = mask.height();
    const QRect area = bounds.isNull() ? QRect(0, 0, w, h) : bounds.intersected(QRect(0, 0, w, h));
    const std::uint8_t* m = mask.data();
    for (int y = area.top(); y <= area.bottom(); ++y) {
        const std::uint8_t* row = m + std::size_t(y) * w;
        const std::uint8_t* up = y > 0 ? row - w : nullptr;
        const std::uint8_t* down = y + 1 < h ? row + w : nullptr;
        auto* out = reinterpret_cast<QRgb*>(target.scanLine(y));
        for (int x = area.left(); x <= area.right(); ++x) {
            if (!row[x])
                continue;
            // The image border does not count as an edge: only a neighbour outside the mask.
            const bool edge = (x > 0 && !row[x - 1]) || (x + 1 < w && !row[x + 1]) ||
                              (up && !up[x]) || (down && !down[x]);
            out[x] = edge ? o : f;
        }
    }
}

}  // namespace samdesk
