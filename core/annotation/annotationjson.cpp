// Reading and writing the autosave JSON (see annotationjson.h for the layout).
#include "core/annotation/annotationjson.h"

#include <algorithm>
#include <limits>
#include <set>

#include <nlohmann/json.hpp>

#include "core/annotation/rle.h"

namespace samdesk {

namespace {

using nlohmann::json;

constexpr const char* kAnnotationsFormat = "samdesk-annotations";
constexpr const char* kLabelsFormat = "samdesk-labels";

// Throws with a message naming `what` when `j` lacks a field of the expected type; the callers
// turn that into an Error.
struct FieldError {
    std::string message;
};

const json& field(const json& j, const char* key, json::value_t type, const std::string& what) {
    const auto it = j.find(key);
    const bool numberOk = type == json::value_t::number_float && it != j.end() && it->is_number();
    const bool intOk = type == json::value_t::number_integer && it != j.end() &&
                       (it->is_number_integer() || it->is_number_unsigned());
    if (it == j.end() || !(it->type() == type || numberOk || intOk))
        throw FieldError{what + ": missing or mistyped \"" + key + "\""};
    return *it;
}

int intField(const json& j, const char* key, const std::string& what) {
    const auto& v = field(j, key, json::value_t::number_integer, what);
    const auto n = v.get<long long>();
    if (n < 0 || n > 1'000'000'000)
        throw FieldError{what + ": \"" + key + "\" is out of range (" + std::to_string(n) + ")"};
    return static_cast<int>(n);
}

// The file's version, whatever it is; fails when `j` is not a `format` file with an integer
// version.
Expected<int> headerVersion(const json& j, const char* format, const std::string& origin) {
    if (!j.is_object() || !j.contains("format") || j["format"] != format)
        return Error::format(origin + ": not a " + std::string(format) + " file");
    const auto it = j.find("version");
    if (it == j.end() || !it->is_number_integer())
        return Error::format(origin + ": missing \"version\"");
    const long long version = it->get<long long>();
    if (version < 1 || version > std::numeric_limits<int>::max())
        return Error::format(origin + ": bad version " + std::to_string(version));
    return static_cast<int>(version);
}

// The version of a file this samdesk reads (1 ... newest).
Expected<int> checkHeader(const json& j, const char* format, int newest,
                          const std::string& origin) {
    auto version = headerVersion(j, format, origin);
    if (version && version.value() > newest)
        return Error::format(origin + ": written by a newer samdesk (file version " +
                             std::to_string(version.value()) + ", this one reads up to " +
                             std::to_string(newest) + ")");
    return version;
}

// Version 2's "prompts" of an object.
json promptsToJson(const ObjectPrompts& p) {
    json points = json::array();
    for (const auto& pt : p.points)
        points.push_back({pt.x, pt.y, pt.foreground ? 1 : 0});
    return {
        {"points", std::move(points)},
        {"box", p.box ? json{p.box->x0, p.box->y0, p.box->x1, p.box->y1} : json(nullptr)},
        {"candidate", p.candidate},
        {"threshold", p.threshold},
        {"mask_input", p.maskInput},
        {"engine", p.engine},
        {"checkpoint", p.checkpoint},
    };
}

ObjectPrompts promptsFromJson(const json& jp, const std::string& what) {
    const std::string where = what + " prompts";
    ObjectPrompts p;
    for (const auto& jpt : field(jp, "points", json::value_t::array, where)) {
        if (!jpt.is_array() || jpt.size() != 3 || !jpt[0].is_number() || !jpt[1].is_number() ||
            !(jpt[2].is_number_integer() || jpt[2].is_number_unsigned()))
            throw FieldError{where + ": a point is not [x, y, label]"};
        const auto label = jpt[2].get<long long>();
        if (label != 0 && label != 1)
            throw FieldError{where + ": point label " + std::to_string(label) +
                             " is not 1 (foreground) or 0 (background)"};
        p.points.push_back({jpt[0].get<double>(), jpt[1].get<double>(), label == 1});
    }
    const auto box = jp.find("box");
    if (box == jp.end())
        throw FieldError{where + ": missing \"box\""};
    if (!box->is_null()) {
        if (!box->is_array() || box->size() != 4 ||
            !std::all_of(box->begin(), box->end(), [](const json& v) { return v.is_number(); }))
            throw FieldError{where + ": \"box\" is not [x0, y0, x1, y1] or null"};
        const PromptBox b{(*box)[0].get<double>(), (*box)[1].get<double>(), (*box)[2].get<double>(),
                          (*box)[3].get<double>()};
        if (b.x0 > b.x1 || b.y0 > b.y1)
            throw FieldError{where + ": \"box\" has x0 > x1 or y0 > y1"};
        p.box = b;
    }
    p.candidate = intField(jp, "candidate", where);
    p.threshold = field(jp, "threshold", json::value_t::number_float, where).get<double>();
    p.maskInput = field(jp, "mask_input", json::value_t::boolean, where).get<bool>();
    p.engine = field(jp, "engine", json::value_t::string, where).get<std::string>();
    p.checkpoint = field(jp, "checkpoint", json::value_t::string, where).get<std::string>();
    return p;
}

}  // namespace

std::string annotationsToJson(const ImageAnnotations& a, const MaskRleOf& rleOf) {
    json objects = json::array();
    for (const auto& o : a.objects) {
        json jo = {
            {"id", o.id},
            {"label", o.label},
            {"visible", o.visible},
            {"color", o.color ? json(o.color->toHex()) : json(nullptr)},
            {"source", o.source},
            {"score", o.score},
            {"hand_edited", o.handEdited},
            {"mask",
             {{"size", {o.mask.height(), o.mask.width()}},
              {"counts", rleOf ? rleOf(o) : o.mask.toRleString()}}},
        };
        if (o.prompts)
            jo["prompts"] = promptsToJson(*o.prompts);
        objects.push_back(std::move(jo));
    }
    const json j = {
        {"format", kAnnotationsFormat}, {"version", kAnnotationFileVersion},
        {"image", a.imageFile},         {"width", a.width},
        {"height", a.height},           {"objects", std::move(objects)},
    };
    return j.dump(1) + "\n";
}

namespace {

// ImageAnnotations::validate() without the mask sizes (for files whose masks were not decoded).
Status validateIds(const ImageAnnotations& a) {
    if (a.width <= 0 || a.height <= 0)
        return Error::invalid("image size " + std::to_string(a.width) + "x" +
                              std::to_string(a.height) + " is not positive");
    std::set<int> ids;
    for (const auto& o : a.objects)
        if (o.id < 1 || !ids.insert(o.id).second)
            return Error::invalid("object id " + std::to_string(o.id) +
                                  " is not unique or below 1");
    return {};
}

// Reads an annotation file; without `decodeMasks` the RLE strings are only checked (they parse
// and cover the image), which is all the store needs to know before overwriting a file.
Expected<ImageAnnotations> parseAnnotations(std::string_view text, const std::string& origin,
                                            bool decodeMasks) {
    json j;
    try {
        j = json::parse(text);
    } catch (const json::exception& e) {
        return Error::format(origin + ": not valid JSON (" + e.what() + ")");
    }
    const auto version = checkHeader(j, kAnnotationsFormat, kAnnotationFileVersion, origin);
    if (!version)
        return version.error();
    try {
        ImageAnnotations a;
        a.imageFile = field(j, "image", json::value_t::string, origin).get<std::string>();
        a.width = intField(j, "width", origin);
        a.height = intField(j, "height", origin);
        for (const auto& jo : field(j, "objects", json::value_t::array, origin)) {
            if (!jo.is_object())
                throw FieldError{origin + ": an object is not a JSON object"};
            AnnotationObject o;
            o.id = intField(jo, "id", origin);
            const std::string what = origin + ", object " + std::to_string(o.id);
            o.label = field(jo, "label", json::value_t::string, what).get<std::string>();
            if (jo.contains("visible"))
                o.visible = field(jo, "visible", json::value_t::boolean, what).get<bool>();
            if (jo.contains("color") && !jo["color"].is_null()) {
                const auto c = Rgb::fromHex(
                    field(jo, "color", json::value_t::string, what).get<std::string>());
                if (!c)
                    throw FieldError{what + ": \"color\" is not #rrggbb"};
                o.color = *c;
            }
            if (jo.contains("source"))
                o.source = field(jo, "source", json::value_t::string, what).get<std::string>();
            if (jo.contains("score"))
                o.score = field(jo, "score", json::value_t::number_float, what).get<double>();
            // Version 1 had neither field: such objects have no prompts and are not hand-edited.
            if (version.value() >= 2) {
                if (jo.contains("hand_edited"))
                    o.handEdited =
                        field(jo, "hand_edited", json::value_t::boolean, what).get<bool>();
                if (jo.contains("prompts") && !jo["prompts"].is_null())
                    o.prompts =
                        promptsFromJson(field(jo, "prompts", json::value_t::object, what), what);
            }
            const auto& jm = field(jo, "mask", json::value_t::object, what);
            const auto& size = field(jm, "size", json::value_t::array, what + " mask");
            if (size.size() != 2 || !size[0].is_number_integer() || !size[1].is_number_integer())
                throw FieldError{what + ": mask \"size\" is not [height, width]"};
            const int h = size[0].get<int>();
            const int w = size[1].get<int>();
            if (h != a.height || w != a.width)
                throw FieldError{what + ": mask size [" + std::to_string(h) + ", " +
                                 std::to_string(w) + "] is not the image's [" +
                                 std::to_string(a.height) + ", " + std::to_string(a.width) + "]"};
            const auto counts =
                field(jm, "counts", json::value_t::string, what + " mask").get<std::string>();
            if (decodeMasks) {
                auto mask = BinaryMask::fromRleString(w, h, counts);
                if (!mask)
                    throw FieldError{what + ": " + mask.error().message};
                o.mask = std::move(mask.value());
            } else {
                auto runs = rleCountsFromString(counts);
                if (!runs)
                    throw FieldError{what + ": " + runs.error().message};
                std::uint64_t sum = 0;
                for (auto c : runs.value())
                    sum += c;
                if (sum != static_cast<std::uint64_t>(w) * static_cast<std::uint64_t>(h))
                    throw FieldError{what + ": mask RLE does not cover the image"};
            }
            a.objects.push_back(std::move(o));
        }
        if (auto st = decodeMasks ? a.validate() : validateIds(a); !st)
            return Error::format(origin + ": " + st.error().message);
        return a;
    } catch (const FieldError& e) {
        return Error::format(e.message);
    } catch (const json::exception& e) {
        return Error::format(origin + ": " + e.what());
    }
}

}  // namespace

Expected<ImageAnnotations> annotationsFromJson(std::string_view text, const std::string& origin) {
    return parseAnnotations(text, origin, true);
}

Expected<std::string> checkAnnotationsJson(std::string_view text, const std::string& origin) {
    auto a = parseAnnotations(text, origin, false);
    if (!a)
        return a.error();
    return a->imageFile;
}

Expected<int> annotationFileVersion(std::string_view text, const std::string& origin) {
    json j;
    try {
        j = json::parse(text);
    } catch (const json::exception& e) {
        return Error::format(origin + ": not valid JSON (" + e.what() + ")");
    }
    return headerVersion(j, kAnnotationsFormat, origin);
}

std::string labelsToJson(const LabelSet& labels) {
    json list = json::array();
    for (const auto& l : labels.labels())
        list.push_back({{"id", l.id}, {"name", l.name}, {"color", l.color.toHex()}});
    const json j = {
        {"format", kLabelsFormat}, {"version", kLabelsFileVersion}, {"labels", std::move(list)}};
    return j.dump(1) + "\n";
}

Expected<LabelSet> labelsFromJson(std::string_view text, const std::string& origin) {
    json j;
    try {
        j = json::parse(text);
    } catch (const json::exception& e) {
        return Error::format(origin + ": not valid JSON (" + e.what() + ")");
    }
    if (auto version = checkHeader(j, kLabelsFormat, kLabelsFileVersion, origin); !version)
        return version.error();
    try {
        // Ids are kept as written: add() would renumber, so labels are rebuilt in order and
        // checked for duplicates here.
        std::vector<Label> list;
        for (const auto& jl : field(j, "labels", json::value_t::array, origin)) {
            Label l;
            l.id = intField(jl, "id", origin);
            l.name = field(jl, "name", json::value_t::string, origin).get<std::string>();
            const auto c =
                Rgb::fromHex(field(jl, "color", json::value_t::string, origin).get<std::string>());
            if (!c)
                throw FieldError{origin + ", label " + l.name + ": \"color\" is not #rrggbb"};
            l.color = *c;
            list.push_back(std::move(l));
        }
        auto set = LabelSet::fromLabels(std::move(list));
        if (!set)
            return Error::format(origin + ": " + set.error().message);
        return set;
    } catch (const FieldError& e) {
        return Error::format(e.message);
    } catch (const json::exception& e) {
        return Error::format(origin + ": " + e.what());
    }
}

}  // namespace samdesk
