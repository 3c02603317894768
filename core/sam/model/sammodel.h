// The whole SAMv1 network: image_encoder, prompt_encoder, mask_decoder. Its parameters and
// buffers carry exactly the converted names of samKeySpecs(config), so loading is strict.
#pragma once

#include <torch/torch.h>

#include "core/checkpoint/samconfig.h"
#include "core/sam/model/imageencoder.h"
#include "core/sam/model/maskdecoder.h"
#include "core/sam/model/promptencoder.h"

namespace samdesk {

class SamModelImpl : public torch::nn::Module {
public:
    explicit SamModelImpl(const SamConfig& config);

    const SamConfig& config() const { return m_config; }

    SamConfig m_config;  // public members: the predictor drives the three parts directly
    ImageEncoder imageEncoder{nullptr};
    PromptEncoder promptEncoder{nullptr};
    MaskDecoder maskDecoder{nullptr};
};
TORCH_MODULE(SamModel);

// Every parameter and buffer of `module`, by full name (parameters first).
std::vector<std::pair<std::string, torch::Tensor>> namedTensors(const torch::nn::Module& module);

}  // namespace samdesk
