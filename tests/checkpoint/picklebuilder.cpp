// Pickle opcode emitter for tests.
#include "tests/checkpoint/picklebuilder.h"

#include <cstring>

namespace samdesk::testing {

namespace {

void putLe(std::string& out, std::uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i)
        out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

}  // namespace

PickleBuilder& PickleBuilder::proto(int version) {
    m_out += '\x80';
    m_out += static_cast<char>(version);
    return *this;
}
PickleBuilder& PickleBuilder::global(const std::string& module, const std::string& name) {
    m_out += 'c' + module + '\n' + name + '\n';
    return *this;
}
PickleBuilder& PickleBuilder::mark() {
    m_out += '(';
    return *this;
}
PickleBuilder& PickleBuilder::emptyDict() {
    m_out += '}';
    return *this;
}
PickleBuilder& PickleBuilder::emptyTuple() {
    m_out += ')';
    return *this;
}
PickleBuilder& PickleBuilder::emptyList() {
    m_out += ']';
    return *this;
}
PickleBuilder& PickleBuilder::tuple() {
    m_out += 't';
    return *this;
}
PickleBuilder& PickleBuilder::setItem() {
    m_out += 's';
    return *this;
}
PickleBuilder& PickleBuilder::setItems() {
    m_out += 'u';
    return *this;
}
PickleBuilder& PickleBuilder::append() {
    m_out += 'a';
    return *this;
}
PickleBuilder& PickleBuilder::reduce() {
    m_out += 'R';
    return *this;
}
PickleBuilder& PickleBuilder::build() {
    m_out += 'b';
    return *this;
}
PickleBuilder& PickleBuilder::persistentId() {
    m_out += 'Q';
    return *this;
}
PickleBuilder& PickleBuilder::string(const std::string& s) {
    m_out += 'X';
    putLe(m_out, s.size(), 4);
    m_out += s;
    return *this;
}
PickleBuilder& PickleBuilder::integer(std::int64_t v) {
    if (v >= 0 && v < 256) {
        m_out += 'K';
        putLe(m_out, static_cast<std::uint64_t>(v), 1);
    } else if (v >= 0 && v < 65536) {
        m_out += 'M';
        putLe(m_out, static_cast<std::uint64_t>(v), 2);
    } else if (v >= INT32_MIN && v <= INT32_MAX) {
        m_out += 'J';
        putLe(m_out, static_cast<std::uint32_t>(static_cast<std::int32_t>(v)), 4);
    } else {
        m_out += '\x8a';
        m_out += '\x08';
        putLe(m_out, static_cast<std::uint64_t>(v), 8);
    }
    return *this;
}
PickleBuilder& PickleBuilder::real(double v) {
    std::uint64_t bits;
    std::memcpy(&bits, &v, 8);
    m_out += 'G';
    for (int i = 7; i >= 0; --i)
        m_out += static_cast<char>((bits >> (8 * i)) & 0xff);
    return *this;
}
PickleBuilder& PickleBuilder::boolean(bool v) {
    m_out += v ? '\x88' : '\x89';
    return *this;
}
PickleBuilder& PickleBuilder::none() {
    m_out += 'N';
    return *this;
}
PickleBuilder& PickleBuilder::put(std::uint32_t index) {
    if (index < 256) {
        m_out += 'q';
        putLe(m_out, index, 1);
    } else {
        m_out += 'r';
        putLe(m_out, index, 4);
    }
    return *this;
}
PickleBuilder& PickleBuilder::get(std::uint32_t index) {
    if (index < 256) {
        m_out += 'h';
        putLe(m_out, index, 1);
    } else {
        m_out += 'j';
        putLe(m_out, index, 4);
    }
    return *this;
}
PickleBuilder& PickleBuilder::stop() {
    m_out += '.';
    return *this;
}
PickleBuilder& PickleBuilder::raw(const std::string& bytes) {
    m_out += bytes;
    return *this;
}

PickleBuilder& PickleBuilder::tensor(const std::string& storageType, const std::string& key,
                                     std::int64_t storageElements, std::int64_t offset,
                                     const Shape& shape, const Shape& strides) {
    global("torch._utils", "_rebuild_tensor_v2").mark();
    mark().string("storage").global("torch", storageType).string(key).string("cpu");
    integer(storageElements).tuple().persistentId();
    integer(offset).mark();
    for (auto d : shape)
        integer(d);
    tuple().mark();
    for (auto s : strides)
        integer(s);
    tuple().boolean(false).global("collections", "OrderedDict").emptyTuple().reduce();
    return tuple().reduce();
}

}  // namespace samdesk::testing
