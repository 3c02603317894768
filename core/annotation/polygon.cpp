// The consumers' polygon rasterisers: sampling at pixel centres, pycocotools' frPoly, PIL's
// polygon fill and OpenCV's fillPoly.
#include "core/annotation/polygon.h"

#include <algorithm>
#include <climits>
#include <cmath>

#include <opencv2/imgproc.hpp>

namespace samdesk {

namespace {

// ceil(v) as an int within [lo, hi]; safe for huge values (imported files can hold anything).
int ceilClamped(double v, int lo, int hi) {
    return static_cast<int>(
        std::clamp(std::ceil(v), static_cast<double>(lo), static_cast<double>(hi)));
}

bool allFinite(const Polygon& poly) {
    return std::all_of(poly.begin(), poly.end(),
                       [](const PointF& p) { return std::isfinite(p.x) && std::isfinite(p.y); });
}

// Far outside any image, small enough for int arithmetic on differences (also scaled by 5).
constexpr double kCoordLimit = 1 << 26;
constexpr long long kMaxFrPolyWalk = 500'000'000;

void fillCentreSampling(const Polygon& poly, BinaryMask& mask, std::vector<double>& xs) {
    if (poly.size() < 3 || !allFinite(poly))
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

void hline(BinaryMask& mask, int y, int x0, int x1) {
    if (y < 0 || y >= mask.height())
        return;
    x0 = std::max(x0, 0);
    x1 = std::min(x1, mask.width() - 1);
    if (x0 <= x1)
        std::fill(mask.data() + static_cast<std::size_t>(y) * mask.width() + x0,
                  mask.data() + static_cast<std::size_t>(y) * mask.width() + x1 + 1,
                  std::uint8_t{1});
}

// PIL's rounding of a span's ends to the nearest pixel: a half rounds away from zero at the
// start and toward zero at the end (inwards for positive spans), symmetric around 0.
int roundStart(double v) {
    return static_cast<int>(v >= 0 ? std::floor(v + 0.5) : -std::floor(-v + 0.5));
}
int roundEnd(double v) {
    return static_cast<int>(v >= 0 ? std::ceil(v - 0.5) : -std::ceil(-v - 0.5));
}

struct IntPoint {
    int x = 0;
    int y = 0;
};

// The rule of PIL's ImageDraw.polygon with fill (labelme's shape_to_mask), written from its
// documented behaviour: integer vertices (truncated toward zero), horizontal edges drawn
// whole, and on each row the spans between sorted edge crossings, where an edge's lower end
// counts twice except on the polygon's last row (so that a vertex joining two edges closes the
// span there).
void fillPil(const Polygon& poly, BinaryMask& mask, std::vector<double>& xs) {
    if (poly.empty() || !allFinite(poly))
        return;
    std::vector<IntPoint> pts;
    pts.reserve(poly.size());
    int ymin = INT_MAX, ymax = INT_MIN;
    for (const auto& p : poly) {
        const IntPoint q{static_cast<int>(std::clamp(std::trunc(p.x), -kCoordLimit, kCoordLimit)),
                         static_cast<int>(std::clamp(std::trunc(p.y), -kCoordLimit, kCoordLimit))};
        ymin = std::min(ymin, q.y);
        ymax = std::max(ymax, q.y);
        pts.push_back(q);
    }
    const std::size_t n = pts.size();
    for (std::size_t i = 0; i < n; ++i) {
        const IntPoint& a = pts[i];
        const IntPoint& b = pts[(i + 1) % n];
        if (a.y == b.y)
            hline(mask, a.y, std::min(a.x, b.x), std::max(a.x, b.x));
    }
    const int row0 = std::max(ymin, 0);
    const int row1 = std::min(ymax, mask.height() - 1);
    for (int y = row0; y <= row1; ++y) {
        xs.clear();
        for (std::size_t i = 0; i < n; ++i) {
            const IntPoint& a = pts[i];
            const IntPoint& b = pts[(i + 1) % n];
            if (a.y == b.y || y < std::min(a.y, b.y) || y > std::max(a.y, b.y))
                continue;
            const double x = a.x + static_cast<double>(y - a.y) * (b.x - a.x) / (b.y - a.y);
            xs.push_back(x);
            if (y == std::max(a.y, b.y) && y < ymax)
                xs.push_back(x);
        }
        std::sort(xs.begin(), xs.end());
        for (std::size_t k = 0; k + 1 < xs.size(); k += 2)
            hline(mask, y, roundStart(xs[k]), roundEnd(xs[k + 1]));
    }
}

void fillOpenCv(const Polygon& poly, cv::Mat& image) {
    if (poly.empty() || !allFinite(poly))
        return;
    // Far enough outside that clamping changes no pixel of an image OpenCV can hold, small
    // enough for its fixed-point arithmetic.
    const double limit = 4.0 * std::max(image.cols, image.rows) + 16.0;
    std::vector<cv::Point> pts;
    pts.reserve(poly.size());
    for (const auto& p : poly)
        pts.emplace_back(static_cast<int>(std::clamp(std::floor(p.x + 0.5), -limit, limit)),
                         static_cast<int>(std::clamp(std::floor(p.y + 0.5), -limit, limit)));
    try {
        cv::fillPoly(image, std::vector<std::vector<cv::Point>>{pts}, cv::Scalar(1), cv::LINE_8);
    } catch (const cv::Exception&) {
        // A polygon OpenCV refuses sets nothing, like the other hostile inputs.
    }
}

// pycocotools' frPoly, written from its description: the vertices scaled by 5 and rounded,
// every edge walked point by point along its longer axis in that space (the other coordinate
// rounded), and each step of the walk across a column's centre line toggles that column at the
// first row whose centre lies below the step. The toggles, in column-major order, are the RLE.
void fillFrPoly(const Polygon& poly, BinaryMask& mask, std::vector<long long>& toggles) {
    if (poly.size() < 3 || !allFinite(poly))
        return;
    constexpr double kScale = 5.0;
    const int w = mask.width(), h = mask.height();
    std::vector<long long> sx, sy;
    for (const auto& p : poly) {
        sx.push_back(
            static_cast<long long>(kScale * std::clamp(p.x, -kCoordLimit, kCoordLimit) + 0.5));
        sy.push_back(
            static_cast<long long>(kScale * std::clamp(p.y, -kCoordLimit, kCoordLimit) + 0.5));
    }
    const std::size_t n = sx.size();
    // The walk visits every 1/5 pixel of the outline; beyond 100 million pixels (a hostile file,
    // no real mask comes close) it would keep an import busy for long, so it sets nothing.
    long long walk = 0;
    for (std::size_t j = 0; j < n; ++j)
        walk += std::max(std::llabs(sx[(j + 1) % n] - sx[j]), std::llabs(sy[(j + 1) % n] - sy[j]));
    if (walk > kMaxFrPolyWalk)
        return;
    toggles.clear();
    long long lastU = 0, lastV = 0;
    bool first = true;
    // Visits the walk's points in order; a change of column between two points may toggle.
    auto visit = [&](long long u, long long v) {
        if (!first && u != lastU) {
            const double col = (static_cast<double>(u < lastU ? u : u - 1) + 0.5) / kScale - 0.5;
            if (std::floor(col) == col && col >= 0 && col <= w - 1) {
                const double lower = static_cast<double>(v < lastV ? v : lastV);
                const double row = std::ceil(
                    std::clamp((lower + 0.5) / kScale - 0.5, 0.0, static_cast<double>(h)));
                toggles.push_back(static_cast<long long>(col) * h + static_cast<long long>(row));
            }
        }
        first = false;
        lastU = u;
        lastV = v;
    };
    for (std::size_t j = 0; j < n; ++j) {
        long long x0 = sx[j], y0 = sy[j], x1 = sx[(j + 1) % n], y1 = sy[(j + 1) % n];
        const long long dx = std::llabs(x1 - x0), dy = std::llabs(y1 - y0);
        // Each edge is computed from its lower end (left for a shallow edge, top for a steep
        // one) and walked from its start to its end.
        const bool reversed = dx >= dy ? x0 > x1 : y0 > y1;
        if (reversed) {
            std::swap(x0, x1);
            std::swap(y0, y1);
        }
        const long long steps = std::max(dx, dy);
        for (long long d = 0; d <= steps; ++d) {
            const long long t = reversed ? steps - d : d;
            if (dx >= dy) {
                const double slope = dx == 0 ? 0.0 : static_cast<double>(y1 - y0) / dx;
                visit(x0 + t, static_cast<long long>(y0 + slope * t + 0.5));
            } else {
                const double slope = static_cast<double>(x1 - x0) / dy;
                visit(static_cast<long long>(x0 + slope * t + 0.5), y0 + t);
            }
        }
    }
    std::sort(toggles.begin(), toggles.end());
    const long long total = static_cast<long long>(w) * h;
    bool on = false;
    long long at = 0;
    for (std::size_t k = 0; k <= toggles.size(); ++k) {
        const long long end = k < toggles.size() ? std::min(toggles[k], total) : total;
        for (; on && at < end; ++at)
            mask.data()[static_cast<std::size_t>(at % h) * w + static_cast<std::size_t>(at / h)] =
                1;
        at = std::max(at, end);
        on = !on;
    }
}

}  // namespace

BinaryMask rasterizePolygons(const std::vector<Polygon>& polygons, int width, int height,
                             PolygonRaster raster) {
    BinaryMask mask(width, height);
    if (mask.isNull())
        return mask;
    std::vector<double> xs;
    if (raster == PolygonRaster::FillPoly) {
        cv::Mat image(height, width, CV_8UC1, mask.data());
        for (const auto& poly : polygons)  // one by one: fillPoly would cancel overlaps
            fillOpenCv(poly, image);
        return mask;
    }
    std::vector<long long> toggles;
    for (const auto& poly : polygons) {
        if (raster == PolygonRaster::Pil)
            fillPil(poly, mask, xs);
        else if (raster == PolygonRaster::FrPoly)
            fillFrPoly(poly, mask, toggles);
        else
            fillCentreSampling(poly, mask, xs);
    }
    return mask;
}

double polygonArea(const Polygon& polygon) {
    double twice = 0.0;
    for (std::size_t i = 0, j = polygon.size() - 1; i < polygon.size(); j = i++)
        twice += polygon[j].x * polygon[i].y - polygon[i].x * polygon[j].y;
    return twice / 2.0;
}

}  // namespace samdesk
