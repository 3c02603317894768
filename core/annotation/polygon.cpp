// Scanline rasterisation at pixel centres.
#include "core/annotation/polygon.h"

#include <algorithm>
#include <cmath>

namespace samdesk {

namespace {

// ceil(v) as an int within [lo, hi]; safe for huge values (imported files can hold anything).
int ceilClamped(double v, int lo, int hi) {
    return static_cast<int>(
        std::clamp(std::ceil(v), static_cast<double>(lo), static_cast<double>(hi)));
}

void fillOne(const Polygon& poly, BinaryMask& mask, std::vector<double>& xs) {
    if (poly.size() < 3)
        return;
    for (const auto& p : poly)
        if (!std::isfinite(p.x) || !std::isfinite(p.y))
            return;
    double ymin = poly[0].y, ymax = poly[0].y;
    for (const auto& p : poly) {
        ymin = std::min(ymin, p.y);
        ymax = std::max(ymax, p.y);
    }
    const int w = mask.width();
    // Rows whose centre y + 0.5 lies in [ymin, ymax).
    const int row0 = ceilClamped(ymin - 0.5, 0, mask.height());
    const int row1 = ceilClamped(ymax - 0.5, 0, mask.height());
    std::uint8_t* px = mask.data();
    for (int y = row0; y < row1; ++y) {
        const double yc = y + 0.5;
        xs.clear();
        for (std::size_t i = 0, j = poly.size() - 1; i < poly.size(); j = i++) {
            const PointF& a = poly[j];
            const PointF& b = poly[i];
            // Half-open in y so that a vertex exactly on the scanline counts once.
            if ((a.y <= yc && yc < b.y) || (b.y <= yc && yc < a.y))
                xs.push_back(a.x + (yc - a.y) * (b.x - a.x) / (b.y - a.y));
        }
        std::sort(xs.begin(), xs.end());
        for (std::size_t k = 0; k + 1 < xs.size(); k += 2) {
            // Pixels whose centre x + 0.5 lies in [xs[k], xs[k+1]).
            const int x0 = ceilClamped(xs[k] - 0.5, 0, w);
            const int x1 = ceilClamped(xs[k + 1] - 0.5, 0, w);
            if (x0 < x1)
                std::fill(px + static_cast<std::size_t>(y) * w + x0,
                          px + static_cast<std::size_t>(y) * w + x1, std::uint8_t{1});
        }
    }
}

}  // namespace

BinaryMask rasterizePolygons(const std::vector<Polygon>& polygons, int width, int height) {
    BinaryMask mask(width, height);
    if (mask.isNull())
        return mask;
    std::vector<double> xs;
    for (const auto& poly : polygons)
        fillOne(poly, mask, xs);
    return mask;
}

double polygonArea(const Polygon& polygon) {
    double twice = 0.0;
    for (std::size_t i = 0, j = polygon.size() - 1; i < polygon.size(); j = i++)
        twice += polygon[j].x * polygon[i].y - polygon[i].x * polygon[j].y;
    return twice / 2.0;
}

}  // namespace samdesk
