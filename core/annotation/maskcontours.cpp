// Outer contours: findContours for the parts, pixel-edge tracing, border-anchored simplification.
#include "core/annotation/maskcontours.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

namespace samdesk {

namespace {

struct Vertex {
    int x = 0;
    int y = 0;
    bool operator==(const Vertex&) const = default;
};

// Directions in image coordinates (y down), clockwise: east, south, west, north.
constexpr int kDx[4] = {1, 0, -1, 0};
constexpr int kDy[4] = {0, 1, 0, -1};

bool inMask(const BinaryMask& m, int x, int y) {
    return m.contains(x, y) && m.at(x, y);
}

// Follows the outline of the 8-connected part whose first pixel in row-major order is
// (sx, sy), along pixel edges, keeping the part on the right-hand side (clockwise). Diagonal
// neighbours belong to the part, so at a pinch corner the walk turns towards the diagonal pixel
// and the ring touches itself there. Returns the corners (vertices where the direction changes).
std::vector<Vertex> traceOutline(const BinaryMask& m, int sx, int sy) {
    std::vector<Vertex> corners;
    const Vertex start{sx, sy};
    Vertex v = start;
    int dir = 0;  // along the top edge of the first pixel, eastwards
    do {
        v.x += kDx[dir];
        v.y += kDy[dir];
        // The two pixels ahead of vertex v when moving in `dir`: on the left and on the right.
        // A pixel is named by its top-left corner; for direction d the right-ahead pixel of
        // vertex (x, y) is offset by these tables.
        static constexpr int kRightAheadDx[4] = {0, -1, -1, 0};
        static constexpr int kRightAheadDy[4] = {0, 0, -1, -1};
        static constexpr int kLeftAheadDx[4] = {0, 0, -1, -1};
        static constexpr int kLeftAheadDy[4] = {-1, 0, 0, -1};
        const bool left = inMask(m, v.x + kLeftAheadDx[dir], v.y + kLeftAheadDy[dir]);
        const bool right = inMask(m, v.x + kRightAheadDx[dir], v.y + kRightAheadDy[dir]);
        int next = dir;
        if (left)
            next = (dir + 3) % 4;  // turn left (also at a pinch: towards the diagonal pixel)
        else if (!right)
            next = (dir + 1) % 4;  // turn right
        if (next != dir)
            corners.push_back(v);
        dir = next;
    } while (!(v == start && dir == 0));
    // The walk ends back at the start (a corner: it arrived going north); list it first, so
    // every ring begins at its part's top-left corner.
    std::rotate(corners.rbegin(), corners.rbegin() + 1, corners.rend());
    return corners;
}

double distanceToSegment(const Vertex& p, const Vertex& a, const Vertex& b) {
    const double dx = b.x - a.x, dy = b.y - a.y;
    const double len2 = dx * dx + dy * dy;
    double t = len2 > 0 ? ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2 : 0.0;
    t = std::clamp(t, 0.0, 1.0);
    const double ex = a.x + t * dx - p.x, ey = a.y + t * dy - p.y;
    return std::sqrt(ex * ex + ey * ey);
}

// Douglas-Peucker on the open chain ring[first..last] (indices modulo n); marks kept vertices.
void simplifyChain(const std::vector<Vertex>& ring, std::size_t first, std::size_t last,
                   double tolerance, std::vector<char>& keep) {
    const std::size_t n = ring.size();
    std::size_t best = first;
    double bestDist = -1.0;
    for (std::size_t i = first + 1; i < last; ++i) {
        const double d = distanceToSegment(ring[i % n], ring[first % n], ring[last % n]);
        if (d > bestDist) {
            bestDist = d;
            best = i;
        }
    }
    if (bestDist > tolerance) {
        keep[best % n] = 1;
        simplifyChain(ring, first, best, tolerance, keep);
        simplifyChain(ring, best, last, tolerance, keep);
    }
}

// Where a crop of the mask lies in the image: its offset, and the image's size.
struct Frame {
    int ox = 0;
    int oy = 0;
    int width = 0;
    int height = 0;
};

bool onBorder(const Vertex& v, const Frame& f) {
    const int x = v.x + f.ox, y = v.y + f.oy;
    return x == 0 || y == 0 || x == f.width || y == f.height;
}

// Simplifies a closed ring. Vertices on the image border are anchors that always stay (so the
// ring stays exact along the border); without any, the first vertex and the one farthest from
// it are.
std::vector<Vertex> simplifyRing(const std::vector<Vertex>& ring, double tolerance,
                                 const Frame& frame) {
    const std::size_t n = ring.size();
    if (tolerance <= 0.0 || n <= 4)
        return ring;
    std::vector<char> keep(n, 0);
    std::vector<std::size_t> anchors;
    for (std::size_t i = 0; i < n; ++i)
        if (onBorder(ring[i], frame))
            anchors.push_back(i);
    if (anchors.empty()) {
        std::size_t far = 0;
        double farDist = -1.0;
        for (std::size_t i = 1; i < n; ++i) {
            const double dx = ring[i].x - ring[0].x, dy = ring[i].y - ring[0].y;
            if (dx * dx + dy * dy > farDist) {
                farDist = dx * dx + dy * dy;
                far = i;
            }
        }
        anchors = {0, far};
    }
    for (std::size_t a : anchors)
        keep[a] = 1;
    for (std::size_t k = 0; k < anchors.size(); ++k) {
        const std::size_t first = anchors[k];
        const std::size_t last = k + 1 < anchors.size() ? anchors[k + 1] : anchors[0] + n;
        simplifyChain(ring, first, last, tolerance, keep);
    }
    std::vector<Vertex> out;
    for (std::size_t i = 0; i < n; ++i)
        if (keep[i])
            out.push_back(ring[i]);
    return out;
}

Polygon toPolygon(const std::vector<Vertex>& ring, int dx = 0, int dy = 0) {
    Polygon p;
    p.reserve(ring.size());
    for (const auto& v : ring)
        p.push_back({static_cast<double>(v.x + dx), static_cast<double>(v.y + dy)});
    return p;
}

// The polygons of `rings` (crop coordinates) in image coordinates.
std::vector<Polygon> placed(const std::vector<std::vector<Vertex>>& rings, const Frame& f) {
    std::vector<Polygon> out;
    for (const auto& r : rings)
        out.push_back(toPolygon(r, f.ox, f.oy));
    return out;
}

}  // namespace

std::vector<Polygon> maskToPolygons(const BinaryMask& mask, const PolygonOptions& options) {
    const PixelRect box = mask.boundingBox();
    if (box.isEmpty())
        return {};
    // Everything below works on the bounding box alone: objects are usually small against the
    // image, and the IoU checks rasterise at the crop's size.
    const Frame frame{box.x, box.y, mask.width(), mask.height()};
    const int w = box.width;
    const int h = box.height;
    BinaryMask crop(w, h);
    for (int y = 0; y < h; ++y)
        std::copy_n(mask.data() + static_cast<std::size_t>(box.y + y) * mask.width() + box.x, w,
                    crop.data() + static_cast<std::size_t>(y) * w);
    cv::Mat image(h, w, CV_8UC1, crop.data());
    std::vector<std::vector<cv::Point>> contours;
    std::vector<cv::Vec4i> hierarchy;
    cv::findContours(image.clone(), contours, hierarchy, cv::RETR_CCOMP, cv::CHAIN_APPROX_NONE);

    // Outer contours are the top level of the two-level hierarchy (parent -1); the others are
    // holes. Each part's first pixel in row-major order lies on its outer contour.
    std::vector<Vertex> starts;
    for (std::size_t i = 0; i < contours.size(); ++i) {
        if (hierarchy[i][3] != -1 || contours[i].empty())
            continue;
        const auto first = std::min_element(contours[i].begin(), contours[i].end(),
                                            [](const cv::Point& a, const cv::Point& b) {
                                                return a.y != b.y ? a.y < b.y : a.x < b.x;
                                            });
        starts.push_back({first->x, first->y});
    }
    std::sort(starts.begin(), starts.end(),
              [](const Vertex& a, const Vertex& b) { return a.y != b.y ? a.y < b.y : a.x < b.x; });

    std::vector<std::vector<Vertex>> exact;
    for (const auto& s : starts)
        exact.push_back(traceOutline(crop, s.x, s.y));
    if (options.tolerance <= 0.0)
        return placed(exact, frame);

    std::vector<Polygon> exactLocal;
    for (const auto& ring : exact)
        exactLocal.push_back(toPolygon(ring));
    const BinaryMask filled = rasterizePolygons(exactLocal, w, h);
    for (double tol = options.tolerance; tol >= 0.125; tol /= 2.0) {
        std::vector<std::vector<Vertex>> simplified;
        std::vector<Polygon> local;
        bool degenerate = false;
        for (const auto& ring : exact) {
            simplified.push_back(simplifyRing(ring, tol, frame));
            local.push_back(toPolygon(simplified.back()));
            degenerate = degenerate || local.back().size() < 3 || polygonArea(local.back()) <= 0.0;
        }
        if (!degenerate && maskIoU(rasterizePolygons(local, w, h), filled) >= options.minIoU)
            return placed(simplified, frame);
    }
    return placed(exact, frame);
}

}  // namespace samdesk
