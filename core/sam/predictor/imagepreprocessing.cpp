// Pixel conversion and Pillow's resize. The resize follows Pillow's Resample.c: coefficients in
// double, normalised per output pixel, then 22-bit fixed point with a rounding offset.
#include "core/sam/predictor/imagepreprocessing.h"

#include <algorithm>
#include <cmath>

#include "core/imageio/pixelconvert.h"

namespace samdesk {

namespace {

constexpr int kPrecisionBits = 32 - 8 - 2;

// Fixed-point filter taps of one pass: for output index i, taps k[i * size .. + count[i]] apply
// to input pixels first[i], first[i] + 1, ...
struct Taps {
    int size = 0;
    std::vector<int> first, count;
    std::vector<std::int32_t> k;
};

double triangle(double x) {
    if (x < 0.0)
        x = -x;
    return x < 1.0 ? 1.0 - x : 0.0;
}

Taps computeTaps(int in, int out) {
    const double scale = static_cast<double>(in) / out;
    const double filterscale = std::max(scale, 1.0);
    const double support = 1.0 * filterscale;
    const double ss = 1.0 / filterscale;  // Pillow multiplies by the reciprocal
    Taps t;
    t.size = static_cast<int>(std::ceil(support)) * 2 + 1;
    t.first.resize(out);
    t.count.resize(out);
    t.k.assign(static_cast<std::size_t>(out) * t.size, 0);
    std::vector<double> w(t.size);
    for (int xx = 0; xx < out; ++xx) {
        const double center = (xx + 0.5) * scale;
        int xmin = static_cast<int>(center - support + 0.5);
        if (xmin < 0)
            xmin = 0;
        int xmax = static_cast<int>(center + support + 0.5);
        if (xmax > in)
            xmax = in;
        xmax -= xmin;
        double sum = 0.0;
        for (int x = 0; x < xmax; ++x) {
            w[x] = triangle((x + xmin - center + 0.5) * ss);
            sum += w[x];
        }
        for (int x = 0; x < xmax; ++x) {
            const double v = sum != 0.0 ? w[x] / sum : w[x];
            t.k[static_cast<std::size_t>(xx) * t.size + x] = static_cast<std::int32_t>(
                v < 0 ? -0.5 + v * (1 << kPrecisionBits) : 0.5 + v * (1 << kPrecisionBits));
        }
        t.first[xx] = xmin;
        t.count[xx] = xmax;
    }
    return t;
}

std::uint8_t clip8(std::int32_t acc) {
    return static_cast<std::uint8_t>(std::clamp(acc >> kPrecisionBits, 0, 255));
}

std::vector<std::uint8_t> resizeHorizontal(const std::vector<std::uint8_t>& src, int width,
                                           int height, int channels, int outWidth) {
    const Taps t = computeTaps(width, outWidth);
    std::vector<std::uint8_t> dst(static_cast<std::size_t>(outWidth) * height * channels);
    for (int y = 0; y < height; ++y) {
        const std::uint8_t* row = src.data() + static_cast<std::size_t>(y) * width * channels;
        std::uint8_t* out = dst.data() + static_cast<std::size_t>(y) * outWidth * channels;
        for (int xx = 0; xx < outWidth; ++xx) {
            const std::int32_t* k = t.k.data() + static_cast<std::size_t>(xx) * t.size;
            for (int c = 0; c < channels; ++c) {
                std::int32_t acc = 1 << (kPrecisionBits - 1);
                for (int x = 0; x < t.count[xx]; ++x)
                    acc += row[(x + t.first[xx]) * channels + c] * k[x];
                out[xx * channels + c] = clip8(acc);
            }
        }
    }
    return dst;
}

std::vector<std::uint8_t> resizeVertical(const std::vector<std::uint8_t>& src, int width,
                                         int height, int channels, int outHeight) {
    const Taps t = computeTaps(height, outHeight);
    const std::size_t rowBytes = static_cast<std::size_t>(width) * channels;
    std::vector<std::uint8_t> dst(rowBytes * outHeight);
    for (int yy = 0; yy < outHeight; ++yy) {
        const std::int32_t* k = t.k.data() + static_cast<std::size_t>(yy) * t.size;
        std::uint8_t* out = dst.data() + rowBytes * yy;
        for (std::size_t i = 0; i < rowBytes; ++i) {
            std::int32_t acc = 1 << (kPrecisionBits - 1);
            for (int y = 0; y < t.count[yy]; ++y)
                acc += src[rowBytes * (y + t.first[yy]) + i] * k[y];
            out[i] = clip8(acc);
        }
    }
    return dst;
}

}  // namespace

std::vector<std::uint8_t> pillowResizeBilinear(const std::uint8_t* pixels, int width, int height,
                                               int channels, int outWidth, int outHeight) {
    std::vector<std::uint8_t> image(pixels,
                                    pixels + static_cast<std::size_t>(width) * height * channels);
    if (outWidth != width)
        image = resizeHorizontal(image, width, height, channels, outWidth);
    if (outHeight != height)
        image = resizeVertical(image, outWidth, height, channels, outHeight);
    return image;
}

ImageSize modelInputSize(ImageSize original, int target) {
    const double scale = target * 1.0 / std::max(original.width, original.height);
    return {static_cast<int>(original.width * scale + 0.5),
            static_cast<int>(original.height * scale + 0.5)};
}

Expected<ResizedImage> imageToRgb8(const ImageView& image) {
    if (image.width <= 0 || image.height <= 0 || !image.data)
        return Error::invalid("empty image (" + std::to_string(image.width) + " x " +
                              std::to_string(image.height) + " pixels)");
    if (image.channels != 1 && image.channels != 3 && image.channels != 4)
        return Error::invalid("unsupported image: " + std::to_string(image.channels) +
                              " channels (1, 3 or 4 are accepted)");
    if (image.bitDepth != 8 && image.bitDepth != 16)
        return Error::invalid("unsupported image: " + std::to_string(image.bitDepth) +
                              " bits per channel (8 or 16 are accepted)");
    const std::size_t bytes = image.bitDepth / 8;
    const std::size_t minStride = static_cast<std::size_t>(image.width) * image.channels * bytes;
    const std::size_t stride = image.strideBytes ? image.strideBytes : minStride;
    if (stride < minStride)
        return Error::invalid("image row stride " + std::to_string(stride) +
                              " bytes is shorter than a row (" + std::to_string(minStride) + ")");
    ResizedImage out;
    out.width = image.width;
    out.height = image.height;
    out.rgb.resize(static_cast<std::size_t>(image.width) * image.height * 3);
    // The image files' conversion (16-bit v -> (v + 128) / 257, grey to RGB, alpha dropped), so
    // pixels handed in memory and pixels read from a file reach the model the same way.
    imageio::SourcePixels src;
    src.data = static_cast<const std::uint8_t*>(image.data);
    src.width = image.width;
    src.height = image.height;
    src.channels = image.channels;
    src.type = bytes == 1 ? imageio::SampleType::U8 : imageio::SampleType::U16;
    src.stride = stride;
    src.bgr = image.order == PixelOrder::Bgr;
    imageio::writeRgb(src, 1, out.rgb.data());
    return out;
}

}  // namespace samdesk
