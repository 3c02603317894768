// safetensors parsing with every claimed size checked against the bytes that are really there.
#include "core/checkpoint/safetensorsreader.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "core/checkpoint/bytes.h"
#include "core/common/mappedfile.h"

namespace samdesk {

namespace {

using Json = nlohmann::ordered_json;

constexpr std::size_t kMaxRank = 64;

// A valid header nests at most three levels ({tensor: {shape: [...]}}) and its arrays are shapes
// (at most kMaxRank sizes) and offset pairs. Checking that on the raw text, before parsing, keeps
// a hostile header from building millions of JSON nodes.
bool plausibleNesting(const char* text, std::size_t size) {
    struct Open {
        bool array;
        std::size_t commas;
    };
    Open stack[4];
    std::size_t depth = 0;
    bool inString = false;
    for (std::size_t i = 0; i < size; ++i) {
        const char c = text[i];
        if (inString) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                inString = false;
            continue;
        }
        switch (c) {
            case '"':
                inString = true;
                break;
            case '{':
            case '[':
                if (depth == 3)
                    return false;
                stack[depth++] = {c == '[', 0};
                break;
            case '}':
            case ']':
                if (depth > 0)
                    --depth;
                break;
            case ',':
                if (depth > 0 && stack[depth - 1].array && ++stack[depth - 1].commas >= kMaxRank)
                    return false;
                break;
            default:
                break;
        }
    }
    return true;
}

struct Range {
    std::uint64_t begin = 0;
    std::uint64_t end = 0;
    std::size_t index = 0;  // into StateDict::tensors
};

class HeaderParser {
public:
    HeaderParser(const std::string& source, const std::uint8_t* data, std::uint64_t dataSize,
                 std::shared_ptr<const void> keepAlive)
        : m_source(source), m_data(data), m_dataSize(dataSize), m_keepAlive(std::move(keepAlive)) {}

    Status parse(const Json& header, StateDict* out);

private:
    Error bad(const std::string& what) const {
        return Error::format(m_source + ": not a valid safetensors file: " + what);
    }
    Status parseMetadata(const Json& value, StateDict* out) const;
    Expected<NamedTensor> parseTensor(const std::string& name, const Json& value,
                                      Range* range) const;

    const std::string& m_source;
    const std::uint8_t* m_data;
    std::uint64_t m_dataSize;
    std::shared_ptr<const void> m_keepAlive;
};

Status HeaderParser::parseMetadata(const Json& value, StateDict* out) const {
    // The format allows only string -> string here; anything else would also make the JSON
    // text we keep arbitrarily deep.
    if (!value.is_object())
        return bad("__metadata__ is not an object");
    for (const auto& [key, v] : value.items())
        if (!v.is_string())
            return bad("__metadata__ entry '" + key + "' is not a string");
    out->metadataJson = value.dump(-1, ' ', false, Json::error_handler_t::replace);
    return {};
}

Expected<NamedTensor> HeaderParser::parseTensor(const std::string& name, const Json& value,
                                                Range* range) const {
    const std::string what = "tensor '" + name + "'";
    if (!value.is_object())
        return bad(what + " is not described by an object");
    const auto dtypeIt = value.find("dtype");
    const auto shapeIt = value.find("shape");
    const auto offsetsIt = value.find("data_offsets");
    if (dtypeIt == value.end() || shapeIt == value.end() || offsetsIt == value.end())
        return bad(what + " lacks dtype, shape or data_offsets");
    if (!dtypeIt->is_string())
        return bad(what + " has a dtype that is not a string");
    TensorRecord t;
    if (!dtypeFromSafetensorsName(dtypeIt->get<std::string>(), &t.dtype))
        return bad(what + " has unsupported dtype '" + dtypeIt->get<std::string>() + "'");
    if (!shapeIt->is_array() || shapeIt->size() > kMaxRank)
        return bad(what + " has a shape that is not a list of at most 64 sizes");
    for (const auto& d : *shapeIt) {
        if (!d.is_number_unsigned() || d.get<std::uint64_t>() > (std::uint64_t{1} << 62))
            return bad(what + " has a shape entry that is not a non-negative integer");
        t.shape.push_back(static_cast<std::int64_t>(d.get<std::uint64_t>()));
    }
    if (!offsetsIt->is_array() || offsetsIt->size() != 2 || !(*offsetsIt)[0].is_number_unsigned() ||
        !(*offsetsIt)[1].is_number_unsigned())
        return bad(what + " has data_offsets that are not two non-negative integers");
    range->begin = (*offsetsIt)[0].get<std::uint64_t>();
    range->end = (*offsetsIt)[1].get<std::uint64_t>();
    if (range->begin > range->end || range->end > m_dataSize)
        return bad(what + " has data_offsets [" + std::to_string(range->begin) + ", " +
                   std::to_string(range->end) + "] outside the " + std::to_string(m_dataSize) +
                   " data bytes (the file may be truncated)");
    std::uint64_t nbytes = 0;
    if (!bytes::contiguousByteSize(t.shape, t.dtype, &nbytes) ||
        nbytes != range->end - range->begin)
        return bad(what + " of shape " + shapeToString(t.shape) + " and dtype " +
                   dtypeName(t.dtype) + " does not fit its " +
                   std::to_string(range->end - range->begin) + " bytes");
    t.strides = bytes::contiguousStrides(t.shape);
    t.data = m_data + range->begin;
    t.bytesAvailable = static_cast<std::size_t>(nbytes);
    t.keepAlive = m_keepAlive;
    return NamedTensor{name, std::move(t)};
}

Status HeaderParser::parse(const Json& header, StateDict* out) {
    if (!header.is_object())
        return bad("the header is not a JSON object");
    std::vector<Range> ranges;
    std::vector<NamedTensor> tensors;
    for (const auto& [name, value] : header.items()) {
        if (name == "__metadata__") {
            if (auto s = parseMetadata(value, out); !s)
                return s;
            continue;
        }
        Range range;
        auto tensor = parseTensor(name, value, &range);
        if (!tensor)
            return tensor.error();
        range.index = tensors.size();
        ranges.push_back(range);
        tensors.push_back(std::move(tensor).value());
    }
    // File order, and no two tensors may claim the same bytes.
    std::stable_sort(ranges.begin(), ranges.end(),
                     [](const Range& a, const Range& b) { return a.begin < b.begin; });
    std::uint64_t previousEnd = 0;
    const std::string* previousName = nullptr;
    for (const auto& r : ranges) {
        if (r.begin == r.end)
            continue;
        if (previousName && r.begin < previousEnd)
            return bad("tensors '" + *previousName + "' and '" + tensors[r.index].name +
                       "' overlap");
        previousEnd = r.end;
        previousName = &tensors[r.index].name;
    }
    out->tensors.reserve(tensors.size());
    for (const auto& r : ranges)
        out->tensors.push_back(std::move(tensors[r.index]));
    return {};
}

}  // namespace

