// Polygons in original image pixel coordinates, and the rasterisers that turn them back into
// masks the way each consumer of an export does. Two vertex conventions:
// - pixel edges (CentreSampling, FrPoly): pixel (x, y) is the square [x, x+1) x [y, y+1), so a mask
//   touching the right border has vertices at x = width exactly, and the outline of a w x h
//   rectangle of pixels has area w * h (COCO);
// - pixel centres (Pil, FillPoly): vertex (x, y) is the centre of pixel (x, y), whole numbers,
//   and the polygon covers the pixels on its outline too, so the outline of a w x h rectangle
//   runs from (x0, y0) to (x0 + w - 1, y0 + h - 1) and one pixel is a polygon of one point
//   (LabelMe, YOLO).
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

// Whose rasteriser a polygon is written for.
enum class PolygonRaster {
    // Pixel-edge vertices; a pixel is set when its centre (x+0.5, y+0.5) lies inside a polygon
    // (even-odd rule). The same pixels as pycocotools' frPoly for axis-aligned edges.
    CentreSampling,
    // Pixel-edge vertices, as pycocotools' frPoly (COCO's polygon rasteriser) draws them: the
    // outline walked densely at 1/5 pixel with rounding, a column's run toggling where the walk
    // crosses the column's centre line. Along slanted edges it differs from CentreSampling
    // (a 45-degree edge through pixel centres leaves them all out); COCO's export checks its
    // simplification with it and its import draws polygons with it. An outline longer than
    // 100 million pixels (a hostile file) sets nothing.
    FrPoly,
    // Pixel-centre vertices, as labelme's shape_to_mask draws them with PIL's
    // ImageDraw.polygon(xy, outline=1, fill=1): vertices truncated toward zero; on each row the
    // span between two edge crossings, its ends rounded to the nearest pixel (a half inwards),
    // and horizontal edges whole. PIL
    // versions differ in extra corner pixels on slanted edges; axis-aligned edges are the same
    // in all of them.
    Pil,
    // Pixel-centre vertices, as OpenCV's fillPoly fills them (vertices rounded to whole pixels;
    // the outline, drawn 8-connected, included), which is ultralytics' polygon2mask once the
    // normalised YOLO vertices (x + 0.5) / width are scaled back and truncated.
    FillPoly,
};

// Fills `polygons` into a width x height mask with `raster`'s rule; several polygons are united
// (as COCO, LabelMe and YOLO read an object's polygons). The pixel-edge rules set nothing for
// rings of fewer than 3 vertices; the pixel-centre rules draw them (a point, a line). Rings with
// a NaN or infinite coordinate set nothing.
BinaryMask rasterizePolygons(const std::vector<Polygon>& polygons, int width, int height,
                             PolygonRaster raster = PolygonRaster::CentreSampling);

// Signed area (shoelace); positive for clockwise rings in image coordinates (y down).
double polygonArea(const Polygon& polygon);

}  // namespace samdesk
