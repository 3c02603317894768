// Mask outlines: one pass over rows for horizontal edges, one over columns for vertical ones.
#include "ui/maskoutline.h"

namespace samdesk {

namespace {

// The edges of `mask` over columns [x0, x1) and rows [y0, y1), merged into runs: horizontal edges
// at rows y0..lastRow (the edge at row y lies above pixel row y), vertical edges at columns
// x0..lastCol (left of pixel column x).
QPainterPath edges(const BinaryMask& mask, int x0, int x1, int y0, int y1, int lastRow,
                   int lastCol) {
    QPainterPath path;
    const int w = mask.width(), h = mask.height();
    const std::uint8_t* m = mask.data();
    auto at = [&](int x, int y) -> bool {
        return x >= 0 && y >= 0 && x < w && y < h && m[std::size_t(y) * w + x];
    };
    for (int y = y0; y <= lastRow; ++y) {
        int start = -1;
        for (int x = x0; x <= x1; ++x) {
            const bool edge = x < x1 && at(x, y - 1) != at(x, y);
            if (edge && start < 0)
                start = x;
            if (!edge && start >= 0) {
                path.moveTo(start, y);
                path.lineTo(x, y);
                start = -1;
            }
        }
    }
    for (int x = x0; x <= lastCol; ++x) {
        int start = -1;
        for (int y = y0; y <= y1; ++y) {
            const bool edge = y < y1 && at(x - 1, y) != at(x, y);
            if (edge && start < 0)
                start = y;
            if (!edge && start >= 0) {
                path.moveTo(x, start);
                path.lineTo(x, y);
                start = -1;
            }
        }
    }
    return path;
}

}  // namespace

QPainterPath maskOutline(const BinaryMask& mask, const QRect& bounds) {
    if (mask.isNull())
        return {};
    const int w = mask.width(), h = mask.height();
    // Edges lie on the box's sides or inside it: rows y0..y1 and columns x0..x1.
    const QRect box = bounds.isNull() ? QRect(0, 0, w, h) : bounds.intersected(QRect(0, 0, w, h));
    if (box.isEmpty())
        return {};
    const int x1 = box.right() + 1, y1 = box.bottom() + 1;
    return edges(mask, box.left(), x1, box.top(), y1, y1, x1);
}

QPainterPath maskOutlineTile(const BinaryMask& mask, const QRect& tile) {
    const int w = mask.width(), h = mask.height();
    const QRect box = tile.intersected(QRect(0, 0, w, h));
    if (mask.isNull() || box.isEmpty())
        return {};
    const int x1 = box.right() + 1, y1 = box.bottom() + 1;
    // The next tile owns the edges on this one's bottom and right sides, except at the image's
    // border, which belongs to the last tiles.
    return edges(mask, box.left(), x1, box.top(), y1, y1 == h ? h : y1 - 1, x1 == w ? w : x1 - 1);
}

}  // namespace samdesk
