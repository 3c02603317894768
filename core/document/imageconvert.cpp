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

namespace {

// One row of a mask and its neighbours above and below (the row itself where there is none: the
// image border is no edge). class(x): 0 outside, 1 an edge pixel (a 4-neighbour is outside),
// 2 inside with all four neighbours inside.
struct MaskRow {
    const std::uint8_t* row;
    const std::uint8_t* up;
    const std::uint8_t* down;
    int width;

    MaskRow(const BinaryMask& mask, int y)
        : row(mask.data() + std::size_t(y) * mask.width())
        , up(y > 0 ? row - mask.width() : row)
        , down(y + 1 < mask.height() ? row + mask.width() : row)
        , width(mask.width()) {}

    int pixelClass(int x) const {
        const int left = x > 0 ? row[x - 1] : 1;
        const int right = x + 1 < width ? row[x + 1] : 1;
        return row[x] * (1 + (left & right & up[x] & down[x]));
    }
};

}  // namespace

QImage maskToOverlay(const BinaryMask& mask, QColor fill, QColor outline) {
    QImage out(mask.width(), mask.height(), QImage::Format_ARGB32_Premultiplied);
    if (out.isNull())
        return out;
    // Every pixel written in one pass, without branches inside the row (it vectorises): the
    // overlay of each click is made on the UI thread, between the decode and the paint.
    const QRgb colours[3] = {0, qPremultiply(outline.rgba()), qPremultiply(fill.rgba())};
    const QRgb edge = colours[1], inside = colours[2];
    const int w = mask.width();
    for (int y = 0; y < mask.height(); ++y) {
        const MaskRow r(mask, y);
        auto* dst = reinterpret_cast<QRgb*>(out.scanLine(y));
        // pixelClass without its border tests, as bit masks.
        for (int x = 1; x + 1 < w; ++x) {
            const std::uint32_t on = r.row[x];
            const std::uint32_t all = on & r.row[x - 1] & r.row[x + 1] & r.up[x] & r.down[x];
            dst[x] = (edge & (0u - on)) ^ ((edge ^ inside) & (0u - all));
        }
        dst[0] = colours[r.pixelClass(0)];
        dst[w - 1] = colours[r.pixelClass(w - 1)];
    }
    return out;
}

void paintMask(QImage& target, const BinaryMask& mask, QColor fill, QColor outline,
               const QRect& bounds) {
    if (mask.isNull() || target.size() != QSize(mask.width(), mask.height()))
        return;
    const QRgb colours[3] = {0, qPremultiply(outline.rgba()), qPremultiply(fill.rgba())};
    const int w = mask.width(), h = mask.height();
    const QRect area = bounds.isNull() ? QRect(0, 0, w, h) : bounds.intersected(QRect(0, 0, w, h));
    for (int y = area.top(); y <= area.bottom(); ++y) {
        const MaskRow r(mask, y);
        auto* out = reinterpret_cast<QRgb*>(target.scanLine(y));
        for (int x = area.left(); x <= area.right(); ++x)
            if (const int c = r.pixelClass(x))
                out[x] = colours[c];  // pixels outside the mask keep what the target has
    }
}

}  // namespace samdesk
