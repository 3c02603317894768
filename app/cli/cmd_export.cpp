// samdesk-cli export: a folder annotated with samdesk (its autosaved annotations) to PNG masks,
// COCO, YOLO segmentation or LabelMe.
#include <cstdio>
#include <iostream>

#include "app/cli/args.h"
#include "app/cli/commands.h"
#include "core/annotation/annotationstore.h"
#include "core/annotation/datasetexport.h"

namespace samdesk::cli {

namespace {

const char* kExportHelp =
    "usage: samdesk-cli export --annotations DIR --format png|coco|yolo|labelme --out OUT\n"
    "                          [--overwrite] [--coco-segmentation rle|polygon]\n"
    "                          [--labelme-shapes mask|polygon]\n\n"
    "Exports every image of DIR that has samdesk annotations (DIR/.samdesk/annotations),\n"
    "including images reviewed with no objects. Masks keep the original image size.\n"
    "  png      masks/<image>/<id>_<label>.png (0/255), instances/<image>.png (16-bit object\n"
    "           ids), semantic/<image>.png (8-bit label ids with the label colours), classes.csv\n"
    "  coco     annotations.json; --coco-segmentation rle (default, keeps holes) or polygon\n"
    "           (vertices on pixel corners, holes filled)\n"
    "  yolo     labels/<image>.txt (one line per outer contour, vertices on pixel centres,\n"
    "           normalised; holes filled) and data.yaml\n"
    "  labelme  <image>.json per image; --labelme-shapes mask (default: one mask shape per\n"
    "           object, exact with holes) or polygon (vertices on pixel centres, holes filled)\n"
    "Empty masks are skipped with a warning. OUT must be empty unless --overwrite is given\n"
    "(files of the same name are then replaced). See docs/export.md.\n";

}  // namespace

int runExport(const Argv& argv) {
    Args args(argv, {"annotations", "format", "out", "coco-segmentation", "labelme-shapes"},
              {"overwrite"});
    if (!args.error().empty())
        return fail(args.error());
    if (args.wantsHelp()) {
        std::cout << kExportHelp;
        return 0;
    }
    if (!args.positionals().empty())
        return fail("unexpected argument '" + args.positionals()[0] +
                    "' (see samdesk-cli export --help)");
    const auto dir = args.value("annotations");
    const auto formatName = args.value("format");
    const auto out = args.value("out");
    if (!dir || !formatName || !out)
        return fail(
            "export needs --annotations DIR, --format and --out OUT "
            "(see samdesk-cli export --help)");
    const auto format = parseExportFormat(*formatName);
    if (!format)
        return fail("--format must be png, coco, yolo or labelme, not '" + *formatName + "'");
    ExportOptions options;
    options.format = *format;
    options.overwrite = args.flag("overwrite");
    const std::string segmentation = args.value("coco-segmentation", "rle");
    if (segmentation == "polygon")
        options.cocoSegmentation = CocoSegmentation::Polygon;
    else if (segmentation != "rle")
        return fail("--coco-segmentation must be rle or polygon, not '" + segmentation + "'");
    if (args.value("coco-segmentation") && *format != ExportFormat::Coco)
        return fail("--coco-segmentation only applies to --format coco");
    const std::string shapes = args.value("labelme-shapes", "mask");
    const auto labelMeShapes = parseLabelMeShapes(shapes);
    if (!labelMeShapes)
        return fail("--labelme-shapes must be mask or polygon, not '" + shapes + "'");
    if (args.value("labelme-shapes") && *format != ExportFormat::LabelMe)
        return fail("--labelme-shapes only applies to --format labelme");
    options.labelMeShapes = *labelMeShapes;

    std::error_code ec;
    if (!std::filesystem::is_directory(*dir, ec))
        return fail("annotations folder " + *dir + " does not exist");
    const AnnotationStore store(*dir);
    if (store.annotatedImages().empty())
        return fail(*dir + " has no samdesk annotations (expected " +
                    (store.dataFolder() / "annotations").string() + ")");
    const auto labels = store.loadLabels();
    if (!labels)
        return fail(labels.error().message);
    const auto report = exportFolder(store, labels.value(), *out, options);
    if (!report)
        return fail(report.error().message);
    for (const auto& w : report->warnings)
        std::cerr << "warning: " << w << "\n";
    std::printf("exported %d images, %d objects (%d empty skipped) as %s to %s (%d files)\n",
                report->images, report->objects, report->skippedEmpty, exportFormatName(*format),
                out->c_str(), report->files);
    return 0;
}

}  // namespace samdesk::cli
