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
    "usage: samdesk-cli import --format coco|labelme IN --images DIR [--skip-bad]\n\n"
    "Adds the annotations of IN to the images in DIR (saved in DIR/.samdesk, as if drawn in\n"
    "samdesk). IN is a COCO instance JSON file (RLE, compressed or not, and polygons) or a\n"
    "LabelMe .json file or folder of them (polygon, rectangle, circle and mask shapes).\n"
    "Existing objects are kept; an object already present is not added twice. Category names\n"
    "join the folder's labels. Images missing from DIR are skipped with a warning.\n"
    "All or nothing: a file that cannot be imported (bad JSON, a missing field, an image\n"
    "whose saved annotations have another size) stops the import before anything is\n"
    "written. --skip-bad imports the rest instead and lists what was left out. See\n"
    "docs/export.md.\n";

}  // namespace

int runImport(const Argv& argv) {
    Args args(argv, {"format", "images"}, {"skip-bad"});
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
    ImportOptions options;
    options.skipBad = args.flag("skip-bad");
    const auto report = importDataset(*format, in, AnnotationStore(*images), options);
    if (!report) {
        const std::string& m = report.error().message;
        const bool staged = m.ends_with("; nothing was imported");
        return fail(m + (staged && !options.skipBad ? " (--skip-bad imports the rest)" : ""));
    }
    for (const auto& w : report->warnings)
        std::cerr << "warning: " << w << "\n";
    for (const auto& s : report->skipped)
        std::cerr << "skipped: " << s << "\n";
    std::printf("imported %d objects into %d images of %s (%d already there", report->objects,
                report->images, images->c_str(), report->duplicates);
    if (options.skipBad)
        std::printf(", %zu skipped", report->skipped.size());
    std::printf(")\n");
    return 0;
}

}  // namespace samdesk::cli
