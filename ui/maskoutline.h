// The outline of a binary mask as a vector path along pixel edges (holes included), so the canvas
// can stroke it with a cosmetic pen that stays crisp and visible at every zoom level.
#pragma once

#include <QPainterPath>
#include <QRect>

#include "core/annotation/binarymask.h"

namespace samdesk {

// Every edge between a pixel inside and one outside (or the image border), merged into runs.
// Image pixel coordinates: pixel (x, y) is the square [x, x+1) x [y, y+1).
// Only edges of pixels inside `bounds` are looked at when given (the mask's bounding box).
QPainterPath maskOutline(const BinaryMask& mask, const QRect& bounds = QRect());

// The edges that belong to `tile` of a tiling of the image: horizontal edges at rows top..bottom
// (the edge at row y lies above pixel row y) over columns left..right, vertical edges at columns
// left..right over rows top..bottom, and the image's bottom and right borders for the tiles
// that touch them. The tiles of a tiling together give maskOutline()'s edges, each once, so an
// edit redoes the outline of the tiles it touched only.
QPainterPath maskOutlineTile(const BinaryMask& mask, const QRect& tile);

}  // namespace samdesk
