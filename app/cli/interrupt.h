// Ctrl-C and SIGTERM for the long-running commands (encode, everything). Slurm and Kubernetes
// stop jobs with SIGTERM, so both only set a flag: the command's loop and the encoder's cancel
// check read it, the image in progress stops, finished files are kept, and the command exits
// with kInterruptedStatus.
#pragma once

#include <atomic>
#include <string>

namespace samdesk::cli {

inline constexpr int kInterruptedStatus = 130;  // 128 + SIGINT, as shells report Ctrl-C

// Installs the SIGINT and SIGTERM handlers (once per command, before its loop starts).
void installInterruptHandlers();
// True once either signal arrived.
bool interrupted();
// The flag itself, for EncodeControl::cancel and AutoMaskControl::cancel.
const std::atomic<bool>* interruptFlag();
// Prints "interrupted" (": <advice>" when given) on stderr; returns kInterruptedStatus.
int exitInterrupted(const std::string& advice = {});

}  // namespace samdesk::cli
