// SAM checkpoint -> safetensors. Contiguous tensors are written straight from the source
// mapping; the rare strided one is gathered into a buffer first.
#include "core/checkpoint/samcheckpointwriter.h"

#include <cstring>
#include <list>

#include "core/checkpoint/checkpointnaming.h"
#include "core/checkpoint/safetensorswriter.h"
#include "core/checkpoint/samconfigjson.h"

namespace samdesk {

namespace {

// Copies a strided tensor into row-major order.
std::vector<std::uint8_t> gather(const TensorRecord& t) {
    const std::size_t item = dtypeSize(t.dtype);
    std::vector<std::uint8_t> out(t.nbytes());
    std::vector<std::int64_t> index(t.shape.size(), 0);
    for (std::size_t n = 0, count = static_cast<std::size_t>(t.numel()); n < count; ++n) {
        std::int64_t offset = 0;
        for (std::size_t d = 0; d < index.size(); ++d)
            offset += index[d] * t.strides[d];
        std::memcpy(out.data() + n * item, t.data + offset * static_cast<std::int64_t>(item), item);
        for (std::size_t d = index.size(); d-- > 0;) {
            if (++index[d] < t.shape[d])
                break;
            index[d] = 0;
        }
    }
    return out;
}

}  // namespace

Status writeSamSafetensors(const SamCheckpoint& checkpoint, const std::filesystem::path& path,
                           SamNaming naming) {
    std::vector<SafetensorsEntry> entries;
    std::list<std::vector<std::uint8_t>> gathered;  // keeps copies alive until written
    entries.reserve(checkpoint.tensors.size());
    for (const auto& t : checkpoint.tensors) {
        SafetensorsEntry e;
        e.name = naming == SamNaming::Converted ? t.name : t.original;
        e.shape = naming == SamNaming::Converted ? t.tensor.shape : t.originalShape;
        e.dtype = t.tensor.dtype;
        e.size = t.tensor.nbytes();
        if (t.tensor.isContiguous()) {
            e.data = t.tensor.data;
        } else {
            gathered.push_back(gather(t.tensor));
            e.data = gathered.back().data();
        }
        entries.push_back(std::move(e));
    }
    const std::map<std::string, std::string> metadata = {
        {"format", "pt"},
        {kMetaNaming, samNamingName(naming)},
        {kMetaConfig, samConfigToJson(checkpoint.config)},
    };
    return writeSafetensors(path, entries, metadata);
}

}  // namespace samdesk
