// The process the crash tests kill: writes an image's annotations through the AnnotationStore
// over and over, each version a different, reproducible set of objects, and prints the number of
// every version it finished ("saved N") so the test knows the last one on disk for sure.
//   crash_writer autosave FOLDER
#include <cstdio>
#include <cstring>
#include <string>

#include "core/annotation/annotationstore.h"
#include "tests/crash/crashversions.h"

int main(int argc, char** argv) {
    if (argc != 3 || std::strcmp(argv[1], "autosave") != 0) {
        std::fprintf(stderr, "usage: crash_writer autosave FOLDER\n");
        return 2;
    }
    const samdesk::AnnotationStore store(argv[2]);
    for (int version = 1;; ++version) {
        if (auto st = store.save(samdesk::test::crashVersion(version)); !st) {
            std::fprintf(stderr, "error: %s\n", st.error().message.c_str());
            return 1;
        }
        std::printf("saved %d\n", version);
        std::fflush(stdout);
    }
}
