// The calibration file: {"format": "samdesk-dtype-calibration", "version": 1, "entries": [...]},
// each entry its key (cpu, torch, gemm, threads) and its figures. Anything that does not parse
// as such is treated as absent and rewritten by the next measurement.
#include "core/sam/runtime/calibrationcache.h"

#include <cmath>
#include <cstdlib>
#include <exception>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <system_error>
#include <tuple>
#include <vector>

#include <torch/torch.h>
#include <torch/version.h>
#include <nlohmann/json.hpp>

#include "core/common/atomicfile.h"
#include "core/sam/runtime/fastgemm.h"
#include "core/sam/runtime/runtimeinfo.h"

namespace samdesk {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kFormat = "samdesk-dtype-calibration";
constexpr int kVersion = 1;
// Enough for every machine and thread count one home folder sees; the oldest go first.
constexpr std::size_t kMaxEntries = 32;

bool isRate(const json& j, const char* field) {
    return j.contains(field) && j[field].is_number() && std::isfinite(j[field].get<double>()) &&
           j[field].get<double>() > 0;
}

std::optional<CalibrationKey> keyOf(const json& e) {
    if (!e.is_object() || !e.contains("cpu") || !e["cpu"].is_string() || !e.contains("torch") ||
        !e["torch"].is_string() || !e.contains("gemm") || !e["gemm"].is_string() ||
        !e.contains("threads") || !e["threads"].is_number_integer())
        return std::nullopt;
    return CalibrationKey{e["cpu"].get<std::string>(), e["torch"].get<std::string>(),
                          e["gemm"].get<std::string>(), e["threads"].get<int>()};
}

// The figures of a well-formed entry; nullopt for anything else.
std::optional<DtypeCalibration> calibrationOf(const json& e) {
    if (!keyOf(e) || !isRate(e, "float32_gflops") || !isRate(e, "bfloat16_gflops"))
        return std::nullopt;
    DtypeCalibration c;
    c.float32Gflops = e["float32_gflops"].get<double>();
    c.bfloat16Gflops = e["bfloat16_gflops"].get<double>();
    if (e.contains("seconds") && e["seconds"].is_number())
        c.seconds = e["seconds"].get<double>();
    if (e.contains("runs") && e["runs"].is_number_integer())
        c.runs = e["runs"].get<int>();
    if (e.contains("shapes") && e["shapes"].is_array()) {
        for (const auto& s : e["shapes"]) {
            if (!s.is_object() || !s.contains("name") || !s["name"].is_string() ||
                !isRate(s, "float32_gflops") || !isRate(s, "bfloat16_gflops"))
                return std::nullopt;
            CalibrationShape shape;
            shape.name = s["name"].get<std::string>();
            shape.share =
                s.contains("share") && s["share"].is_number() ? s["share"].get<double>() : 0.0;
            shape.float32Gflops = s["float32_gflops"].get<double>();
            shape.bfloat16Gflops = s["bfloat16_gflops"].get<double>();
            c.shapes.push_back(shape);
        }
    }
    return c;
}

// The valid entries of the file; empty when it is missing or not a calibration file.
std::vector<json> validEntries(const fs::path& file) {
    auto text = readFile(file);
    if (!text)
        return {};
    const json doc = json::parse(text.value(), nullptr, /*allow_exceptions=*/false);
    if (!doc.is_object() || doc.value("format", "") != kFormat || !doc.contains("version") ||
        doc["version"] != kVersion || !doc.contains("entries") || !doc["entries"].is_array())
        return {};
    std::vector<json> entries;
    for (const auto& e : doc["entries"])
        if (calibrationOf(e))
            entries.push_back(e);
    return entries;
}

json entryFor(const CalibrationKey& key, const DtypeCalibration& c) {
    json shapes = json::array();
    for (const auto& s : c.shapes)
        shapes.push_back({{"name", s.name},
                          {"share", s.share},
                          {"float32_gflops", s.float32Gflops},
                          {"bfloat16_gflops", s.bfloat16Gflops}});
    return {{"cpu", key.cpuModel},
            {"torch", key.torchVersion},
            {"gemm", key.gemmBackend},
            {"threads", key.threads},
            {"float32_gflops", c.float32Gflops},
            {"bfloat16_gflops", c.bfloat16Gflops},
            {"mixed_gflops", c.mixedGflops()},  // these two for a person reading the file;
            {"choice", c.choice()},             // recomputed from the shapes when read
            {"seconds", c.seconds},
            {"runs", c.runs},
            {"shapes", shapes}};
}

}  // namespace

CalibrationKey currentCalibrationKey() {
    return {detectCpuFeatures().modelName, TORCH_VERSION, gemm::backendName(),
            at::get_num_threads()};
}

