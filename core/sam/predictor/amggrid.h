// The crops and point grids of the original automatic mask generator (segment_anything's
// utils/amg.py: generate_crop_boxes, build_all_layer_point_grids), with its arithmetic: doubles
// where Python computes in floats, truncation where it calls int(), numpy.linspace's rounding
// (this file is compiled without contracting a * b + c into one fused operation). Torch-free.
#pragma once

#include <array>
#include <vector>

#include "core/common/expected.h"

namespace samdesk {

// A crop of the image in pixels: columns x0..x1-1, rows y0..y1-1 (x1, y1 exclusive), and its
// layer (0: the whole image; layer k has (2^k)^2 crops).
struct CropBox {
    int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
    int layer = 0;

    int width() const { return x1 - x0; }
    int height() const { return y1 - y0; }
    bool operator==(const CropBox&) const = default;
};

// The whole image, then each layer's crops, columns first within a layer (all y0 for the first
// x0, then the next x0), as the original orders them.
std::vector<CropBox> generateCropBoxes(int width, int height, int layers, double overlapRatio);

// is_box_near_crop_edge (atol 20, inclusive): a mask box (inclusive x0, y0, x1, y1 in the crop's
// pixels) has a coordinate within 20 pixels of the crop's edge (compared with the crop's
// exclusive x1, y1) that is not also within 20 pixels of the image's edge. Never true for a crop
// that is the whole image.
bool boxNearCropEdge(int x0, int y0, int x1, int y1, const CropBox& crop, int width, int height);

// Points (x, y) in [0, 1], normalised to the crop: x = column / width, y = row / height.
using PointGrid = std::vector<std::array<double, 2>>;

// side x side cell centres, row by row (x varies fastest), numpy.linspace(1/(2n), 1-1/(2n), n).
PointGrid buildPointGrid(int side);

// Layer k: buildPointGrid(int(pointsPerSide / downscale^k)), k = 0..layers. InvalidInput when a
// layer would get no point (the original divides by zero).
Expected<std::vector<PointGrid>> buildLayerPointGrids(int pointsPerSide, int layers, int downscale);

}  // namespace samdesk
