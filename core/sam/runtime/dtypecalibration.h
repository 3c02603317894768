// Which CPU precision "auto" picks, decided by measurement: the encoder's own hot matrix products
// (gemm::multiply, fastgemm.h) timed in float32 and bfloat16 on this machine. CPU flags do not
// decide: a CPU with AVX512-BF16 but no AMX can run bfloat16 slower than float32, another one
// faster. calibrationcache.h keeps the result per machine.
//
// Thread affinity: the measurement uses the calling thread's libtorch thread count (OpenMP counts
// are per thread), so run it on the thread that will encode, after setting the threads.
#pragma once

#include <string>
#include <vector>

namespace samdesk {

// bfloat16 (or mixed) must beat float32 by more than this factor; anything closer is noise, and
// float32 (the reference precision) wins.
constexpr double kBf16Margin = 1.10;

// The faster of "bfloat16" and "mixed" (bfloat16 linear layers, float32 attention; mixed at a
// tie: its attention keeps float32's precision) when its rate is above kBf16Margin *
// float32Gflops, else "float32". A zero, negative or non-finite float32 or bfloat16 figure (a
// failed measurement) gives "float32"; mixedGflops 0: not measured, never chosen.
std::string chooseCpuDtype(double float32Gflops, double bfloat16Gflops, double mixedGflops = 0);

// One of the encoder's product shapes, GFLOP/s in each dtype (best of the repeats).
struct CalibrationShape {
    std::string name;  // e.g. "linear 512x3072x768"
    double share = 0;  // fraction of a vit_b encode's GEMM work this shape stands for
    double float32Gflops = 0;
    double bfloat16Gflops = 0;

    // An attention product (q k^T, p v), as opposed to a linear layer: float32 under "mixed".
    bool attention() const { return name.find("attention") != std::string::npos; }
};

struct DtypeCalibration {
    // The encoder's GEMM mix in GFLOP/s: the shapes' rates weighted by their share of the work
    // (total work / total time).
    double float32Gflops = 0;
    double bfloat16Gflops = 0;
    double seconds = 0;  // wall time of the measurement
    std::vector<CalibrationShape> shapes;
    int runs = 0;  // timed runs, all shapes and both dtypes
    // Every shape's best time in each dtype was confirmed by a second run. Not so on a machine
    // whose other programs kept taking the cores: the figures are then only indicative.
    bool reliable = true;

    // The mix with the linear layers at their bfloat16 rate and the attention at float32's
    // (dtype "mixed"), from the shapes; 0 without them.
    double mixedGflops() const;
    std::string choice() const {
        return chooseCpuDtype(float32Gflops, bfloat16Gflops, mixedGflops());
    }
    // The faster reduced precision's rate (bfloat16 or mixed) over float32's; 0 when unknown.
    double reducedLead() const;
};

// Times the shapes in both dtypes, alternating, the best of 3 runs (confirmed by a second one);
// 0.15-0.5 s on 2 idle cores, more rounds (up to ~2 s) on a busy machine. Throws what libtorch
// throws (out of memory).
DtypeCalibration measureDtypeCalibration();

}  // namespace samdesk
