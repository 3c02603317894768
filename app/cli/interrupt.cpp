// The signal flag behind interrupt.h.
#include "app/cli/interrupt.h"

#include <csignal>
#include <cstdio>

namespace samdesk::cli {

namespace {

// Lock-free, so setting it is safe inside a signal handler.
std::atomic<bool> g_interrupted{false};
static_assert(std::atomic<bool>::is_always_lock_free);

extern "C" void onInterrupt(int) {
    g_interrupted.store(true);
}

}  // namespace

void installInterruptHandlers() {
    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
}

bool interrupted() {
    return g_interrupted.load();
}

const std::atomic<bool>* interruptFlag() {
    return &g_interrupted;
}

int exitInterrupted(const std::string& advice) {
    std::fprintf(stderr, "interrupted%s%s\n", advice.empty() ? "" : ": ", advice.c_str());
    return kInterruptedStatus;
}

}  // namespace samdesk::cli
