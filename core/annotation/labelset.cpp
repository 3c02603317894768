// LabelSet: stable ids, palette colours, and the labels file.
#include "core/annotation/labelset.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "core/common/atomicfile.h"

namespace samdesk {

namespace {

std::string trimmed(std::string_view s) {
    const auto isSpace = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    while (!s.empty() && isSpace(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && isSpace(s.back()))
        s.remove_suffix(1);
    return std::string(s);
}

int hexDigit(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

}  // namespace

std::string Rgb::toHex() const {
    char buf[8];
    std::snprintf(buf, sizeof buf, "#%02x%02x%02x", r, g, b);
    return buf;
}

std::optional<Rgb> Rgb::fromHex(std::string_view text) {
    if (!text.empty() && text.front() == '#')
        text.remove_prefix(1);
    if (text.size() != 6)
        return std::nullopt;
    std::uint8_t v[3];
    for (int i = 0; i < 3; ++i) {
        const int hi = hexDigit(text[2 * i]);
        const int lo = hexDigit(text[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return std::nullopt;
        v[i] = static_cast<std::uint8_t>(hi * 16 + lo);
    }
    return Rgb{v[0], v[1], v[2]};
}

const Label* LabelSet::find(std::string_view name) const {
    const auto it = std::find_if(m_labels.begin(), m_labels.end(),
                                 [&](const Label& l) { return l.name == name; });
    return it == m_labels.end() ? nullptr : &*it;
}

const Label* LabelSet::findId(int id) const {
    const auto it =
        std::find_if(m_labels.begin(), m_labels.end(), [&](const Label& l) { return l.id == id; });
    return it == m_labels.end() ? nullptr : &*it;
}

int LabelSet::indexOf(std::string_view name) const {
    const Label* l = find(name);
    return l ? static_cast<int>(l - m_labels.data()) : -1;
}

int LabelSet::nextId() const {
    int id = 0;
    for (const auto& l : m_labels)
        id = std::max(id, l.id);
    return id + 1;
}

const Label* LabelSet::add(std::string_view name) {
    const std::string n = trimmed(name);
    if (const Label* existing = find(n))
        return existing;
    return add(n, paletteColor(nextId()));
}

const Label* LabelSet::add(std::string_view name, Rgb color) {
    const std::string n = trimmed(name);
    if (n.empty())
        return nullptr;
    if (const Label* existing = find(n))
        return existing;
    m_labels.push_back(Label{nextId(), n, color});
    return &m_labels.back();
}

bool LabelSet::insert(Label label) {
    label.name = trimmed(label.name);
    if (label.id < 1 || label.name.empty() || findId(label.id) || find(label.name))
        return false;
    m_labels.push_back(std::move(label));
    return true;
}

bool LabelSet::rename(std::string_view from, std::string_view to) {
    const std::string n = trimmed(to);
    const int i = indexOf(from);
    if (i < 0 || n.empty() || (find(n) && n != from))
        return false;
    m_labels[static_cast<std::size_t>(i)].name = n;
    return true;
}

bool LabelSet::setColor(std::string_view name, Rgb color) {
    const int i = indexOf(name);
    if (i < 0)
        return false;
    m_labels[static_cast<std::size_t>(i)].color = color;
    return true;
}

bool LabelSet::remove(std::string_view name) {
    const int i = indexOf(name);
    if (i < 0)
        return false;
    m_labels.erase(m_labels.begin() + i);
    return true;
}

Rgb LabelSet::paletteColor(int id) {
    // Hand-picked distinct colours (readable on photos as translucent overlays), then cycling.
    static constexpr Rgb kPalette[] = {
        {230, 25, 75},   {60, 180, 75},   {255, 225, 25},  {0, 130, 200},   {245, 130, 48},
        {145, 30, 180},  {70, 240, 240},  {240, 50, 230},  {210, 245, 60},  {250, 190, 212},
        {0, 128, 128},   {220, 190, 255}, {170, 110, 40},  {255, 250, 200}, {128, 0, 0},
        {170, 255, 195}, {128, 128, 0},   {255, 215, 180}, {0, 0, 128},     {128, 128, 128},
    };
    constexpr int n = static_cast<int>(sizeof kPalette / sizeof kPalette[0]);
    const int i = ((id - 1) % n + n) % n;
    return kPalette[i];
}

Expected<LabelSet> LabelSet::fromLabels(std::vector<Label> labels) {
    LabelSet set;
    for (auto& l : labels) {
        l.name = trimmed(l.name);
        if (l.id < 1)
            return Error::invalid("label '" + l.name + "' has id " + std::to_string(l.id) +
                                  " (ids start at 1)");
        if (l.name.empty())
            return Error::invalid("label " + std::to_string(l.id) + " has an empty name");
        if (set.findId(l.id))
            return Error::invalid("label id " + std::to_string(l.id) + " is used twice");
        if (!set.insert(l))
            return Error::invalid("label '" + l.name + "' is listed twice");
    }
    return set;
}

std::optional<std::filesystem::path> LabelSet::findLabelsFile(const std::filesystem::path& folder) {
    for (const char* name : {"labels.txt", "classes.txt"}) {
        std::error_code ec;
        const auto p = folder / name;
        if (std::filesystem::is_regular_file(p, ec))
            return p;
    }
    return std::nullopt;
}

Expected<LabelSet> LabelSet::fromLabelsFile(const std::filesystem::path& path) {
    auto text = readFile(path);
    if (!text)
        return text.error();
    LabelSet set;
    std::string_view body = text.value();
    if (body.substr(0, 3) == "\xEF\xBB\xBF")  // a UTF-8 byte order mark from Windows editors
        body.remove_prefix(3);
    std::istringstream in{std::string(body)};
    std::string line;
    while (std::getline(in, line)) {
        const std::string name = trimmed(line);
        if (name.empty() || name.front() == '#')
            continue;
        set.add(name);
    }
    return set;
}

std::string LabelSet::toLabelsText() const {
    std::string out;
    for (const auto& l : m_labels)
        out += l.name + "\n";
    return out;
}

}  // namespace samdesk
