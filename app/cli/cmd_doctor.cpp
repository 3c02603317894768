// samdesk-cli doctor: is this machine set up to run SAM fast?
#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "app/cli/args.h"
#include "app/cli/commands.h"
#include "core/sam/runtime/calibrationcache.h"
#include "core/sam/runtime/cpukernels.h"
#include "core/sam/runtime/fastgemm.h"
#include "core/sam/runtime/runtimeinfo.h"

namespace samdesk::cli {

namespace {

const char* kDoctorHelp =
    "usage: samdesk-cli doctor [--threads N] [--recalibrate] [--json]\n\n"
    "Prints the libtorch version, CUDA devices, thread count, the BLAS library in use, CPU\n"
    "features (AMX, AVX512-BF16) and a short fp32/bf16 matrix-product measurement in GFLOP/s.\n"
    "Warns when fp32 is below 20 GFLOP/s: libtorch is then using the reference BLAS and SAM\n"
    "will be about 100x slower than it should be.\n"
    "Then the calibration behind --dtype auto on the CPU: the encoder's own matrix products in\n"
    "float32 and bfloat16 (GFLOP/s), the mix of both called mixed (bfloat16 linear layers,\n"
    "float32 attention), the dtype auto picks (bfloat16 or mixed only when it is more than\n"
    "10% faster) and the file that caches it per CPU, libtorch, GEMM backend and thread count\n"
    "($SAMDESK_CALIBRATION_FILE, else $XDG_CACHE_HOME/samdesk/calibration.json).\n"
    "--recalibrate measures again and replaces the cached entry.\n";

const char* yesNo(bool b) {
    return b ? "yes" : "no";
}

}  // namespace

int runDoctor(const Argv& argv) {
    Args args(argv, {"threads"}, {"json", "recalibrate"});
    if (!args.error().empty())
        return fail(args.error());
    if (args.wantsHelp()) {
        std::cout << kDoctorHelp;
        return 0;
    }
    std::string err;
    const auto threads = args.integer("threads", &err);
    if (!err.empty())
        return fail(err);
    configureThreads(static_cast<int>(threads.value_or(0)));

    const RuntimeInfo info = collectRuntimeInfo();
    const double fp32 = measureGemmGflops("float32");
    const double bf16 = measureGemmGflops("bfloat16");
    const bool slow = fp32 < kSlowGemmGflops;
    const CpuDtypeChoice calibration =
        calibratedCpuDtype(defaultCalibrationFile(), args.flag("recalibrate"));
    const DtypeCalibration& cal = calibration.calibration;

    if (args.flag("json")) {
        nlohmann::json j;
        j["torch_version"] = info.torchVersion;
        j["cuda_available"] = info.cudaAvailable;
        j["cuda_devices"] = info.cudaDevices;
        j["threads"] = info.threads;
        j["blas"] = info.blasLibrary;
        j["cpu"] = {{"model", info.cpu.modelName},          {"avx2", info.cpu.avx2},
                    {"avx512f", info.cpu.avx512f},          {"avx512_bf16", info.cpu.avx512bf16},
                    {"amx_bf16", info.cpu.amxBf16},         {"amx_usable", info.cpu.amxUsable},
                    {"fast_bf16", cpuHasFastBf16(info.cpu)}};
        j["gemm_gflops"] = {{"float32", fp32}, {"bfloat16", bf16}};
        j["encoder_gemm"] = gemm::backendName();
        j["kernels"] = kernels::kernelsName();
        j["blas_too_slow"] = slow;
        nlohmann::json shapes = nlohmann::json::array();
        for (const auto& s : cal.shapes)
            shapes.push_back({{"name", s.name},
                              {"share", s.share},
                              {"float32_gflops", s.float32Gflops},
                              {"bfloat16_gflops", s.bfloat16Gflops}});
        j["dtype_calibration"] = {{"float32_gflops", cal.float32Gflops},
                                  {"bfloat16_gflops", cal.bfloat16Gflops},
                                  {"mixed_gflops", cal.mixedGflops()},
                                  {"shapes", shapes},
                                  {"margin", kBf16Margin},
                                  {"auto_cpu_dtype", calibration.dtype},
                                  {"file", calibration.file.string()},
                                  {"cached", calibration.fromCache},
                                  {"seconds", cal.seconds},
                                  {"runs", cal.runs},
                                  {"reliable", cal.reliable},
                                  {"write_error", calibration.writeError},
                                  {"error", calibration.error}};
        std::cout << j.dump(2) << "\n";
        return 0;
    }

    std::printf("samdesk %s\n", SAMDESK_VERSION);
    std::printf("libtorch        %s\n", info.torchVersion.c_str());
    std::printf("CUDA            %s", yesNo(info.cudaAvailable));
    for (const auto& d : info.cudaDevices)
        std::printf(" %s", d.c_str());
    std::printf("\nthreads         %d\n", info.threads);
    std::printf("BLAS            %s\n", info.blasLibrary.c_str());
    std::printf("CPU             %s\n", info.cpu.modelName.c_str());
    std::printf("  AVX2 %s, AVX-512 %s, AVX512-BF16 %s, AMX-BF16 %s (usable: %s)\n",
                yesNo(info.cpu.avx2), yesNo(info.cpu.avx512f), yesNo(info.cpu.avx512bf16),
                yesNo(info.cpu.amxBf16), yesNo(info.cpu.amxUsable));
    std::printf("GEMM 1024^3     float32 %.1f GFLOP/s, bfloat16 %.1f GFLOP/s\n", fp32, bf16);
    std::printf("encoder GEMM    %s (SAMDESK_GEMM=torch: libtorch)\n", gemm::backendName());
    std::printf("CPU kernels     %s (SAMDESK_KERNELS=portable: plain C++)\n",
                kernels::kernelsName());
    std::printf("bfloat16 ISA    %s\n", cpuHasFastBf16(info.cpu)
                                            ? "AMX or AVX512-BF16 (auto decides by measurement)"
                                            : "none (auto decides by measurement)");
    if (!calibration.error.empty()) {
        std::printf("precision auto  float32 (%s)\n", calibration.error.c_str());
    } else {
        std::printf(
            "encoder GEMMs   float32 %.1f GFLOP/s, bfloat16 %.1f GFLOP/s, mixed %.1f "
            "GFLOP/s (vit_b mix; mixed: bfloat16 linear layers, float32 attention)\n",
            cal.float32Gflops, cal.bfloat16Gflops, cal.mixedGflops());
        for (const auto& s : cal.shapes)
            std::printf("  %-28s float32 %6.1f, bfloat16 %6.1f (%2.0f%% of the work)\n",
                        s.name.c_str(), s.float32Gflops, s.bfloat16Gflops, 100 * s.share);
        std::printf(
            "precision auto  %s on the CPU (bfloat16 or mixed needs > %.0f%% more; CUDA: "
            "bfloat16)\n",
            calibration.dtype.c_str(), 100 * (kBf16Margin - 1));
    }
    if (calibration.fromCache)
        std::printf("calibration     cached in %s (--recalibrate measures again)\n",
                    calibration.file.string().c_str());
    else if (calibration.writeError.empty())
        std::printf("calibration     measured now (%.2f s), cached in %s\n", cal.seconds,
                    calibration.file.string().c_str());
    else
        std::printf("calibration     measured now (%.2f s), not cached: %s\n", cal.seconds,
                    calibration.writeError.c_str());
    if (slow) {
        std::printf(
            "\nWARNING: float32 matrix products run at %.1f GFLOP/s (< %.0f).\n"
            "WARNING: libtorch is using the reference BLAS; SAM will be ~100x slower.\n"
            "WARNING: fix: sudo apt install libopenblas0-pthread\n"
            "WARNING:      sudo update-alternatives --config libblas.so.3-x86_64-linux-gnu\n"
            "WARNING:      (choose the openblas-pthread entry), then run doctor again.\n",
            fp32, kSlowGemmGflops);
    }
    return 0;
}

}  // namespace samdesk::cli
