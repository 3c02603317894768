// The dtype calibration (dtypecalibration.h) cached in a small JSON file, one entry per CPU model,
// libtorch version, GEMM backend and thread count, so that "auto" measures once per machine.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "core/sam/runtime/dtypecalibration.h"

namespace samdesk {

// What one measurement is valid for: the cache holds one entry per key.
struct CalibrationKey {
    std::string cpuModel;      // /proc/cpuinfo's model name
    std::string torchVersion;  // libtorch's TORCH_VERSION
    std::string gemmBackend;   // gemm::backendName(): "oneDNN" or "libtorch"
    int threads = 0;           // libtorch intra-op threads of the measuring thread

    bool operator==(const CalibrationKey&) const = default;
};

// This process and the calling thread's libtorch thread count.
CalibrationKey currentCalibrationKey();

// $SAMDESK_CALIBRATION_FILE, else $XDG_CACHE_HOME/samdesk/calibration.json, else
// ~/.cache/samdesk/calibration.json. Read on every call.
std::filesystem::path defaultCalibrationFile();

// The entry for `key` in `file`; nullopt when the file is missing, unreadable, not a calibration
// file, or has no valid entry for the key.
std::optional<DtypeCalibration> readCalibration(const std::filesystem::path& file,
                                                const CalibrationKey& key);

// Stores `calibration` as the entry for `key` (replacing the old one), keeping the valid entries
// of other keys and dropping corrupt ones; the folder is created, the write is atomic. False
// with `error` set when the file cannot be written.
bool writeCalibration(const std::filesystem::path& file, const CalibrationKey& key,
                      const DtypeCalibration& calibration, std::string* error = nullptr);

struct CpuDtypeChoice {
    std::string dtype;  // "float32" or "bfloat16"
    DtypeCalibration calibration;
    std::filesystem::path file;
    bool fromCache = false;  // false: measured by this call (or earlier in this process)
    std::string writeError;  // why the new measurement was not cached; empty when it was
    std::string error;       // why no measurement exists (dtype is then "float32")
};

// The cached calibration for currentCalibrationKey(), measured and cached when missing (or
// always, with `recalibrate`). A measurement that cannot be cached is remembered for the rest of
// the process, so it runs once. An unreliable one (a busy machine) is taken once more; if that is
// unreliable too, nothing is cached and float32 is used until a later process measures again
// (the app decodes the first photo while the model loads: a 200 MP JPEG can disturb the first
// attempt). A measurement that says bfloat16 or mixed is
// taken again (the choice is cached for good, and a stretch of a busy machine that slowed only
// the float32 runs must not decide it): of the two, the one whose reduced precision leads
// float32 by less decides (float32 when the second says so), nothing is cached when the second is
// unreliable. Never throws; thread-safe.
CpuDtypeChoice calibratedCpuDtype(const std::filesystem::path& file, bool recalibrate = false);
// The same with the measurement given (tests), never remembered in the process.
CpuDtypeChoice calibratedCpuDtype(const std::filesystem::path& file, bool recalibrate,
                                  const std::function<DtypeCalibration()>& measure);

}  // namespace samdesk
