// Outer contours for each consumer's rasteriser, with border-anchored simplification checked
// under that rasteriser.
#include "core/annotation/maskcontours.h"

#include <algorithm>
#include <cmath>

#include "core/annotation/outlinetrace.h"

namespace samdesk {

namespace {

double distanceToSegment(const IntVertex& p, const IntVertex& a, const IntVertex& b) {
    const double dx = b.x - a.x, dy = b.y - a.y;
    const double len2 = dx * dx + dy * dy;
    double t = len2 > 0 ? ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2 : 0.0;
    t = std::clamp(t, 0.0, 1.0);
    const double ex = a.x + t * dx - p.x, ey = a.y + t * dy - p.y;
    return std::sqrt(ex * ex + ey * ey);
}

// Douglas-Peucker on the open chain ring[first..last] (indices modulo n); marks kept vertices.
void simplifyChain(const IntRing& ring, std::size_t first, std::size_t last, double tolerance,
                   std::vector<char>& keep) {
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

// Where a crop of the mask lies in the image: its offset, and the largest vertex coordinates
// in the image (its size for pixel-edge vertices, one less for pixel-centre ones).
struct Frame {
    int ox = 0;
    int oy = 0;
    int maxX = 0;
    int maxY = 0;
};

bool onBorder(const IntVertex& v, const Frame& f) {
    const int x = v.x + f.ox, y = v.y + f.oy;
    return x == 0 || y == 0 || x == f.maxX || y == f.maxY;
}

// Simplifies a closed ring. Vertices on the image border are anchors that always stay (so the
// ring stays exact along the border); without any, the first vertex and the one farthest from
// it are.
IntRing simplifyRing(const IntRing& ring, double tolerance, const Frame& frame) {
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
    IntRing out;
    for (std::size_t i = 0; i < n; ++i)
        if (keep[i])
            out.push_back(ring[i]);
    return out;
}

bool onPixelEdges(PolygonRaster raster) {
    return raster == PolygonRaster::CentreSampling || raster == PolygonRaster::FrPoly;
}

// The ring as a polygon moved by (dx, dy); pixel-centre rings get at least 3 vertices.
Polygon toPolygon(const IntRing& ring, PolygonRaster raster, int dx = 0, int dy = 0) {
    Polygon p;
    p.reserve(std::max<std::size_t>(ring.size(), 3));
    for (const auto& v : ring)
        p.push_back({static_cast<double>(v.x + dx), static_cast<double>(v.y + dy)});
    if (!onPixelEdges(raster))
        while (!p.empty() && p.size() < 3)
            p.push_back(p.back());
    return p;
}

std::vector<Polygon> toPolygons(const std::vector<IntRing>& rings, PolygonRaster raster, int dx = 0,
                                int dy = 0) {
    std::vector<Polygon> out;
    out.reserve(rings.size());
    for (const auto& r : rings)
        out.push_back(toPolygon(r, raster, dx, dy));
    return out;
}

std::vector<IntRing> rings(const BinaryMask& crop, PolygonRaster raster) {
    switch (raster) {
        case PolygonRaster::Pil:
            return centreRings4(crop);
        case PolygonRaster::FillPoly:
            return centreRings8(crop);
        case PolygonRaster::CentreSampling:
        case PolygonRaster::FrPoly:
            break;
    }
    return edgeRings(crop);
}

}  // namespace

std::vector<Polygon> maskToPolygons(const BinaryMask& mask, const PolygonOptions& options,
                                    PolygonRaster raster) {
    const PixelRect box = mask.boundingBox();
    if (box.isEmpty())
        return {};
    // Everything below works on the bounding box alone: objects are usually small against the
    // image, and the IoU checks rasterise at the crop's size.
    const int inset = onPixelEdges(raster) ? 0 : 1;
    const Frame frame{box.x, box.y, mask.width() - inset, mask.height() - inset};
    const int w = box.width;
    const int h = box.height;
    BinaryMask crop(w, h);
    for (int y = 0; y < h; ++y)
        std::copy_n(mask.data() + static_cast<std::size_t>(box.y + y) * mask.width() + box.x, w,
                    crop.data() + static_cast<std::size_t>(y) * w);

    const std::vector<IntRing> exact = rings(crop, raster);
    if (options.tolerance <= 0.0)
        return toPolygons(exact, raster, frame.ox, frame.oy);

    const BinaryMask filled = rasterizePolygons(toPolygons(exact, raster), w, h, raster);
    for (double tol = options.tolerance; tol >= 0.125; tol /= 2.0) {
        std::vector<IntRing> simplified;
        bool degenerate = false;
        for (const auto& ring : exact) {
            simplified.push_back(simplifyRing(ring, tol, frame));
            // Pixel-centre rules draw a line or a point; pixel-edge rules need an area.
            if (onPixelEdges(raster)) {
                const Polygon p = toPolygon(simplified.back(), raster);
                degenerate = degenerate || p.size() < 3 || polygonArea(p) <= 0.0;
            }
        }
        if (!degenerate && maskIoU(rasterizePolygons(toPolygons(simplified, raster), w, h, raster),
                                   filled) >= options.minIoU)
            return toPolygons(simplified, raster, frame.ox, frame.oy);
    }
    return toPolygons(exact, raster, frame.ox, frame.oy);
}

}  // namespace samdesk
