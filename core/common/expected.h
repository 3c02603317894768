// Expected<T>: a value or an Error, for failures a user can cause (bad file, bad input).
// The core reports such failures as values; it never prints and never shows dialogs.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace samdesk {

// What went wrong, in words a user can act on. The message names the file, key or shape.
struct Error {
    enum class Kind {
        Io,            // cannot open/read/write a file
        Format,        // not the expected file format, corrupt or truncated
        Forbidden,     // a checkpoint asks for something we refuse to run (pickle global)
        NotSam,        // a valid checkpoint that is not a SAMv1 state dict
        MissingKey,    // a required weight is absent
        BadShape,      // a weight has the wrong shape
        InvalidInput,  // a bad argument from the caller (prompt outside the image, ...)
        Cancelled,     // the user cancelled
        Runtime,       // libtorch/OpenCV raised an error we could not classify
    };
    Kind kind = Kind::Runtime;
    std::string message;

    static Error io(std::string m) { return {Kind::Io, std::move(m)}; }
    static Error format(std::string m) { return {Kind::Format, std::move(m)}; }
    static Error invalid(std::string m) { return {Kind::InvalidInput, std::move(m)}; }
    static Error runtime(std::string m) { return {Kind::Runtime, std::move(m)}; }
};

const char* errorKindName(Error::Kind kind);

// Minimal std::expected stand-in (C++23 is not available on the target toolchain).
template <typename T>
class [[nodiscard]] Expected {
public:
    Expected(T value) : m_v(std::in_place_index<0>, std::move(value)) {}
    Expected(Error error) : m_v(std::in_place_index<1>, std::move(error)) {}

    bool ok() const { return m_v.index() == 0; }
    explicit operator bool() const { return ok(); }

    T& value() & {
        assert(ok());
        return std::get<0>(m_v);
    }
    const T& value() const& {
        assert(ok());
        return std::get<0>(m_v);
    }
    T&& value() && {
        assert(ok());
        return std::get<0>(std::move(m_v));
    }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

    const Error& error() const {
        assert(!ok());
        return std::get<1>(m_v);
    }

private:
    std::variant<T, Error> m_v;
};

// Expected<void>: success or an Error.
template <>
class [[nodiscard]] Expected<void> {
public:
    Expected() = default;
    Expected(Error error) : m_error(std::move(error)), m_ok(false) {}
    bool ok() const { return m_ok; }
    explicit operator bool() const { return m_ok; }
    const Error& error() const {
        assert(!m_ok);
        return m_error;
    }

private:
    Error m_error;
    bool m_ok = true;
};

using Status = Expected<void>;

}  // namespace samdesk
