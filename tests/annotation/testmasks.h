// Masks the annotation tests share: holes, several parts, border contact, single pixels.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "core/annotation/binarymask.h"

namespace samdesk::testmasks {

inline void fillRect(BinaryMask& m, int x0, int y0, int w, int h, bool on = true) {
    for (int y = y0; y < y0 + h; ++y)
        for (int x = x0; x < x0 + w; ++x)
            m.set(x, y, on);
}

inline void fillDisc(BinaryMask& m, double cx, double cy, double r, bool on = true) {
    for (int y = 0; y < m.height(); ++y)
        for (int x = 0; x < m.width(); ++x) {
            const double dx = x + 0.5 - cx, dy = y + 0.5 - cy;
            if (dx * dx + dy * dy <= r * r)
                m.set(x, y, on);
        }
}

// A ring: a disc with a disc-shaped hole, plus a separate square with a square hole.
inline BinaryMask withHoles(int w = 64, int h = 48) {
    BinaryMask m(w, h);
    fillDisc(m, 20, 20, 15);
    fillDisc(m, 20, 20, 6, false);
    fillRect(m, 40, 10, 20, 20);
    fillRect(m, 45, 15, 5, 5, false);
    return m;
}

// Three separate parts, one of them a single pixel.
inline BinaryMask severalParts(int w = 50, int h = 40) {
    BinaryMask m(w, h);
    fillRect(m, 2, 3, 10, 7);
    fillDisc(m, 30, 25, 8);
    m.set(45, 5, true);
    return m;
}

// Touches all four image borders.
inline BinaryMask borderContact(int w = 40, int h = 30) {
    BinaryMask m(w, h);
    fillRect(m, 0, 0, 12, 10);        // top-left corner
    fillRect(m, w - 8, h - 6, 8, 6);  // bottom-right corner
    fillRect(m, 15, 0, 3, h);         // top to bottom
    return m;
}

inline BinaryMask onePixel(int w, int h, int x, int y) {
    BinaryMask m(w, h);
    m.set(x, y, true);
    return m;
}

inline BinaryMask full(int w, int h) {
    BinaryMask m(w, h);
    fillRect(m, 0, 0, w, h);
    return m;
}

// Random pixels (many tiny parts and holes), reproducible.
inline BinaryMask noise(int w, int h, unsigned seed, double density = 0.5) {
    std::mt19937 rng(seed);
    std::bernoulli_distribution on(density);
    BinaryMask m(w, h);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            m.set(x, y, on(rng));
    return m;
}

}  // namespace samdesk::testmasks
