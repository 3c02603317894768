// Region encoding: crop views, prompts moved into the region, masks placed back.
#include "core/sam/predictor/regioncrop.h"

#include <cstdio>
#include <sstream>

namespace samdesk {

namespace {

std::string text(const ImageRegion& r) {
    std::ostringstream s;
    s << "region (" << r.x << ", " << r.y << ") - (" << r.x + r.width << ", " << r.y + r.height
      << ")";
    return s.str();
}

}  // namespace

Expected<ImageRegion> parseRegion(const std::string& value) {
    int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
    char tail = 0;
    if (std::sscanf(value.c_str(), "%d,%d,%d,%d%c", &x0, &y0, &x1, &y1, &tail) != 4)
        return Error::invalid("region '" + value + "': expected x0,y0,x1,y1 in image pixels");
    ImageRegion r{x0, y0, x1 - x0, y1 - y0};
    if (r.empty())
        return Error::invalid(text(r) + " is empty: it needs x0 < x1 and y0 < y1");
    return r;
}

Status checkRegion(const ImageRegion& r, ImageSize image) {
    if (r.empty())
        return Error::invalid(text(r) + " is empty");
    if (r.x < 0 || r.y < 0 || r.x + r.width > image.width || r.y + r.height > image.height)
        return Error::invalid(text(r) + " is not inside the " + std::to_string(image.width) +
                              " x " + std::to_string(image.height) + " image");
    return {};
}

ImageView cropView(const ImageView& image, const ImageRegion& r) {
    const std::size_t pixel = std::size_t(image.channels) * (image.bitDepth / 8);
    const std::size_t stride = image.strideBytes ? image.strideBytes : pixel * image.width;
    ImageView v = image;
    v.data = static_cast<const std::uint8_t*>(image.data) + stride * std::size_t(r.y) +
             pixel * std::size_t(r.x);
    v.width = r.width;
    v.height = r.height;
    v.strideBytes = stride;
    return v;
}

Expected<PromptSet> promptsInRegion(const PromptSet& prompts, const ImageRegion& r) {
    PromptSet out = prompts;
    for (std::size_t i = 0; i < out.points.size(); ++i) {
        PromptPoint& p = out.points[i];
        if (!r.contains(p.x, p.y)) {
            std::ostringstream s;
            s << "point " << i << " (" << p.x << ", " << p.y << ") is outside the " << text(r);
            return Error::invalid(s.str());
        }
        p.x -= r.x;
        p.y -= r.y;
    }
    if (out.box) {
        PromptBox& b = *out.box;
        if (!r.contains(b.x0, b.y0) || !r.contains(b.x1, b.y1))
            return Error::invalid("the box is not inside the " + text(r));
        b = {b.x0 - r.x, b.y0 - r.y, b.x1 - r.x, b.y1 - r.y};
    }
    return out;
}

std::vector<float> placeInImage(const std::vector<float>& planes, int count, const ImageRegion& r,
                                ImageSize image, float outside) {
    const std::size_t plane = std::size_t(image.width) * image.height;
    const std::size_t regionPlane = std::size_t(r.width) * r.height;
    std::vector<float> out(plane * count, outside);
    for (int c = 0; c < count; ++c)
        for (int j = 0; j < r.height; ++j)
            std::copy_n(planes.data() + regionPlane * c + std::size_t(j) * r.width, r.width,
                        out.data() + plane * c + std::size_t(r.y + j) * image.width + r.x);
    return out;
}

}  // namespace samdesk
