// The predictor's image files are core/imageio's decode.
#include "core/sam/predictor/imagefile.h"

#include "core/imageio/imagereader.h"

namespace samdesk {

ImageView ImageFile::view() const {
    ImageView v;
    v.data = bytes.data();
    v.width = width;
    v.height = height;
    v.channels = channels;
    v.bitDepth = bitDepth;
    v.order = PixelOrder::Rgb;
    return v;
}

Expected<ImageFile> readImageFile(const std::filesystem::path& path) {
    auto decoded = readImage(path);
    if (!decoded)
        return decoded.error();
    ImageFile out;
    out.width = decoded->width;
    out.height = decoded->height;
    out.channels = 3;
    out.bitDepth = 8;
    out.bytes = std::move(decoded->rgb);
    return out;
}

}  // namespace samdesk
