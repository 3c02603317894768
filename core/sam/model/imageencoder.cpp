// Image encoder. The module tree follows the converted names (stages.<s>.windowed_blocks.<j>,
// stages.<s>.global_block, neck.project...), while forward() runs the blocks in their original
// order; stages are runs of consecutive blocks, so the two orders agree.
#include "core/sam/model/imageencoder.h"

#include <map>

#include "core/sam/model/encoderworkspace.h"

namespace samdesk {

ImageEncoderImpl::ImageEncoderImpl(const SamConfig& config) {
    const std::int64_t C = config.embedDim, G = config.gridSize(), P = config.promptDim;
    m_positionEmbedding = emptyParameter(*this, "position_embedding", {1, G, G, C});
    m_patchEmbedding = register_module(
        "patch_embedding", Conv2d(3, C, config.patchSize, config.patchSize, 0, /*withBias=*/true));

    std::map<int, EncoderBlock> byIndex;
    auto stages = register_module("stages", torch::nn::ModuleList());
    for (const auto& stage : config.stages()) {
        auto stageModule = std::make_shared<torch::nn::Module>();
        if (!stage.windowedBlocks.empty()) {
            auto windowed =
                stageModule->register_module("windowed_blocks", torch::nn::ModuleList());
            for (int index : stage.windowedBlocks) {
                EncoderBlock block(config, config.windowSize);
                windowed->push_back(block);
                byIndex.emplace(index, block);
            }
        }
        if (stage.globalBlock >= 0) {
            EncoderBlock block(config, 0);
            stageModule->register_module("global_block", block);
            byIndex.emplace(stage.globalBlock, block);
        }
        stages->push_back(stageModule);
    }
    for (auto& [index, block] : byIndex)
        m_blocks.push_back(block);

    auto neck = register_module("neck", std::make_shared<torch::nn::Module>());
    m_project = neck->register_module("project", Conv2d(C, P, 1, 1, 0, false));
    m_projectNorm = neck->register_module("project_norm", LayerNorm2d(P));
    m_refine = neck->register_module("refine", Conv2d(P, P, 3, 1, 1, false));
    m_refineNorm = neck->register_module("refine_norm", LayerNorm2d(P));
}

torch::Tensor ImageEncoderImpl::forward(const torch::Tensor& image,
                                        const BlockCallback& afterBlock) {
    // Reduced precision (bfloat16 weights) lives in the convolutions and the blocks' products;
    // the token stream between them stays float32 on the CPU.
    const auto type = m_patchEmbedding->weight.scalar_type();
    auto x = m_patchEmbedding(image.to(type)).permute({0, 2, 3, 1});
    const int total = blockCount();
    if (image.is_cpu()) {
        const auto B = x.size(0), H = x.size(1), W = x.size(2), C = x.size(3);
        auto tokens = (x.to(torch::kFloat32) + m_positionEmbedding.to(torch::kFloat32))
                          .contiguous()
                          .view({B * H * W, C});
        EncoderWorkspace ws;
        for (int i = 0; i < total; ++i) {
            m_blocks[i]->forwardInPlace(tokens, B, H, W, ws);
            if (afterBlock && !afterBlock(i + 1, total))
                return {};
        }
        x = tokens.view({B, H, W, C});
    } else {
        x = x + m_positionEmbedding;
        for (int i = 0; i < total; ++i) {
            x = m_blocks[i]->forwardTorch(x);
            if (afterBlock && !afterBlock(i + 1, total))
                return {};
        }
    }
    x = x.permute({0, 3, 1, 2}).to(type);
    x = m_projectNorm(m_project(x).to(torch::kFloat32));
    return m_refineNorm(m_refine(x.to(type)).to(torch::kFloat32));
}

}  // namespace samdesk
