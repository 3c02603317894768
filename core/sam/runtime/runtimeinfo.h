// What the machine offers for inference: libtorch build, devices, threads, BLAS, CPU features and
// a short GEMM measurement. Used by `samdesk-cli doctor`, `bench` and the GUI's About box.
#pragma once

#include <string>
#include <vector>

namespace samdesk {

struct CpuFeatures {
    std::string modelName;
    bool avx2 = false;
    bool avx512f = false;
    bool avx512bf16 = false;  // AVX512_BF16 instructions
    bool amxTile = false;     // AMX tiles (the CPU has them)
    bool amxBf16 = false;
    bool amxUsable = false;  // the kernel lets this process use AMX (XCR0 + arch_prctl)
};

// The x86 features via cpuid; all false on other CPUs and in a SAMDESK_PORTABLE_KERNELS build
// (which leaves the x86 code out), so the vector and bfloat16 paths stay off there.
CpuFeatures detectCpuFeatures();

// True when bfloat16 matrix products are fast on this CPU (AMX or AVX512-BF16).
bool cpuHasFastBf16(const CpuFeatures& cpu);

struct RuntimeInfo {
    std::string torchVersion;
    bool cudaAvailable = false;
    std::vector<std::string> cudaDevices;  // "NVIDIA H100 (80 GiB, sm_90)"
    int threads = 0;
    std::string blasLibrary;  // resolved path of the BLAS the process loaded, or "unknown"
    CpuFeatures cpu;
};

// Cheap facts only (no measurement).
RuntimeInfo collectRuntimeInfo();

// Runs a few n x n matrix products on the CPU and returns GFLOP/s (median of `repeats`).
// dtype: "float32" or "bfloat16".
double measureGemmGflops(const std::string& dtype, int n = 1024, int repeats = 5);

// Below this fp32 GEMM rate libtorch is using the reference BLAS (see `doctor`).
constexpr double kSlowGemmGflops = 20.0;

// Sets libtorch's intra-op threads (0 = all hardware threads). Returns the count in use.
int configureThreads(int requested);

// Waits until queued work on `device` ("cuda", "cuda:N") is done, for timings; nothing on "cpu".
void synchronizeDevice(const std::string& device);

}  // namespace samdesk
