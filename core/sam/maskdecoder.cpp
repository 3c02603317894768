// Mask decoder, following the reference's predict_masks step by step.
#include "core/sam/maskdecoder.h"

namespace samdesk {

MaskDecoderImpl::MaskDecoderImpl(const SamConfig& config) : m_maskTokenCount(config.numMaskTokens) {
    const std::int64_t P = config.promptDim, T = config.numMaskTokens;
    m_transformer = register_module("transformer", TwoWayTransformer(config));
    m_iouToken = emptyParameter(*this, "iou_token", {1, P});
    m_maskTokens = emptyParameter(*this, "mask_tokens", {T, P});

    auto up = register_module("upscaler", std::make_shared<torch::nn::Module>());
    m_deconv1 = up->register_module("deconv1", ConvTranspose2d(P, P / 4, 2));
    m_upscaleNorm = up->register_module("norm", LayerNorm2d(P / 4));
    m_deconv2 = up->register_module("deconv2", ConvTranspose2d(P / 4, P / 8, 2));

    auto hyper = register_module("hypernetworks", torch::nn::ModuleList());
    for (std::int64_t i = 0; i < T; ++i) {
        Mlp mlp(std::vector<std::int64_t>{P, P, P, P / 8}, MlpImpl::Activation::Relu);
        hyper->push_back(mlp);
        m_hypernetworks.push_back(mlp);
    }
    std::vector<std::int64_t> iouDims{P};
    for (int i = 0; i + 1 < config.iouHeadDepth; ++i)
        iouDims.push_back(config.iouHeadHiddenDim);
    iouDims.push_back(T);
    m_iouHead = register_module("iou_head", Mlp(iouDims, MlpImpl::Activation::Relu));
}

MaskDecoderImpl::Output MaskDecoderImpl::forward(const torch::Tensor& embedding,
                                                 const torch::Tensor& imagePe,
                                                 const torch::Tensor& sparse,
                                                 const torch::Tensor& dense, bool multimask) {
    const auto outputTokens = torch::cat({m_iouToken, m_maskTokens}, 0).unsqueeze(0);
    const auto tokens = torch::cat({outputTokens, sparse.to(outputTokens.scalar_type())}, 1);
    const auto src = embedding + dense;
    const auto [hs, image] = m_transformer(src, imagePe, tokens);
    const auto B = src.size(0), P = src.size(1), G = src.size(2);

    auto upscaled = image.transpose(1, 2).reshape({B, P, G, G});
    upscaled = torch::gelu(m_upscaleNorm(m_deconv1(upscaled)));
    upscaled = torch::gelu(m_deconv2(upscaled));  // (B, P/8, 4G, 4G)

    std::vector<torch::Tensor> hyper;
    for (std::int64_t i = 0; i < m_maskTokenCount; ++i)
        hyper.push_back(m_hypernetworks[i](hs.select(1, 1 + i)));
    const auto hyperIn = torch::stack(hyper, 1);  // (B, T, P/8)
    const auto side = upscaled.size(2);
    auto masks = torch::matmul(hyperIn, upscaled.view({B, upscaled.size(1), side * side}))
                     .view({B, -1, side, side});
    auto iou = m_iouHead(hs.select(1, 0));

    Output out;
    if (multimask) {
        out.lowResLogits = masks.slice(1, 1);
        out.iou = iou.slice(1, 1);
    } else {
        out.lowResLogits = masks.slice(1, 0, 1);
        out.iou = iou.slice(1, 0, 1);
    }
    return out;
}

}  // namespace samdesk
