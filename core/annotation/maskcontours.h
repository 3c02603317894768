// Masks to polygons: one polygon per outer contour (per 8-connected part of the mask), in the
// pixel-edge convention of polygon.h. Holes are not polygons: a polygon format cannot subtract
// them (COCO unites an annotation's polygons), so they are left out and an island inside a hole
// gets its own polygon; RLE and the PNG maps keep holes. Uses OpenCV's findContours (with its
// hierarchy) to find the outer contours, then follows each part's outline along pixel edges, so
// the exact polygon rasterises back to the part with its holes filled, border pixels included.
#pragma once

#include <vector>

#include "core/annotation/binarymask.h"
#include "core/annotation/polygon.h"

namespace samdesk {

struct PolygonOptions {
    // Douglas-Peucker tolerance in pixels; 0 keeps every corner of the pixel outline (lossless).
    double tolerance = 1.0;
    // A simplification is kept only when the simplified polygons, rasterised, have at least this
    // IoU with the exact ones; otherwise the tolerance is halved until it holds (down to exact).
    double minIoU = 0.98;
};

// Polygons in order of their part's first pixel (row-major). Vertices on the image border stay
// fixed and segments along the border are never simplified away. An empty mask gives none.
// Every polygon has at least 3 vertices (a single pixel gives its 4 corners).
std::vector<Polygon> maskToPolygons(const BinaryMask& mask, const PolygonOptions& options = {});

}  // namespace samdesk
