// Files no header parser here recognises, handed to OpenCV as they are (OpenEXR, Radiance HDR,
// Sun raster, JPEG 2000...: whatever the installed OpenCV reads). Internal to core/imageio.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "core/common/expected.h"
#include "core/imageio/imageinfo.h"

namespace samdesk::imageio {

// The message for content nothing here reads ("<name>: not an image ..."), naming common
// formats that OpenCV does not read (GIF, HEIF) when the signature is one of them.
Error unknownFormatError(const std::string& name, std::span<const std::uint8_t> head);

}  // namespace samdesk::imageio
