// Mask outlines: one pass over rows for horizontal edges, one over columns for vertical ones.
#include "ui/maskoutline.h"

namespace samdesk {

QPainterPath maskOutline(const BinaryMask& mask, const QRect& bounds) {
    QPainterPath path;
    const int w = mask.width(), h = mask.height();
    if (mask.isNull())
        return path;
    // Edges lie on the box's sides or inside it: rows y0..y1+1 and columns x0..x1+1.
    const QRect box = bounds.isNull() ? QRect(0, 0, w, h) : bounds.intersected(QRect(0, 0, w, h));
    if (box.isEmpty())
        return path;
    const int x0 = box.left(), x1 = box.right() + 1, y0 = box.top(), y1 = box.bottom() + 1;
    const std::uint8_t* m = mask.data();
    auto at = [&](int x, int y) -> bool {
        return x >= 0 && y >= 0 && x < w && y < h && m[std::size_t(y) * w + x];
    };
    // Horizontal edges at y (between rows y-1 and y), merged over x.
    for (int y = y0; y <= y1; ++y) {
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
    // Vertical edges at x (between columns x-1 and x), merged over y.
    for (int x = x0; x <= x1; ++x) {
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

QPainterPath maskOutlineTile(const BinaryMask& mask, const QRect& tile) {
    QPainterPath path;
    const int w = mask.width(), h = mask.height();
    const QRect box = tile.intersected(QRect(0, 0, w, h));
    if (mask.isNull() || box.isEmpty())
        return path;
    const int x0 = box.left(), x1 = box.right() + 1, y0 = box.top(), y1 = box.bottom() + 1;
    const int lastRow = y1 == h ? h : y1 - 1;  // the bottom border belongs to the last tiles
    const int lastCol = x1 == w ? w : x1 - 1;
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

}  // namespace samdesk
