// What an image file declares about its pixels, read from the file's header alone: a probe
// reads a few hundred bytes (a JPEG's markers up to its frame header, a TIFF's first directory),
// never the pixel data, so it costs the same for a 10 KB file and a 400 MP one and is safe on a
// file that declares more pixels than memory holds (readImage() checks this before it decodes).
// std only; any thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "core/common/expected.h"

namespace samdesk {

enum class ColorModel {
    Gray,     // one sample (plus alpha); bit depth 1 to 16
    Rgb,      // three samples (JPEG's YCbCr counts as RGB)
    Palette,  // one index sample into a colour table
    Cmyk,     // four ink samples (JPEG, TIFF)
    Other,    // anything else OpenCV may still decode
};

struct ImageInfo {
    std::string format;  // "PNG", "JPEG", "TIFF", "BMP", "WebP", "PNM"; "OpenCV" for other formats
    // Pixels as stored in the file, before the orientation below is applied.
    int width = 0;
    int height = 0;
    int channels = 0;  // samples per pixel as stored, alpha included (palette: 1, the index)
    int bitDepth = 0;  // bits per sample: 1, 2, 4, 8, 12, 16, 32 (and 64 for float TIFF)
    ColorModel color = ColorModel::Other;
    bool hasAlpha = false;      // an alpha channel or a transparency chunk (readImage drops it)
    bool floatSamples = false;  // IEEE floating-point samples (TIFF SampleFormat 3)
    // The EXIF orientation (TIFF tag 274, also in JPEG APP1, PNG eXIf and WebP EXIF): 1 = rows
    // stored top to bottom and left to right as displayed; 2-8 the other seven flips and
    // rotations (5-8 swap width and height). Anything out of range reads as 1.
    int orientation = 1;

    // Width and height as displayed, once the orientation is applied (readImage's output).
    int displayWidth() const { return orientation >= 5 ? height : width; }
    int displayHeight() const { return orientation >= 5 ? width : height; }
    std::uint64_t pixelCount() const { return std::uint64_t(width) * std::uint64_t(height); }
};

// The header of the image at `path`. PNG, JPEG, TIFF (both byte orders, BigTIFF), BMP, WebP and
// PNM are parsed here; for any other content the file is handed to OpenCV, and when OpenCV
// decodes it the info comes from the decoded pixels (format "OpenCV"; only OpenCV's own pixel
// limit guards those decodes).
// Errors: Io (missing, a folder, unreadable: the system's reason), Format (not an image, a
// header cut short or inconsistent). Messages start with the path.
Expected<ImageInfo> probeImage(const std::filesystem::path& path);

}  // namespace samdesk
