// Test images with known objects: a blue disc on noisy green ground, at a position that differs
// per image, written as PNG files into a folder; and the GrabCut engine factory the document
// tests run with.
#pragma once

#include <QColor>
#include <QDir>
#include <QImage>
#include <QPainter>
#include <QPointF>
#include <QRandomGenerator>
#include <QString>

#include "core/document/inferencetypes.h"
#include "core/engine/grabcutengine.h"

namespace samdesk::test {

// GrabCut for every choice without a checkpoint; an error for SAM (these tests have no model).
inline EngineFactory grabCutFactory() {
    return [](const EngineChoice& choice) -> Expected<LoadedEngine> {
        if (!choice.checkpoint.empty())
            return Error::io("this test has no SAM engine: " + choice.checkpoint);
        LoadedEngine e;
        e.engine = std::make_unique<GrabCutEngine>();
        return e;
    };
}

constexpr int kImageW = 240, kImageH = 180, kDiscRadius = 34;

inline QPointF discCentre(int index) {
    return QPointF(70 + 40 * (index % 3), 90);
}

inline QImage discImage(int index) {
    QImage img(kImageW, kImageH, QImage::Format_RGB32);
    QRandomGenerator rng(17 + index);
    for (int y = 0; y < kImageH; ++y)
        for (int x = 0; x < kImageW; ++x) {
            const int n = int(rng.bounded(16)) - 8;
            img.setPixel(x, y, qRgb(90 + n, 140 + n, 80 + n));
        }
    QPainter p(&img);
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(Qt::NoPen);
    p.setBrush(QColor(40, 70, 200));
    p.drawEllipse(discCentre(index), kDiscRadius, kDiscRadius);
    return img;
}

// Writes img0.png, img1.png, ... (n of them) into `folder`.
inline void writeDiscImages(const QString& folder, int n) {
    for (int i = 0; i < n; ++i)
        discImage(i).save(QDir(folder).filePath(QStringLiteral("img%1.png").arg(i)));
}

// Pixels of the disc of image `index` inside `mask` over the disc's area, and pixels outside it.
template <typename Mask>
std::pair<double, long> discCoverage(const Mask& mask, int index) {
    const QPointF c = discCentre(index);
    long in = 0, total = 0, outside = 0;
    for (int y = 0; y < mask.height(); ++y)
        for (int x = 0; x < mask.width(); ++x) {
            const bool disc = QLineF(c, QPointF(x + 0.5, y + 0.5)).length() <= kDiscRadius - 1;
            const bool set = mask.at(x, y);
            total += disc;
            in += disc && set;
            outside +=
                !disc && set && QLineF(c, QPointF(x + 0.5, y + 0.5)).length() > kDiscRadius + 2;
        }
    return {total ? double(in) / double(total) : 0.0, outside};
}

}  // namespace samdesk::test
