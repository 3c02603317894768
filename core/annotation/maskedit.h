// Editing masks by hand, at full image resolution: brush and eraser strokes, clean-up (fill
// holes, remove small islands, keep the largest part), boolean operations between two masks, and
// the crop / paste pair that undo steps use to keep only the pixels a stroke touched.
//
// Coordinates: original image pixels; pixel (x, y) covers [x, x+1) x [y, y+1), its centre is
// (x + 0.5, y + 0.5). Plain functions on BinaryMask (no Qt), safe on any thread.
#pragma once

#include <cstddef>
#include <span>

#include "core/annotation/binarymask.h"
#include "core/common/expected.h"

namespace samdesk {

struct StrokePoint {
    double x = 0;
    double y = 0;
    bool operator==(const StrokePoint&) const = default;
};

// The pixels a stroke covers: every pixel whose centre lies within `radius` (inclusive) of the
// polyline through `points` (one point: a disc), so a fast drag whose mouse events lie far apart
// leaves no gap. Clipped to width x height; empty for no points or a radius below 0.5. Points
// with a NaN or infinite coordinate are skipped.
PixelRect strokeBounds(std::span<const StrokePoint> points, double radius, int width, int height);

// Sets (`value` true: brush) or clears (false: eraser) the pixels of the stroke. Returns the
// rectangle it touched (strokeBounds()); pixels outside it are never read or written. Cost: the
// stroke's area, not the mask's.
PixelRect paintStroke(BinaryMask& mask, std::span<const StrokePoint> points, double radius,
                      bool value);

// Clean-up. Each returns how many pixels changed.
// Sets every background pixel not connected (4-connected) to the mask's border: the holes.
std::size_t fillHoles(BinaryMask& mask);
// Clears every 8-connected part with fewer than `minArea` pixels.
std::size_t removeIslands(BinaryMask& mask, std::size_t minArea);
// Keeps only the largest 8-connected part (the first in row-major order on a tie).
std::size_t keepLargestPart(BinaryMask& mask);

enum class MaskOp { Union, Subtract, Intersect };

// a op b, pixel by pixel (Subtract: a and not b). Fails (Invalid) when the sizes differ.
Expected<BinaryMask> combineMasks(const BinaryMask& a, const BinaryMask& b, MaskOp op);

// The pixels of `rect` (clipped to the mask) as a mask of their own; null when nothing is left.
BinaryMask cropMask(const BinaryMask& mask, PixelRect rect);
// Writes `patch` into `mask` with its top-left pixel at (x, y), clipped to the mask.
void pasteMask(BinaryMask& mask, const BinaryMask& patch, int x, int y);

}  // namespace samdesk
