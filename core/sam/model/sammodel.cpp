// The SAMv1 network as one module tree.
#include "core/sam/model/sammodel.h"

namespace samdesk {

SamModelImpl::SamModelImpl(const SamConfig& config) : m_config(config) {
    imageEncoder = register_module("image_encoder", ImageEncoder(config));
    promptEncoder = register_module("prompt_encoder", PromptEncoder(config));
    maskDecoder = register_module("mask_decoder", MaskDecoder(config));
}

std::vector<std::pair<std::string, torch::Tensor>> namedTensors(const torch::nn::Module& module) {
    std::vector<std::pair<std::string, torch::Tensor>> out;
    for (const auto& p : module.named_parameters(/*recurse=*/true))
        out.emplace_back(p.key(), p.value());
    for (const auto& b : module.named_buffers(/*recurse=*/true))
        out.emplace_back(b.key(), b.value());
    return out;
}

}  // namespace samdesk
