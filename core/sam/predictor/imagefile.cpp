// Image decoding through OpenCV, kept out of the public headers.
#include "core/sam/predictor/imagefile.h"

#include <opencv2/imgcodecs.hpp>

#include <cstring>
#include <system_error>

namespace samdesk {

ImageView ImageFile::view() const {
    ImageView v;
    v.data = bytes.data();
    v.width = width;
    v.height = height;
    v.channels = channels;
    v.bitDepth = bitDepth;
    v.order = PixelOrder::Bgr;
    return v;
}

Expected<ImageFile> readImageFile(const std::filesystem::path& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        return Error::io(path.string() + ": no such image file");
    cv::Mat image;
    try {
        // Any depth and color layout, EXIF orientation applied and alpha dropped: the pixels the
        // app's decoder (Qt, auto-transform on) gives, so that cache keys agree.
        image = cv::imread(path.string(), cv::IMREAD_ANYDEPTH | cv::IMREAD_ANYCOLOR);
    } catch (const cv::Exception& e) {
        return Error::format(path.string() + ": cannot decode the image: " + e.what());
    }
    if (image.empty())
        return Error::format(path.string() + ": not an image OpenCV can decode");
    if (image.depth() != CV_8U && image.depth() != CV_16U)
        return Error::format(path.string() + ": unsupported pixel depth (8 or 16 bits)");
    if (image.channels() != 1 && image.channels() != 3 && image.channels() != 4)
        return Error::format(path.string() + ": unsupported channel count " +
                             std::to_string(image.channels()));
    ImageFile out;
    out.width = image.cols;
    out.height = image.rows;
    out.channels = image.channels();
    out.bitDepth = image.depth() == CV_16U ? 16 : 8;
    const std::size_t row = image.cols * image.elemSize();
    out.bytes.resize(row * image.rows);
    for (int y = 0; y < image.rows; ++y)
        std::memcpy(out.bytes.data() + row * y, image.ptr(y), row);
    return out;
}

}  // namespace samdesk
