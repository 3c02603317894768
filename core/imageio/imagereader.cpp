// readImage(): the header first (limits), then OpenCV decodes from the file's bytes in memory,
// straight into the output buffer when it can (8-bit samples, no orientation left to apply).
#include "core/imageio/imagereader.h"

#include <opencv2/imgcodecs.hpp>

#include <cstdio>
#include <new>

#include "core/imageio/bytesource.h"
#include "core/imageio/headerparsers.h"
#include "core/imageio/librarymessages.h"
#include "core/imageio/memoryinfo.h"
#include "core/imageio/opencvfallback.h"
#include "core/imageio/pixelconvert.h"

namespace samdesk {

namespace {

using imageio::SampleType;

constexpr int kAnyDepthAndColor = cv::IMREAD_ANYDEPTH | cv::IMREAD_ANYCOLOR;
// OpenCV takes an encoded buffer up to INT_MAX bytes; larger files it reads itself.
constexpr std::uint64_t kMaxBuffer = 0x7fffffff;

std::string sizeText(const ImageInfo& info) {
    return std::to_string(info.width) + " x " + std::to_string(info.height) + " pixels";
}

std::string bytesText(std::uint64_t bytes) {
    char text[32];
    if (bytes >= (1ull << 30))
        std::snprintf(text, sizeof text, "%.1f GB", double(bytes) / double(1ull << 30));
    else
        std::snprintf(text, sizeof text, "%.0f MB", double(bytes) / double(1ull << 20));
    return text;
}

// The decoder applies a TIFF's orientation itself (libtiff); every other orientation is ours.
int orientationLeft(const ImageInfo& info) {
    return info.format == "TIFF" ? 1 : info.orientation;
}

bool decodesDirectly(const ImageInfo& info) {
    return !info.floatSamples && info.bitDepth <= 8 && orientationLeft(info) == 1;
}

Status checkLimits(const ImageInfo& info, std::uint64_t fileBytes, const ReadLimits& limits,
                   const std::string& name) {
    if (info.pixelCount() > limits.maxPixels)
        return Error::format(name + ": declared size " + sizeText(info) + " (" +
                             std::to_string(info.pixelCount() / 1000000) +
                             " MP) exceeds the limit of " + std::to_string(limits.maxPixels) +
                             " pixels (" + std::to_string(limits.maxPixels / 1000000) + " MP)");
    const std::uint64_t needed = decodeBytes(info, fileBytes);
    std::uint64_t allowed = limits.maxBytes;
    std::string whose = "the limit of ";
    if (allowed == 0) {
        const auto available = availableMemoryBytes();
        if (!available)
            return {};
        allowed = *available;
        whose = "the memory available, ";
    }
    if (needed > allowed)
        return Error::format(name + ": declared size " + sizeText(info) + " needs about " +
                             bytesText(needed) + " to decode, more than " + whose +
                             bytesText(allowed));
    return {};
}

// Any decoded Mat (8/16-bit or float, 1-4 channels, OpenCV's BGR order) into `out`.
Status convert(const cv::Mat& m, int orientation, DecodedImage& out, const std::string& name) {
    imageio::SourcePixels src;
    switch (m.depth()) {
        case CV_8U:
            src.type = SampleType::U8;
            break;
        case CV_16U:
            src.type = SampleType::U16;
            break;
        case CV_32F:
            src.type = SampleType::F32;
            break;
        case CV_64F:
            src.type = SampleType::F64;
            break;
        default:
            return Error::format(name + ": unsupported sample type (signed integer samples)");
    }
    if (m.channels() < 1 || m.channels() > 4)
        return Error::format(name + ": unsupported channel count " + std::to_string(m.channels()));
    src.data = m.data;
    src.width = m.cols;
    src.height = m.rows;
    src.channels = m.channels();
    src.stride = m.step[0];
    src.bgr = true;
    const bool swap = orientation >= 5;
    out.width = swap ? m.rows : m.cols;
    out.height = swap ? m.cols : m.rows;
    out.rgb.resize(std::size_t(out.width) * std::size_t(out.height) * 3);
    imageio::writeRgb(src, orientation, out.rgb.data());
    return {};
}

// Runs an OpenCV decode with the libraries' own messages kept off the terminal. `failure`
// receives why the decode must be refused although OpenCV returned pixels (libpng aborted it:
// the pixels are not the file's), or, when it returned none, the library's reason; empty when
// all went well.
template <typename Decode>
cv::Mat decodeQuietly(Decode decode, std::string* failure) {
    imageio::quietOpenCvLogging();
    imageio::CapturedStderr capture;
    cv::Mat got;
    try {
        got = decode();
    } catch (...) {
        capture.text();
        throw;
    }
    const std::string captured = capture.text();
    const std::string reason = imageio::libraryError(captured);
    const bool aborted = captured.find("libpng error") != std::string::npos;
    *failure = got.empty() || aborted ? reason : std::string();
    if (aborted)
        got = cv::Mat();
    return got;
}

// `message` with the library's reason, when there is one.
std::string withReason(std::string message, const std::string& reason) {
    return reason.empty() ? message : message + ": " + reason;
}

std::string decodeFailed(const ImageInfo& info, const std::string& name) {
    return name + ": cannot decode the " + info.format +
           " data (corrupt or truncated, or a variant OpenCV does not read)";
}

Status decode(std::vector<std::uint8_t>& bytes, DecodedImage& out, const std::string& name) {
    const ImageInfo& info = out.info;
    const cv::Mat buffer(1, static_cast<int>(bytes.size()), CV_8U, bytes.data());
    const std::string failed = decodeFailed(info, name);
    if (decodesDirectly(info)) {
        const int w = info.displayWidth(), h = info.displayHeight();
        out.rgb.resize(std::size_t(w) * std::size_t(h) * 3);
        cv::Mat target(h, w, CV_8UC3, out.rgb.data());
        std::string reason;
        const cv::Mat got = decodeQuietly(
            [&] {
                return cv::imdecode(buffer, cv::IMREAD_COLOR | cv::IMREAD_IGNORE_ORIENTATION,
                                    &target);
            },
            &reason);
        if (got.empty())
            return Error::format(withReason(failed, reason));
        if (got.data == out.rgb.data() && got.cols == w && got.rows == h) {
            imageio::swapRedBlue(out.rgb.data(), std::size_t(w) * std::size_t(h));
            out.width = w;
            out.height = h;
            return {};
        }
        // The decoder disagreed with the header (it allocated its own buffer): take its pixels.
        out.rgb = {};
        return convert(got, 1, out, name);
    }
    std::string reason;
    const cv::Mat got = decodeQuietly(
        [&] { return cv::imdecode(buffer, kAnyDepthAndColor | cv::IMREAD_IGNORE_ORIENTATION); },
        &reason);
    if (got.empty())
        return Error::format(withReason(failed, reason));
    bytes = {};  // the file's bytes are not needed any more
    return convert(got, orientationLeft(info), out, name);
}

// A format only OpenCV knows: its own limit guards the decode; ours is checked afterwards.
Expected<DecodedImage> readOther(const imageio::OpenedFile& file, const ReadLimits& limits) {
    const std::string& name = file.name();
    if (!cv::haveImageReader(name)) {
        std::uint8_t head[16] = {};
        const std::size_t n = std::min<std::uint64_t>(sizeof head, file.size());
        file.source().read(0, head, n);
        return imageio::unknownFormatError(name, {head, n});
    }
    cv::Mat got;
    std::string reason;
    if (file.size() > kMaxBuffer) {
        got = decodeQuietly([&] { return cv::imread(name, kAnyDepthAndColor); }, &reason);
    } else {
        auto bytes = file.readAll();
        if (!bytes)
            return bytes.error();
        const cv::Mat buffer(1, static_cast<int>(bytes->size()), CV_8U, bytes->data());
        got = decodeQuietly([&] { return cv::imdecode(buffer, kAnyDepthAndColor); }, &reason);
    }
    if (got.empty())
        return Error::format(
            withReason(name + ": cannot decode the image (corrupt or truncated)", reason));
    DecodedImage out;
    out.info.format = "OpenCV";
    out.info.width = got.cols;
    out.info.height = got.rows;
    out.info.channels = got.channels();
    out.info.bitDepth = static_cast<int>(got.elemSize1() * 8);
    out.info.floatSamples = got.depth() == CV_32F || got.depth() == CV_64F;
    out.info.color = got.channels() == 1 ? ColorModel::Gray : ColorModel::Rgb;
    if (auto st = checkLimits(out.info, 0, limits, name); !st)
        return st.error();
    if (auto st = convert(got, 1, out, name); !st)
        return st.error();
    return out;
}

}  // namespace

std::uint64_t decodeBytes(const ImageInfo& info, std::uint64_t fileBytes) {
    const std::uint64_t pixels = info.pixelCount();
    std::uint64_t total = fileBytes + pixels * 3;
    if (!decodesDirectly(info)) {
        const std::uint64_t channels =
            info.channels > 1 || info.color == ColorModel::Palette ? 3 : 1;
        const std::uint64_t sampleBytes =
            info.floatSamples ? (info.bitDepth > 32 ? 8 : 4) : (info.bitDepth > 8 ? 2 : 1);
        total += pixels * channels * sampleBytes;
    }
    return total;
}

Expected<DecodedImage> readImage(const std::filesystem::path& path, const ReadLimits& limits) {
    auto file = imageio::OpenedFile::open(path);
    if (!file)
        return file.error();
    const std::string& name = file->name();
    try {
        auto parsed = imageio::parseHeader(file->source(), name);
        if (!parsed)
            return readOther(*file, limits);
        if (!*parsed)
            return parsed->error();
        DecodedImage out;
        out.info = std::move(parsed->value());
        if (auto st = checkLimits(out.info, file->size(), limits, name); !st)
            return st.error();
        if (file->size() > kMaxBuffer) {
            // More than OpenCV takes from memory (int sizes): the decoder reads the file itself.
            std::string reason;
            const cv::Mat got = decodeQuietly(
                [&] { return cv::imread(name, kAnyDepthAndColor | cv::IMREAD_IGNORE_ORIENTATION); },
                &reason);
            if (got.empty())
                return Error::format(withReason(decodeFailed(out.info, name), reason));
            if (auto st = convert(got, orientationLeft(out.info), out, name); !st)
                return st.error();
            return out;
        }
        auto bytes = file->readAll();
        if (!bytes)
            return bytes.error();
        if (out.info.format == "JPEG" && imageio::jpegEnd(*bytes) == imageio::JpegEnd::Truncated)
            return Error::format(name +
                                 ": the JPEG data ends before the end of the image "
                                 "(truncated file)");
        if (auto st = decode(*bytes, out, name); !st)
            return st.error();
        return out;
    } catch (const cv::Exception& e) {
        return Error::format(name + ": cannot decode the image: " + imageio::oneLine(e.what()));
    } catch (const std::bad_alloc&) {
        return Error::runtime(name + ": out of memory while decoding the image");
    }
}

}  // namespace samdesk
