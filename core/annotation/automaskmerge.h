// Segment everything into the annotations (samdesk-cli everything --into-annotations, the app's
// Segment Everything in Folder): the generator's masks as unlabelled objects of an image's
// autosave annotations (core/annotation/annotationstore.h), where the app shows them when it
// opens the image. A later run replaces only what an earlier one left untouched.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "core/annotation/annotationstore.h"
#include "core/annotation/imageannotations.h"
#include "core/common/automask.h"
#include "core/common/expected.h"

namespace samdesk {

// Where the app keeps an image's annotations: the store of the image's own folder, keyed by its
// file name. The app lists a folder without its subfolders, so an image in DIR/sub is found by
// opening DIR/sub (or the image alone), and both read DIR/sub/.samdesk.
struct AnnotationTarget {
    AnnotationStore store;
    std::string imageFile;  // the key: the image's file name
};
AnnotationTarget annotationTargetFor(const std::filesystem::path& image);

// What the new objects record as their maker (ObjectPrompts::engine and ::checkpoint).
struct EverythingOrigin {
    std::string engine;      // "SAM vit_b"
    std::string checkpoint;  // the checkpoint's fingerprint; empty when it could not be taken
};

// True for an object a new run replaces: made by segment everything ("everything"), still
// unlabelled and not edited by hand. Labelled or edited ones are someone's work and stay.
bool replacedByNewRun(const AnnotationObject& object);
// True when some object was made by segment everything (--resume without --out skips these).
bool hasEverythingObjects(const ImageAnnotations& annotations);

// Fails (naming the file and both sizes) when `saved` is not for a width x height image.
Status checkSameSize(const ImageAnnotations& saved, const AnnotationTarget& target, int width,
                     int height);

struct MergeCounts {
    std::size_t added = 0;     // new objects, one per mask with pixels
    std::size_t replaced = 0;  // objects of an earlier run removed (replacedByNewRun)
    std::size_t empty = 0;     // masks without a pixel, left out
};

// Removes the objects replacedByNewRun() and appends one unlabelled object per mask with pixels,
// in the masks' order (so later ones lie on top), with ids from max(id) + 1 of the objects
// before the removal: an id once used in the image is not given to another object. Masks of the
// whole image's crop that no clean-up changed keep their point as prompts (what a click there
// gives as that candidate), so Re-run SAM and reselection work on them; the others have none.
// The masks must be annotations.width x annotations.height.
MergeCounts mergeAutoMasks(ImageAnnotations& annotations, const std::vector<AutoMask>& masks,
                           const EverythingOrigin& origin);

// Loads the image's saved annotations afresh (the app may have saved them while the generator
// ran), merges `masks` (of a width x height image) into them and saves them atomically.
// Errors, with the file left as it is: it cannot be read back, it was written by a newer
// samdesk, it is for another image size, or the save fails.
Expected<MergeCounts> putIntoAnnotations(const AnnotationTarget& target, int width, int height,
                                         const std::vector<AutoMask>& masks,
                                         const EverythingOrigin& origin);

}  // namespace samdesk
