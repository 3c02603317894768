// Reading an image file for the predictor without exposing OpenCV: the decode of core/imageio
// (readImage: 8-bit RGB, EXIF orientation applied, alpha dropped, 16-bit scaled to 8), the same
// pixels the app's document gets from the same file, so embedding cache keys agree
// (embeddingstore.h).
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

#include "core/common/expected.h"
#include "core/sam/predictor/predictor.h"

namespace samdesk {

struct ImageFile {
    int width = 0;
    int height = 0;
    int channels = 3;                 // readImageFile: always 3
    int bitDepth = 8;                 // readImageFile: always 8
    std::vector<std::uint8_t> bytes;  // tightly packed rows, R G B

    ImageView view() const;  // PixelOrder::Rgb
};

// PNG, JPEG, TIFF, BMP, WebP, PNM, and what else OpenCV decodes (readImage() in
// core/imageio/imagereader.h, with its default limits). Errors: Io (missing, unreadable), Format
// (not an image, truncated, unsupported, or declaring more pixels than the limits allow).
Expected<ImageFile> readImageFile(const std::filesystem::path& path);

}  // namespace samdesk
