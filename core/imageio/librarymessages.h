// The image libraries' own messages (libpng, libjpeg, libtiff, OpenCV's logger and assertion
// text), kept off the terminal and folded into samdesk's one error: a decode runs with the
// process's standard error captured, and what the libraries wrote becomes part of the message
// ("cannot decode the PNG data: libpng: IDAT: invalid chunk type") instead of lines of their own
// before samdesk's. POSIX file descriptors; std only in this header.
#pragma once

#include <string>

namespace samdesk::imageio {

// Captures file descriptor 2 from construction to text(): a temporary file takes its place, the
// original comes back when text() is called or the capture ends. One capture at a time in the
// process (a second one waits); other threads' writes to standard error meanwhile are captured
// too, so keep the span to one library call.
class CapturedStderr {
public:
    CapturedStderr();
    ~CapturedStderr();
    CapturedStderr(const CapturedStderr&) = delete;
    CapturedStderr& operator=(const CapturedStderr&) = delete;

    // Ends the capture (once) and returns what was written meanwhile.
    std::string text();

private:
    void restore();

    int m_saved = -1;
    int m_file = -1;
    bool m_locked = false;
    std::string m_text;
};

// The library message worth showing in one line: the first line that reports an error (libpng
// "error", libjpeg's "Premature end of JPEG file", a libtiff or OpenCV error), without the
// library's prefix decorations and trimmed to ~200 characters; empty when there is none (only
// warnings, or nothing).
std::string libraryError(const std::string& captured);

// OpenCV's exception text in one line: its message without the source location and the
// multi-line assertion dump.
std::string oneLine(const std::string& text);

// Silences OpenCV's own logger for the process (its "[ WARN:0@...]" lines); idempotent.
void quietOpenCvLogging();

}  // namespace samdesk::imageio
