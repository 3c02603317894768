// RLE, boxes and small regions of the generator's masks (see maskrle.h).
#include "core/sam/predictor/maskrle.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cstring>

namespace samdesk {

void RunLengths::add(bool value, std::uint64_t count) {
    if (count == 0)
        return;
    if (value != m_value) {
        m_counts.push_back(static_cast<std::uint32_t>(m_length));
        m_value = value;
        m_length = 0;
    }
    m_length += count;
}

std::vector<std::uint32_t> RunLengths::finish() {
    m_counts.push_back(static_cast<std::uint32_t>(m_length));
    m_value = false;
    m_length = 0;
    return std::move(m_counts);
}

std::vector<std::uint32_t> boxedMaskRle(const std::uint8_t* pixels, std::size_t stride, int boxX,
                                        int boxY, int boxWidth, int boxHeight, int imageWidth,
                                        int imageHeight) {
    // The box in column-major order first, tile by tile (a walk down a column of rows `stride`
    // apart touches one cache line per pixel), as 0/1 bytes; then each column's runs with
    // memchr.
    constexpr int kTile = 64;
    const std::size_t w = static_cast<std::size_t>(std::max(0, boxWidth));
    const std::size_t h = static_cast<std::size_t>(std::max(0, boxHeight));
    thread_local std::vector<std::uint8_t> columns;
    columns.resize(w * h);
    for (std::size_t y0 = 0; y0 < h; y0 += kTile)
        for (std::size_t x0 = 0; x0 < w; x0 += kTile)
            for (std::size_t x = x0; x < std::min(w, x0 + kTile); ++x)
                for (std::size_t y = y0; y < std::min(h, y0 + kTile); ++y)
                    columns[x * h + y] = pixels[y * stride + x] != 0;
    RunLengths runs;
    const std::uint64_t H = static_cast<std::uint64_t>(imageHeight);
    runs.add(false, static_cast<std::uint64_t>(boxX) * H);
    const std::uint64_t below = H - static_cast<std::uint64_t>(boxY) - h;
    for (std::size_t x = 0; x < w; ++x) {
        runs.add(false, static_cast<std::uint64_t>(boxY));
        const std::uint8_t* column = columns.data() + x * h;
        std::size_t y = 0;
        bool set = false;
        while (y < h) {  // the next pixel that differs from `set`
            const void* change = std::memchr(column + y, set ? 0 : 1, h - y);
            const std::size_t end =
                change ? static_cast<std::size_t>(static_cast<const std::uint8_t*>(change) - column)
                       : h;
            runs.add(set, end - y);
            y = end;
            set = !set;
        }
        runs.add(false, below);
    }
    runs.add(false, static_cast<std::uint64_t>(imageWidth - boxX) * H - w * H);
    return runs.finish();
}

std::int64_t rleArea(const std::vector<std::uint32_t>& counts) {
    std::int64_t area = 0;
    for (std::size_t i = 1; i < counts.size(); i += 2)
        area += counts[i];
    return area;
}

MaskBox maskBox(const std::uint8_t* mask, int width, int height) {
    int x0 = width, y0 = height, x1 = -1, y1 = -1;
    for (int y = 0; y < height; ++y) {
        const std::uint8_t* row = mask + static_cast<std::size_t>(y) * width;
        for (int x = 0; x < width; ++x) {
            if (row[x]) {
                x0 = std::min(x0, x);
                x1 = std::max(x1, x);
                y0 = std::min(y0, y);
                y1 = y;
            }
        }
    }
    if (x1 < 0)
        return {};
    return {x0, y0, x1, y1};
}

bool removeSmallRegions(std::vector<std::uint8_t>& mask, int width, int height, int minArea,
                        bool holes) {
    cv::Mat work(height, width, CV_8U);
    std::uint8_t* w = work.ptr<std::uint8_t>();
    const std::size_t n = mask.size();
    for (std::size_t i = 0; i < n; ++i)
        w[i] = static_cast<std::uint8_t>(holes ? mask[i] == 0 : mask[i] != 0);
    cv::Mat labels, stats, centroids;
    const int count = cv::connectedComponentsWithStats(work, labels, stats, centroids, 8, CV_32S);
    std::vector<char> fill(static_cast<std::size_t>(count), 0);
    bool anySmall = false;
    for (int l = 1; l < count; ++l) {
        if (stats.at<int>(l, cv::CC_STAT_AREA) < minArea) {
            fill[static_cast<std::size_t>(l)] = 1;
            anySmall = true;
        }
    }
    if (!anySmall)
        return false;
    if (holes) {
        fill[0] = 1;  // label 0 is the mask itself; the small holes join it
    } else {
        // Keep the islands that are not small; when none is, the largest (the first on a tie).
        bool anyKept = false;
        int largest = 1;
        for (int l = 1; l < count; ++l) {
            fill[static_cast<std::size_t>(l)] = !fill[static_cast<std::size_t>(l)];
            anyKept = anyKept || fill[static_cast<std::size_t>(l)];
            if (stats.at<int>(l, cv::CC_STAT_AREA) > stats.at<int>(largest, cv::CC_STAT_AREA))
                largest = l;
        }
        if (!anyKept)
            fill[static_cast<std::size_t>(largest)] = 1;
    }
    const int* label = labels.ptr<int>();
    for (std::size_t i = 0; i < n; ++i)
        mask[i] = static_cast<std::uint8_t>(fill[static_cast<std::size_t>(label[i])]);
    return true;
}

}  // namespace samdesk
