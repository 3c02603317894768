// The opcode loop of the restricted pickle machine. Each opcode checks the bytes it reads and the
// stack it pops; limits are checked where memory grows (values, stack, memo, container items).
#include "core/checkpoint/picklemachine.h"

#include <cstring>

#include "core/checkpoint/bytes.h"

namespace samdesk {

namespace {

// Names of the opcodes this machine refuses, so the message says what the file asked for.
const char* opcodeName(std::uint8_t op) {
    switch (op) {
        case 'i':
            return "INST";
        case 'o':
            return "OBJ";
        case 0x81:
            return "NEWOBJ";
        case 0x92:
            return "NEWOBJ_EX";
        case 'P':
            return "PERSID";
        case 'S':
            return "STRING";
        case 'T':
            return "BINSTRING";
        case 'U':
            return "SHORT_BINSTRING";
        case 'B':
            return "BINBYTES";
        case 'C':
            return "SHORT_BINBYTES";
        case 'I':
            return "INT";
        case 'L':
            return "LONG";
        case 0x8b:
            return "LONG4";
        case 'F':
            return "FLOAT";
        case 'V':
            return "UNICODE";
        case 'd':
            return "DICT";
        case 'l':
            return "LIST";
        case '0':
            return "POP";
        case '1':
            return "POP_MARK";
        case '2':
            return "DUP";
        case 'g':
            return "GET";
        case 'p':
            return "PUT";
        case 0x82:
        case 0x83:
        case 0x84:
            return "EXT";
        case 0x8f:
            return "EMPTY_SET";
        case 0x90:
            return "ADDITEMS";
        case 0x91:
            return "FROZENSET";
        case 0x8d:
            return "BINUNICODE8";
        case 0x8e:
            return "BINBYTES8";
        case 0x96:
            return "BYTEARRAY8";
        case 0x97:
            return "NEXT_BUFFER";
        case 0x98:
            return "READONLY_BUFFER";
        default:
            return nullptr;
    }
}

std::string hexByte(std::uint8_t b) {
    static const char* digits = "0123456789abcdef";
    return std::string("0x") + digits[b >> 4] + digits[b & 15];
}

}  // namespace

PickleMachine::PickleMachine(std::string source, PickleLimits limits)
    : m_source(std::move(source)), m_limits(limits) {}

Error PickleMachine::bad(const std::string& what) const {
    return Error::format(m_source + ": corrupt checkpoint pickle at byte " +
                         std::to_string(m_offset) + ": " + what);
}

Expected<PickleValue*> PickleMachine::make(PickleKind kind) {
    if (m_values.size() >= m_limits.maxValues)
        return bad("more than " + std::to_string(m_limits.maxValues) + " objects");
    m_values.emplace_back();
    m_values.back().kind = kind;
    return &m_values.back();
}

Status PickleMachine::push(PickleValue* value) {
    if (m_stack.size() >= m_limits.maxStack)
        return bad("the stack grows past " + std::to_string(m_limits.maxStack) + " entries");
    m_stack.push_back(value);
    return {};
}

Expected<PickleValue*> PickleMachine::pop() {
    if (m_stack.empty() || (!m_marks.empty() && m_stack.size() <= m_marks.back()))
        return bad("the stack is empty");
    PickleValue* v = m_stack.back();
    m_stack.pop_back();
    return v;
}

Expected<PickleValue*> PickleMachine::top() {
    if (m_stack.empty() || (!m_marks.empty() && m_stack.size() <= m_marks.back()))
        return bad("the stack is empty");
    return m_stack.back();
}

Expected<std::vector<PickleValue*>> PickleMachine::popToMark() {
    if (m_marks.empty())
        return bad("no MARK to pop to");
    const std::size_t mark = m_marks.back();
    m_marks.pop_back();
    std::vector<PickleValue*> items(m_stack.begin() + static_cast<std::ptrdiff_t>(mark),
                                    m_stack.end());
    m_stack.resize(mark);
    return items;
}

// Accounts for `count` more elements in containers (tuples, lists, dicts).
Status PickleMachine::addItems(PickleValue* container, std::size_t count) {
    if (count > m_limits.maxContainerItems - m_items)
        return bad("containers hold more than " + std::to_string(m_limits.maxContainerItems) +
                   " elements");
    m_items += count;
    (void)container;
    return {};
}

Status PickleMachine::memoPut(std::uint64_t index) {
    if (index >= m_limits.maxMemo)
        return bad("memo index " + std::to_string(index) + " is too large");
    auto value = top();
    if (!value)
        return value.error();
    if (index >= m_memo.size())
        m_memo.resize(static_cast<std::size_t>(index) + 1, nullptr);
    m_memo[static_cast<std::size_t>(index)] = value.value();
    return {};
}

Status PickleMachine::memoGet(std::uint64_t index) {
    if (index >= m_memo.size() || m_memo[static_cast<std::size_t>(index)] == nullptr)
        return bad("memo entry " + std::to_string(index) + " was never stored");
    return push(m_memo[static_cast<std::size_t>(index)]);
}

Expected<const PickleValue*> PickleMachine::run(std::span<const std::uint8_t> program) {
    Reader in{program.data(), program.size()};
    bool stopped = false;
    while (!stopped) {
        m_offset = in.pos;
        if (!in.has(1))
            return bad("the pickle ends without a STOP (truncated)");
        if (auto s = step(in, &stopped); !s)
            return s.error();
    }
    auto result = pop();
    if (!result)
        return result.error();
    return static_cast<const PickleValue*>(result.value());
}

Status PickleMachine::step(Reader& in, bool* stopped) {
    const std::uint8_t op = *in.take(1);
    bool handled = false;
    if (op == '.') {
        *stopped = true;
        return {};
    }
    if (auto s = stepData(op, in, &handled); !s || handled)
        return s;
    if (auto s = stepContainer(op, in, &handled); !s || handled)
        return s;
    if (auto s = stepObject(op, in, &handled); !s || handled)
        return s;
    const char* name = opcodeName(op);
    return bad(std::string("unsupported pickle opcode ") + (name ? name : "") + (name ? " (" : "") +
               hexByte(op) + (name ? ")" : "") +
               "; a state dict saved by torch.save never uses it");
}

// Scalars, strings, memo and framing.
Status PickleMachine::stepData(std::uint8_t op, Reader& in, bool* handled) {
    *handled = true;
    auto need = [&](std::size_t n) -> Status {
        if (!in.has(n))
            return bad("the pickle ends inside an opcode's argument (truncated)");
        return {};
    };
    auto pushInt = [&](std::int64_t v, PickleKind kind = PickleKind::Int) -> Status {
        auto value = make(kind);
        if (!value)
            return value.error();
        value.value()->integer = v;
        return push(value.value());
    };
    auto pushString = [&](std::size_t length) -> Status {
        if (auto s = need(length); !s)
            return s;
        auto value = make(PickleKind::String);
        if (!value)
            return value.error();
        value.value()->text.assign(reinterpret_cast<const char*>(in.take(length)), length);
        return push(value.value());
    };
    switch (op) {
        case 0x80:  // PROTO
            if (auto s = need(1); !s)
                return s;
            if (*in.take(1) > 5)
                return bad("unknown pickle protocol");
            return {};
        case 0x95:  // FRAME: a length hint only; the frame's opcodes follow inline
            if (auto s = need(8); !s)
                return s;
            in.take(8);
            return {};
        case 'J':  // BININT
            if (auto s = need(4); !s)
                return s;
            return pushInt(static_cast<std::int32_t>(bytes::le32(in.take(4))));
        case 'K':  // BININT1
            if (auto s = need(1); !s)
                return s;
            return pushInt(*in.take(1));
        case 'M':  // BININT2
            if (auto s = need(2); !s)
                return s;
            return pushInt(bytes::le16(in.take(2)));
        case 0x8a: {  // LONG1: n-byte two's complement, little-endian
            if (auto s = need(1); !s)
                return s;
            const std::size_t n = *in.take(1);
            if (n > 8)
                return bad("an integer of " + std::to_string(n) + " bytes is too large");
            if (auto s = need(n); !s)
                return s;
            const std::uint8_t* p = in.take(n);
            std::uint64_t v = 0;
            for (std::size_t i = 0; i < n; ++i)
                v |= static_cast<std::uint64_t>(p[i]) << (8 * i);
            if (n > 0 && n < 8 && (p[n - 1] & 0x80))
                v |= ~std::uint64_t{0} << (8 * n);  // sign-extend
            return pushInt(static_cast<std::int64_t>(v));
        }
        case 'G': {  // BINFLOAT: big-endian IEEE double
            if (auto s = need(8); !s)
                return s;
            const std::uint8_t* p = in.take(8);
            std::uint64_t bits = 0;
            for (int i = 0; i < 8; ++i)
                bits = (bits << 8) | p[i];
            auto value = make(PickleKind::Float);
            if (!value)
                return value.error();
            std::memcpy(&value.value()->real, &bits, sizeof bits);
            return push(value.value());
        }
        case 0x88:  // NEWTRUE
        case 0x89:  // NEWFALSE
            return pushInt(op == 0x88 ? 1 : 0, PickleKind::Bool);
        case 'N': {  // NONE
            auto value = make(PickleKind::None);
            return value ? push(value.value()) : Status(value.error());
        }
        case 'X':  // BINUNICODE
            if (auto s = need(4); !s)
                return s;
            return pushString(bytes::le32(in.take(4)));
        case 0x8c:  // SHORT_BINUNICODE
            if (auto s = need(1); !s)
                return s;
            return pushString(*in.take(1));
        case 'q':  // BINPUT
            if (auto s = need(1); !s)
                return s;
            return memoPut(*in.take(1));
        case 'r':  // LONG_BINPUT
            if (auto s = need(4); !s)
                return s;
            return memoPut(bytes::le32(in.take(4)));
        case 0x94:  // MEMOIZE
            return memoPut(m_memo.size());
        case 'h':  // BINGET
            if (auto s = need(1); !s)
                return s;
            return memoGet(*in.take(1));
        case 'j':  // LONG_BINGET
            if (auto s = need(4); !s)
                return s;
            return memoGet(bytes::le32(in.take(4)));
        default:
            *handled = false;
            return {};
    }
}

}  // namespace samdesk
