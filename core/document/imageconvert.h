// Conversions between Qt images and the engine's and annotation model's plain pixel types.
#pragma once

#include <QColor>
#include <QImage>

#include "core/annotation/binarymask.h"
#include "core/engine/segmenter.h"

namespace samdesk {

// Any QImage to packed 8-bit RGB (alpha dropped, grey expanded).
RgbImage toRgbImage(const QImage& image);

// A mask as an 8-bit alpha image (255 inside), the same size.
QImage maskToAlpha(const BinaryMask& mask);

// The mask filled with `fill` and its border pixels (inside pixels next to an outside one,
// holes included) in `outline`; transparent elsewhere. Premultiplied ARGB32.
QImage maskToOverlay(const BinaryMask& mask, QColor fill, QColor outline);

// Paints `mask` onto `target` (premultiplied ARGB32 of the same size) like maskToOverlay, looking
// only inside `bounds` when given (the mask's bounding box: a small object on a large image).
void paintMask(QImage& target, const BinaryMask& mask, QColor fill, QColor outline,
               const QRect& bounds = QRect());

}  // namespace samdesk
