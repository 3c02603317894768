// Load benchmark (not a test): generates released-size checkpoints in the original torch.save
// layout and measures read + detect + convert time and the resident memory it adds.
//   bench_checkpoint_load generate vit_b|vit_l|vit_h OUT.pth [--sparse]
//   bench_checkpoint_load load CHECKPOINT [--repeat N] [--touch]
// --touch then reads every weight once (what binding the model costs on a cold mapping).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "core/checkpoint/samcheckpoint.h"
#include "tests/checkpoint/torchsave.h"

using namespace samdesk;

namespace {

// kB fields of /proc/self/status: VmRSS (resident now), VmHWM (peak resident).
long statusKb(const char* field) {
    std::ifstream in("/proc/self/status");
    std::string line;
    const std::size_t n = std::strlen(field);
    while (std::getline(in, line))
        if (line.compare(0, n, field) == 0)
            return std::stol(line.substr(n + 1));
    return -1;
}

int generate(const std::string& variant, const std::string& out, bool sparse) {
    SamConfig config = variant == "vit_h"   ? samConfigVitH()
                       : variant == "vit_l" ? samConfigVitL()
                                            : samConfigVitB();
    const auto start = std::chrono::steady_clock::now();
    testing::TorchSaveOptions options;
    options.folder =
        out.substr(out.find_last_of('/') + 1, out.rfind('.') - out.find_last_of('/') - 1);
    if (!testing::writeTorchSave(out, testing::samTensors(config, !sparse), options)) {
        std::fprintf(stderr, "cannot write %s\n", out.c_str());
        return 1;
    }
    std::printf("wrote %s (%s, %s) in %.1f s\n", out.c_str(), variant.c_str(),
                sparse ? "sparse zeros" : "random float32",
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    return 0;
}

int load(const std::string& path, int repeat, bool touch) {
    std::vector<double> ms;
    const long rssBefore = statusKb("VmRSS:"), peakBefore = statusKb("VmHWM:");
    long rssLoaded = 0, rssTouched = 0;
    double sum = 0;
    std::uint64_t fileSize = 0;
    std::string variant;
    for (int i = 0; i < repeat; ++i) {
        auto c = loadSamCheckpoint(path);
        if (!c) {
            std::fprintf(stderr, "error: %s\n", c.error().message.c_str());
            return 2;
        }
        ms.push_back(c->info.loadMs);
        rssLoaded = std::max(rssLoaded, statusKb("VmRSS:"));
        fileSize = c->info.fileSize;
        variant = c->config.variant;
        if (touch && i == repeat - 1) {
            const auto start = std::chrono::steady_clock::now();
            for (const auto& t : c->tensors)
                for (std::size_t k = 0; k < t.tensor.nbytes(); k += 4096)
                    sum += t.tensor.data[k];
            std::printf(
                "touch       %.0f ms to read every weight page once\n",
                std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                    .count());
            rssTouched = statusKb("VmRSS:");
        }
    }
    std::sort(ms.begin(), ms.end());
    const long peak = statusKb("VmHWM:");
    const double mb = 1024.0;
    std::printf("file        %s (%s, %.1f MB)\n", path.c_str(), variant.c_str(), fileSize / 1e6);
    std::printf("load        min %.1f ms, median %.1f ms, max %.1f ms over %d runs\n", ms.front(),
                ms[ms.size() / 2], ms.back(), repeat);
    std::printf("memory      after load: RSS %.1f -> %.1f MB (+%.1f MB, %.4fx the file)\n",
                rssBefore / mb, rssLoaded / mb, (rssLoaded - rssBefore) / mb,
                (rssLoaded - rssBefore) * 1024.0 / double(fileSize));
    if (touch)
        std::printf(
            "            after reading every weight: +%.1f MB (%.3fx; file pages shared "
            "with the page cache)\n",
            (rssTouched - rssBefore) / mb, (rssTouched - rssBefore) * 1024.0 / double(fileSize));
    std::printf("            peak RSS increase +%.1f MB (%.3fx the file)\n",
                (peak - peakBefore) / mb, (peak - peakBefore) * 1024.0 / double(fileSize));
    if (touch)
        std::printf("(checksum %g)\n", sum);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    const std::vector<std::string> a(argv + 1, argv + argc);
    auto has = [&](const char* flag) { return std::find(a.begin(), a.end(), flag) != a.end(); };
    if (a.size() >= 3 && a[0] == "generate")
        return generate(a[1], a[2], has("--sparse"));
    if (a.size() >= 2 && a[0] == "load") {
        int repeat = 5;
        const auto it = std::find(a.begin(), a.end(), "--repeat");
        if (it != a.end() && it + 1 != a.end())
            repeat = std::max(1, std::stoi(*(it + 1)));
        return load(a[1], repeat, has("--touch"));
    }
    std::fprintf(stderr,
                 "usage: bench_checkpoint_load generate vit_b|vit_l|vit_h OUT.pth [--sparse]\n"
                 "       bench_checkpoint_load load CHECKPOINT [--repeat N] [--touch]\n");
    return 2;
}
