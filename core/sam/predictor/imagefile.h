// Reading an image file for the predictor without exposing OpenCV: the pixels as decoded
// (8 or 16 bits, 1 or 3 channels, BGR order), ready to pass as an ImageView. The EXIF
// orientation is applied and alpha dropped, as the app's decoder does (Qt with auto-transform):
// the model sees the same pixels from either, and embedding cache keys agree
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
    int channels = 0;                 // 1 or 3 (4 only from decoders that keep alpha)
    int bitDepth = 8;                 // 8 or 16
    std::vector<std::uint8_t> bytes;  // tightly packed rows

    ImageView view() const;
};

// PNG, JPEG, TIFF, BMP, WebP... whatever OpenCV decodes. Errors: Io (missing, unreadable),
// Format (not an image OpenCV can decode, or an unsupported depth such as 32-bit float).
Expected<ImageFile> readImageFile(const std::filesystem::path& path);

}  // namespace samdesk
