// The mask decoder for many one-point prompts at once (the automatic mask generator's point
// grid): for each prompt, what MaskDecoder::forward computes for one foreground point with
// multimask output, but with the image side rearranged so that it costs a fraction of it.
//
// Every attention between the image tokens (G*G rows, P wide) and the 7 tokens of a prompt is
// rewritten with the prompt's projections folded into small matrices (exact in real arithmetic,
// float rounding apart): the token -> image scores are (q W_k) (x + pe)^T and their output
// (s x) W_v^T + b_v (the softmax rows sum to 1), the image -> token scores (x + pe) (W_q^T k^T)
// and their output sum_h a_h (v_h W_o,h^T). Per prompt and layer that is two products of the image
// tokens with 8 heads x 7 tokens = 56 columns instead of four with 128 or 256. The mask upscaler
// runs only for the prompts a caller asks masks of (masks()). The token side of every prompt of
// the batch goes through the modules of the decoder as one batch.
//
// The CPU float32 path is this one; on other devices forward() runs the decoder's own modules on
// the batch (broadcasting the image keys). Not thread-safe: one caller at a time.
#pragma once

#include <torch/torch.h>

#include <memory>
#include <vector>

#include "core/checkpoint/samconfig.h"
#include "core/sam/model/decoderattention.h"
#include "core/sam/model/layers.h"
#include "core/sam/model/maskdecoder.h"
#include "core/sam/model/mlp.h"
#include "core/sam/model/positionencoding.h"

namespace samdesk {

class SamModelImpl;

class PointBatchDecoder {
public:
    // Reads the decoder's modules and weights from `model` (bound weights: construct it after
    // binding). The model must outlive the decoder.
    explicit PointBatchDecoder(SamModelImpl& model);

    // One foreground point per prompt, as normalised model-input coordinates (x' + 0.5) / S
    // (B, 2) float32 -> the sparse prompt (B, 2, P): the point and the padding token.
    torch::Tensor embedPoints(const torch::Tensor& normalised) const;

    struct Output {
        torch::Tensor iou;          // (B, 3): multimask candidates 1..3, no sigmoid
        torch::Tensor hyper;        // (B, 3, P/8) (CPU path)
        torch::Tensor imageTokens;  // (B, G*G, P): the transformer's final image tokens (CPU)
        torch::Tensor lowRes;       // (B, 3, 4G, 4G) (other devices: every mask)
    };
    // sparse (B, 2, P) from embedPoints(); `prepared` is the image's MaskDecoder::prepare().
    Output forward(const MaskDecoderImpl::Prepared& prepared, const torch::Tensor& sparse);
    // The low-res masks of the prompts `which` (indices into the batch), (which, 3, 4G, 4G)
    // float32, into `result` (on the CPU).
    void masks(const Output& out, const std::vector<std::int64_t>& which, float* result);

private:
    struct Attention {
        std::shared_ptr<DecoderAttentionImpl> module;
        std::shared_ptr<LinearImpl> out;           // the output projection
        torch::Tensor wq, bq, wk, wv, bv, wo, bo;  // as in the Linear layers (out, in)
    };
    struct Layer {
        std::shared_ptr<DecoderAttentionImpl> selfAttention;
        std::shared_ptr<LayerNormImpl> selfNorm, tokenToImageNorm, mlpNorm, imageToTokenNorm;
        std::shared_ptr<MlpImpl> mlp;
        Attention tokenToImage, imageToToken;
    };
    // The image side of one layer for one prompt (pointbatchdecoder.cpp), raw float32 buffers.
    struct ImagePass {
        bool first = false;  // layer 0: scores from the image's own queries, x from its keys
        const float *normWeight = nullptr, *normBias = nullptr;
        float eps = 0;
        const float *imageKeys = nullptr, *positions = nullptr, *imageQueries = nullptr;
        std::int64_t N = 0, P = 0, D = 0, Nt = 0, H = 0;
        void run(float* x, const float* mixer, const float* offset, const float* values,
                 const float* rows, float* sx) const;
    };
    Attention attention(torch::nn::Module& root, const std::string& name);
    // Per head h the rows x_h W_h (x (B, 7, D), W (D, P) seen as (H, D / H, P)), scaled by
    // 1 / sqrt(head dim): (B, H * 7, P), rows (h, t). With a token -> image attention's
    // queries and W_k: its scores' rows against x + pe; with an image -> token attention's keys
    // and W_q: the rows of its queries' product with them.
    torch::Tensor headRows(const torch::Tensor& x, const torch::Tensor& weight) const;
    // An image -> token attention's values v (B, 7, D) through its output projection W_o (P, D),
    // head by head: rows (h, t) = v_h W_o,h^T, (B, H * 7, P).
    torch::Tensor headValues(const torch::Tensor& v, const torch::Tensor& weight) const;
    // The tokens' side of a token -> image attention from s x (B, H * 7, P): (B, 7, P).
    torch::Tensor attendedTokens(const Attention& a, const torch::Tensor& sx) const;
    Output forwardCpu(const MaskDecoderImpl::Prepared& prepared, const torch::Tensor& sparse);
    // One prompt's masks (T, 4G, 4G) into `masks` from its image tokens (G*G, P) and its
    // hypernetwork outputs (T, P/8), on the calling thread.
    void upscale(const float* image, const torch::Tensor& hyper, float* masks) const;

    SamConfig m_config;
    std::int64_t m_heads, m_headDim, m_cross;
    MaskDecoderImpl* m_decoder;
    std::shared_ptr<PositionEncodingImpl> m_positions;
    torch::Tensor m_foreground, m_padding, m_outputTokens;  // (1, P), (1, P), (T + 1, P)
    std::vector<Layer> m_layers;
    Attention m_final;
    std::shared_ptr<LayerNormImpl> m_finalNorm;
    std::vector<std::shared_ptr<MlpImpl>> m_hypernetworks;
    std::shared_ptr<MlpImpl> m_iouHead;
    struct Upscaler {
        torch::Tensor w1, b1, w2, b2, normWeight, normBias;  // packed (in, 2 * 2 * out)
        float eps = 0;
    } m_up;
};

}  // namespace samdesk
