// Timing of the annotation hot paths on a photo-sized image (not a test: run it by hand).
//   build-X/tests/annotation/bench_annotation [width height objects]
// Prints milliseconds for RLE encode/decode, polygons, autosave save/load and each export.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>

#include "core/annotation/annotationstore.h"
#include "core/annotation/datasetexport.h"
#include "core/annotation/maskcontours.h"
#include "core/annotation/rle.h"

using namespace samdesk;
namespace fs = std::filesystem;

namespace {

double msSince(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

// A blobby object: union of discs, with a hole.
BinaryMask blob(int w, int h, unsigned seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> cx(0.2 * w, 0.8 * w), cy(0.2 * h, 0.8 * h),
        r(0.03 * w, 0.12 * w);
    BinaryMask m(w, h);
    for (int k = 0; k < 6; ++k) {
        const double x0 = cx(rng), y0 = cy(rng), rr = r(rng);
        for (int y = std::max(0, int(y0 - rr)); y < std::min(h, int(y0 + rr) + 1); ++y)
            for (int x = std::max(0, int(x0 - rr)); x < std::min(w, int(x0 + rr) + 1); ++x)
                if ((x - x0) * (x - x0) + (y - y0) * (y - y0) <= rr * rr)
                    m.set(x, y, (x - x0) * (x - x0) + (y - y0) * (y - y0) > rr * rr / 9 || k);
    }
    return m;
}

}  // namespace

int main(int argc, char** argv) {
    const int w = argc > 2 ? std::atoi(argv[1]) : 4000;
    const int h = argc > 2 ? std::atoi(argv[2]) : 3000;
    const int n = argc > 3 ? std::atoi(argv[3]) : 20;
    ImageAnnotations a{"photo.jpg", w, h, {}};
    for (int i = 0; i < n; ++i) {
        AnnotationObject o;
        o.id = i + 1;
        o.label = i % 2 ? "cat" : "dog";
        o.mask = blob(w, h, static_cast<unsigned>(i));
        a.objects.push_back(std::move(o));
    }
    std::printf("%dx%d, %d objects\n", w, h, n);
    auto t0 = std::chrono::steady_clock::now();
    std::size_t chars = 0;
    for (const auto& o : a.objects)
        chars += o.mask.toRleString().size();
    std::printf("rle encode   %8.1f ms per object (%zu chars avg)\n", msSince(t0) / n, chars / n);
    const std::string s = a.objects[0].mask.toRleString();
    t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < n; ++i)
        (void)BinaryMask::fromRleString(w, h, s);
    std::printf("rle decode   %8.1f ms per object\n", msSince(t0) / n);
    t0 = std::chrono::steady_clock::now();
    std::size_t vertices = 0;
    for (const auto& o : a.objects)
        for (const auto& p : maskToPolygons(o.mask))
            vertices += p.size();
    std::printf("polygons     %8.1f ms per object (%zu vertices avg)\n", msSince(t0) / n,
                vertices / n);

    const fs::path dir = fs::temp_directory_path() / "samdesk-bench-annotation";
    fs::remove_all(dir);
    AnnotationStore store(dir);
    t0 = std::chrono::steady_clock::now();
    if (!store.save(a).ok())
        return 1;
    std::printf("autosave     %8.1f ms (%ju bytes)\n", msSince(t0),
                static_cast<std::uintmax_t>(fs::file_size(*store.annotationPath("photo.jpg"))));
    t0 = std::chrono::steady_clock::now();
    if (!store.load("photo.jpg").ok())
        return 1;
    std::printf("load         %8.1f ms\n", msSince(t0));
    LabelSet labels;
    for (auto f : allExportFormats()) {
        ExportOptions options;
        options.format = f;
        t0 = std::chrono::steady_clock::now();
        const auto r = exportFolder(store, labels, dir / "out" / exportFormatName(f), options);
        std::printf("export %-7s %6.1f ms%s\n", exportFormatName(f), msSince(t0),
                    r ? "" : (" FAILED: " + r.error().message).c_str());
    }
    fs::remove_all(dir);
    return 0;
}
