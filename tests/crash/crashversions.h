// The annotation versions the crash writer saves: version N of image "photo.png" has N % 7 + 1
// objects whose masks, labels and prompts follow from N, so a file read back after a kill can be
// checked against exactly one version.
#pragma once

#include <string>

#include "core/annotation/imageannotations.h"

namespace samdesk::test {

inline constexpr int kCrashW = 320, kCrashH = 240;

inline ImageAnnotations crashVersion(int version) {
    ImageAnnotations a;
    a.imageFile = "photo.png";
    a.width = kCrashW;
    a.height = kCrashH;
    const int objects = version % 7 + 1;
    for (int i = 0; i < objects; ++i) {
        AnnotationObject o;
        o.id = i + 1;
        o.label = "v" + std::to_string(version);
        o.source = "sam";
        o.score = 0.5;
        o.mask = BinaryMask(kCrashW, kCrashH);
        // A band per object whose place and size follow the version.
        const int y0 = (version * 7 + i * 31) % (kCrashH - 20);
        const int x0 = (version * 13 + i * 17) % (kCrashW - 60);
        for (int y = y0; y < y0 + 5 + (version + i) % 15; ++y)
            for (int x = x0; x < x0 + 10 + (version * 3 + i) % 50; ++x)
                o.mask.set(x, y, true);
        ObjectPrompts p;
        p.points = {{double(x0) + 0.5, double(y0) + 0.5, true}};
        p.candidate = version % 3;
        p.engine = "SAM vit_b";
        p.checkpoint = "fingerprint-" + std::to_string(version);
        o.prompts = p;
        a.objects.push_back(std::move(o));
    }
    return a;
}

}  // namespace samdesk::test
