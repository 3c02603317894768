// A restricted pickle virtual machine: it understands only the opcodes torch.save emits and
// builds plain data, storage references and tensor descriptions. A global outside the
// allow-list (os.system, builtins.eval, ...) stops it with an Error of kind Forbidden naming the
// global; nothing is ever imported or called. Memory is bounded by PickleLimits, so a hostile
// pickle cannot exhaust it, and nothing it builds is recursive to destroy.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <span>
#include <string>
#include <vector>

#include "core/checkpoint/picklevalue.h"
#include "core/common/expected.h"

namespace samdesk {

struct PickleLimits {
    std::size_t maxValues = 1u << 20;          // values created (a vit_h state dict: ~12k)
    std::size_t maxStack = 1u << 20;           // stack depth
    std::size_t maxMarks = 1024;               // open MARKs (nesting of tuples/lists/dicts)
    std::size_t maxMemo = 1u << 20;            // memo index
    std::size_t maxContainerItems = 1u << 23;  // elements over all tuples, lists and dicts
    std::size_t maxRank = 64;                  // tensor dimensions
};

class PickleMachine {
public:
    // `source` names the file (and the entry) in messages.
    explicit PickleMachine(std::string source, PickleLimits limits = {});
    PickleMachine(const PickleMachine&) = delete;
    PickleMachine& operator=(const PickleMachine&) = delete;

    // Runs `program` to its STOP and returns the value it built, owned by this machine. Errors:
    // Forbidden (a global outside the allow-list), Format (an unsupported opcode, a malformed or
    // truncated program, a limit exceeded), each naming the source and the byte offset.
    Expected<const PickleValue*> run(std::span<const std::uint8_t> program);

private:
    // The program being run, read forward only.
    struct Reader {
        const std::uint8_t* data;
        std::size_t size;
        std::size_t pos = 0;

        bool has(std::size_t n) const { return n <= size - pos; }
        const std::uint8_t* take(std::size_t n) {
            const std::uint8_t* p = data + pos;
            pos += n;
            return p;
        }
    };
    Status step(Reader& in, bool* stopped);
    Status stepData(std::uint8_t op, Reader& in, bool* handled);
    Status stepContainer(std::uint8_t op, Reader& in, bool* handled);
    Status stepObject(std::uint8_t op, Reader& in, bool* handled);

    // Allow-listed globals and what calling them means.
    Status global(const std::string& module, const std::string& name);
    Expected<PickleValue*> call(const PickleValue& callable, const PickleValue& args);
    Expected<PickleValue*> rebuildTensor(const PickleValue& args);
    Expected<PickleValue*> persistentLoad(const PickleValue& pid);

    Expected<PickleValue*> make(PickleKind kind);
    Status push(PickleValue* value);
    Expected<PickleValue*> pop();
    Expected<PickleValue*> top();
    Expected<std::vector<PickleValue*>> popToMark();
    Status addItems(PickleValue* container, std::size_t count);
    Status memoPut(std::uint64_t index);
    Status memoGet(std::uint64_t index);
    Error bad(const std::string& what) const;

    std::string m_source;
    PickleLimits m_limits;
    std::deque<PickleValue> m_values;  // the arena: every value, freed with the machine
    std::vector<PickleValue*> m_stack;
    std::vector<std::size_t> m_marks;
    std::vector<PickleValue*> m_memo;
    std::size_t m_items = 0;
    std::size_t m_offset = 0;  // of the opcode being run, for messages
};

}  // namespace samdesk