fs::path defaultCalibrationFile() {
    if (const char* file = std::getenv("SAMDESK_CALIBRATION_FILE"); file && *file)
        return file;
    if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg)
        return fs::path(xdg) / "samdesk" / "calibration.json";
    if (const char* home = std::getenv("HOME"); home && *home)
        return fs::path(home) / ".cache" / "samdesk" / "calibration.json";
    return fs::temp_directory_path() / "samdesk-calibration.json";
}

std::optional<DtypeCalibration> readCalibration(const fs::path& file, const CalibrationKey& key) {
    for (const auto& e : validEntries(file))
        if (keyOf(e) == key)
            return calibrationOf(e);
    return std::nullopt;
}

bool writeCalibration(const fs::path& file, const CalibrationKey& key,
                      const DtypeCalibration& calibration, std::string* error) {
    json entries = json::array();
    for (auto& e : validEntries(file))
        if (keyOf(e) != key)
            entries.push_back(std::move(e));
    entries.push_back(entryFor(key, calibration));
    while (entries.size() > kMaxEntries)
        entries.erase(entries.begin());
    const json doc = {{"format", kFormat}, {"version", kVersion}, {"entries", entries}};

    std::error_code ec;
    if (file.has_parent_path())
        fs::create_directories(file.parent_path(), ec);
    if (ec) {
        if (error)
            *error = file.parent_path().string() + ": " + ec.message();
        return false;
    }
    // A CPU name that is not UTF-8 is stored with replacement characters (a miss next time) rather
    // than failing the write.
    const std::string text = doc.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
    const Status st = writeFileAtomically(file, text);
    if (!st && error)
        *error = st.error().message;
    return st.ok();
}

namespace {

// A measurement, taken again when it was disturbed or says bfloat16 or mixed (see
// calibratedCpuDtype).
DtypeCalibration confirmedMeasurement(const std::function<DtypeCalibration()>& measure) {
    DtypeCalibration first = measure();
    if (!first.reliable) {
        // Often a moment's work of another thread (the app decodes the photo meanwhile).
        DtypeCalibration again = measure();
        again.runs += first.runs;
        again.seconds += first.seconds;
        first = std::move(again);
    }
    if (!first.reliable || first.choice() == "float32")
        return first;
    DtypeCalibration second = measure();
    const int runs = first.runs + second.runs;
    const double seconds = first.seconds + second.seconds;
    DtypeCalibration kept;
    if (!second.reliable || second.choice() == "float32")
        kept = std::move(second);
    else
        kept = second.reducedLead() < first.reducedLead() ? std::move(second) : std::move(first);
    kept.runs = runs;
    kept.seconds = seconds;
    return kept;
}

CpuDtypeChoice calibrated(const fs::path& file, bool recalibrate,
                          const std::function<DtypeCalibration()>* given) {
    // One measurement at a time; every measurement of this process, per key, for when the file
    // cannot be written (or the result was not reliable enough to cache).
    static std::mutex mutex;
    static std::map<std::tuple<std::string, std::string, std::string, int>, DtypeCalibration>
        measured;
    std::lock_guard lock(mutex);

    CpuDtypeChoice choice;
    choice.file = file;
    try {
        const CalibrationKey key = currentCalibrationKey();
        const auto id =
            std::make_tuple(key.cpuModel, key.torchVersion, key.gemmBackend, key.threads);
        if (!recalibrate) {
            if (auto cached = readCalibration(file, key)) {
                choice.calibration = std::move(*cached);
                choice.fromCache = true;
                choice.dtype = choice.calibration.choice();
                return choice;
            }
        }
        if (given) {
            choice.calibration = confirmedMeasurement(*given);
        } else if (const auto it = measured.find(id); !recalibrate && it != measured.end()) {
            choice.calibration = it->second;
        } else {
            choice.calibration = confirmedMeasurement(measureDtypeCalibration);
            measured[id] = choice.calibration;
        }
        if (choice.calibration.reliable)
            writeCalibration(file, key, choice.calibration, &choice.writeError);
        else
            choice.writeError =
                "the runs disagreed (other programs were using the CPU); float32 until the next "
                "measurement";
    } catch (const std::exception& e) {
        choice.error = std::string("dtype calibration failed: ") + e.what();
    }
    // A disturbed measurement says little: the reference precision until the next one.
    choice.dtype = choice.calibration.reliable ? choice.calibration.choice() : "float32";
    return choice;
}

}  // namespace

CpuDtypeChoice calibratedCpuDtype(const fs::path& file, bool recalibrate) {
    return calibrated(file, recalibrate, nullptr);
}

CpuDtypeChoice calibratedCpuDtype(const fs::path& file, bool recalibrate,
                                  const std::function<DtypeCalibration()>& measure) {
    return calibrated(file, recalibrate, &measure);
}

}  // namespace samdesk
