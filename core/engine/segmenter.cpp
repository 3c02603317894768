// Helpers shared by the engines.
#include "core/engine/segmenter.h"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <cmath>

namespace samdesk {

LogitMap SegmentResult::fullLogits(int index) const {
    if (index < 0 || index >= int(candidates.size()))
        return {};
    const MaskCandidate& c = candidates[std::size_t(index)];
    if (!c.logits.empty() || !upscaler)
        return c.logits;
    return upscaler->full(c.lowRes);
}

int bestCandidate(const std::vector<MaskCandidate>& candidates) {
    int best = 0;
    for (int i = 1; i < int(candidates.size()); ++i) {
        const float s = candidates[i].score;
        const float b = candidates[best].score;
        if (!std::isnan(s) && (std::isnan(b) || s > b))
            best = i;
    }
    return best;
}

Expected<SegmentResult> predictSteps(Segmenter& engine, ImageSession& session,
                                     const std::vector<PromptSet>& steps) {
    if (steps.empty())
        return Error::invalid("no prompts to decode");
    SegmentResult last;
    for (std::size_t i = 0; i < steps.size(); ++i) {
        PromptSet step = steps[i];
        if (i > 0 && engine.acceptsMaskInput()) {
            step.maskInput = last.candidates[std::size_t(last.best)].lowRes;
            if (!step.maskInput.empty())
                step.multimask = false;  // one mask once the earlier one says which is meant
        }
        auto r = engine.predict(session, step);
        if (!r)
            return r.error();
        if (r->candidates.empty())
            return Error::runtime(engine.name() + " returned no mask");
        last = std::move(r.value());
        last.best = std::clamp(last.best, 0, int(last.candidates.size()) - 1);
    }
    return last;
}

LowResLogits maskToLowRes(const std::uint8_t* mask, int width, int height, MaskFrame frame,
                          float magnitude) {
    LowResLogits out;
    if (frame.side <= 0 || frame.inputSize <= 0 || width <= 0 || height <= 0)
        return out;
    // The image part of the frame, as the predictor resizes: longer side = inputSize.
    const double scale = double(frame.inputSize) / double(std::max(width, height));
    const int newW = int(width * scale + 0.5), newH = int(height * scale + 0.5);
    const double cell = double(frame.side) / double(frame.inputSize);
    const int w = std::clamp(int(std::lround(newW * cell)), 1, frame.side);
    const int h = std::clamp(int(std::lround(newH * cell)), 1, frame.side);
    cv::Mat src(height, width, CV_8UC1, const_cast<std::uint8_t*>(mask));
    cv::Mat binary = src != 0;
    cv::Mat share;
    binary.convertTo(share, CV_32F, 1.0 / 255.0);
    cv::Mat small;
    cv::resize(share, small, cv::Size(w, h), 0, 0, cv::INTER_AREA);
    out.width = out.height = frame.side;
    out.values.assign(std::size_t(frame.side) * frame.side, -magnitude);
    for (int y = 0; y < h; ++y) {
        const float* row = small.ptr<float>(y);
        for (int x = 0; x < w; ++x)
            out.values[std::size_t(y) * frame.side + x] = (2.f * row[x] - 1.f) * magnitude;
    }
    return out;
}

}  // namespace samdesk
