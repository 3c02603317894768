// safetensors writing through the atomic-file helper.
#include "core/checkpoint/safetensorswriter.h"

#include <set>

#include <nlohmann/json.hpp>

#include "core/checkpoint/bytes.h"
#include "core/common/atomicfile.h"

namespace samdesk {

namespace {

Expected<std::string> buildHeader(const std::filesystem::path& path,
                                  const std::vector<SafetensorsEntry>& entries,
                                  const std::map<std::string, std::string>& metadata) {
    nlohmann::ordered_json header = nlohmann::ordered_json::object();
    if (!metadata.empty())
        header["__metadata__"] = metadata;
    std::set<std::string> names;
    std::uint64_t offset = 0;
    for (const auto& e : entries) {
        const std::string what = path.string() + ": cannot write tensor '" + e.name + "': ";
        if (e.name.empty() || e.name == "__metadata__")
            return Error::invalid(what + "invalid name");
        if (!names.insert(e.name).second)
            return Error::invalid(what + "the name is used twice");
        std::uint64_t nbytes = 0;
        if (!bytes::contiguousByteSize(e.shape, e.dtype, &nbytes) || nbytes != e.size)
            return Error::invalid(what + "shape " + shapeToString(e.shape) + " of " +
                                  dtypeName(e.dtype) + " does not match its " +
                                  std::to_string(e.size) + " bytes");
        if (e.size > 0 && e.data == nullptr)
            return Error::invalid(what + "no data");
        header[e.name] = {{"dtype", dtypeSafetensorsName(e.dtype)},
                          {"shape", e.shape},
                          {"data_offsets", {offset, offset + nbytes}}};
        offset += nbytes;
    }
    std::string text =
        header.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
    text.append((8 - text.size() % 8) % 8, ' ');
    return text;
}

}  // namespace

Status writeSafetensors(const std::filesystem::path& path,
                        const std::vector<SafetensorsEntry>& entries,
                        const std::map<std::string, std::string>& metadata) {
    auto header = buildHeader(path, entries, metadata);
    if (!header)
        return header.error();
    const std::string& text = header.value();
    return writeFileAtomicallyWith(path, [&](int fd) {
        std::uint8_t length[8];
        std::uint64_t n = text.size();
        for (auto& b : length) {
            b = static_cast<std::uint8_t>(n & 0xff);
            n >>= 8;
        }
        if (!writeAll(fd, length, sizeof length) || !writeAll(fd, text.data(), text.size()))
            return false;
        for (const auto& e : entries)
            if (e.size > 0 && !writeAll(fd, e.data, e.size))
                return false;
        return true;
    });
}

}  // namespace samdesk
