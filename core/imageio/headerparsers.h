// The header parsers behind probeImage(): each reads the few bytes its format puts before the
// pixel data and fills an ImageInfo. Internal to core/imageio.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "core/common/expected.h"
#include "core/imageio/bytesource.h"
#include "core/imageio/imageinfo.h"

namespace samdesk::imageio {

// The header of a format recognised by its signature; an Error (Format) when the signature
// matches but the header is cut short or inconsistent; nothing when no parser here knows the
// signature. `name` starts every message (the file's path).
std::optional<Expected<ImageInfo>> parseHeader(const ByteSource& src, const std::string& name);

Expected<ImageInfo> parsePng(const ByteSource& src, const std::string& name);
Expected<ImageInfo> parseJpeg(const ByteSource& src, const std::string& name);
Expected<ImageInfo> parseTiff(const ByteSource& src, const std::string& name);
Expected<ImageInfo> parseBmp(const ByteSource& src, const std::string& name);
Expected<ImageInfo> parseWebp(const ByteSource& src, const std::string& name);
Expected<ImageInfo> parsePnm(const ByteSource& src, const std::string& name);

// The orientation tag of the TIFF structure that EXIF data is (optionally behind the
// "Exif\0\0" prefix): 1..8, or 1 when it is absent or the data is not readable.
int exifOrientation(std::span<const std::uint8_t> exif);

// Whether a whole JPEG file in memory reaches its end-of-image marker after the last scan.
enum class JpegEnd { Complete, Truncated, Unknown };
JpegEnd jpegEnd(std::span<const std::uint8_t> file);

// "<name>: <what>" as a Format error.
Error formatError(const std::string& name, const std::string& what);

}  // namespace samdesk::imageio
