// The reference rasterisation of brush strokes the tests share (tests/annotation, document, ui):
// written apart from core/annotation/maskedit.cpp, by scanning every pixel.
#pragma once

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/annotation/binarymask.h"
#include "core/annotation/maskedit.h"

namespace samdesk::testmasks {

// Distance from p to the segment ab, by cases (before a, beyond b, in between: the height of
// the triangle), not by clamping a projection as core/annotation/maskedit.cpp does.
inline double segmentDistance(double px, double py, StrokePoint a, StrokePoint b) {
    const double abx = b.x - a.x, aby = b.y - a.y;
    const double apx = px - a.x, apy = py - a.y;
    if (abx == 0 && aby == 0)
        return std::hypot(apx, apy);
    if (apx * abx + apy * aby <= 0)
        return std::hypot(apx, apy);
    const double bpx = px - b.x, bpy = py - b.y;
    if (bpx * abx + bpy * aby >= 0)
        return std::hypot(bpx, bpy);
    return std::abs(abx * apy - aby * apx) / std::hypot(abx, aby);
}

// The reference rasterisation of a brush (`value` true) or eraser stroke, written apart from the
// library's: every pixel of `m` whose centre lies within `radius` of the polyline through
// `points` (one point: a disc) becomes `value`, found by scanning every pixel. Nothing for no
// points or a radius below 0.5, like paintStroke().
inline BinaryMask referenceStroke(BinaryMask m, const std::vector<StrokePoint>& points,
                                  double radius, bool value = true) {
    if (points.empty() || radius < 0.5)
        return m;
    for (int y = 0; y < m.height(); ++y)
        for (int x = 0; x < m.width(); ++x) {
            double d = segmentDistance(x + 0.5, y + 0.5, points[0], points[0]);
            for (std::size_t i = 1; i < points.size(); ++i)
                d = std::min(d, segmentDistance(x + 0.5, y + 0.5, points[i - 1], points[i]));
            if (d <= radius)
                m.set(x, y, value);
        }
    return m;
}

}  // namespace samdesk::testmasks
