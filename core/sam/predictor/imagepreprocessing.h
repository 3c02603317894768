// The image side of SAM's preprocessing that must be exact, without libtorch: conversion of any
// accepted pixel format to 8-bit RGB, the model input size, and Pillow's antialiased bilinear
// resize reproduced byte for byte (the original predictor resizes with Pillow, not OpenCV).
#pragma once

#include <cstdint>
#include <vector>

#include "core/common/expected.h"
#include "core/sam/predictor/predictor.h"

namespace samdesk {

// 8-bit RGB, tightly packed, from 1/3/4 channels of 8 or 16 bits in BGR(A) or RGB(A) order.
// Gray is replicated; alpha dropped; 16-bit values v become round(v / 257). Errors (InvalidInput):
// empty image, null data, unsupported channels or depth, stride shorter than a row.
Expected<ResizedImage> imageToRgb8(const ImageView& image);

// The size the long side `target` gives, as the reference computes it:
// scale = target / max(w, h); new = int(old * scale + 0.5).
ImageSize modelInputSize(ImageSize original, int target);

// Pillow's Image.resize(size, BILINEAR) on interleaved 8-bit pixels: a triangle filter widened
// by the downscale factor, horizontal pass first, each pass rounding to 8 bits with Pillow's
// fixed-point arithmetic. Returns outHeight x outWidth x channels bytes.
std::vector<std::uint8_t> pillowResizeBilinear(const std::uint8_t* pixels, int width, int height,
                                               int channels, int outWidth, int outHeight);

}  // namespace samdesk
