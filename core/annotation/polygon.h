// Polygons in original image pixel coordinates, pixel-edge convention: pixel (x, y) is the square
// [x, x+1) x [y, y+1), so a mask touching the right border has vertices at x = width exactly,
// and the outline of a w x h rectangle of pixels has area w * h.
#pragma once

#include <vector>

#include "core/annotation/binarymask.h"

namespace samdesk {

struct PointF {
    double x = 0.0;
    double y = 0.0;
    bool operator==(const PointF&) const = default;
};

// A closed ring (the last vertex connects back to the first; it is not repeated).
using Polygon = std::vector<PointF>;

// Fills `polygons` into a width x height mask: a pixel is set when its centre (x+0.5, y+0.5)
// lies inside a polygon (even-odd rule within one polygon; several polygons are united, as COCO
// and LabelMe read them). Rings with fewer than 3 vertices set nothing.
BinaryMask rasterizePolygons(const std::vector<Polygon>& polygons, int width, int height);

// Signed area (shoelace); positive for clockwise rings in image coordinates (y down).
double polygonArea(const Polygon& polygon);

}  // namespace samdesk
