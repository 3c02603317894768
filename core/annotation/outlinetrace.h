// The outlines of a mask's parts as integer rings (internal to maskcontours.cpp), in the mask's
// own coordinates, one ring per part in order of the part's first pixel (row-major):
// - edgeRings: 8-connected parts, along pixel edges (the corners of the pixel outline);
// - centreRings4: 4-connected parts, through the centres of their outer pixels with horizontal
//   and vertical steps only (PIL fills a diagonal edge of a one-pixel-wide part with extra
//   pixels, so parts that touch only at a corner get a ring each);
// - centreRings8: 8-connected parts, through the centres of their outer pixels, diagonal steps
//   included (OpenCV's contour, which fillPoly fills back exactly).
// Every ring has at least one vertex; consecutive vertices differ and no vertex lies between two
// neighbours on a straight run. A part of one pixel is one vertex, a straight line of pixels two.
#pragma once

#include <vector>

#include "core/annotation/binarymask.h"

namespace samdesk {

struct IntVertex {
    int x = 0;
    int y = 0;
    bool operator==(const IntVertex&) const = default;
};

using IntRing = std::vector<IntVertex>;

std::vector<IntRing> edgeRings(const BinaryMask& mask);
std::vector<IntRing> centreRings4(const BinaryMask& mask);
std::vector<IntRing> centreRings8(const BinaryMask& mask);

}  // namespace samdesk
