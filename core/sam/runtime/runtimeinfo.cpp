// Runtime facts: libtorch version, CUDA, threads, BLAS in use, CPU features, GEMM speed.
#include "core/sam/runtime/runtimeinfo.h"

// cpuid and xgetbv exist on x86 only, and a portable build (SAMDESK_PORTABLE_KERNELS) leaves them
// out on x86 too: then every feature reads false and the vector paths stay off.
#if !defined(SAMDESK_PORTABLE_KERNELS) && (defined(__x86_64__) || defined(__i386__))
#define SAMDESK_X86_CPUID 1
#include <cpuid.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif
#ifdef __APPLE__
#include <sys/sysctl.h>
#endif

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include <torch/torch.h>
#include <torch/version.h>

namespace samdesk {

namespace {

#ifdef SAMDESK_X86_CPUID
std::uint64_t readXcr0() {
    std::uint32_t eax = 0, edx = 0;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return (static_cast<std::uint64_t>(edx) << 32) | eax;
}
#endif

// x86 and some ARM kernels write "model name"; 32-bit ARM writes "Processor"; arm64 often only
// the part number ("CPU part : 0xd0c"). macOS has no /proc but a sysctl.
std::string cpuModelName() {
#ifdef __APPLE__
    char brand[256] = {};
    std::size_t size = sizeof brand - 1;
    if (sysctlbyname("machdep.cpu.brand_string", brand, &size, nullptr, 0) == 0 && brand[0])
        return brand;
#endif
    std::ifstream in("/proc/cpuinfo");
    std::string line, processor, part;
    const auto value = [&line] {
        const auto colon = line.find(':');
        return colon == std::string::npos ? std::string()
                                          : line.substr(std::min(line.size(), colon + 2));
    };
    while (std::getline(in, line)) {
        if (line.rfind("model name", 0) == 0 && !value().empty())
            return value();
        if (line.rfind("Processor", 0) == 0 && processor.empty())
            processor = value();
        if (line.rfind("CPU part", 0) == 0 && part.empty())
            part = value();
    }
    if (!processor.empty())
        return processor;
    if (!part.empty())
        return "CPU part " + part;
    return "unknown";
}

// The BLAS the process really loaded: libtorch links libblas.so.3, which Debian's alternatives
// point at OpenBLAS or the slow reference implementation.
std::string loadedBlas() {
    std::ifstream maps("/proc/self/maps");
    std::string line;
    while (std::getline(maps, line)) {
        const auto slash = line.find('/');
        if (slash == std::string::npos)
            continue;
        const std::string path = line.substr(slash);
        const std::string file = std::filesystem::path(path).filename().string();
        if (file.find("blas") != std::string::npos || file.find("mkl_rt") != std::string::npos) {
            std::error_code ec;
            const auto real = std::filesystem::canonical(path, ec);
            return ec ? path : real.string();
        }
    }
    return "unknown (no BLAS library mapped)";
}

}  // namespace

CpuFeatures detectCpuFeatures() {
    CpuFeatures f;
    f.modelName = cpuModelName();
#ifdef SAMDESK_X86_CPUID
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (__get_cpuid_count(7, 0, &a, &b, &c, &d)) {
        f.avx2 = b & (1u << 5);
        f.avx512f = b & (1u << 16);
        f.amxBf16 = d & (1u << 22);
        f.amxTile = d & (1u << 24);
    }
    if (__get_cpuid_count(7, 1, &a, &b, &c, &d))
        f.avx512bf16 = a & (1u << 5);
    unsigned a1 = 0, b1 = 0, c1 = 0, d1 = 0;
    const bool osxsave = __get_cpuid(1, &a1, &b1, &c1, &d1) && (c1 & (1u << 27));
    const std::uint64_t xcr0 = osxsave ? readXcr0() : 0;
    if ((xcr0 & 0xe6) != 0xe6) {  // the OS does not save AVX-512 state
        f.avx512f = false;
        f.avx512bf16 = false;
    }
    if (f.amxTile && (xcr0 & (3ull << 17)) == (3ull << 17)) {
        // Linux needs a per-process permission request before AMX state can be used.
        constexpr int kArchReqXcompPerm = 0x1023, kXfeatureXtiledata = 18;
        f.amxUsable = syscall(SYS_arch_prctl, kArchReqXcompPerm, kXfeatureXtiledata) == 0;
    }
#endif
    return f;
}

bool cpuHasFastBf16(const CpuFeatures& cpu) {
    return (cpu.amxBf16 && cpu.amxUsable) || cpu.avx512bf16;
}

int configureThreads(int requested) {
    int n = requested > 0 ? requested : static_cast<int>(std::thread::hardware_concurrency());
    if (n <= 0)
        n = 1;
    at::set_num_threads(n);
    return at::get_num_threads();
}

void synchronizeDevice(const std::string& device) {
    if (device.rfind("cuda", 0) != 0 || !torch::cuda::is_available())
        return;
    // A tiny copy to the host waits for every kernel queued before it on the default stream.
    const int index = device.size() > 5 ? std::stoi(device.substr(5)) : 0;
    (void)torch::zeros({1}, torch::TensorOptions().device(torch::kCUDA, index)).cpu();
}

RuntimeInfo collectRuntimeInfo() {
    RuntimeInfo info;
    info.torchVersion = TORCH_VERSION;
    info.cudaAvailable = torch::cuda::is_available();
    // Device names would need the CUDA headers, which a PyTorch wheel does not ship: list ids.
    if (info.cudaAvailable) {
        const auto count = torch::cuda::device_count();
        for (std::size_t i = 0; i < count; ++i)
            info.cudaDevices.push_back("cuda:" + std::to_string(i));
    }
    info.threads = at::get_num_threads();
    // Touch BLAS once so that a lazily loaded library shows up in the process map.
    (void)torch::mm(torch::ones({8, 8}), torch::ones({8, 8}));
    info.blasLibrary = loadedBlas();
    info.cpu = detectCpuFeatures();
    return info;
}

double measureGemmGflops(const std::string& dtype, int n, int repeats) {
    c10::InferenceMode guard;
    const auto type = dtype == "bfloat16" ? torch::kBFloat16 : torch::kFloat32;
    const auto a = torch::randn({n, n}).to(type);
    const auto b = torch::randn({n, n}).to(type);
    auto c = torch::mm(a, b);  // warm-up (allocations, kernel selection)
    std::vector<double> seconds;
    for (int i = 0; i < std::max(1, repeats); ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        c = torch::mm(a, b);
        seconds.push_back(
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    std::sort(seconds.begin(), seconds.end());
    const double median = seconds[seconds.size() / 2];
    return 2.0 * n * n * double(n) / median / 1e9;
}

}  // namespace samdesk
