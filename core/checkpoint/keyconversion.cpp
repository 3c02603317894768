// The original -> converted name table, generated from the config.
#include "core/checkpoint/keyconversion.h"

namespace samdesk {

namespace {

using S = Shape;

class TableBuilder {
public:
    explicit TableBuilder(std::vector<KeySpec>& out) : m_out(out) {}

    void add(const std::string& original, const std::string& converted, S shape) {
        m_out.push_back({original, converted, shape, shape});
    }
    void addReshaped(const std::string& original, const std::string& converted, S from, S to) {
        m_out.push_back({original, converted, std::move(from), std::move(to)});
    }
    // weight (out, in) and bias (out)
    void linear(const std::string& o, const std::string& c, std::int64_t in, std::int64_t out) {
        add(o + ".weight", c + ".weight", {out, in});
        add(o + ".bias", c + ".bias", {out});
    }
    void layerNorm(const std::string& o, const std::string& c, std::int64_t n) {
        add(o + ".weight", c + ".weight", {n});
        add(o + ".bias", c + ".bias", {n});
    }
    // LayerNorm2d: (C) stored, (1, C, 1, 1) used.
    void layerNorm2d(const std::string& o, const std::string& c, std::int64_t n) {
        addReshaped(o + ".weight", c + ".weight", {n}, {1, n, 1, 1});
        addReshaped(o + ".bias", c + ".bias", {n}, {1, n, 1, 1});
    }
    void conv(const std::string& o, const std::string& c, std::int64_t in, std::int64_t out,
              std::int64_t k, bool bias) {
        add(o + ".weight", c + ".weight", {out, in, k, k});
        if (bias)
            add(o + ".bias", c + ".bias", {out});
    }
    // ConvTranspose2d stores (in, out, k, k).
    void deconv(const std::string& o, const std::string& c, std::int64_t in, std::int64_t out,
                std::int64_t k) {
        add(o + ".weight", c + ".weight", {in, out, k, k});
        add(o + ".bias", c + ".bias", {out});
    }

private:
    std::vector<KeySpec>& m_out;
};

std::string blockPrefix(const SamConfig& config, int block) {
    const auto stages = config.stages();
    for (std::size_t s = 0; s < stages.size(); ++s) {
        const std::string stage = "image_encoder.stages." + std::to_string(s) + ".";
        if (stages[s].globalBlock == block)
            return stage + "global_block";
        const auto& w = stages[s].windowedBlocks;
        for (std::size_t j = 0; j < w.size(); ++j)
            if (w[j] == block)
                return stage + "windowed_blocks." + std::to_string(j);
    }
    return {};
}

void imageEncoder(const SamConfig& cfg, TableBuilder& t) {
    const std::int64_t C = cfg.embedDim, G = cfg.gridSize(), p = cfg.patchSize, P = cfg.promptDim,
                       hd = cfg.headDim();
    t.add("image_encoder.pos_embed", "image_encoder.position_embedding", {1, G, G, C});
    t.conv("image_encoder.patch_embed.proj", "image_encoder.patch_embedding", 3, C, p, true);
    for (int i = 0; i < cfg.depth; ++i) {
        const std::string o = "image_encoder.blocks." + std::to_string(i) + ".";
        const std::string c = blockPrefix(cfg, i) + ".";
        const std::int64_t L = cfg.isGlobal(i) ? G : cfg.windowSize;
        t.layerNorm(o + "norm1", c + "attention_norm", C);
        t.linear(o + "attn.qkv", c + "attention.qkv", C, 3 * C);
        t.linear(o + "attn.proj", c + "attention.out_proj", C, C);
        t.add(o + "attn.rel_pos_h", c + "attention.rel_pos_rows", {2 * L - 1, hd});
        t.add(o + "attn.rel_pos_w", c + "attention.rel_pos_cols", {2 * L - 1, hd});
        t.layerNorm(o + "norm2", c + "mlp_norm", C);
        t.linear(o + "mlp.lin1", c + "mlp.fc1", C, cfg.mlpDim);
        t.linear(o + "mlp.lin2", c + "mlp.fc2", cfg.mlpDim, C);
    }
    t.conv("image_encoder.neck.0", "image_encoder.neck.project", C, P, 1, false);
    t.layerNorm2d("image_encoder.neck.1", "image_encoder.neck.project_norm", P);
    t.conv("image_encoder.neck.2", "image_encoder.neck.refine", P, P, 3, false);
    t.layerNorm2d("image_encoder.neck.3", "image_encoder.neck.refine_norm", P);
}

void promptEncoder(const SamConfig& cfg, TableBuilder& t) {
    const std::int64_t P = cfg.promptDim, m = cfg.maskInChans;
    t.add("prompt_encoder.pe_layer.positional_encoding_gaussian_matrix",
          "prompt_encoder.positional_encoding.gaussian_matrix", {2, P / 2});
    static const char* kPointNames[] = {"background_point", "foreground_point", "box_top_left",
                                        "box_bottom_right"};
    for (int i = 0; i < 4; ++i)
        t.add("prompt_encoder.point_embeddings." + std::to_string(i) + ".weight",
              std::string("prompt_encoder.token_embeddings.") + kPointNames[i], {1, P});
    t.add("prompt_encoder.not_a_point_embed.weight",
          "prompt_encoder.token_embeddings.padding_point", {1, P});
    const std::string o = "prompt_encoder.mask_downscaling.", c = "prompt_encoder.mask_downscaler.";
    t.conv(o + "0", c + "conv1", 1, m / 4, 2, true);
    t.layerNorm2d(o + "1", c + "norm1", m / 4);
    t.conv(o + "3", c + "conv2", m / 4, m, 2, true);
    t.layerNorm2d(o + "4", c + "norm2", m);
    t.conv(o + "6", c + "project", m, P, 1, true);
    t.addReshaped("prompt_encoder.no_mask_embed.weight", "prompt_encoder.no_mask_embedding", {1, P},
                  {1, P, 1, 1});
}

void attention(TableBuilder& t, const std::string& o, const std::string& c, std::int64_t P,
               std::int64_t D) {
    t.linear(o + ".q_proj", c + ".q_proj", P, D);
    t.linear(o + ".k_proj", c + ".k_proj", P, D);
    t.linear(o + ".v_proj", c + ".v_proj", P, D);
    t.linear(o + ".out_proj", c + ".out_proj", D, P);
}

void maskDecoder(const SamConfig& cfg, TableBuilder& t) {
    const std::int64_t P = cfg.promptDim, D = cfg.crossAttentionDim, M = cfg.decoderMlpDim;
    for (int l = 0; l < cfg.decoderDepth; ++l) {
        const std::string o = "mask_decoder.transformer.layers." + std::to_string(l) + ".";
        const std::string c = "mask_decoder.transformer.layers." + std::to_string(l) + ".";
        attention(t, o + "self_attn", c + "self_attention", P, P);
        t.layerNorm(o + "norm1", c + "self_attention_norm", P);
        attention(t, o + "cross_attn_token_to_image", c + "token_to_image", P, D);
        t.layerNorm(o + "norm2", c + "token_to_image_norm", P);
        t.linear(o + "mlp.lin1", c + "mlp.fc1", P, M);
        t.linear(o + "mlp.lin2", c + "mlp.fc2", M, P);
        t.layerNorm(o + "norm3", c + "mlp_norm", P);
        t.layerNorm(o + "norm4", c + "image_to_token_norm", P);
        attention(t, o + "cross_attn_image_to_token", c + "image_to_token", P, D);
    }
    attention(t, "mask_decoder.transformer.final_attn_token_to_image",
              "mask_decoder.transformer.final_token_to_image", P, D);
    t.layerNorm("mask_decoder.transformer.norm_final_attn", "mask_decoder.transformer.final_norm",
                P);
    const std::int64_t T = cfg.numMaskTokens, H = cfg.iouHeadHiddenDim;
    t.add("mask_decoder.iou_token.weight", "mask_decoder.iou_token", {1, P});
    t.add("mask_decoder.mask_tokens.weight", "mask_decoder.mask_tokens", {T, P});
    t.deconv("mask_decoder.output_upscaling.0", "mask_decoder.upscaler.deconv1", P, P / 4, 2);
    t.layerNorm2d("mask_decoder.output_upscaling.1", "mask_decoder.upscaler.norm", P / 4);
    t.deconv("mask_decoder.output_upscaling.3", "mask_decoder.upscaler.deconv2", P / 4, P / 8, 2);
    for (std::int64_t k = 0; k < T; ++k) {
        const std::string o = "mask_decoder.output_hypernetworks_mlps." + std::to_string(k);
        const std::string c = "mask_decoder.hypernetworks." + std::to_string(k);
        t.linear(o + ".layers.0", c + ".fc1", P, P);
        t.linear(o + ".layers.1", c + ".fc2", P, P);
        t.linear(o + ".layers.2", c + ".fc3", P, P / 8);
    }
    for (int i = 0; i < cfg.iouHeadDepth; ++i) {
        const std::int64_t in = i == 0 ? P : H;
        const std::int64_t out = i == cfg.iouHeadDepth - 1 ? T : H;
        t.linear("mask_decoder.iou_prediction_head.layers." + std::to_string(i),
                 "mask_decoder.iou_head.fc" + std::to_string(i + 1), in, out);
    }
}

}  // namespace

std::vector<KeySpec> samKeySpecs(const SamConfig& config) {
    std::vector<KeySpec> out;
    out.reserve(700);
    TableBuilder t(out);
    imageEncoder(config, t);
    promptEncoder(config, t);
    maskDecoder(config, t);
    return out;
}

}  // namespace samdesk
