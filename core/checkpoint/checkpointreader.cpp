// Format sniffing and dispatch to the zip and safetensors readers.
#include "core/checkpoint/checkpointreader.h"

#include <cctype>
#include <cstring>

#include "core/checkpoint/pytorchreader.h"
#include "core/checkpoint/safetensorsreader.h"
#include "core/checkpoint/ziparchive.h"
#include "core/common/mappedfile.h"

namespace samdesk {

namespace {

bool startsWith(std::span<const std::uint8_t> bytes, std::string_view prefix) {
    return bytes.size() >= prefix.size() &&
           std::memcmp(bytes.data(), prefix.data(), prefix.size()) == 0;
}

// The legacy torch.save stream starts with a pickled magic number (0x1950a86a20f9469cfc6c):
// PROTO 2, LONG1 of 10 bytes, then the number.
constexpr std::string_view kLegacyMagic("\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19",
                                        14);

Error unrecognised(std::span<const std::uint8_t> bytes, const std::string& source) {
    if (startsWith(bytes, kLegacyMagic))
        return Error::format(source +
                             ": a legacy (before PyTorch 1.6) torch.save file; this format is not "
                             "supported: re-save it with a recent PyTorch "
                             "(torch.save(torch.load(f), f)) or convert it to safetensors");
    if (bytes.size() >= 262 && std::memcmp(bytes.data() + 257, "ustar", 5) == 0)
        return Error::format(source +
                             ": a tar archive (the oldest torch.save format, or not a checkpoint); "
                             "not supported");
    if (!bytes.empty() && bytes[0] == 0x80)
        return Error::format(source +
                             ": a plain pickle file, not a torch.save zip archive or safetensors; "
                             "not supported (pickles are not loaded outside the zip format)");
    if (startsWith(bytes, "version https://git-lfs"))
        return Error::format(source +
                             ": a Git LFS pointer file, not the checkpoint itself (fetch it with "
                             "'git lfs pull')");
    std::size_t i = 0;
    while (i < bytes.size() && i < 64 && std::isspace(bytes[i]))
        ++i;
    if (i < bytes.size() && bytes[i] == '<')
        return Error::format(source +
                             ": an HTML or XML page, not a checkpoint (a failed download?)");
    std::string head;
    static const char* digits = "0123456789abcdef";
    for (std::size_t k = 0; k < bytes.size() && k < 8; ++k)
        head += std::string(k ? " " : "") + digits[bytes[k] >> 4] + digits[bytes[k] & 15];
    return Error::format(source +
                         ": not a checkpoint: neither a PyTorch zip archive nor safetensors "
                         "(first bytes: " +
                         head + ")");
}

}  // namespace

Expected<StateDict> parseCheckpoint(std::span<const std::uint8_t> bytes,
                                    std::shared_ptr<const void> keepAlive,
                                    const std::string& source) {
    if (looksLikeZip(bytes))
        return parsePytorchZip(bytes, std::move(keepAlive), source);
    if (looksLikeSafetensors(bytes))
        return parseSafetensors(bytes, std::move(keepAlive), source);
    return unrecognised(bytes, source);
}

Expected<StateDict> readCheckpoint(const std::filesystem::path& path) {
    auto file = MappedFile::open(path);
    if (!file)
        return file.error();
    const auto& mapped = file.value();
    return parseCheckpoint(mapped->bytes(), mapped, path.string());
}

}  // namespace samdesk
