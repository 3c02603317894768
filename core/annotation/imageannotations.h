// The annotation model of one image: its objects (label, mask at original size, visibility,
// colour, where the mask came from and the prompts that made it). Plain value types, no Qt, no
// OpenCV; copies are independent, so they can be handed to a worker thread (export) as values.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/annotation/binarymask.h"
#include "core/annotation/labelset.h"
#include "core/common/prompts.h"

namespace samdesk {

// Where an object's mask came from. Free text in files; these are the values samdesk writes.
namespace source {
inline constexpr const char* kSam = "sam";
inline constexpr const char* kGrabCut = "grabcut";
inline constexpr const char* kBrush = "brush";
inline constexpr const char* kImport = "import";
inline constexpr const char* kEverything = "everything";  // segment everything (app or CLI)
}  // namespace source

// How SAM (or GrabCut) made an object's mask, so that it can be refined later with the same
// prompts. Coordinates: original image pixels (see prompts.h).
struct ObjectPrompts {
    std::vector<PromptPoint> points;  // in the order they were placed
    std::optional<PromptBox> box;
    int candidate = 0;       // the mask candidate chosen
    double threshold = 0.0;  // the mask logit threshold
    bool maskInput = false;  // the last decode had a mask input (SAM's refinement loop)
    std::string engine;      // "SAM vit_b", "GrabCut"
    std::string checkpoint;  // the checkpoint's fingerprint (empty for GrabCut)
    bool operator==(const ObjectPrompts&) const = default;
};

struct AnnotationObject {
    int id = 0;                // stable within its image, >= 1; never reused by nextObjectId()
    std::string label;         // a label name (see LabelSet); may be empty (unlabelled)
    BinaryMask mask;           // original image size
    bool visible = true;       // display only: hidden objects are still saved and exported
    std::optional<Rgb> color;  // overrides the label's colour when set
    std::string source;        // "sam", "grabcut", "brush", "import", ...
    double score = 0.0;        // the model's predicted IoU (or 1 for manual/imported masks)
    // How SAM (or GrabCut) made the mask; none for brushed/imported/old objects.
    std::optional<ObjectPrompts> prompts;
    // Edited by hand (brush, clean-up, boolean op, add/subtract) on top of its prompts: the mask
    // is no longer what the prompts alone give.
    bool handEdited = false;

    bool operator==(const AnnotationObject&) const = default;
};

struct ImageAnnotations {
    std::string imageFile;  // relative to the folder, '/' separators ("a.png", "sub/b.jpg")
    int width = 0;          // original image size in pixels
    int height = 0;
    std::vector<AnnotationObject> objects;  // drawing order: later objects lie on top

    // max(id) + 1, at least 1.
    int nextObjectId() const;
    AnnotationObject* find(int id);
    const AnnotationObject* find(int id) const;
    // Checks ids (>= 1, unique) and that every mask is width x height. The message names the
    // image and object.
    Status validate() const;

    bool operator==(const ImageAnnotations&) const = default;
};

}  // namespace samdesk
