// samdesk-cli doctor: is this machine set up to run SAM fast?
#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "app/cli/args.h"
#include "app/cli/commands.h"
#include "core/sam/runtime/cpukernels.h"
#include "core/sam/runtime/fastgemm.h"
#include "core/sam/runtime/runtimeinfo.h"

namespace samdesk::cli {

namespace {

const char* kDoctorHelp =
    "usage: samdesk-cli doctor [--threads N] [--json]\n\n"
    "Prints the libtorch version, CUDA devices, thread count, the BLAS library in use, CPU\n"
    "features (AMX, AVX512-BF16) and a short fp32/bf16 matrix-product measurement in GFLOP/s.\n"
    "Warns when fp32 is below 20 GFLOP/s: libtorch is then using the reference BLAS and SAM\n"
    "will be about 100x slower than it should be.\n";

const char* yesNo(bool b) {
    return b ? "yes" : "no";
}

}  // namespace

int runDoctor(const Argv& argv) {
    Args args(argv, {"threads"}, {"json"});
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
    std::printf("bfloat16 on CPU %s\n", cpuHasFastBf16(info.cpu) ? "fast (chosen automatically)"
                                                                 : "slow (float32 is used)");
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
