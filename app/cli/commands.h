// The subcommands of samdesk-cli. Each lives in its own cmd_<name>.cpp and receives the
// arguments after its name. Exit status: 0 success, 2 failure (with `error: ...` on stderr).
#pragma once

#include <string>
#include <vector>

namespace samdesk::cli {

using Argv = std::vector<std::string>;

int runDoctor(const Argv& args);
int runInspect(const Argv& args);
int runConvert(const Argv& args);
int runExport(const Argv& args);
int runImport(const Argv& args);
int runSegment(const Argv& args);
int runSynth(const Argv& args);
int runBench(const Argv& args);
int runEncode(const Argv& args);
int runEverything(const Argv& args);

struct Command {
    const char* name;
    const char* summary;
    int (*run)(const Argv& args);
};

// All subcommands, in the order `--help` lists them.
const std::vector<Command>& commands();

}  // namespace samdesk::cli
