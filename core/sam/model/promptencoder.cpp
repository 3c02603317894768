// Prompt encoder. A padding point is appended when there are points but no box (the reference
// does so because it was trained that way); its encoding is replaced by the padding embedding.
#include "core/sam/model/promptencoder.h"

namespace samdesk {

PromptEncoderImpl::PromptEncoderImpl(const SamConfig& config)
    : m_imageSize(config.imageSize), m_grid(config.gridSize()), m_width(config.promptDim) {
    const std::int64_t P = config.promptDim, m = config.maskInChans;
    m_positionEncoding = register_module("positional_encoding", PositionEncoding(P));
    auto tokens = register_module("token_embeddings", std::make_shared<torch::nn::Module>());
    m_background = emptyParameter(*tokens, "background_point", {1, P});
    m_foreground = emptyParameter(*tokens, "foreground_point", {1, P});
    m_boxTopLeft = emptyParameter(*tokens, "box_top_left", {1, P});
    m_boxBottomRight = emptyParameter(*tokens, "box_bottom_right", {1, P});
    m_paddingPoint = emptyParameter(*tokens, "padding_point", {1, P});

    auto down = register_module("mask_downscaler", std::make_shared<torch::nn::Module>());
    m_maskConv1 = down->register_module("conv1", Conv2d(1, m / 4, 2, 2, 0, true));
    m_maskNorm1 = down->register_module("norm1", LayerNorm2d(m / 4));
    m_maskConv2 = down->register_module("conv2", Conv2d(m / 4, m, 2, 2, 0, true));
    m_maskNorm2 = down->register_module("norm2", LayerNorm2d(m));
    m_maskProject = down->register_module("project", Conv2d(m, P, 1, 1, 0, true));
    m_noMaskEmbedding = emptyParameter(*this, "no_mask_embedding", {1, P, 1, 1});
}

torch::Tensor PromptEncoderImpl::denseImagePositions() const {
    return m_positionEncoding->grid(m_grid);
}

torch::Tensor PromptEncoderImpl::denseWithoutMask() const {
    return m_noMaskEmbedding.expand({1, m_width, m_grid, m_grid});
}

torch::Tensor PromptEncoderImpl::embedPoints(const torch::Tensor& points,
                                             const torch::Tensor& labels, bool pad) {
    auto coords = points + 0.5;  // to the pixel centre
    auto kinds = labels;
    if (pad) {
        coords = torch::cat({coords, torch::zeros({1, 2}, coords.options())}, 0);
        kinds = torch::cat({kinds, torch::full({1}, -1, kinds.options())}, 0);
    }
    const auto pe = m_positionEncoding->encode(coords / static_cast<double>(m_imageSize));
    const auto k = kinds.unsqueeze(1);
    const auto learned = torch::where(k == 1, m_foreground, m_background);
    return torch::where(k == -1, m_paddingPoint, pe + learned);
}

torch::Tensor PromptEncoderImpl::embedBox(const torch::Tensor& box) {
    const auto corners = (box + 0.5).view({2, 2});
    const auto pe = m_positionEncoding->encode(corners / static_cast<double>(m_imageSize));
    return pe + torch::cat({m_boxTopLeft, m_boxBottomRight}, 0);
}

PromptEncoderImpl::Encoded PromptEncoderImpl::forward(const std::optional<torch::Tensor>& points,
                                                      const std::optional<torch::Tensor>& labels,
                                                      const std::optional<torch::Tensor>& box,
                                                      const std::optional<torch::Tensor>& mask) {
    std::vector<torch::Tensor> sparse;
    if (points && points->size(0) > 0)
        sparse.push_back(embedPoints(*points, *labels, /*pad=*/!box.has_value()));
    if (box)
        sparse.push_back(embedBox(*box));
    Encoded out;
    out.sparse = sparse.empty() ? torch::empty({0, m_width}, m_noMaskEmbedding.options())
                                : torch::cat(sparse, 0);
    out.sparse = out.sparse.unsqueeze(0);
    if (mask) {
        auto x = torch::gelu(m_maskNorm1(m_maskConv1(*mask)));
        x = torch::gelu(m_maskNorm2(m_maskConv2(x)));
        out.dense = m_maskProject(x);
    } else {
        out.dense = denseWithoutMask();
    }
    return out;
}

}  // namespace samdesk
