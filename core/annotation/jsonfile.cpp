// JSON file reading shared by the COCO and LabelMe importers.
#include "core/annotation/jsonfile.h"

#include "core/common/atomicfile.h"

namespace samdesk {

Expected<nlohmann::json> readJsonFile(const std::filesystem::path& file) {
    auto text = readFile(file);
    if (!text)
        return text.error();
    try {
        return nlohmann::json::parse(text.value());
    } catch (const nlohmann::json::exception& e) {
        return Error::format(file.string() + ": not valid JSON (" + e.what() + ")");
    }
}

}  // namespace samdesk
