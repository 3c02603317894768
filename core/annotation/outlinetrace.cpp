// Outline tracing along pixel edges (4- or 8-connected parts) and through pixel centres.
#include "core/annotation/outlinetrace.h"

#include <algorithm>

#include <opencv2/imgproc.hpp>

namespace samdesk {

namespace {

// Directions in image coordinates (y down), clockwise: east, south, west, north.
constexpr int kDx[4] = {1, 0, -1, 0};
constexpr int kDy[4] = {0, 1, 0, -1};

bool inMask(const BinaryMask& m, int x, int y) {
    return m.contains(x, y) && m.at(x, y);
}

bool rowMajorLess(const IntVertex& a, const IntVertex& b) {
    return a.y != b.y ? a.y < b.y : a.x < b.x;
}

// A vertex of the pixel-edge walk where the direction changes, with the directions of the
// edges before and after it.
struct Corner {
    IntVertex v;
    int in = 0;
    int out = 0;
};

// Follows the outline of the part whose first pixel in row-major order is (sx, sy), along pixel
// edges, keeping the part on the right-hand side (clockwise). With `diagonal`, pixels touching
// at a corner belong to one part: at such a pinch the walk turns towards the diagonal pixel and
// the ring touches itself there; without, it turns away and the diagonal pixel is another part.
std::vector<Corner> walkOutline(const BinaryMask& m, int sx, int sy, bool diagonal) {
    std::vector<Corner> corners;
    const IntVertex start{sx, sy};
    IntVertex v = start;
    int dir = 0;  // along the top edge of the first pixel, eastwards
    do {
        v.x += kDx[dir];
        v.y += kDy[dir];
        // The two pixels ahead of vertex v when moving in `dir`, on the left and on the right;
        // a pixel is named by its top-left corner.
        static constexpr int kRightAheadDx[4] = {0, -1, -1, 0};
        static constexpr int kRightAheadDy[4] = {0, 0, -1, -1};
        static constexpr int kLeftAheadDx[4] = {0, 0, -1, -1};
        static constexpr int kLeftAheadDy[4] = {-1, 0, 0, -1};
        const bool left = inMask(m, v.x + kLeftAheadDx[dir], v.y + kLeftAheadDy[dir]);
        const bool right = inMask(m, v.x + kRightAheadDx[dir], v.y + kRightAheadDy[dir]);
        int next = dir;
        if (left && (right || diagonal))
            next = (dir + 3) % 4;  // turn left
        else if (!right || left)
            next = (dir + 1) % 4;  // turn right (also away from a pinch, 4-connected)
        if (next != dir)
            corners.push_back({v, dir, next});
        dir = next;
    } while (!(v == start && dir == 0));
    // The walk ends back at the start (a corner: it arrived going north); list it first, so
    // every ring begins at its part's top-left corner.
    std::rotate(corners.rbegin(), corners.rbegin() + 1, corners.rend());
    return corners;
}

// True when b lies inside the straight run a -> b -> c (one direction, not turning back).
bool straight(const IntVertex& a, const IntVertex& b, const IntVertex& c) {
    const long long ux = b.x - a.x, uy = b.y - a.y, vx = c.x - b.x, vy = c.y - b.y;
    return ux * vy - uy * vx == 0 && ux * vx + uy * vy > 0;
}

// Drops repeated vertices and those inside a straight run, in one pass; a vertex where the
// ring turns back (the tip of a one-pixel-wide spur) stays, and so does the first vertex (the
// part's top-left pixel or corner, never inside a run).
void tidy(IntRing& ring) {
    IntRing out;
    out.reserve(ring.size());
    for (const auto& v : ring) {
        if (!out.empty() && out.back() == v)
            continue;
        while (out.size() >= 2 && straight(out[out.size() - 2], out.back(), v))
            out.pop_back();
        out.push_back(v);
    }
    // Where the ring closes.
    bool changed = true;
    while (changed && out.size() > 1) {
        changed = false;
        if (out.back() == out.front()) {
            out.pop_back();
            changed = true;
        } else if (out.size() >= 3 && straight(out[out.size() - 2], out.back(), out.front())) {
            out.pop_back();
            changed = true;
        } else if (out.size() >= 3 && straight(out.back(), out.front(), out[1])) {
            out.erase(out.begin());
            changed = true;
        }
    }
    ring = std::move(out);
}

cv::Mat view(const BinaryMask& mask) {
    return cv::Mat(mask.height(), mask.width(), CV_8UC1, const_cast<std::uint8_t*>(mask.data()));
}

struct Contours {
    std::vector<std::vector<cv::Point>> points;
    std::vector<cv::Vec4i> hierarchy;
};

// Outer contours (8-connected parts, islands in holes included): the top level of OpenCV's
// two-level hierarchy.
Contours outerContours(const BinaryMask& mask, int method) {
    Contours c;
    cv::findContours(view(mask).clone(), c.points, c.hierarchy, cv::RETR_CCOMP, method);
    Contours outer;
    for (std::size_t i = 0; i < c.points.size(); ++i)
        if (c.hierarchy[i][3] == -1 && !c.points[i].empty())
            outer.points.push_back(std::move(c.points[i]));
    return outer;
}

// A contour's first pixel in row-major order (it lies on the outer contour of its part).
IntVertex firstPixel(const std::vector<cv::Point>& contour) {
    const auto it = std::min_element(contour.begin(), contour.end(),
                                     [](const cv::Point& a, const cv::Point& b) {
                                         return rowMajorLess({a.x, a.y}, {b.x, b.y});
                                     });
    return {it->x, it->y};
}

}  // namespace

std::vector<IntRing> edgeRings(const BinaryMask& mask) {
    std::vector<IntVertex> starts;
    for (const auto& c : outerContours(mask, cv::CHAIN_APPROX_NONE).points)
        starts.push_back(firstPixel(c));
    std::sort(starts.begin(), starts.end(), rowMajorLess);
    std::vector<IntRing> rings;
    for (const auto& s : starts) {
        IntRing ring;
        for (const auto& c : walkOutline(mask, s.x, s.y, true))
            ring.push_back(c.v);
        rings.push_back(std::move(ring));
    }
    return rings;
}

std::vector<IntRing> centreRings4(const BinaryMask& mask) {
    cv::Mat labels;
    const int count = cv::connectedComponents(view(mask), labels, 4, CV_32S);
    std::vector<IntVertex> starts(static_cast<std::size_t>(std::max(count, 1)), {-1, -1});
    for (int y = 0; y < labels.rows; ++y)
        for (int x = 0; x < labels.cols; ++x) {
            const int l = labels.at<int>(y, x);
            if (l > 0 && starts[static_cast<std::size_t>(l)].x < 0)
                starts[static_cast<std::size_t>(l)] = {x, y};
        }
    std::vector<IntRing> rings;
    for (std::size_t l = 1; l < starts.size(); ++l) {  // labels follow the row-major scan
        IntRing ring;
        for (const auto& c : walkOutline(mask, starts[l].x, starts[l].y, false)) {
            // Each edge of the outline moved half a pixel inwards (to the right of the walk)
            // meets the next at the centre of the corner's inner pixel.
            const int nx = -kDy[c.in] - kDy[c.out];
            const int ny = kDx[c.in] + kDx[c.out];
            ring.push_back({(2 * c.v.x + nx - 1) / 2, (2 * c.v.y + ny - 1) / 2});
        }
        tidy(ring);
        rings.push_back(std::move(ring));
    }
    return rings;
}

std::vector<IntRing> centreRings8(const BinaryMask& mask) {
    std::vector<IntRing> rings;
    for (const auto& contour : outerContours(mask, cv::CHAIN_APPROX_SIMPLE).points) {
        IntRing ring;
        for (const auto& p : contour)
            ring.push_back({p.x, p.y});
        const IntVertex first = firstPixel(contour);
        std::rotate(ring.begin(), std::find(ring.begin(), ring.end(), first), ring.end());
        tidy(ring);
        rings.push_back(std::move(ring));
    }
    std::sort(rings.begin(), rings.end(), [](const IntRing& a, const IntRing& b) {
        return rowMajorLess(*std::min_element(a.begin(), a.end(), rowMajorLess),
                            *std::min_element(b.begin(), b.end(), rowMajorLess));
    });
    return rings;
}

}  // namespace samdesk
