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
    if (out.isNull())
        return out;
    // Every pixel written in one pass, without branches (it vectorises): the overlay of each
    // click is made on the UI thread, between the decode and the paint.
    const QRgb colours[3] = {0, qPremultiply(outline.rgba()), qPremultiply(fill.rgba())};
    const int w = mask.width(), h = mask.height();
    const std::uint8_t* m = mask.data();
    for (int y = 0; y < h; ++y) {
        const std::uint8_t* row = m + std::size_t(y) * w;
        // The image border does not count as an edge: a missing neighbour counts as inside.
        const std::uint8_t* up = y > 0 ? row - w : row;
        const std::uint8_t* down = y + 1 < h ? row + w : row;
        auto* dst = reinterpret_cast<QRgb*>(out.scanLine(y));
        auto at = [&](int x) {
            const int left = x > 0 ? row[x - 1] : 1;
            const int right = x + 1 < w ? row[x + 1] : 1;
            // 0 outside, 1 on an edge, 2 inside with all four neighbours inside.
            return colours[row[x] * (1 + (left & right & up[x] & down[x]))];
        };
        if (w <= 2) {
            for (int x = 0; x < w; ++x)
                dst[x] = at(x);
            continue;
        }
        dst[0] = at(0);
        const QRgb edge = colours[1], inside = colours[2];
        for (int x = 1; x + 1 < w; ++x) {
            const std::uint32_t on = row[x];
            const std::uint32_t all = on & row[x - 1] & row[x + 1] & up[x] & down[x];
            dst[x] = (edge & (0u - on)) ^ ((edge ^ inside) & (0u - all));
        }
        dst[w - 1] = at(w - 1);
    }
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
