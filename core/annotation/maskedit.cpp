// Hand edits of a BinaryMask: strokes as per-row intervals (exact, cost of the stroke's area),
// clean-up with OpenCV's flood fill and connected components on the mask's bounding box only.
#include "core/annotation/maskedit.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include <opencv2/imgproc.hpp>

namespace samdesk {

namespace {

// A double to an int index, clamped to [lo, hi] (also for infinities and huge values).
int clampIndex(double v, int lo, int hi) {
    if (!(v > lo))  // also NaN
        return lo;
    if (v >= hi)
        return hi;
    return static_cast<int>(v);
}

// The finite points of a stroke: a NaN or infinite coordinate cannot be drawn.
std::vector<StrokePoint> finitePoints(std::span<const StrokePoint> points) {
    std::vector<StrokePoint> out;
    out.reserve(points.size());
    for (const auto& p : points)
        if (std::isfinite(p.x) && std::isfinite(p.y))
            out.push_back(p);
    return out;
}

bool drawableRadius(double radius) {
    return radius >= 0.5 && std::isfinite(radius);
}

PixelRect boundsOf(const std::vector<StrokePoint>& pts, double radius, int width, int height) {
    if (pts.empty() || !drawableRadius(radius) || width <= 0 || height <= 0)
        return {};
    double x0 = pts[0].x, x1 = pts[0].x, y0 = pts[0].y, y1 = pts[0].y;
    for (const auto& p : pts) {
        x0 = std::min(x0, p.x);
        x1 = std::max(x1, p.x);
        y0 = std::min(y0, p.y);
        y1 = std::max(y1, p.y);
    }
    // Pixel centres c = i + 0.5 with c in [lo, hi]: i in [ceil(lo - 0.5), floor(hi - 0.5)].
    const int left = clampIndex(std::ceil(x0 - radius - 0.5), 0, width);
    const int right = clampIndex(std::floor(x1 + radius - 0.5), -1, width - 1);
    const int top = clampIndex(std::ceil(y0 - radius - 0.5), 0, height);
    const int bottom = clampIndex(std::floor(y1 + radius - 0.5), -1, height - 1);
    if (right < left || bottom < top)
        return {};
    return {left, top, right - left + 1, bottom - top + 1};
}

// One segment of the stroke thickened by the radius (a capsule; a disc when a == b).
struct Capsule {
    StrokePoint a, b;
    double r = 0;

    // The reference test: squared distance from (px, py) to the segment against r^2.
    bool covers(double px, double py) const {
        const double dx = b.x - a.x, dy = b.y - a.y;
        const double len2 = dx * dx + dy * dy;
        double t = 0;
        if (len2 > 0)
            t = std::clamp(((px - a.x) * dx + (py - a.y) * dy) / len2, 0.0, 1.0);
        const double ex = px - (a.x + t * dx), ey = py - (a.y + t * dy);
        return ex * ex + ey * ey <= r * r;
    }

