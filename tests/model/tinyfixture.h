// The tiny SAM fixtures (outputs of the original implementation) for the model tests: cases,
// expected tensors, images. Shared by the tests of this folder.
#pragma once

#include <QString>

#include <opencv2/core.hpp>

#include <string>
#include <vector>

#include "core/checkpoint/tensorrecord.h"
#include "core/sam/predictor/predictor.h"

namespace samdesk::test {

QString tinyPath(const QString& file);  // tests/data/samv1-tiny/<file>

struct FixtureCase {
    std::string image;          // "image_a.png"
    std::string name;           // "one_fg_point"
    std::string key;            // "image_a/one_fg_point"
    std::string maskInputFrom;  // earlier case name, or empty
    PromptSet prompts;          // without the mask input
};
std::vector<FixtureCase> fixtureCases();

// expected.safetensors, read once.
class ExpectedTensors {
public:
    static const ExpectedTensors& instance();
    bool has(const std::string& name) const;
    Shape shape(const std::string& name) const;
    std::vector<float> floats(const std::string& name) const;
    std::vector<std::uint8_t> bytes(const std::string& name) const;

private:
    ExpectedTensors();
    StateDict m_dict;
};

// Decoded with OpenCV exactly as stored (8/16 bit, 1/3/4 channels, BGR order).
cv::Mat readImage(const QString& path);
ImageView viewOf(const cv::Mat& image);

// Options with dtype float32 (the reference's precision; the default "auto" may pick bfloat16).
PredictorOptions float32Options();

// The tiny predictor on `checkpoint` (default: the fixture's checkpoint.pth); QFAIL-friendly.
std::unique_ptr<Predictor> loadTiny(const QString& checkpoint = {},
                                    const PredictorOptions& options = float32Options());

float maxAbsDiff(const std::vector<float>& a, const std::vector<float>& b);

// Pixels where (a > 0) != (b > 0), not counting those where |reference| < band.
std::size_t maskMismatches(const std::vector<float>& logits, const std::vector<float>& reference,
                           float band);
// IoU of the binary masks (logits > 0) of two same-sized planes; 1 when both are empty.
double maskIou(const float* a, const float* b, std::size_t n);

}  // namespace samdesk::test
