// ZIP parsing: end record (and its ZIP64 form), central directory, local headers. Every offset
// and size the archive states is checked against the bytes that are really there.
#include "core/checkpoint/ziparchive.h"

#include <array>

#include "core/checkpoint/bytes.h"

namespace samdesk {

namespace {

using bytes::le16;
using bytes::le32;
using bytes::le64;

constexpr std::uint32_t kLocalSig = 0x04034b50;
constexpr std::uint32_t kCentralSig = 0x02014b50;
constexpr std::uint32_t kEndSig = 0x06054b50;
constexpr std::uint32_t kEnd64Sig = 0x06064b50;
constexpr std::uint32_t kLocator64Sig = 0x07064b50;
constexpr std::size_t kEndSize = 22;
constexpr std::size_t kLocator64Size = 20;
constexpr std::size_t kEnd64Size = 56;
constexpr std::size_t kCentralSize = 46;
constexpr std::size_t kLocalSize = 30;
// A checkpoint has one entry per storage (a few thousand at most); the bound keeps the memory a
// hostile directory of tiny entries can claim small.
constexpr std::uint64_t kMaxEntries = 1u << 20;

struct Directory {
    std::uint64_t entries = 0;
    std::uint64_t offset = 0;
    std::uint64_t size = 0;
};

class Parser {
public:
    Parser(std::span<const std::uint8_t> bytes, const std::string& source)
        : m_bytes(bytes), m_size(bytes.size()), m_source(source) {}

    Expected<Directory> findDirectory() const;
    Status readEntries(const Directory& dir, std::vector<ZipEntry>* out,
                       std::unordered_map<std::string, std::size_t>* index) const;

private:
    Error bad(const std::string& what) const {
        return Error::format(m_source + ": corrupt or truncated zip archive: " + what);
    }
    const std::uint8_t* at(std::uint64_t offset) const { return m_bytes.data() + offset; }
    Status readZip64Directory(std::uint64_t endPos, Directory* dir) const;
    Status applyZip64Extra(const std::uint8_t* extra, std::size_t length, const std::string& name,
                           std::uint64_t* size, std::uint64_t* compressed,
                           std::uint64_t* localOffset) const;
    Status checkLocalHeader(const std::string& name, std::uint64_t localOffset,
                            std::uint64_t dirOffset, ZipEntry* entry) const;

