// samdesk-cli: the headless tool. Dispatches to one subcommand per file (see commands.h).
#include <cstdio>
#include <iostream>
#include <string>

#include "app/cli/args.h"
#include "app/cli/commands.h"

namespace samdesk::cli {

const std::vector<Command>& commands() {
    static const std::vector<Command> all = {
        {"doctor", "check libtorch, devices, threads, BLAS and GEMM speed", runDoctor},
        {"inspect", "show a checkpoint's format, variant, config and keys", runInspect},
        {"convert", "rewrite a checkpoint as safetensors (faster to load)", runConvert},
        {"export", "export annotations as PNG masks, COCO, YOLO-seg or LabelMe", runExport},
        {"import", "import a COCO or LabelMe dataset into a folder's annotations", runImport},
        {"segment", "segment an image with prompts from a JSON file (SAM)", runSegment},
        {"synth", "write a checkpoint of RANDOM weights in a real SAM layout", runSynth},
        {"bench", "time load, encode and clicks of a checkpoint on this machine", runBench},
        {"encode", "pre-encode images into the embedding cache (shards, resume)", runEncode},
        {"everything", "segment everything: the original's automatic mask generator",
         runEverything},
    };
    return all;
}

namespace {

void printHelp() {
    std::cout << "samdesk-cli " SAMDESK_VERSION
                 " - Segment Anything v1 from the command line\n\n"
                 "usage: samdesk-cli <command> [options]\n"
                 "       samdesk-cli <command> --help\n\n"
                 "commands:\n";
    for (const auto& c : commands()) {
        std::string name = c.name;
        name.resize(12, ' ');
        std::cout << "  " << name << c.summary << "\n";
    }
    std::cout << "\nExit status: 0 on success, 2 on error (with 'error: ...' on stderr).\n";
}

}  // namespace
}  // namespace samdesk::cli

int main(int argc, char** argv) {
    using namespace samdesk::cli;
    if (argc < 2) {
        printHelp();
        return 2;
    }
    const std::string name = argv[1];
    if (name == "--help" || name == "-h" || name == "help") {
        printHelp();
        return 0;
    }
    if (name == "--version") {
        std::cout << "samdesk-cli " SAMDESK_VERSION "\n";
        return 0;
    }
    for (const auto& c : commands()) {
        if (name == c.name) {
            try {
                return c.run(Argv(argv + 2, argv + argc));
            } catch (const std::exception& e) {
                return fail(std::string("unexpected failure: ") + e.what());
            }
        }
    }
    return fail("unknown command '" + name + "' (see samdesk-cli --help)");
}
