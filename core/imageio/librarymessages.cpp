// Capturing the image libraries' messages (see librarymessages.h).
#include "core/imageio/librarymessages.h"

#include <opencv2/core/utils/logger.hpp>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>

namespace samdesk::imageio {

namespace {

std::mutex& captureMutex() {
    static std::mutex m;
    return m;
}

std::string trim(std::string s) {
    const auto begin = s.find_first_not_of(" \t\r\n");
    if (begin == std::string::npos)
        return {};
    const auto end = s.find_last_not_of(" \t\r\n");
    return s.substr(begin, end - begin + 1);
}

bool contains(const std::string& s, const char* what) {
    return s.find(what) != std::string::npos;
}

}  // namespace

CapturedStderr::CapturedStderr() {
    captureMutex().lock();
    m_locked = true;
    std::fflush(stderr);
    std::FILE* f = std::tmpfile();
    if (!f)
        return;  // no capture: the libraries print as they would
    m_file = ::dup(::fileno(f));
    std::fclose(f);  // the duplicate keeps the (already unlinked) file open
    m_saved = ::dup(2);
    if (m_file < 0 || m_saved < 0 || ::dup2(m_file, 2) < 0) {
        if (m_saved >= 0)
            ::close(m_saved);
        if (m_file >= 0)
            ::close(m_file);
        m_saved = m_file = -1;
    }
}

CapturedStderr::~CapturedStderr() {
    restore();
}

void CapturedStderr::restore() {
    if (m_saved >= 0) {
        std::fflush(stderr);
        ::dup2(m_saved, 2);
        ::close(m_saved);
        m_saved = -1;
        // Read back what was written.
        if (::lseek(m_file, 0, SEEK_SET) == 0) {
            char buffer[4096];
            ssize_t n = 0;
            while ((n = ::read(m_file, buffer, sizeof buffer)) > 0 && m_text.size() < (1u << 20))
                m_text.append(buffer, static_cast<std::size_t>(n));
        }
    }
    if (m_file >= 0) {
        ::close(m_file);
        m_file = -1;
    }
    if (m_locked) {
        captureMutex().unlock();
        m_locked = false;
    }
}

std::string CapturedStderr::text() {
    restore();
    return m_text;
}

std::string libraryError(const std::string& captured) {
    std::size_t start = 0;
    while (start < captured.size()) {
        std::size_t end = captured.find('\n', start);
        if (end == std::string::npos)
            end = captured.size();
        std::string line = trim(captured.substr(start, end - start));
        start = end + 1;
        if (line.empty())
            continue;
        // libpng: "libpng error: ..." (a warning is "libpng warning: ..."); libjpeg: "Corrupt JPEG
        // data: ..." / "Premature end of JPEG file"; libtiff: "TIFFReadDirectory: ..." errors
        // carry "Error"; OpenCV: "... error: (-215:...) ...".
        const bool error = contains(line, "error") || contains(line, "Error") ||
                           contains(line, "Premature end") || contains(line, "Corrupt JPEG") ||
                           contains(line, "Not a JPEG");
        if (!error || contains(line, "warning") || contains(line, "Warning"))
            continue;
        if (line.rfind("libpng error: ", 0) == 0)
            line = "libpng: " + line.substr(14);
        if (line.size() > 200)
            line = line.substr(0, 197) + "...";
        return line;
    }
    return {};
}

std::string oneLine(const std::string& text) {
    // OpenCV: "OpenCV(4.6.0) file:line: error: (-215:Assertion failed) cond in function 'f'\n> ..."
    std::string first = trim(text.substr(0, text.find('\n')));
    if (const auto at = first.find(" error: "); at != std::string::npos)
        first = first.substr(at + 8);
    if (first.size() > 200)
        first = first.substr(0, 197) + "...";
    return first;
}

void quietOpenCvLogging() {
    static std::once_flag once;
    std::call_once(once,
                   [] { cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_SILENT); });
}

}  // namespace samdesk::imageio
