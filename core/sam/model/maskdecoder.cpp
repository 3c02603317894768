// Mask decoder, following the reference's predict_masks step by step.
#include "core/sam/model/maskdecoder.h"

#include <ATen/record_function.h>

#include "core/sam/runtime/cpukernels.h"
#include "core/sam/runtime/fastgemm.h"

namespace samdesk {

MaskDecoderImpl::MaskDecoderImpl(const SamConfig& config)
    : m_maskTokenCount(config.numMaskTokens), m_grid(config.gridSize()) {
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
    return forward(prepare(embedding, imagePe, dense), sparse, multimask);
}

MaskDecoderImpl::Prepared MaskDecoderImpl::prepare(const torch::Tensor& embedding,
                                                   const torch::Tensor& imagePe,
                                                   const torch::Tensor& dense) {
    return m_transformer->prepare(embedding + dense, imagePe);
}

MaskDecoderImpl::Output MaskDecoderImpl::forward(const Prepared& prepared,
                                                 const torch::Tensor& sparse, bool multimask) {
    const auto outputTokens = torch::cat({m_iouToken, m_maskTokens}, 0).unsqueeze(0);
    const auto tokens = torch::cat({outputTokens, sparse.to(outputTokens.scalar_type())}, 1);
    const auto [hs, image] = [&] {
        RECORD_FUNCTION("samdesk::two-way transformer", std::vector<c10::IValue>());
        return m_transformer->forward(prepared, tokens);
    }();
    const auto B = image.size(0), P = image.size(2), G = m_grid;

    std::vector<torch::Tensor> hyper;
    for (std::int64_t i = 0; i < m_maskTokenCount; ++i)
        hyper.push_back(m_hypernetworks[i](hs.select(1, 1 + i)));
    const auto hyperIn = torch::stack(hyper, 1);  // (B, T, P/8)
    // Only the masks that are returned: 1..T-1 (multimask) or 0.
    const auto wanted = multimask ? hyperIn.slice(1, 1) : hyperIn.slice(1, 0, 1);
    torch::Tensor masks;
    if (image.is_cpu() && B == 1 && image.scalar_type() == torch::kFloat32) {
        masks = upscaledMasks(image[0].contiguous(), wanted[0].contiguous(), G).unsqueeze(0);
    } else {
        auto upscaled = image.transpose(1, 2).reshape({B, P, G, G});
        upscaled = torch::gelu(m_upscaleNorm(m_deconv1(upscaled)));
        upscaled = torch::gelu(m_deconv2(upscaled));  // (B, P/8, 4G, 4G)
        const auto side = upscaled.size(2);
        masks = torch::matmul(wanted, upscaled.view({B, upscaled.size(1), side * side}))
                    .view({B, -1, side, side});
    }
    auto iou = m_iouHead(hs.select(1, 0));

    Output out;
    out.lowResLogits = masks;
    out.iou = multimask ? iou.slice(1, 1) : iou.slice(1, 0, 1);
    return out;
}

torch::Tensor MaskDecoderImpl::upscaledMasks(const torch::Tensor& image, const torch::Tensor& hyper,
                                             std::int64_t G) {
    // Both transposed convolutions have kernel = stride = 2: every output pixel takes exactly one
    // input pixel, so each is one GEMM over channels-last pixels. With the weights reordered to
    // (in, kh, kw, out), an output pixel's channels are contiguous and the LayerNorm over
    // channels is a plain row norm; the pixels come out in (h, w, kh, kw, kh2, kw2) order and
    // are put in raster order once, for the masks only.
    RECORD_FUNCTION("samdesk::mask upscaler", std::vector<c10::IValue>());
    const auto packed = [](const torch::Tensor& w) {  // (in, out, 2, 2) -> (in, 2 * 2 * out)
        return w.permute({0, 2, 3, 1}).reshape({w.size(0), -1}).contiguous();
    };
    if (!m_packed1.defined() || m_packedFrom != m_deconv1->weight.data_ptr()) {
        m_packed1 = packed(m_deconv1->weight);
        m_packed2 = packed(m_deconv2->weight);
        m_packedFrom = m_deconv1->weight.data_ptr();
    }
    const std::int64_t P = image.size(1), c1 = m_deconv1->weight.size(1),
                       c2 = m_deconv2->weight.size(1), T = hyper.size(0);
    auto y1 = torch::empty({G * G, 4 * c1});
    gemm::multiply(gemm::Inputs::Float32, false, G * G, 4 * c1, P, 1.0f, image.data_ptr<float>(), P,
                   m_packed1.data_ptr<float>(), 4 * c1, 0.0f, y1.data_ptr<float>(), 4 * c1);
    auto pixels1 = y1.view({4 * G * G, c1});
    pixels1.add_(m_deconv1->bias);
    const auto normWeight = m_upscaleNorm->weight.reshape({-1}).contiguous();
    const auto normBias = m_upscaleNorm->bias.reshape({-1}).contiguous();
    at::parallel_for(0, pixels1.size(0), 256, [&](std::int64_t begin, std::int64_t end) {
        float* rows = pixels1.data_ptr<float>() + begin * c1;
        kernels::layerNormRows(rows, end - begin, c1, normWeight.data_ptr<float>(),
                               normBias.data_ptr<float>(), static_cast<float>(m_upscaleNorm->eps),
                               rows, nullptr);
    });
    at::gelu_(pixels1);
    auto y2 = torch::empty({4 * G * G, 4 * c2});
    gemm::multiply(gemm::Inputs::Float32, false, 4 * G * G, 4 * c2, c1, 1.0f,
                   pixels1.data_ptr<float>(), c1, m_packed2.data_ptr<float>(), 4 * c2, 0.0f,
                   y2.data_ptr<float>(), 4 * c2);
    auto pixels2 = y2.view({16 * G * G, c2});
    pixels2.add_(m_deconv2->bias);
    at::gelu_(pixels2);
    auto masks = torch::empty({16 * G * G, T});
    gemm::multiply(gemm::Inputs::Float32, true, 16 * G * G, T, c2, 1.0f, pixels2.data_ptr<float>(),
                   c2, hyper.data_ptr<float>(), c2, 0.0f, masks.data_ptr<float>(), T);
    // (h, w, kh, kw, kh2, kw2, t) -> (t, h, kh, kh2, w, kw, kw2) = (t, 4G, 4G)
    return masks.view({G, G, 2, 2, 2, 2, T})
        .permute({6, 0, 2, 4, 1, 3, 5})
        .reshape({T, 4 * G, 4 * G});
}

}  // namespace samdesk
