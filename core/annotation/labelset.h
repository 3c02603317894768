// Labels (class names with a colour and a stable id) and the ordered set of them a folder uses.
// The set can be seeded from a labels file in the image folder: `labels.txt`, or else
// `classes.txt` (YOLO's name for it), one label name per line; blank lines and lines starting
// with '#' are skipped, surrounding whitespace is trimmed, repeated names count once.
// Plain value types; not synchronised (one thread at a time, or copies).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/expected.h"

namespace samdesk {

struct Rgb {
    std::uint8_t r = 0;
    std::uint8_t g = 0;
    std::uint8_t b = 0;

    // "#rrggbb", lower case.
    std::string toHex() const;
    // Accepts "#rrggbb" or "rrggbb" (either case); nullopt for anything else.
    static std::optional<Rgb> fromHex(std::string_view text);
    bool operator==(const Rgb&) const = default;
};

struct Label {
    int id = 0;  // stable, >= 1, never reused within a set; COCO's category_id
    std::string name;
    Rgb color;

    bool operator==(const Label&) const = default;
};

class LabelSet {
public:
    // In display order: the order labels were added (or listed in the labels file). YOLO's class
    // index is the position in this list.
    const std::vector<Label>& labels() const { return m_labels; }
    std::size_t size() const { return m_labels.size(); }
    bool isEmpty() const { return m_labels.empty(); }

    const Label* find(std::string_view name) const;
    const Label* findId(int id) const;
    // Position in labels(), or -1.
    int indexOf(std::string_view name) const;

    // Adds `name` with the next free id and a palette colour (or `color`); returns the existing
    // label when the name is already there. Empty names (after trimming) are refused: nullptr.
    const Label* add(std::string_view name);
    const Label* add(std::string_view name, Rgb color);
    // Adds `label` as it is (id and colour kept). False when its id or name is taken, the id is
    // < 1 or the name is empty.
    bool insert(Label label);
    // Keeps the id and colour. False when `from` is absent or `to` is empty or already used.
    bool rename(std::string_view from, std::string_view to);
    bool setColor(std::string_view name, Rgb color);
    bool remove(std::string_view name);

    // The colour the palette gives label id `id` (distinct, saturated colours that cycle).
    static Rgb paletteColor(int id);

    // A set with exactly these labels (ids and colours kept). Fails when an id is < 1 or used
    // twice, or a name is empty or used twice.
    static Expected<LabelSet> fromLabels(std::vector<Label> labels);

    // `folder`/labels.txt if it exists, else `folder`/classes.txt, else nullopt.
    static std::optional<std::filesystem::path> findLabelsFile(const std::filesystem::path& folder);
    // Reads a labels file (format above); ids 1..n in file order.
    static Expected<LabelSet> fromLabelsFile(const std::filesystem::path& path);
    // The labels file's text for this set (one name per line).
    std::string toLabelsText() const;

    bool operator==(const LabelSet&) const = default;

private:
    int nextId() const;

    std::vector<Label> m_labels;
};

}  // namespace samdesk
