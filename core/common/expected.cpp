// Names of error kinds, for messages and JSON output.
#include "core/common/expected.h"

namespace samdesk {

const char* errorKindName(Error::Kind kind) {
    switch (kind) {
        case Error::Kind::Io:
            return "io";
        case Error::Kind::Format:
            return "format";
        case Error::Kind::Forbidden:
            return "forbidden";
        case Error::Kind::NotSam:
            return "not-sam";
        case Error::Kind::MissingKey:
            return "missing-key";
        case Error::Kind::BadShape:
            return "bad-shape";
        case Error::Kind::InvalidInput:
            return "invalid-input";
        case Error::Kind::Cancelled:
            return "cancelled";
        case Error::Kind::Runtime:
            return "runtime";
    }
    return "unknown";
}

}  // namespace samdesk
