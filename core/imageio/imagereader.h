// Reading an image file into the pixels the model sees: the one decoder of the app (through
// core/document) and samdesk-cli (through the predictor's readImageFile), so an image gives the
// same bytes in both and embedding cache keys made by one hit in the other. OpenCV underneath
// (PRIVATE: this header has no OpenCV type). Any thread; no shared state.
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

#include "core/common/expected.h"
#include "core/imageio/imageinfo.h"

namespace samdesk {

// 2^30 pixels (a 32768 x 32768 image, 3 GiB as RGB): OpenCV's own limit as well. A larger limit
// also needs OPENCV_IO_MAX_IMAGE_PIXELS in the environment before the program starts (OpenCV
// reads it when it is loaded).
inline constexpr std::uint64_t kDefaultMaxPixels = 1ull << 30;

// Checked against the header (probeImage()) before anything is decoded: a file of a few hundred
// bytes can declare 100000 x 100000 pixels, and the decoder would allocate them first.
struct ReadLimits {
    std::uint64_t maxPixels = kDefaultMaxPixels;  // width x height as declared
    // Bytes the decode may take at its peak (decodeBytes()); 0: the memory available now
    // (availableMemoryBytes(): MemAvailable, or the cgroup's headroom), unchecked where unknown.
    std::uint64_t maxBytes = 0;
};

struct DecodedImage {
    int width = 0;  // pixels as displayed: the orientation is applied
    int height = 0;
    std::vector<std::uint8_t> rgb;  // 8-bit R, G, B; width * 3 bytes per row, top row first
    ImageInfo info;                 // what the file declared (stored size, depth, orientation)
};

// Decodes the image at `path` to 8-bit RGB:
//  - the EXIF/TIFF orientation applied (JPEG, PNG, TIFF, WebP);
//  - alpha dropped (not composited: the colour samples as stored), transparency ignored;
//  - grey, palette and 1/2/4-bit images expanded to RGB (grey: R = G = B);
//  - 16-bit samples v -> (v + 128) / 257, i.e. round(v / 257): what the predictor does with
//    16-bit input, so embedding cache keys of 16-bit files did not change;
//  - float samples (32/64-bit TIFF) clipped to [0, 1], times 255, rounded half up (NaN -> 0):
//    float images are taken to be in [0, 1], the usual convention;
//  - CMYK JPEG and TIFF converted to RGB by the decoder (Adobe inverted CMYK is handled).
// A JPEG cut short is refused, not shown with grey rows. Multi-page TIFF: the first page.
// Errors: Io (missing, a folder, unreadable), Format (not an image, truncated or corrupt, an
// unsupported variant, or refused by `limits`: the message says the declared size and the
// limit), Runtime (out of memory). Messages start with the path.
Expected<DecodedImage> readImage(const std::filesystem::path& path, const ReadLimits& limits = {});

// What decoding an image with this header takes at its peak, in bytes: the file's bytes, the
// RGB output and, unless the decoder writes straight into the output (8-bit samples, no
// orientation to apply), the decoder's own buffer.
std::uint64_t decodeBytes(const ImageInfo& info, std::uint64_t fileBytes);

}  // namespace samdesk
