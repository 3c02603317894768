// Masks to polygons, one polygon per outer contour (per part of the mask), written for the
// rasteriser of the format's consumer (polygon.h):
// - CentreSampling, FrPoly (COCO): 8-connected parts, vertices on pixel corners along the pixel
//   edges;
// - Pil (LabelMe): 4-connected parts, vertices on the centres of the part's outer pixels, with
//   horizontal and vertical edges only (parts touching only at a corner get a polygon each);
// - FillPoly (YOLO): 8-connected parts, vertices on the centres of the outer pixels, diagonal
//   steps included.
// Unsimplified, the polygons rasterise with that rule to exactly the parts with their holes
// filled, border pixels, one-pixel-wide lines and single pixels included. Holes are not
// polygons: a polygon format cannot subtract them (COCO and YOLO unite an object's polygons),
// so they are left out and an island inside a hole gets its own polygon; RLE, LabelMe mask
// shapes and the PNG maps keep holes.
#pragma once

#include <vector>

#include "core/annotation/binarymask.h"
#include "core/annotation/polygon.h"

namespace samdesk {

struct PolygonOptions {
    // Douglas-Peucker tolerance in pixels; 0 keeps every corner of the outline (lossless).
    double tolerance = 1.0;
    // A simplification is kept only when the simplified polygons, rasterised with the
    // consumer's rule, have at least this IoU with the exact ones; otherwise the tolerance is
    // halved until it holds (down to exact).
    double minIoU = 0.98;
};

// Polygons in order of their part's first pixel (row-major), in original image pixels of the
// convention of `raster`. Vertices on the image border stay fixed and segments along the border
// are never simplified away. An empty mask gives none. Every polygon has at least 3 vertices:
// with the pixel-edge rules a single pixel gives its 4 corners; with the pixel-centre rules it
// gives its centre three times (labelme and ultralytics read fewer than 3 points as another shape),
// and a straight line of pixels its two ends, the last one repeated.
std::vector<Polygon> maskToPolygons(const BinaryMask& mask, const PolygonOptions& options = {},
                                    PolygonRaster raster = PolygonRaster::CentreSampling);

}  // namespace samdesk
