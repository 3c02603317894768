// Synthetic checkpoint generation. Own normal sampler (Box-Muller over mt19937_64) because
// std::normal_distribution differs between standard libraries and the files should not.
#include "core/checkpoint/synthcheckpoint.h"

#include <cmath>
#include <map>
#include <random>
#include <vector>

#include "core/checkpoint/keyconversion.h"
#include "core/checkpoint/safetensorswriter.h"

namespace samdesk {

namespace {

class NormalSampler {
public:
    explicit NormalSampler(std::uint64_t seed) : m_engine(seed) {}
    float next() {
        if (m_hasSpare) {
            m_hasSpare = false;
            return m_spare;
        }
        // u1 in (0, 1]: log(u1) is finite.
        const double u1 = (static_cast<double>(m_engine() >> 11) + 1.0) * 0x1.0p-53;
        const double u2 = static_cast<double>(m_engine() >> 11) * 0x1.0p-53;
        const double r = std::sqrt(-2.0 * std::log(u1));
        m_spare = static_cast<float>(r * std::sin(2.0 * M_PI * u2));
        m_hasSpare = true;
        return static_cast<float>(r * std::cos(2.0 * M_PI * u2));
    }

private:
    std::mt19937_64 m_engine;
    float m_spare = 0;
    bool m_hasSpare = false;
};

bool endsWith(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() &&
           s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// LayerNorm and LayerNorm2d weights by their converted names: set to 1, their biases to 0.
bool isNorm(const KeySpec& spec) {
    const auto& c = spec.converted;
    const auto dot = c.rfind('.');
    const std::string module = dot == std::string::npos ? c : c.substr(0, dot);
    return endsWith(module, "norm") || endsWith(module, "norm1") || endsWith(module, "norm2");
}

void fill(const KeySpec& spec, std::vector<float>& out, NormalSampler& rng) {
    const auto& shape = spec.originalShape;
    const bool bias = endsWith(spec.original, ".bias");
    if (isNorm(spec)) {
        std::fill(out.begin(), out.end(), bias ? 0.0f : 1.0f);
        return;
    }
    float scale = 1.0f;
    if (bias) {
        scale = 0.02f;
    } else if (endsWith(spec.original, ".weight") && shape.size() >= 2 &&
               spec.original.find("point_embeddings") == std::string::npos &&
               spec.original.find("not_a_point") == std::string::npos &&
               spec.original.find("no_mask_embed") == std::string::npos &&
               !endsWith(spec.original, "iou_token.weight") &&
               !endsWith(spec.original, "mask_tokens.weight")) {
        // Linear (out, in) and Conv2d (out, in, k, k): fan in = in * k * k. ConvTranspose2d
        // (in, out, k, k) is close enough with the same formula for a random model.
        const double fanIn = static_cast<double>(shapeNumel(shape)) / shape[0];
        scale = static_cast<float>(1.0 / std::sqrt(fanIn));
    } else if (endsWith(spec.original, "pos_embed") ||
               spec.original.find("rel_pos") != std::string::npos) {
        scale = 0.02f;
    }
    for (auto& v : out)
        v = rng.next() * scale;
}

}  // namespace

Expected<SamConfig> synthConfig(const std::string& variant) {
    if (variant == "vit_b")
        return samConfigVitB();
    if (variant == "vit_l")
        return samConfigVitL();
    if (variant == "vit_h")
        return samConfigVitH();
    if (variant == "tiny") {
        // tests/data/samv1-tiny/checkpoint.pth as detection reads it (its config.json's "mlp" is
        // the decoder's MLP; the encoder's is 4x the width, as in the released models). The
        // other fields are the SamConfig defaults, as in that file. tst_samcheckpoint compares.
        SamConfig c;
        c.imageSize = 256;
        c.embedDim = 64;
        c.depth = 4;
        c.numHeads = 2;
        c.mlpDim = 256;
        c.globalBlocks = {1, 3};
        c.windowSize = 6;
        c.promptDim = 32;
        c.maskInChans = 4;
        c.decoderMlpDim = 64;
        c.crossAttentionDim = 16;
        c.iouHeadHiddenDim = 32;
        c.variant = samVariantName(c);
        return c;
    }
    return Error::invalid("unknown variant '" + variant + "' (vit_b, vit_l, vit_h or tiny)");
}

Status writeSynthCheckpoint(const SamConfig& config, std::uint64_t seed,
                            const std::filesystem::path& path) {
    const auto specs = samKeySpecs(config);
    NormalSampler rng(seed);
    std::vector<std::vector<float>> values(specs.size());
    std::vector<SafetensorsEntry> entries;
    entries.reserve(specs.size());
    for (std::size_t i = 0; i < specs.size(); ++i) {
        values[i].resize(static_cast<std::size_t>(shapeNumel(specs[i].originalShape)));
        fill(specs[i], values[i], rng);
        entries.push_back({specs[i].original, DType::Float32, specs[i].originalShape,
                           values[i].data(), values[i].size() * sizeof(float)});
    }
    const std::map<std::string, std::string> metadata{
        {"format", "pt"},
        {"samdesk.synthetic", "RANDOM weights (samdesk-cli synth), seed " + std::to_string(seed)}};
    return writeSafetensors(path, entries, metadata);
}

}  // namespace samdesk
