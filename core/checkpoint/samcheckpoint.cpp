// The SAM loader: normalise names, detect the config, then take every tensor of the model from
// the file by name, strictly, viewing it with the converted shape.
#include "core/checkpoint/samcheckpoint.h"

#include <chrono>
#include <system_error>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "core/checkpoint/bytes.h"
#include "core/checkpoint/checkpointnaming.h"
#include "core/checkpoint/checkpointreader.h"
#include "core/checkpoint/keyconversion.h"
#include "core/checkpoint/samconfigjson.h"

namespace samdesk {

namespace {

bool isFloating(DType dtype) {
    return dtype == DType::Float32 || dtype == DType::Float16 || dtype == DType::BFloat16 ||
           dtype == DType::Float64;
}

// The same bytes seen with `to`, a shape that differs only by unit dimensions: the strides of
// the non-unit dimensions are kept in order, unit dimensions get the stride that follows them.
TensorRecord viewAs(TensorRecord r, const Shape& to) {
    if (r.shape == to)
        return r;
    std::vector<std::int64_t> kept;
    for (std::size_t i = 0; i < r.shape.size(); ++i)
        if (r.shape[i] != 1)
            kept.push_back(r.strides[i]);
    Shape strides(to.size(), 1);
    std::size_t k = kept.size();
    std::int64_t next = 1;
    for (std::size_t i = to.size(); i-- > 0;) {
        if (to[i] != 1 && k > 0)
            next = kept[--k];
        strides[i] = next;
        if (to[i] != 1)
            next *= to[i];
    }
    r.shape = to;
    r.strides = strides;
    return r;
}

// The config stored by `convert`, when present and different from the weights', is a warning.
void compareStoredConfig(const StateDict& dict, const SamConfig& detected,
                         std::vector<std::string>* warnings) {
    if (dict.metadataJson.empty())
        return;
    const auto meta = nlohmann::json::parse(dict.metadataJson, nullptr, false);
    if (!meta.is_object() || !meta.contains(kMetaConfig) || !meta[kMetaConfig].is_string())
        return;
    auto stored = samConfigFromJson(meta[kMetaConfig].get<std::string>());
    if (!stored || !(stored.value() == detected))
        warnings->push_back(
            "the model config in the file's metadata differs from the weights; the weights win");
}

std::string keyForMessage(SamNaming naming, const KeySpec& spec) {
    if (naming == SamNaming::Original)
        return "'" + spec.original + "'";
    return "'" + spec.converted + "' (original name '" + spec.original + "')";
}

}  // namespace

const char* samNamingName(SamNaming naming) {
    return naming == SamNaming::Converted ? "converted" : "original";
}

const ConvertedTensor* SamCheckpoint::find(const std::string& convertedName) const {
    for (const auto& t : tensors)
        if (t.name == convertedName)
            return &t;
    return nullptr;
}

Expected<SamCheckpoint> samCheckpointFromStateDict(StateDict dict, const std::string& source) {
    stripSharedPrefixes(dict);
    const SamNaming naming = detectNaming(dict);
    std::unordered_map<std::string, std::size_t> byName;
    for (std::size_t i = 0; i < dict.tensors.size(); ++i)
        byName.emplace(dict.tensors[i].name, i);

    // Detection reads original names; a converted file is first seen through them.
    StateDict originalView;
    if (naming == SamNaming::Converted) {
        auto layout = convertedLayout(dict, source);
        if (!layout)
            return layout.error();
        for (const auto& spec : samKeySpecs(layout.value())) {
            const auto it = byName.find(spec.converted);
            if (it != byName.end())
                originalView.tensors.push_back({spec.original, dict.tensors[it->second].tensor});
        }
    }
    auto detected = detectSamConfig(naming == SamNaming::Converted ? originalView : dict, source);
    if (!detected)
        return detected.error();

    SamCheckpoint out;
    out.config = detected.value();
    out.warnings = std::move(dict.warnings);
    out.info.format = dict.format;
    out.info.naming = naming;
    const auto specs = samKeySpecs(out.config);
    std::vector<bool> consumed(dict.tensors.size(), false);
    std::unordered_map<int, std::int64_t> valuesByDtype;
    out.tensors.reserve(specs.size());
    for (const auto& spec : specs) {
        const bool converted = naming == SamNaming::Converted;
        const auto it = byName.find(converted ? spec.converted : spec.original);
        if (it == byName.end())
            return Error{Error::Kind::MissingKey,
                         source + ": missing key " + keyForMessage(naming, spec) + ": a " +
                             out.config.variant + " SAMv1 model needs all " +
                             std::to_string(specs.size()) + " tensors"};
        consumed[it->second] = true;
        const TensorRecord& record = dict.tensors[it->second].tensor;
        const Shape& expected = converted ? spec.convertedShape : spec.originalShape;
        if (record.shape != expected)
            return Error{Error::Kind::BadShape, source + ": key " + keyForMessage(naming, spec) +
                                                    " has shape " + shapeToString(record.shape) +
                                                    ", expected " + shapeToString(expected)};
        if (!isFloating(record.dtype))
            return Error::format(source + ": key " + keyForMessage(naming, spec) + " has dtype " +
                                 dtypeName(record.dtype) + "; weights must be floating point");
        out.tensors.push_back({spec.converted, spec.original, spec.originalShape,
                               viewAs(record, spec.convertedShape)});
        out.originalOf.emplace(spec.converted, spec.original);
        out.info.parameters += record.numel();
        valuesByDtype[static_cast<int>(record.dtype)] += record.numel();
    }
    for (std::size_t i = 0; i < dict.tensors.size(); ++i)
        if (!consumed[i])
            out.warnings.push_back("unused key '" + dict.tensors[i].name + "' " +
                                   shapeToString(dict.tensors[i].tensor.shape) +
                                   ": no SAMv1 weight has this name");
    compareStoredConfig(dict, out.config, &out.warnings);
    std::int64_t most = -1;
    for (const auto& [dtype, values] : valuesByDtype) {
        if (values > most) {
            most = values;
            out.info.dtype = static_cast<DType>(dtype);
        }
    }
    out.info.tensorCount = out.tensors.size();
    return out;
}

Expected<SamCheckpoint> loadSamCheckpoint(const std::filesystem::path& path) {
    const auto start = std::chrono::steady_clock::now();
    auto dict = readCheckpoint(path);
    if (!dict)
        return dict.error();
    auto checkpoint = samCheckpointFromStateDict(std::move(dict).value(), path.string());
    if (!checkpoint)
        return checkpoint;
    SamCheckpoint& c = checkpoint.value();
    c.info.path = path.string();
    std::error_code ec;
    c.info.fileSize = std::filesystem::file_size(path, ec);
    c.info.loadMs =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    return checkpoint;
}

}  // namespace samdesk
