// probeImage(): the header parsers, or OpenCV for any other format it reads.
#include "core/imageio/imageinfo.h"

#include <opencv2/imgcodecs.hpp>

#include <cstring>

#include "core/imageio/bytesource.h"
#include "core/imageio/headerparsers.h"
#include "core/imageio/librarymessages.h"
#include "core/imageio/opencvfallback.h"

namespace samdesk {

namespace imageio {

Error unknownFormatError(const std::string& name, std::span<const std::uint8_t> head) {
    auto starts = [&](std::size_t at, const char* text) {
        const std::size_t n = std::strlen(text);
        return head.size() >= at + n && std::memcmp(head.data() + at, text, n) == 0;
    };
    std::string what =
        "not an image samdesk can read (PNG, JPEG, TIFF, BMP, WebP, PNM or "
        "another format OpenCV reads)";
    if (starts(0, "GIF8"))
        what = "GIF images are not supported (convert it to PNG)";
    else if (starts(4, "ftypheic") || starts(4, "ftypheix") || starts(4, "ftypmif1") ||
             starts(4, "ftypavif"))
        what = "HEIF/AVIF images are not supported (convert it to PNG or JPEG)";
    return Error::format(name + ": " + what);
}

}  // namespace imageio

Expected<ImageInfo> probeImage(const std::filesystem::path& path) {
    auto file = imageio::OpenedFile::open(path);
    if (!file)
        return file.error();
    const std::string& name = file->name();
    if (auto parsed = imageio::parseHeader(file->source(), name))
        return std::move(*parsed);
    try {
        if (cv::haveImageReader(name)) {
            imageio::quietOpenCvLogging();
            imageio::CapturedStderr capture;  // the libraries' own lines stay off the terminal
            const cv::Mat m = cv::imread(name, cv::IMREAD_UNCHANGED);
            capture.text();
            if (!m.empty()) {
                ImageInfo info;
                info.format = "OpenCV";
                info.width = m.cols;
                info.height = m.rows;
                info.channels = m.channels();
                info.bitDepth = static_cast<int>(m.elemSize1() * 8);
                info.floatSamples = m.depth() == CV_32F || m.depth() == CV_64F;
                info.color = m.channels() <= 2 ? ColorModel::Gray : ColorModel::Rgb;
                info.hasAlpha = m.channels() == 2 || m.channels() == 4;
                return info;
            }
        }
    } catch (const cv::Exception& e) {
        return Error::format(name + ": cannot decode the image: " + imageio::oneLine(e.what()));
    }
    std::uint8_t head[16] = {};
    const std::size_t n = std::min<std::uint64_t>(sizeof head, file->size());
    file->source().read(0, head, n);
    return imageio::unknownFormatError(name, {head, n});
}

}  // namespace samdesk
