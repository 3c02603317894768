// Synthetic checkpoints: RANDOM weights with the exact names and shapes of a SAMv1 checkpoint
// (original key layout), so benchmarks and tests can run the real model sizes without the
// 375 MB - 2.5 GB downloads. The masks such a model gives are meaningless.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "core/checkpoint/samconfig.h"
#include "core/common/expected.h"

namespace samdesk {

// "vit_b", "vit_l", "vit_h", or "tiny" (exactly the architecture of the test fixture
// tests/data/samv1-tiny: 256 px input, width 64, MLP 256, 4 blocks; the tests take it from
// here). Errors: InvalidInput for another name.
Expected<SamConfig> synthConfig(const std::string& variant);

// Writes a float32 safetensors file with every tensor of `config` under its original name.
// Deterministic for a given seed. Weights are scaled like a trained network's (normal with
// std 1/sqrt(fan in), LayerNorm weights 1) so activations stay finite. Needs memory for the
// whole file (about 2.6 GB for vit_h). Errors: Io.
Status writeSynthCheckpoint(const SamConfig& config, std::uint64_t seed,
                            const std::filesystem::path& path);

}  // namespace samdesk