bool looksLikeSafetensors(std::span<const std::uint8_t> bytes) {
    if (bytes.size() < 9)
        return false;
    // The header is a JSON object; its length is checked by the parser, which says what is wrong.
    return bytes::le64(bytes.data()) >= 2 && bytes[8] == '{';
}

Expected<StateDict> parseSafetensors(std::span<const std::uint8_t> bytes,
                                     std::shared_ptr<const void> keepAlive,
                                     const std::string& source) {
    if (bytes.size() < 8)
        return Error::format(source + ": not a valid safetensors file: only " +
                             std::to_string(bytes.size()) + " bytes");
    const std::uint64_t headerSize = bytes::le64(bytes.data());
    if (headerSize > kSafetensorsMaxHeader)
        return Error::format(source + ": not a valid safetensors file: header length " +
                             std::to_string(headerSize) + " is larger than the 16 MB limit");
    if (!bytes::inside(8, headerSize, bytes.size()))
        return Error::format(source + ": not a valid safetensors file: the header claims " +
                             std::to_string(headerSize) + " bytes but the file has " +
                             std::to_string(bytes.size()) + " (truncated?)");
    const char* text = reinterpret_cast<const char*>(bytes.data() + 8);
    if (!plausibleNesting(text, headerSize))
        return Error::format(source +
                             ": not a valid safetensors file: the header nests too deeply or has "
                             "arrays too long for tensor shapes");
    Json header = Json::parse(text, text + headerSize, nullptr, /*allow_exceptions=*/false);
    if (header.is_discarded())
        return Error::format(source + ": not a valid safetensors file: the header is not JSON");
    StateDict dict;
    dict.format = "safetensors";
    const std::uint64_t dataStart = 8 + headerSize;
    HeaderParser parser(source, bytes.data() + dataStart, bytes.size() - dataStart,
                        std::move(keepAlive));
    if (auto s = parser.parse(header, &dict); !s)
        return s.error();
    return dict;
}

Expected<StateDict> readSafetensors(const std::filesystem::path& path) {
    auto file = MappedFile::open(path);
    if (!file)
        return file.error();
    const auto& mapped = file.value();
    return parseSafetensors(mapped->bytes(), mapped, path.string());
}

}  // namespace samdesk