    std::span<const std::uint8_t> m_bytes;
    std::uint64_t m_size;
    const std::string& m_source;
};

Expected<Directory> Parser::findDirectory() const {
    // The end record sits in the last 22 + 65535 (comment) bytes; search backwards.
    if (m_size < kEndSize)
        return bad("the file is too short (" + std::to_string(m_size) + " bytes)");
    const std::uint64_t lowest = m_size > kEndSize + 0xffff ? m_size - kEndSize - 0xffff : 0;
    std::uint64_t pos = m_size - kEndSize;
    while (true) {
        if (le32(at(pos)) == kEndSig && pos + kEndSize + le16(at(pos + 20)) <= m_size)
            break;
        if (pos == lowest)
            return bad("no end-of-central-directory record (the file was cut short at " +
                       std::to_string(m_size) + " bytes, or it is not a complete archive)");
        --pos;
    }
    const std::uint8_t* e = at(pos);
    if (le16(e + 4) != 0 || le16(e + 6) != 0)
        return bad("multi-disk archives are not supported");
    Directory dir{le16(e + 10), le32(e + 16), le32(e + 12)};
    const bool wantsZip64 =
        le16(e + 10) == 0xffff || le32(e + 12) == 0xffffffff || le32(e + 16) == 0xffffffff;
    const bool hasLocator =
        pos >= kLocator64Size && le32(at(pos - kLocator64Size)) == kLocator64Sig;
    if (hasLocator) {
        if (auto s = readZip64Directory(pos, &dir); !s)
            return s.error();
    } else if (wantsZip64) {
        return bad("the end record needs ZIP64 values but there is no ZIP64 locator");
    }
    if (!bytes::inside(dir.offset, dir.size, m_size))
        return bad("the central directory (" + std::to_string(dir.size) + " bytes at offset " +
                   std::to_string(dir.offset) + ") lies outside the " + std::to_string(m_size) +
                   "-byte file");
    if (dir.entries > kMaxEntries)
        return bad("the archive claims " + std::to_string(dir.entries) +
                   " entries; more than a checkpoint ever has");
    if (dir.entries > dir.size / kCentralSize)
        return bad("the archive claims " + std::to_string(dir.entries) + " entries but its " +
                   std::to_string(dir.size) + "-byte directory cannot hold them");
    return dir;
}

Status Parser::readZip64Directory(std::uint64_t endPos, Directory* dir) const {
    const std::uint8_t* locator = at(endPos - kLocator64Size);
    if (le32(locator + 4) != 0 || le32(locator + 16) > 1)
        return bad("multi-disk archives are not supported");
    const std::uint64_t offset = le64(locator + 8);
    if (!bytes::inside(offset, kEnd64Size, endPos - kLocator64Size) ||
        le32(at(offset)) != kEnd64Sig)
        return bad("the ZIP64 end record is missing or outside the file");
    const std::uint8_t* e = at(offset);
    if (le32(e + 16) != 0 || le32(e + 20) != 0)
        return bad("multi-disk archives are not supported");
    dir->entries = le64(e + 32);
    dir->size = le64(e + 40);
    dir->offset = le64(e + 48);
    if (le64(e + 24) != dir->entries)
        return bad("the ZIP64 end record disagrees with itself on the number of entries");
    return {};
}

Status Parser::applyZip64Extra(const std::uint8_t* extra, std::size_t length,
                               const std::string& name, std::uint64_t* size,
                               std::uint64_t* compressed, std::uint64_t* localOffset) const {
    // Only the fields whose 32-bit value is 0xffffffff appear, in this order.
    std::array<std::uint64_t*, 3> fields = {size, compressed, localOffset};
    std::size_t pos = 0;
    while (pos + 4 <= length) {
        const std::uint16_t id = le16(extra + pos);
        const std::uint16_t n = le16(extra + pos + 2);
        if (pos + 4 + n > length)
            return bad("entry '" + name + "' has an extra field that overruns its header");
        if (id == 0x0001) {
            std::size_t p = pos + 4;
            for (auto* field : fields) {
                if (*field != 0xffffffff)
                    continue;
                if (p + 8 > pos + 4 + n)
                    return bad("entry '" + name + "' has a short ZIP64 extra field");
                *field = le64(extra + p);
                p += 8;
            }
            return {};
        }
        pos += 4 + n;
    }
    for (auto* field : fields)
        if (*field == 0xffffffff)
            return bad("entry '" + name + "' needs ZIP64 sizes but has no ZIP64 extra field");
    return {};
}

Status Parser::checkLocalHeader(const std::string& name, std::uint64_t localOffset,
                                std::uint64_t dirOffset, ZipEntry* entry) const {
    if (!bytes::inside(localOffset, kLocalSize, dirOffset) || le32(at(localOffset)) != kLocalSig)
        return bad("entry '" + name + "' has no local header at offset " +
                   std::to_string(localOffset));
    const std::uint8_t* h = at(localOffset);
    const std::uint64_t nameLength = le16(h + 26), extraLength = le16(h + 28);
    const std::uint64_t dataOffset = localOffset + kLocalSize + nameLength + extraLength;
    if (dataOffset > dirOffset ||
        std::string_view(reinterpret_cast<const char*>(h + kLocalSize), nameLength) != name)
        return bad("the local header of entry '" + name + "' disagrees with the directory");
    if (!bytes::inside(dataOffset, entry->size, dirOffset))
        return bad("entry '" + name + "' (" + std::to_string(entry->size) + " bytes at offset " +
                   std::to_string(dataOffset) + ") runs past the end of the data");
    entry->dataOffset = dataOffset;
    return {};
}

Status Parser::readEntries(const Directory& dir, std::vector<ZipEntry>* out,
                           std::unordered_map<std::string, std::size_t>* index) const {
    out->reserve(static_cast<std::size_t>(dir.entries));
    std::uint64_t pos = dir.offset;
    const std::uint64_t end = dir.offset + dir.size;
    for (std::uint64_t i = 0; i < dir.entries; ++i) {
        if (!bytes::inside(pos, kCentralSize, end) || le32(at(pos)) != kCentralSig)
            return bad("central directory entry " + std::to_string(i) + " is damaged");
        const std::uint8_t* c = at(pos);
        const std::uint16_t flags = le16(c + 8), method = le16(c + 10);
        const std::uint64_t nameLength = le16(c + 28), extraLength = le16(c + 30),
                            commentLength = le16(c + 32);
        if (!bytes::inside(pos + kCentralSize, nameLength + extraLength + commentLength, end))
            return bad("central directory entry " + std::to_string(i) + " overruns the directory");
        ZipEntry entry;
        entry.name.assign(reinterpret_cast<const char*>(c + kCentralSize), nameLength);
        entry.crc32 = le32(c + 16);
        std::uint64_t compressed = le32(c + 20);
        entry.size = le32(c + 24);
        std::uint64_t localOffset = le32(c + 42);
        if (auto s = applyZip64Extra(c + kCentralSize + nameLength, extraLength, entry.name,
                                     &entry.size, &compressed, &localOffset);
            !s)
            return s;
        if (flags & 0x1)
            return bad("entry '" + entry.name + "' is encrypted");
        if (method != 0)
            return Error::format(m_source + ": entry '" + entry.name + "' is compressed (method " +
                                 std::to_string(method) +
                                 "); PyTorch checkpoints store entries uncompressed (was the file "
                                 "re-packed by a zip tool?)");
        if (compressed != entry.size)
            return bad("stored entry '" + entry.name + "' has different packed and unpacked sizes");
        if (le16(c + 34) != 0)
            return bad("multi-disk archives are not supported");
        if (!index->emplace(entry.name, out->size()).second)
            return bad("entry '" + entry.name + "' appears twice");
        if (auto s = checkLocalHeader(entry.name, localOffset, dir.offset, &entry); !s)
            return s;
        out->push_back(std::move(entry));
        pos += kCentralSize + nameLength + extraLength + commentLength;
    }
    return {};
}

}  // namespace

bool looksLikeZip(std::span<const std::uint8_t> bytes) {
    return bytes.size() >= 4 && (le32(bytes.data()) == kLocalSig || le32(bytes.data()) == kEndSig);
}

Expected<ZipArchive> ZipArchive::open(std::span<const std::uint8_t> bytes,
                                      const std::string& source) {
    Parser parser(bytes, source);
    auto dir = parser.findDirectory();
    if (!dir)
        return dir.error();
    ZipArchive archive;
    archive.m_bytes = bytes;
    if (auto s = parser.readEntries(dir.value(), &archive.m_entries, &archive.m_index); !s)
        return s.error();
    return archive;
}

const ZipEntry* ZipArchive::find(const std::string& name) const {
    const auto it = m_index.find(name);
    return it == m_index.end() ? nullptr : &m_entries[it->second];
}

std::uint32_t ZipArchive::crc32(std::span<const std::uint8_t> bytes, std::uint32_t previous) {
    static const auto table = [] {
        std::array<std::uint32_t, 256> t{};
        for (std::uint32_t i = 0; i < 256; ++i) {
            std::uint32_t c = i;
            for (int k = 0; k < 8; ++k)
                c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
            t[i] = c;
        }
        return t;
    }();
    std::uint32_t c = previous ^ 0xffffffffu;
    for (const auto b : bytes)
        c = table[(c ^ b) & 0xff] ^ (c >> 8);
    return c ^ 0xffffffffu;
}

}  // namespace samdesk
