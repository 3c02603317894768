// samdesk-cli import: a COCO or LabelMe dataset into the autosave annotations of an image
// folder, so it opens in samdesk for refinement.
#include <cstdio>
#include <iostream>

#include "app/cli/args.h"
#include "app/cli/commands.h"
#include "core/annotation/annotationstore.h"
#include "core/annotation/datasetimport.h"

namespace samdesk::cli {

namespace {

const char* kImportHelp =
    "usage: samdesk-cli import --format coco|labelme IN --images DIR\n\n"
    "Adds the annotations of IN to the images in DIR (saved in DIR/.samdesk, as if drawn in\n"
    "samdesk). IN is a COCO instance JSON file (RLE, compressed or not, and polygons) or a\n"
    "LabelMe .json file or folder of them (polygon, rectangle, circle shapes). Existing\n"
    "objects are kept; an object already present is not added twice. Category names join the\n"
    "folder's labels. Images missing from DIR are skipped with a warning. See docs/export.md.\n";

}  // namespace

int runImport(const Argv& argv) {
    Args args(argv, {"format", "images"}, {});
    if (!args.error().empty())
        return fail(args.error());
    if (args.wantsHelp()) {
        std::cout << kImportHelp;
        return 0;
    }
    const auto formatName = args.value("format");
    const auto images = args.value("images");
    if (!formatName || !images || args.positionals().size() != 1)
        return fail("import needs --format, IN and --images DIR (see samdesk-cli import --help)");
    const auto format = parseImportFormat(*formatName);
    if (!format)
        return fail("--format must be coco or labelme, not '" + *formatName + "'");
    const std::string in = args.positionals()[0];
    const auto report = importDataset(*format, in, AnnotationStore(*images));
    if (!report)
        return fail(report.error().message);
    for (const auto& w : report->warnings)
        std::cerr << "warning: " << w << "\n";
    std::printf("imported %d objects into %d images of %s (%d already there)\n", report->objects,
                report->images, images->c_str(), report->duplicates);
    return 0;
}

}  // namespace samdesk::cli
