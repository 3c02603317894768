// The batched one-point decoder: the tokens of every prompt go through the decoder's own modules
// as one batch; each prompt's image tokens are updated on one thread (at::parallel_for over the
// prompts, every product single-threaded inside it), with the folded attentions of the header.
#include "core/sam/model/pointbatchdecoder.h"

#include <ATen/Parallel.h>
#include <ATen/record_function.h>

#include <cmath>

#include "core/sam/model/sammodel.h"
#include "core/sam/runtime/cpukernels.h"
#include "core/sam/runtime/fastgemm.h"

namespace samdesk {

namespace {

template <typename M>
std::shared_ptr<M> submodule(torch::nn::Module& root, const std::string& name) {
    for (const auto& item : root.named_modules("", /*include_self=*/false)) {
        if (item.key() != name)
            continue;
        auto module = std::dynamic_pointer_cast<M>(item.value());
        TORCH_CHECK(module, "PointBatchDecoder: module ", name, " has an unexpected type");
        return module;
    }
    TORCH_CHECK(false, "PointBatchDecoder: the decoder has no module ", name);
}

torch::Tensor tensorOf(torch::nn::Module& root, const std::string& name) {
    const auto parameters = root.named_parameters(/*recurse=*/true);
    if (const auto* p = parameters.find(name))
        return *p;
    TORCH_CHECK(false, "PointBatchDecoder: the model has no parameter ", name);
}

void multiply(bool transposedB, std::int64_t m, std::int64_t n, std::int64_t k, const float* a,
              std::int64_t lda, const float* b, std::int64_t ldb, float beta, float* c,
              std::int64_t ldc) {
    gemm::multiply(gemm::Inputs::Float32, transposedB, m, n, k, 1.0f, a, lda, b, ldb, beta, c, ldc);
}

// Image tokens per block: a block's rows, their positions and scores stay in the core's cache
// through every step of a pass instead of streaming the 4 MB token matrix once per step.
constexpr std::int64_t kBlockRows = 256;

// Scratch of the calling thread, kept between calls (fresh pages cost page faults).
float* scratch(std::vector<float>& buffer, std::int64_t floats) {
    if (buffer.size() < static_cast<std::size_t>(floats))
        buffer.resize(static_cast<std::size_t>(floats));
    return buffer.data();
}

}  // namespace

// One prompt's image side of one layer: its image -> token attention updates the image tokens
// x (N, P) in place (from the image's own tokens for the first layer), then the next token ->
// image attention's softmax rows times the new tokens go to sx (C, P). C = H x Nt rows (h, t).
void PointBatchDecoder::ImagePass::run(float* x, const float* mixer, const float* offset,
                                       const float* values, const float* rows, float* sx) const {
    thread_local std::vector<float> positionsBuffer, scoresBuffer, nextBuffer;
    const std::int64_t C = H * Nt, K = first ? D : P;
    float* withPositions = scratch(positionsBuffer, kBlockRows * P);
    float* scores = scratch(scoresBuffer, C * kBlockRows);
    float* next = scratch(nextBuffer, C * N);  // the next attention's scores, (C, N)
    for (std::int64_t n0 = 0; n0 < N; n0 += kBlockRows) {
        const std::int64_t nb = std::min(kBlockRows, N - n0);
        float* xb = x + n0 * P;
        const float* pe = positions + n0 * P;
        // Scores (C, nb): the prompt's token rows against this block's image queries.
        const float* queries = imageQueries + n0 * D;
        if (!first) {
            for (std::int64_t j = 0; j < nb * P; ++j)
                withPositions[j] = xb[j] + pe[j];
            queries = withPositions;
        }
        multiply(true, C, nb, K, mixer, K, queries, K, 0.0f, scores, nb);
        if (offset)
            for (std::int64_t r = 0; r < C; ++r)
                for (std::int64_t j = 0; j < nb; ++j)
                    scores[r * nb + j] += offset[r];
        for (std::int64_t h = 0; h < H; ++h)  // over each head's Nt tokens, per image token
            kernels::softmaxColumns(scores + h * Nt * nb, static_cast<int>(Nt), nb, nb);
        // x = norm(x + a^T values)
        if (first)
            std::copy(imageKeys + n0 * P, imageKeys + (n0 + nb) * P, xb);
        gemm::multiplyTransposedA(false, nb, P, C, 1.0f, scores, nb, values, P, 1.0f, xb, P);
        kernels::layerNormRows(xb, nb, P, normWeight, normBias, eps, xb, nullptr);
        // The next attention's scores of this block: rows (x + pe)^T.
        for (std::int64_t j = 0; j < nb * P; ++j)
            withPositions[j] = xb[j] + pe[j];
        multiply(true, C, nb, P, rows, P, withPositions, P, 0.0f, next + n0, N);
    }
    kernels::softmaxRows(next, C, static_cast<int>(N), N);
    multiply(false, C, P, N, next, N, x, P, 0.0f, sx, P);
}

PointBatchDecoder::PointBatchDecoder(SamModelImpl& model)
    : m_config(model.config())
    , m_heads(m_config.decoderHeads)
    , m_headDim(m_config.crossAttentionDim / m_config.decoderHeads)
    , m_cross(m_config.crossAttentionDim)
    , m_decoder(model.maskDecoder.get()) {
    auto& prompts = *model.promptEncoder;
    auto& decoder = *model.maskDecoder;
    m_positions = submodule<PositionEncodingImpl>(prompts, "positional_encoding");
    m_foreground = tensorOf(prompts, "token_embeddings.foreground_point");
    m_padding = tensorOf(prompts, "token_embeddings.padding_point");
    m_outputTokens =
        torch::cat({tensorOf(decoder, "iou_token"), tensorOf(decoder, "mask_tokens")}, 0);
    for (int i = 0; i < m_config.decoderDepth; ++i) {
        const std::string l = "transformer.layers." + std::to_string(i) + ".";
        Layer layer;
        layer.selfAttention = submodule<DecoderAttentionImpl>(decoder, l + "self_attention");
        layer.selfNorm = submodule<LayerNormImpl>(decoder, l + "self_attention_norm");
        layer.tokenToImage = attention(decoder, l + "token_to_image");
        layer.tokenToImageNorm = submodule<LayerNormImpl>(decoder, l + "token_to_image_norm");
        layer.mlp = submodule<MlpImpl>(decoder, l + "mlp");
        layer.mlpNorm = submodule<LayerNormImpl>(decoder, l + "mlp_norm");
        layer.imageToToken = attention(decoder, l + "image_to_token");
        layer.imageToTokenNorm = submodule<LayerNormImpl>(decoder, l + "image_to_token_norm");
        m_layers.push_back(layer);
    }
    TORCH_CHECK(!m_layers.empty(), "PointBatchDecoder: a decoder without layers");
    m_final = attention(decoder, "transformer.final_token_to_image");
    m_finalNorm = submodule<LayerNormImpl>(decoder, "transformer.final_norm");
    for (int i = 0; i < m_config.numMaskTokens; ++i)
        m_hypernetworks.push_back(
            submodule<MlpImpl>(decoder, "hypernetworks." + std::to_string(i)));
    m_iouHead = submodule<MlpImpl>(decoder, "iou_head");
    // The upscaler's transposed convolutions (kernel = stride = 2) as GEMMs over channels-last
    // pixels, as MaskDecoder's CPU path: (in, out, 2, 2) -> (in, 2 * 2 * out).
    const auto packed = [](const torch::Tensor& w) {
        return w.permute({0, 2, 3, 1}).reshape({w.size(0), -1}).contiguous();
    };
    const auto deconv1 = submodule<ConvTranspose2dImpl>(decoder, "upscaler.deconv1");
    const auto deconv2 = submodule<ConvTranspose2dImpl>(decoder, "upscaler.deconv2");
    const auto upNorm = submodule<LayerNorm2dImpl>(decoder, "upscaler.norm");
    m_up.w1 = packed(deconv1->weight);
    m_up.b1 = deconv1->bias.contiguous();
    m_up.w2 = packed(deconv2->weight);
    m_up.b2 = deconv2->bias.contiguous();
    m_up.normWeight = upNorm->weight.reshape({-1}).contiguous();
    m_up.normBias = upNorm->bias.reshape({-1}).contiguous();
    m_up.eps = static_cast<float>(upNorm->eps);
}

PointBatchDecoder::Attention PointBatchDecoder::attention(torch::nn::Module& root,
                                                          const std::string& name) {
    Attention a;
    a.module = submodule<DecoderAttentionImpl>(root, name);
    const auto q = submodule<LinearImpl>(root, name + ".q_proj");
    const auto k = submodule<LinearImpl>(root, name + ".k_proj");
    const auto v = submodule<LinearImpl>(root, name + ".v_proj");
    a.out = submodule<LinearImpl>(root, name + ".out_proj");
    a.wq = q->weight;
    a.bq = q->bias;
    a.wk = k->weight;
    a.wv = v->weight;
    a.bv = v->bias;
    a.wo = a.out->weight;
    a.bo = a.out->bias;
    return a;
}

torch::Tensor PointBatchDecoder::embedPoints(const torch::Tensor& normalised) const {
    // The reference: the Fourier features of the point plus the foreground embedding; the
    // padding point's features are replaced by the padding embedding altogether.
    const auto point = m_positions->encode(normalised) + m_foreground;  // (B, P)
    return torch::stack({point, m_padding.expand_as(point)}, 1);
}

// The per-head products below batch over the heads, (H, B * Nt, .) x (H, ., .): one bmm with
// the weights as they are (a broadcast matmul would copy them once per prompt).
torch::Tensor PointBatchDecoder::headRows(const torch::Tensor& x,
                                          const torch::Tensor& weight) const {
    const auto B = x.size(0), Nt = x.size(1), P = weight.size(1);
    const double alpha = 1.0 / std::sqrt(static_cast<double>(m_headDim));
    const auto heads = x.reshape({B * Nt, m_heads, m_headDim}).transpose(0, 1);  // (H, B Nt, hd)
    return (torch::bmm(heads, weight.view({m_heads, m_headDim, P})) * alpha)     // (H, B Nt, P)
        .view({m_heads, B, Nt, P})
        .permute({1, 0, 2, 3})
        .reshape({B, m_heads * Nt, P})
        .contiguous();
}

torch::Tensor PointBatchDecoder::headValues(const torch::Tensor& v,
                                            const torch::Tensor& weight) const {
    // v (B, Nt, D), W_o (P, D): rows (h, t) = v_h W_o,h^T, (B, H * Nt, P).
    const auto B = v.size(0), Nt = v.size(1), P = weight.size(0);
    const auto heads = v.reshape({B * Nt, m_heads, m_headDim}).transpose(0, 1);  // (H, B Nt, hd)
    const auto w = weight.view({P, m_heads, m_headDim}).permute({1, 2, 0});      // (H, hd, P)
    return torch::bmm(heads, w)
        .view({m_heads, B, Nt, P})
        .permute({1, 0, 2, 3})
        .reshape({B, m_heads * Nt, P});
}

torch::Tensor PointBatchDecoder::attendedTokens(const Attention& a, const torch::Tensor& sx) const {
    const auto B = sx.size(0), P = sx.size(2), Nt = sx.size(1) / m_heads;
    const auto rows = sx.view({B, m_heads, Nt, P}).transpose(0, 1).reshape({m_heads, B * Nt, P});
    auto o = torch::bmm(rows, a.wv.view({m_heads, m_headDim, P}).transpose(1, 2));  // (H, B Nt, hd)
    o = o + a.bv.view({m_heads, 1, m_headDim});
    return a.out->forward(
        o.view({m_heads, B, Nt, m_headDim}).permute({1, 2, 0, 3}).reshape({B, Nt, m_cross}));
}

PointBatchDecoder::Output PointBatchDecoder::forward(const MaskDecoderImpl::Prepared& prepared,
                                                     const torch::Tensor& sparse) {
    if (sparse.is_cpu())
        return forwardCpu(prepared, sparse);
    const auto out = m_decoder->forward(prepared, sparse, /*multimask=*/true);
    Output o;
    o.iou = out.iou;
    o.lowRes = out.lowResLogits;
    return o;
}

PointBatchDecoder::Output PointBatchDecoder::forwardCpu(const MaskDecoderImpl::Prepared& prepared,
                                                        const torch::Tensor& sparse) {
    RECORD_FUNCTION("samdesk::point batch decoder", std::vector<c10::IValue>());
    const std::int64_t B = sparse.size(0);
    const auto tokens =
        torch::cat({m_outputTokens.unsqueeze(0).expand({B, -1, -1}), sparse}, 1);  // (B, Nt, P)
    const std::int64_t Nt = tokens.size(1), P = tokens.size(2), N = prepared.keys.size(1);
    const std::int64_t H = m_heads, hd = m_headDim, D = m_cross, C = H * Nt;
    const float alpha = static_cast<float>(1.0 / std::sqrt(static_cast<double>(hd)));
    const auto keys0 = prepared.keys.contiguous(), keyPe = prepared.keyPe.contiguous();
    const auto query0 = prepared.first.imageToTokenQ.contiguous();  // (1, N, D)
    auto x = torch::empty({B, N, P});                               // each prompt's image tokens
    auto sx = torch::empty({B, C, P});  // token -> image softmax rows times the image tokens

    // Layer 0 up to its image -> token attention: its token -> image keys are the image's alone.
    const Layer& first = m_layers.front();
    auto q = first.selfNorm->forward(first.selfAttention->forward(tokens, tokens, tokens));
    {
        const auto qp = first.tokenToImage.module->projectQ(q + tokens).reshape({1, B * Nt, D});
        const auto attended = first.tokenToImage.module->forwardProjected(
            qp, prepared.first.tokenToImageK, prepared.first.tokenToImageV);
        q = first.tokenToImageNorm->forward(q + attended.view({B, Nt, P}));
    }
    q = first.mlpNorm->forward(q + first.mlp->forward(q));

    for (std::size_t i = 0; i < m_layers.size(); ++i) {
        const Layer& layer = m_layers[i];
        if (i > 0) {  // the rest of this layer's token -> image attention, then its MLP
            q = layer.tokenToImageNorm->forward(q + attendedTokens(layer.tokenToImage, sx));
            q = layer.mlpNorm->forward(q + layer.mlp->forward(q));
        }
        // Image -> token: per head, scores (x + pe) W_q^T k^T + b_q k^T, computed transposed
        // (the prompt's 7 tokens down, the image tokens along); the output sum_h a_h (v_h W_o,h^T)
        // + b_o, with b_o / H folded into each head's rows (each head's softmax sums to 1).
        const Attention& i2t = layer.imageToToken;
        const auto k = i2t.module->projectK(q + tokens);  // (B, Nt, D)
        const auto v = i2t.module->projectV(q);
        torch::Tensor mixer, offset;  // (B, C, D or P) and (B, C)
        if (i == 0) {
            // The image's queries are known (prepare()): a block-diagonal (C, D) per prompt.
            mixer = torch::zeros({B, H, Nt, H, hd});
            const auto kh = k.view({B, Nt, H, hd}) * alpha;
            for (std::int64_t h = 0; h < H; ++h)
                mixer.select(1, h).select(2, h).copy_(kh.select(2, h));
            mixer = mixer.view({B, C, D});
        } else {
            mixer = headRows(k, i2t.wq);
            offset = ((k.view({B, Nt, H, hd}) * i2t.bq.view({1, 1, H, hd})).sum(-1) * alpha)
                         .permute({0, 2, 1})
                         .reshape({B, C})
                         .contiguous();
        }
        const auto values =
            (headValues(v, i2t.wo) + i2t.bo / static_cast<double>(H)).contiguous();  // (B, C, P)
        // The next token -> image attention's score rows: the next layer's self-attention first
        // (it needs the tokens only), or the final attention.
        torch::Tensor rows;
        if (i + 1 < m_layers.size()) {
            const Layer& next = m_layers[i + 1];
            const auto qq = q + tokens;
            q = next.selfNorm->forward(q + next.selfAttention->forward(qq, qq, q));
            rows = headRows(next.tokenToImage.module->projectQ(q + tokens), next.tokenToImage.wk);
        } else {
            rows = headRows(m_final.module->projectQ(q + tokens), m_final.wk);
        }

        const auto& norm = *layer.imageToTokenNorm;
        ImagePass pass;
        pass.first = i == 0;
        pass.normWeight = norm.weight.data_ptr<float>();
        pass.normBias = norm.bias.data_ptr<float>();
        pass.eps = static_cast<float>(norm.eps);
        pass.imageKeys = keys0.data_ptr<float>();
        pass.positions = keyPe.data_ptr<float>();
        pass.imageQueries = query0.data_ptr<float>();
        pass.N = N;
        pass.P = P;
        pass.D = D;
        pass.Nt = Nt;
        pass.H = H;
        RECORD_FUNCTION("samdesk::point batch image tokens", std::vector<c10::IValue>());
        at::parallel_for(0, B, 1, [&](std::int64_t begin, std::int64_t end) {
            for (std::int64_t b = begin; b < end; ++b)
                pass.run(x.data_ptr<float>() + b * N * P,
                         mixer.data_ptr<float>() + b * mixer.size(1) * mixer.size(2),
                         offset.defined() ? offset.data_ptr<float>() + b * C : nullptr,
                         values.data_ptr<float>() + b * C * P, rows.data_ptr<float>() + b * C * P,
                         sx.data_ptr<float>() + b * C * P);
        });
    }
    q = m_finalNorm->forward(q + attendedTokens(m_final, sx));

    Output out;
    out.iou = m_iouHead->forward(q.select(1, 0)).slice(1, 1).contiguous();
    std::vector<torch::Tensor> hyper;
    for (std::size_t t = 1; t < m_hypernetworks.size(); ++t)
        hyper.push_back(m_hypernetworks[t]->forward(q.select(1, static_cast<std::int64_t>(1 + t))));
    out.hyper = torch::stack(hyper, 1).contiguous();  // (B, 3, P/8)
    out.imageTokens = x;
    return out;
}

void PointBatchDecoder::masks(const Output& out, const std::vector<std::int64_t>& which,
                              float* result) {
    const auto K = static_cast<std::int64_t>(which.size());
    if (K == 0)
        return;
    if (out.lowRes.defined()) {
        const auto index = torch::tensor(which, torch::kInt64).to(out.lowRes.device());
        const auto picked = out.lowRes.index_select(0, index).to(torch::kCPU, torch::kFloat32);
        torch::from_blob(result, picked.sizes()).copy_(picked);
        return;
    }
    const std::int64_t G = m_config.gridSize(), T = out.hyper.size(1);
    const std::int64_t plane = T * 16 * G * G;
    RECORD_FUNCTION("samdesk::point batch masks", std::vector<c10::IValue>());
    at::parallel_for(0, K, 1, [&](std::int64_t begin, std::int64_t end) {
        for (std::int64_t k = begin; k < end; ++k) {
            const std::int64_t b = which[static_cast<std::size_t>(k)];
            upscale(out.imageTokens[b].data_ptr<float>(), out.hyper[b].contiguous(),
                    result + k * plane);
        }
    });
}

void PointBatchDecoder::upscale(const float* image, const torch::Tensor& hyper,
                                float* masks) const {
    // Per block of image tokens: deconv1 (one GEMM), LayerNorm and GELU per output pixel,
    // deconv2, GELU, the hypernetwork product; every token's 16 output pixels depend on it alone.
    constexpr std::int64_t kTokens = 64;
    const std::int64_t G = m_config.gridSize(), N = G * G, P = m_up.w1.size(0);
    const std::int64_t c1 = m_up.b1.size(0), c2 = m_up.b2.size(0), T = hyper.size(0);
    const std::int64_t side = 4 * G;
    thread_local std::vector<float> b1Buffer, b2Buffer, b3Buffer;
    float* y1 = scratch(b1Buffer, kTokens * 4 * c1);
    float* y2 = scratch(b2Buffer, kTokens * 16 * c2);
    float* y3 = scratch(b3Buffer, kTokens * 16 * T);
    const float* bias1 = m_up.b1.data_ptr<float>();
    const float* bias2 = m_up.b2.data_ptr<float>();
    for (std::int64_t n0 = 0; n0 < N; n0 += kTokens) {
        const std::int64_t nb = std::min(kTokens, N - n0);
        multiply(false, nb, 4 * c1, P, image + n0 * P, P, m_up.w1.data_ptr<float>(), 4 * c1, 0.0f,
                 y1, 4 * c1);
        for (std::int64_t r = 0; r < 4 * nb; ++r)
            for (std::int64_t c = 0; c < c1; ++c)
                y1[r * c1 + c] += bias1[c];
        kernels::layerNormRows(y1, 4 * nb, c1, m_up.normWeight.data_ptr<float>(),
                               m_up.normBias.data_ptr<float>(), m_up.eps, y1, nullptr);
        kernels::geluInPlace(y1, 4 * nb * c1);
        multiply(false, 4 * nb, 4 * c2, c1, y1, c1, m_up.w2.data_ptr<float>(), 4 * c2, 0.0f, y2,
                 4 * c2);
        for (std::int64_t r = 0; r < 16 * nb; ++r)
            for (std::int64_t c = 0; c < c2; ++c)
                y2[r * c2 + c] += bias2[c];
        kernels::geluInPlace(y2, 16 * nb * c2);
        // (T, 16 nb): the masks along the rows (a product 16 nb wide instead of T = 3 wide).
        multiply(true, T, 16 * nb, c2, hyper.data_ptr<float>(), c2, y2, c2, 0.0f, y3, 16 * nb);
        // Pixel (n, kh, kw, kh2, kw2) of token n = (h, w) is (4h + 2kh + kh2, 4w + 2kw + kw2).
        for (std::int64_t t = 0; t < T; ++t) {
            const float* v = y3 + t * 16 * nb;
            float* plane = masks + t * side * side;
            for (std::int64_t j = 0; j < nb; ++j) {
                const std::int64_t h = (n0 + j) / G, w = (n0 + j) % G;
                for (int sub = 0; sub < 16; ++sub) {
                    const int kh = sub >> 3 & 1, kw = sub >> 2 & 1, kh2 = sub >> 1 & 1,
                              kw2 = sub & 1;
                    plane[(4 * h + 2 * kh + kh2) * side + 4 * w + 2 * kw + kw2] = v[j * 16 + sub];
                }
            }
        }
    }
}

}  // namespace samdesk
