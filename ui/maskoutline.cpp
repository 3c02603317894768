// Mask outlines: one pass over rows for horizontal edges, one over columns for vertical ones.
#include "ui/maskoutline.h"

namespace samdesk {

QPainterPath maskOutline(const BinaryMask& mask) {
    QPainterPath path;
    const int w = mask.width(), h = mask.height();
    if (mask.isNull())
        return path;
    const std::uint8_t* m = mask.data();
    auto at = [&](int x, int y) -> bool {
        return x >= 0 && y >= 0 && x < w && y < h && m[std::size_t(y) * w + x];
    };
    // Horizontal edges at y (between rows y-1 and y), merged over x.
    for (int y = 0; y <= h; ++y) {
        int start = -1;
        for (int x = 0; x <= w; ++x) {
            const bool edge = x < w && at(x, y - 1) != at(x, y);
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
    for (int x = 0; x <= w; ++x) {
        int start = -1;
        for (int y = 0; y <= h; ++y) {
            const bool edge = y < h && at(x - 1, y) != at(x, y);
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