    // The x range of the horizontal line y = cy inside the capsule, computed with a radius
    // slightly above r so that rounding never loses a pixel (covers() decides the ends).
    // Returns false when the line misses it.
    bool span(double cy, double& lo, double& hi) const {
        const double rr = r * (1 + 1e-9) + 1e-9;
        lo = std::numeric_limits<double>::infinity();
        hi = -lo;
        auto disc = [&](const StrokePoint& c) {
            const double d = cy - c.y;
            if (std::abs(d) > rr)
                return;
            const double h = std::sqrt(rr * rr - d * d);
            lo = std::min(lo, c.x - h);
            hi = std::max(hi, c.x + h);
        };
        disc(a);
        disc(b);
        // The band between the end discs: 0 <= projection <= len^2 and |cross| <= rr * len.
        const double dx = b.x - a.x, dy = b.y - a.y;
        const double len2 = dx * dx + dy * dy;
        if (len2 > 0) {
            const double len = std::sqrt(len2);
            const double ry = cy - a.y;
            double bl = -std::numeric_limits<double>::infinity(), bh = -bl;
            bool ok = true;
            auto intersect = [&](double u, double v) {
                bl = std::max(bl, std::min(u, v));
                bh = std::min(bh, std::max(u, v));
            };
            // Projection: (x - a.x) dx + ry dy in [0, len2].
            if (dx != 0)
                intersect(a.x - ry * dy / dx, a.x + (len2 - ry * dy) / dx);
            else
                ok = ry * dy >= 0 && ry * dy <= len2;
            // Perpendicular distance: |dx ry - dy (x - a.x)| <= rr len.
            if (dy != 0)
                intersect(a.x + (dx * ry - rr * len) / dy, a.x + (dx * ry + rr * len) / dy);
            else
                ok = ok && std::abs(dx * ry) <= rr * len;
            if (ok && bl <= bh) {
                lo = std::min(lo, bl);
                hi = std::max(hi, bh);
            }
        }
        return lo <= hi;
    }
};

struct RowSpan {
    int y, x0, x1;  // pixels [x0, x1] of row y
    bool operator<(const RowSpan& o) const { return y != o.y ? y < o.y : x0 < o.x0; }
};

// Appends the pixels of `rect` that `c` covers, one span per row.
void capsuleSpans(const Capsule& c, const PixelRect& rect, std::vector<RowSpan>& out) {
    const double r = c.r;
    // One row more on each side than the analytic range: covers() settles the ties.
    const int top =
        clampIndex(std::ceil(std::min(c.a.y, c.b.y) - r - 0.5) - 1, rect.y, rect.y + rect.height);
    const int bottom = clampIndex(std::floor(std::max(c.a.y, c.b.y) + r - 0.5) + 1, rect.y - 1,
                                  rect.y + rect.height - 1);
    const int xMin = rect.x, xMax = rect.x + rect.width - 1;
    for (int y = top; y <= bottom; ++y) {
        const double cy = y + 0.5;
        double lo = 0, hi = 0;
        if (!c.span(cy, lo, hi))
            continue;
        int x0 = clampIndex(std::ceil(lo - 0.5), xMin, xMax + 1);
        int x1 = clampIndex(std::floor(hi - 0.5), xMin - 1, xMax);
        // The span came from a slightly larger radius: trim, then grow while covered.
        while (x0 <= x1 && !c.covers(x0 + 0.5, cy))
            ++x0;
        while (x1 >= x0 && !c.covers(x1 + 0.5, cy))
            --x1;
        if (x0 > x1)
            continue;
        while (x0 > xMin && c.covers(x0 - 0.5, cy))
            --x0;
        while (x1 < xMax && c.covers(x1 + 1.5, cy))
            ++x1;
        out.push_back({y, x0, x1});
    }
}

// A cv::Mat over the `rect` part of the mask's bytes (no copy).
cv::Mat viewOf(BinaryMask& mask, const PixelRect& rect) {
    return cv::Mat(mask.height(), mask.width(), CV_8U,
                   mask.data())(cv::Rect(rect.x, rect.y, rect.width, rect.height));
}

// The 8-connected parts of the mask's bounding box `box`: labels (0 = background) and areas.
struct Parts {
    cv::Mat labels;                  // CV_32S, box-sized
    std::vector<std::size_t> areas;  // indexed by label; areas[0] is the background
};

Parts partsOf(BinaryMask& mask, const PixelRect& box) {
    Parts parts;
    cv::Mat stats, centroids;
    const int n = cv::connectedComponentsWithStats(viewOf(mask, box), parts.labels, stats,
                                                   centroids, 8, CV_32S);
    parts.areas.resize(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i)
        parts.areas[static_cast<std::size_t>(i)] =
            static_cast<std::size_t>(stats.at<int>(i, cv::CC_STAT_AREA));
    return parts;
}

// Clears the pixels of `box` whose label is marked in `drop`; returns how many.
std::size_t clearParts(BinaryMask& mask, const PixelRect& box, const Parts& parts,
                       const std::vector<bool>& drop) {
    std::size_t cleared = 0;
    for (int y = 0; y < box.height; ++y) {
        const int* labels = parts.labels.ptr<int>(y);
        std::uint8_t* row =
            mask.data() + static_cast<std::size_t>(box.y + y) * mask.width() + box.x;
        for (int x = 0; x < box.width; ++x)
            if (labels[x] > 0 && drop[static_cast<std::size_t>(labels[x])]) {
                row[x] = 0;
                ++cleared;
            }
    }
    return cleared;
}

}  // namespace

PixelRect strokeBounds(std::span<const StrokePoint> points, double radius, int width, int height) {
    return boundsOf(finitePoints(points), radius, width, height);
}

PixelRect paintStroke(BinaryMask& mask, std::span<const StrokePoint> points, double radius,
                      bool value) {
    const std::vector<StrokePoint> pts = finitePoints(points);
    const PixelRect rect = boundsOf(pts, radius, mask.width(), mask.height());
    if (rect.isEmpty())
        return rect;
    // Each segment gives one interval per row (a capsule is convex); the intervals of a row are
    // merged so that every pixel is written once, however densely the points lie.
    std::vector<RowSpan> spans;
    if (pts.size() == 1)
        capsuleSpans({pts[0], pts[0], radius}, rect, spans);
    for (std::size_t i = 1; i < pts.size(); ++i)
        capsuleSpans({pts[i - 1], pts[i], radius}, rect, spans);
    std::sort(spans.begin(), spans.end());
    const std::uint8_t byte = value ? 1 : 0;
    auto fill = [&](const RowSpan& s) {
        std::memset(mask.data() + static_cast<std::size_t>(s.y) * mask.width() + s.x0, byte,
                    static_cast<std::size_t>(s.x1 - s.x0 + 1));
    };
    for (std::size_t i = 0; i < spans.size();) {
        RowSpan run = spans[i++];
        for (; i < spans.size() && spans[i].y == run.y && spans[i].x0 <= run.x1 + 1; ++i)
            run.x1 = std::max(run.x1, spans[i].x1);
        fill(run);
    }
    return rect;
}

std::size_t fillHoles(BinaryMask& mask) {
    // Background outside the bounding box reaches the border along its row or column, and so
    // does background on the box's edge: flooding from the box's edge inside the box is enough.
    const PixelRect box = mask.boundingBox();
    if (box.isEmpty())
        return 0;
    cv::Mat view = viewOf(mask, box);
    constexpr std::uint8_t kOutside = 2;  // background reached from the border, for a moment
    auto seed = [&](int x, int y) {
        if (view.at<std::uint8_t>(y, x) == 0)
            cv::floodFill(view, cv::Point(x, y), cv::Scalar(kOutside), nullptr, cv::Scalar(),
                          cv::Scalar(), 4);
    };
    for (int x = 0; x < box.width; ++x) {
        seed(x, 0);
        seed(x, box.height - 1);
    }
    for (int y = 0; y < box.height; ++y) {
        seed(0, y);
        seed(box.width - 1, y);
    }
    std::size_t filled = 0;
    for (int y = 0; y < box.height; ++y) {
        std::uint8_t* row = view.ptr<std::uint8_t>(y);
        for (int x = 0; x < box.width; ++x) {
            if (row[x] == 0) {
                row[x] = 1;
                ++filled;
            } else if (row[x] == kOutside) {
                row[x] = 0;
            }
        }
    }
    return filled;
}

std::size_t removeIslands(BinaryMask& mask, std::size_t minArea) {
    const PixelRect box = mask.boundingBox();
    if (box.isEmpty() || minArea <= 1)
        return 0;
    const Parts parts = partsOf(mask, box);
    std::vector<bool> drop(parts.areas.size(), false);
    bool any = false;
    for (std::size_t i = 1; i < parts.areas.size(); ++i)
        if (parts.areas[i] < minArea)
            drop[i] = any = true;
    return any ? clearParts(mask, box, parts, drop) : 0;
}

std::size_t keepLargestPart(BinaryMask& mask) {
    const PixelRect box = mask.boundingBox();
    if (box.isEmpty())
        return 0;
    const Parts parts = partsOf(mask, box);
    if (parts.areas.size() <= 2)
        return 0;  // one part or none
    const std::size_t largest = *std::max_element(parts.areas.begin() + 1, parts.areas.end());
    // The tie rule needs the first pixel in row-major order, which OpenCV's label order does not
    // promise: scan for the first label of the largest size.
    int keep = 0;
    for (int y = 0; y < box.height && keep == 0; ++y) {
        const int* labels = parts.labels.ptr<int>(y);
        for (int x = 0; x < box.width; ++x)
            if (labels[x] > 0 && parts.areas[static_cast<std::size_t>(labels[x])] == largest) {
                keep = labels[x];
                break;
            }
    }
    std::vector<bool> drop(parts.areas.size(), true);
    drop[0] = false;
    drop[static_cast<std::size_t>(keep)] = false;
    return clearParts(mask, box, parts, drop);
}

Expected<BinaryMask> combineMasks(const BinaryMask& a, const BinaryMask& b, MaskOp op) {
    if (a.width() != b.width() || a.height() != b.height())
        return Error::invalid(
            "cannot combine masks of different sizes: " + std::to_string(a.width()) + "x" +
            std::to_string(a.height()) + " and " + std::to_string(b.width()) + "x" +
            std::to_string(b.height()));
    BinaryMask out = a;
    std::uint8_t* o = out.data();
    const std::uint8_t* q = b.data();
    const std::size_t n = a.bytes().size();
    switch (op) {
        case MaskOp::Union:
            for (std::size_t i = 0; i < n; ++i)
                o[i] |= q[i];
            break;
        case MaskOp::Subtract:
            for (std::size_t i = 0; i < n; ++i)
                o[i] &= static_cast<std::uint8_t>(q[i] ^ 1);
            break;
        case MaskOp::Intersect:
            for (std::size_t i = 0; i < n; ++i)
                o[i] &= q[i];
            break;
    }
    return out;
}

namespace {

// `rect` clipped to a width x height mask.
PixelRect clip(PixelRect rect, int width, int height) {
    const long long x0 = std::max<long long>(rect.x, 0);
    const long long y0 = std::max<long long>(rect.y, 0);
    const long long x1 = std::min<long long>(static_cast<long long>(rect.x) + rect.width, width);
    const long long y1 = std::min<long long>(static_cast<long long>(rect.y) + rect.height, height);
    if (rect.isEmpty() || x1 <= x0 || y1 <= y0)
        return {};
    return {static_cast<int>(x0), static_cast<int>(y0), static_cast<int>(x1 - x0),
            static_cast<int>(y1 - y0)};
}

}  // namespace

BinaryMask cropMask(const BinaryMask& mask, PixelRect rect) {
    const PixelRect r = clip(rect, mask.width(), mask.height());
    if (r.isEmpty())
        return {};
    BinaryMask out(r.width, r.height);
    for (int y = 0; y < r.height; ++y)
        std::memcpy(out.data() + static_cast<std::size_t>(y) * r.width,
                    mask.data() + static_cast<std::size_t>(r.y + y) * mask.width() + r.x,
                    static_cast<std::size_t>(r.width));
    return out;
}

void pasteMask(BinaryMask& mask, const BinaryMask& patch, int x, int y) {
    const PixelRect r = clip({x, y, patch.width(), patch.height()}, mask.width(), mask.height());
    if (r.isEmpty())
        return;
    // The patch's first pixel that lands inside the mask.
    const int px = r.x - x, py = r.y - y;
    for (int row = 0; row < r.height; ++row)
        std::memcpy(mask.data() + static_cast<std::size_t>(r.y + row) * mask.width() + r.x,
                    patch.data() + static_cast<std::size_t>(py + row) * patch.width() + px,
                    static_cast<std::size_t>(r.width));
}

}  // namespace samdesk
