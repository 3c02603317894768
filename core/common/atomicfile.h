// Crash-safe file writes: data goes to a temporary file in the target's folder, is flushed to
// disk, then renamed over the target. A reader sees the old file or the new one, never half.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>
#include <string_view>

#include "core/common/expected.h"

namespace samdesk {

// Writes `bytes` to `path` atomically. On failure (disk full, permission) the target is untouched,
// the temporary file is removed, and the error names the file and the system's reason.
Status writeFileAtomically(const std::filesystem::path& path, std::span<const std::uint8_t> bytes);
Status writeFileAtomically(const std::filesystem::path& path, std::string_view text);

// Streams into a temporary file through `write(fd)`; `write` returns false (with errno set) on
// failure. Used for large outputs (converted checkpoints) that should not be held in memory.
Status writeFileAtomicallyWith(const std::filesystem::path& path,
                               const std::function<bool(int fd)>& write);

// True for the temporary file of a write in flight (".<name>.tmp-<hex>"): one that a crash or a
// kill left behind belongs to no one.
bool isAtomicWriteTemporary(const std::filesystem::path& path);
// Removes the temporary files of writes that never finished under `folder` (and its subfolders);
// returns how many. For a folder this process is about to rewrite (an export with --overwrite).
std::size_t removeAtomicWriteTemporaries(const std::filesystem::path& folder);

// write(2) until done; false with errno on failure.
bool writeAll(int fd, const void* data, std::size_t size);

// Reads a whole file into memory.
Expected<std::string> readFile(const std::filesystem::path& path);

}  // namespace samdesk
