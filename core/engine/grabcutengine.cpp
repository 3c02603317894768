// GrabCut seeded from SAM-style prompts (see grabcutengine.h for the seeding rules).
#include "core/engine/grabcutengine.h"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

namespace samdesk {

namespace {

class GrabCutSession final : public ImageSession {
public:
    explicit GrabCutSession(cv::Mat image) : bgr(std::move(image)) {}
    int width() const override { return bgr.cols; }
    int height() const override { return bgr.rows; }

    cv::Mat bgr;  // CV_8UC3
};

cv::Rect clipped(cv::Rect r, int w, int h) {
    return r & cv::Rect(0, 0, w, h);
}

// Where GrabCut runs: the box with a margin of background around it, or, for points alone, a
// generous square around the foreground points (objects are rarely larger than half the image
// side around a click, and the smaller region keeps a click fast).
cv::Rect regionOfInterest(const PromptSet& prompts, int w, int h, float pointMargin) {
    if (prompts.box) {
        const PromptBox& b = *prompts.box;
        const double mx = std::max(8.0, 0.15 * (b.x1 - b.x0));
        const double my = std::max(8.0, 0.15 * (b.y1 - b.y0));
        const int x0 = int(std::floor(b.x0 - mx)), y0 = int(std::floor(b.y0 - my));
        const int x1 = int(std::ceil(b.x1 + mx)), y1 = int(std::ceil(b.y1 + my));
        return clipped({x0, y0, x1 - x0, y1 - y0}, w, h);
    }
    double x0 = std::numeric_limits<double>::max(), y0 = x0, x1 = -x0, y1 = -x0;
    for (const auto& p : prompts.points) {
        if (!p.foreground)
            continue;
        x0 = std::min(x0, p.x), y0 = std::min(y0, p.y);
        x1 = std::max(x1, p.x), y1 = std::max(y1, p.y);
    }
    if (x0 > x1)
        return {};
    const double margin = pointMargin * double(std::max(w, h));
    const int rx0 = int(std::floor(x0 - margin)), ry0 = int(std::floor(y0 - margin));
    const int rx1 = int(std::ceil(x1 + margin)), ry1 = int(std::ceil(y1 + margin));
    return clipped({rx0, ry0, rx1 - rx0, ry1 - ry0}, w, h);
}

// Signed distance to the mask border (inside positive), in pixels, quantised into `out` over
// `band` only; the rest of `out` stays "far outside".
void writeSignedDistance(const cv::Mat& mask, const cv::Rect& band, LogitMap& out) {
    const cv::Mat inside = mask(band);
    cv::Mat outside;
    cv::bitwise_not(inside, outside);
    cv::Mat distIn, distOut;
    cv::distanceTransform(inside, distIn, cv::DIST_L2, cv::DIST_MASK_3);
    cv::distanceTransform(outside, distOut, cv::DIST_L2, cv::DIST_MASK_3);
    auto& steps = out.steps();
    for (int y = 0; y < band.height; ++y) {
        const auto* in = inside.ptr<std::uint8_t>(y);
        const auto* di = distIn.ptr<float>(y);
        const auto* dout = distOut.ptr<float>(y);
        std::int8_t* row = steps.data() + std::size_t(band.y + y) * out.width() + band.x;
        for (int x = 0; x < band.width; ++x)
            row[x] = LogitMap::quantise(in[x] ? di[x] - 0.5f : 0.5f - dout[x]);
    }
}

// Keeps the 8-connected parts of `fg` that contain one of `seeds` (work coordinates).
void keepSeededComponents(cv::Mat& fg, const std::vector<cv::Point>& seeds) {
    cv::Mat labels;
    const int n = cv::connectedComponents(fg, labels, 8, CV_32S);
    std::vector<std::uint8_t> keep(std::size_t(n), 0);
    for (const auto& s : seeds)
        if (s.x >= 0 && s.y >= 0 && s.x < fg.cols && s.y < fg.rows)
            keep[std::size_t(labels.at<int>(s))] = 1;
    keep[0] = 0;
    for (int y = 0; y < fg.rows; ++y) {
        auto* f = fg.ptr<std::uint8_t>(y);
        const int* l = labels.ptr<int>(y);
        for (int x = 0; x < fg.cols; ++x)
            f[x] = keep[std::size_t(l[x])] ? 255 : 0;
    }
}

// True when the mask reaches a side of the region that is not a side of the image: the object
// probably goes on outside the region.
bool touchesInnerBorder(const cv::Mat& fg, const cv::Rect& roi, int w, int h) {
    const int last = fg.rows - 1, lastCol = fg.cols - 1;
    return (roi.y > 0 && cv::countNonZero(fg.row(0)) > 0) ||
           (roi.y + roi.height < h && cv::countNonZero(fg.row(last)) > 0) ||
           (roi.x > 0 && cv::countNonZero(fg.col(0)) > 0) ||
           (roi.x + roi.width < w && cv::countNonZero(fg.col(lastCol)) > 0);
}

// Around a foreground click, the pixels whose colour is close to the colour under the click
// (within a disc of `radius`) become probable foreground: a disc alone would teach GrabCut the
// colours of whatever surrounds a thin object (a ring, a branch) as foreground.
void markSimilarColours(const cv::Mat& work, cv::Point centre, int seedRadius, int radius,
                        cv::Mat& mask) {
    cv::Mat seed = cv::Mat::zeros(work.size(), CV_8UC1);
    cv::circle(seed, centre, seedRadius, 255, cv::FILLED);
    cv::Scalar mean, stddev;
    cv::meanStdDev(work, mean, stddev, seed);
    const double spread =
        std::sqrt(stddev[0] * stddev[0] + stddev[1] * stddev[1] + stddev[2] * stddev[2]);
    const double limit = std::max(30.0, 3.0 * spread);
    const cv::Rect box =
        clipped(cv::Rect(centre.x - radius, centre.y - radius, 2 * radius + 1, 2 * radius + 1),
                work.cols, work.rows);
    for (int y = box.y; y < box.y + box.height; ++y) {
        const auto* px = work.ptr<cv::Vec3b>(y);
        auto* m = mask.ptr<std::uint8_t>(y);
        for (int x = box.x; x < box.x + box.width; ++x) {
            const int dx = x - centre.x, dy = y - centre.y;
            if (dx * dx + dy * dy > radius * radius || m[x] != cv::GC_PR_BGD)
                continue;
            const double d0 = px[x][0] - mean[0], d1 = px[x][1] - mean[1], d2 = px[x][2] - mean[2];
            if (d0 * d0 + d1 * d1 + d2 * d2 <= limit * limit)
                m[x] = cv::GC_PR_FGD;
        }
    }
}

// GrabCut over `roi`, scaled to the working size. Returns the foreground at the region's full
// size (255 inside), or an empty matrix when the prompts give no foreground sample.
Expected<cv::Mat> segmentRegion(const cv::Mat& bgr, const cv::Rect& roi, const PromptSet& prompts,
                                const GrabCutOptions& options) {
    const double scale =
        std::min(1.0, double(options.workingSide) / double(std::max(roi.width, roi.height)));
    cv::Mat work;
    cv::resize(bgr(roi), work, cv::Size(), scale, scale, cv::INTER_AREA);
    const int side = std::max(work.cols, work.rows);
    auto toWork = [&](float x, float y) {
        return cv::Point(int(std::floor((x - roi.x) * scale)),
                         int(std::floor((y - roi.y) * scale)));
    };

    cv::Mat mask(work.size(), CV_8UC1, cv::Scalar(cv::GC_PR_BGD));
    if (prompts.box) {
        mask.setTo(cv::GC_BGD);
        const PromptBox& b = *prompts.box;
        const cv::Rect box =
            clipped(cv::Rect(toWork(b.x0, b.y0), toWork(b.x1, b.y1)), work.cols, work.rows);
        mask(box).setTo(cv::GC_PR_FGD);
        if (box.area() >= work.cols * work.rows - 8) {
            // The box fills the region (it touches the image borders): the frame stays
            // probable background, or GrabCut has no background sample at all.
            cv::rectangle(mask, cv::Rect(0, 0, work.cols, work.rows), cv::GC_PR_BGD, 2);
        }
    }
    const int certain = std::max(2, int(std::lround(0.012 * side)));
    const int probable = std::max(6, int(std::lround(0.12 * side)));
    std::vector<cv::Point> seeds;
    if (!prompts.box) {
        for (const auto& p : prompts.points)
            if (p.foreground)
                markSimilarColours(work, toWork(p.x, p.y), certain, probable, mask);
    }
    for (const auto& p : prompts.points) {
        const cv::Point c = toWork(p.x, p.y);
        cv::circle(mask, c, certain, p.foreground ? cv::GC_FGD : cv::GC_BGD, cv::FILLED);
        if (p.foreground)
            seeds.push_back(c);
    }

    const int fgSamples = cv::countNonZero((mask == cv::GC_FGD) | (mask == cv::GC_PR_FGD));
    const int bgSamples = int(mask.total()) - fgSamples;
    if (fgSamples == 0 || bgSamples == 0)
        return cv::Mat();
    try {
        cv::Mat bgdModel, fgdModel;
        cv::grabCut(work, mask, cv::Rect(), bgdModel, fgdModel, options.iterations,
                    cv::GC_INIT_WITH_MASK);
    } catch (const cv::Exception& e) {
        return Error::runtime(std::string("GrabCut failed: ") + e.what());
    }
    cv::Mat fg = ((mask == cv::GC_FGD) | (mask == cv::GC_PR_FGD));
    if (!prompts.box)
        keepSeededComponents(fg, seeds);
    // Back to the region's resolution with smooth borders: linear upscaling, cut at half.
    cv::Mat up;
    cv::resize(fg, up, roi.size(), 0, 0, cv::INTER_LINEAR);
    return cv::Mat(up > 127);
}

}  // namespace

GrabCutEngine::GrabCutEngine(GrabCutOptions options) : m_options(options) {}

Expected<std::shared_ptr<ImageSession>> GrabCutEngine::encode(const RgbImage& image,
                                                              const EncodeControl& control) {
    if (!image.complete())
        return Error::invalid("GrabCut: empty or short image");
    if (control.cancel && control.cancel->load())
        return Error{Error::Kind::Cancelled, "encoding cancelled"};
    cv::Mat rgb(image.height, image.width, CV_8UC3, const_cast<std::uint8_t*>(image.data()),
                image.rowBytes());
    cv::Mat bgr;
    cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
    if (control.progress)
        control.progress(1, 1);
    return std::shared_ptr<ImageSession>(std::make_shared<GrabCutSession>(std::move(bgr)));
}

Expected<SegmentResult> GrabCutEngine::predict(ImageSession& session, const PromptSet& prompts) {
    auto* s = dynamic_cast<GrabCutSession*>(&session);
    if (!s)
        return Error::invalid("GrabCut: the image session belongs to another engine");
    if (prompts.empty())
        return Error::invalid("GrabCut: no prompt");
    const int w = s->width(), h = s->height();

    MaskCandidate candidate;
    candidate.score = std::numeric_limits<float>::quiet_NaN();
    candidate.logits = LogitMap(w, h);
    SegmentResult prediction;
    cv::Rect roi = regionOfInterest(prompts, w, h, 0.3f);
    if (roi.width < 2 || roi.height < 2) {
        // Only background points, or a box outside the image: nothing is selected.
        prediction.candidates.push_back(std::move(candidate));
        return prediction;
    }
    auto fg = segmentRegion(s->bgr, roi, prompts, m_options);
    if (fg && !fg->empty() && !prompts.box && touchesInnerBorder(*fg, roi, w, h)) {
        // The object runs out of the region around the clicks: once more on the whole image.
        roi = cv::Rect(0, 0, w, h);
        fg = segmentRegion(s->bgr, roi, prompts, m_options);
    }
    if (!fg)
        return fg.error();
    if (!fg->empty()) {
        cv::Mat full = cv::Mat::zeros(h, w, CV_8UC1);
        fg->copyTo(full(roi));
        const int pad = int(LogitMap::kMaxThreshold) + 2;
        const cv::Rect band =
            clipped({roi.x - pad, roi.y - pad, roi.width + 2 * pad, roi.height + 2 * pad}, w, h);
        writeSignedDistance(full, band, candidate.logits);
    }
    prediction.candidates.push_back(std::move(candidate));
    return prediction;
}

}  // namespace samdesk
