// Prefix stripping, naming detection and the layout read from converted names.
#include "core/checkpoint/checkpointnaming.h"

#include <algorithm>
#include <cctype>
#include <map>

#include <nlohmann/json.hpp>

namespace samdesk {

namespace {

bool startsWith(const std::string& s, const std::string& prefix) {
    return s.compare(0, prefix.size(), prefix) == 0;
}

// Reads "<digits>" at `pos` of `name` followed by `end`; -1 if there is none.
int indexAt(const std::string& name, std::size_t pos, char end) {
    std::size_t i = pos;
    while (i < name.size() && i - pos < 6 && std::isdigit(static_cast<unsigned char>(name[i])))
        ++i;
    if (i == pos || i >= name.size() || name[i] != end)
        return -1;
    return std::stoi(name.substr(pos, i - pos));
}

// 1 + the largest index among names "<prefix><index><end>...", or 0.
int countIndexed(const StateDict& dict, const std::string& prefix, char end = '.') {
    int count = 0;
    for (const auto& t : dict.tensors)
        if (startsWith(t.name, prefix))
            count = std::max(count, indexAt(t.name, prefix.size(), end) + 1);
    return count;
}

}  // namespace

void stripSharedPrefixes(StateDict& dict) {
    if (dict.tensors.empty())
        return;
    for (bool again = true; again;) {
        again = false;
        for (const std::string prefix : {"module.", "model."}) {
            const bool all =
                std::all_of(dict.tensors.begin(), dict.tensors.end(), [&](const NamedTensor& t) {
                    return startsWith(t.name, prefix) && t.name.size() > prefix.size();
                });
            if (!all)
                continue;
            for (auto& t : dict.tensors)
                t.name.erase(0, prefix.size());
            dict.warnings.push_back("removed the prefix '" + prefix + "' from all " +
                                    std::to_string(dict.tensors.size()) + " keys");
            again = true;
        }
    }
}

SamNaming detectNaming(const StateDict& dict) {
    if (!dict.metadataJson.empty()) {
        const auto meta = nlohmann::json::parse(dict.metadataJson, nullptr, false);
        if (meta.is_object()) {
            const auto it = meta.find(kMetaNaming);
            if (it != meta.end() && it->is_string())
                return *it == "converted" ? SamNaming::Converted : SamNaming::Original;
        }
    }
    const bool converted =
        std::any_of(dict.tensors.begin(), dict.tensors.end(), [](const NamedTensor& t) {
            return startsWith(t.name, "image_encoder.stages.") ||
                   t.name == "image_encoder.patch_embedding.weight";
        });
    return converted ? SamNaming::Converted : SamNaming::Original;
}

Expected<SamConfig> convertedLayout(const StateDict& dict, const std::string& source) {
    // Per stage: how many windowed blocks, and whether a global block closes it.
    struct Stage {
        int windowed = 0;
        bool global = false;
    };
    std::map<int, Stage> stages;
    const std::string stagePrefix = "image_encoder.stages.";
    for (const auto& t : dict.tensors) {
        if (!startsWith(t.name, stagePrefix))
            continue;
        const int s = indexAt(t.name, stagePrefix.size(), '.');
        if (s < 0)
            continue;
        const std::string rest = t.name.substr(t.name.find('.', stagePrefix.size()) + 1);
        if (startsWith(rest, "global_block.")) {
            stages[s].global = true;
        } else if (startsWith(rest, "windowed_blocks.")) {
            const int j = indexAt(rest, 16, '.');
            if (j >= 0)
                stages[s].windowed = std::max(stages[s].windowed, j + 1);
        }
    }
    SamConfig c;
    c.depth = 0;
    c.globalBlocks.clear();
    int expected = 0;
    for (const auto& [index, stage] : stages) {
        const bool last = index == stages.rbegin()->first;
        if (index != expected++ || (!stage.global && !last))
            return Error{Error::Kind::NotSam,
                         source +
                             ": the converted names describe an inconsistent stage layout "
                             "(image_encoder.stages." +
                             std::to_string(index) + ")"};
        c.depth += stage.windowed;
        if (stage.global)
            c.globalBlocks.push_back(c.depth++);
    }
    c.decoderDepth = countIndexed(dict, "mask_decoder.transformer.layers.");
    c.numMaskTokens = countIndexed(dict, "mask_decoder.hypernetworks.");
    c.iouHeadDepth = std::max(0, countIndexed(dict, "mask_decoder.iou_head.fc") - 1);
    return c;
}

}  // namespace samdesk
