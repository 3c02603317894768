// Crop boxes and point grids, step for step as amg.py (see amggrid.h).
#include "core/sam/predictor/amggrid.h"

#include <cmath>
#include <string>

namespace samdesk {

std::vector<CropBox> generateCropBoxes(int width, int height, int layers, double overlapRatio) {
    std::vector<CropBox> boxes{{0, 0, width, height, 0}};
    const int shortSide = std::min(width, height);
    // int(math.ceil((overlap * (n - 1) + length) / n)): an integer ceiling for these sizes.
    const auto cropLength = [](long long length, long long n, long long overlap) {
        return static_cast<int>(
            std::ceil(static_cast<double>(overlap * (n - 1) + length) / static_cast<double>(n)));
    };
    for (int layer = 0; layer < layers; ++layer) {
        const int n = 1 << (layer + 1);
        // int(overlap_ratio * short_side * (2 / n)), left to right, truncated.
        const int overlap = static_cast<int>(overlapRatio * shortSide * (2.0 / n));
        const int cropW = cropLength(width, n, overlap), cropH = cropLength(height, n, overlap);
        for (int i = 0; i < n; ++i) {
            const int x0 = (cropW - overlap) * i;
            for (int j = 0; j < n; ++j) {
                const int y0 = (cropH - overlap) * j;
                boxes.push_back(
                    {x0, y0, std::min(x0 + cropW, width), std::min(y0 + cropH, height), layer + 1});
            }
        }
    }
    return boxes;
}

bool boxNearCropEdge(int x0, int y0, int x1, int y1, const CropBox& crop, int width, int height) {
    // In the image's frame as float32, as the original compares them (torch.isclose).
    const float b[4] = {float(x0 + crop.x0), float(y0 + crop.y0), float(x1 + crop.x0),
                        float(y1 + crop.y0)};
    const float c[4] = {float(crop.x0), float(crop.y0), float(crop.x1), float(crop.y1)};
    const float image[4] = {0.0f, 0.0f, float(width), float(height)};
    for (int k = 0; k < 4; ++k)
        if (std::abs(b[k] - c[k]) <= 20.0f && !(std::abs(b[k] - image[k]) <= 20.0f))
            return true;
    return false;
}

PointGrid buildPointGrid(int side) {
    // numpy.linspace(start, stop, n): y = arange(n) * step + start (two roundings), the last
    // value set to stop; a single point is start.
    const double offset = 1.0 / (2 * side);
    const double start = offset, stop = 1.0 - offset;
    std::vector<double> along(static_cast<std::size_t>(side));
    if (side == 1) {
        along[0] = start;
    } else {
        const double step = (stop - start) / (side - 1);
        for (int k = 0; k < side; ++k) {
            const double scaled = k * step;
            along[static_cast<std::size_t>(k)] = scaled + start;
        }
        along.back() = stop;
    }
    PointGrid grid;
    grid.reserve(static_cast<std::size_t>(side) * side);
    for (int r = 0; r < side; ++r)
        for (int c = 0; c < side; ++c)
            grid.push_back(
                {along[static_cast<std::size_t>(c)], along[static_cast<std::size_t>(r)]});
    return grid;
}

Expected<std::vector<PointGrid>> buildLayerPointGrids(int pointsPerSide, int layers,
                                                      int downscale) {
    std::vector<PointGrid> grids;
    long long power = 1;
    for (int k = 0; k <= layers; ++k) {
        const int side = static_cast<int>(pointsPerSide / static_cast<double>(power));
        if (side < 1)
            return Error::invalid("crop layer " + std::to_string(k) + " gets no point: " +
                                  std::to_string(pointsPerSide) + " points per side / " +
                                  std::to_string(downscale) + "^" + std::to_string(k) +
                                  " < 1 (lower crop_n_points_downscale_factor or crop_n_layers)");
        grids.push_back(buildPointGrid(side));
        power *= downscale;
    }
    return grids;
}

}  // namespace samdesk
