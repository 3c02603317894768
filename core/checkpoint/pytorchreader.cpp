// PyTorch zip checkpoint reading: archive layout, state dict discovery, storage validation.
#include "core/checkpoint/pytorchreader.h"

#include <map>
#include <set>
#include <unordered_map>

#include "core/checkpoint/bytes.h"
#include "core/checkpoint/picklemachine.h"
#include "core/checkpoint/ziparchive.h"

namespace samdesk {

namespace {

// Keys under which training code stores the model's state dict, in order of preference.
const char* const kWrapperKeys[] = {"state_dict", "model",   "module", "model_state_dict",
                                    "net",        "network", "weights"};

std::size_t countTensors(const PickleValue& dict) {
    std::size_t n = 0;
    for (std::size_t i = 1; i < dict.items.size(); i += 2)
        n += dict.items[i]->kind == PickleKind::Tensor;
    return n;
}

const PickleValue* dictEntry(const PickleValue& dict, const std::string& key) {
    const PickleValue* found = nullptr;  // the last one wins, as in Python
    for (std::size_t i = 0; i + 1 < dict.items.size(); i += 2)
        if (dict.items[i]->isString() && dict.items[i]->text == key)
            found = dict.items[i + 1];
    return found;
}

struct Candidate {
    const PickleValue* dict = nullptr;
    std::string path;  // "" for the top level, else "model" or "model/module"
    std::size_t tensors = 0;
};

// The dict with the most tensors among the top level and known wrapper keys (three levels).
// `seen` makes each dict count once, even when a hostile pickle nests a dict in itself.
void findStateDict(const PickleValue& dict, const std::string& path, int depth, Candidate* best,
                   std::set<const PickleValue*>* seen) {
    if (!seen->insert(&dict).second)
        return;
    const std::size_t n = countTensors(dict);
    if (n > best->tensors)
        *best = {&dict, path, n};
    if (depth == 3)
        return;
    for (const char* key : kWrapperKeys) {
        const PickleValue* inner = dictEntry(dict, key);
        if (inner && inner->kind == PickleKind::Dict)
            findStateDict(*inner, path.empty() ? key : path + "/" + key, depth + 1, best, seen);
    }
}

// "'a', 'b', 'c' and 4 more"
std::string listNames(const std::vector<std::string>& names) {
    std::string out;
    const std::size_t shown = std::min<std::size_t>(names.size(), 8);
    for (std::size_t i = 0; i < shown; ++i)
        out += (i ? ", '" : "'") + names[i] + "'";
    if (names.size() > shown)
        out += " and " + std::to_string(names.size() - shown) + " more";
    return out;
}

class TensorBuilder {
public:
    TensorBuilder(const ZipArchive& zip, std::string prefix, std::shared_ptr<const void> keepAlive,
                  const std::string& source)
        : m_zip(zip)
        , m_prefix(std::move(prefix))
        , m_keepAlive(std::move(keepAlive))
        , m_source(source) {}

    Expected<TensorRecord> build(const std::string& name, const PickleTensor& t);

private:
    Expected<std::span<const std::uint8_t>> storageBytes(const PickleValue& storage);

    const ZipArchive& m_zip;
    std::string m_prefix;
    std::shared_ptr<const void> m_keepAlive;
    const std::string& m_source;
    std::unordered_map<std::string, std::span<const std::uint8_t>> m_storages;
};

Expected<std::span<const std::uint8_t>> TensorBuilder::storageBytes(const PickleValue& storage) {
    const auto cached = m_storages.find(storage.text);
    if (cached != m_storages.end())
        return cached->second;
    const std::string entryName = m_prefix + "data/" + storage.text;
    const ZipEntry* entry = m_zip.find(entryName);
    if (!entry)
        return Error::format(m_source + ": storage entry '" + entryName +
                             "' is missing from the archive");
    std::uint64_t declared = 0;
    if (__builtin_mul_overflow(static_cast<std::uint64_t>(storage.integer),
                               static_cast<std::uint64_t>(dtypeSize(storage.dtype)), &declared) ||
        declared > entry->size)
        return Error::format(m_source + ": storage entry '" + entryName + "' holds " +
                             std::to_string(entry->size) + " bytes, but the checkpoint declares " +
                             std::to_string(storage.integer) + " " + dtypeName(storage.dtype) +
                             " elements");
    auto span = m_zip.data(*entry).first(static_cast<std::size_t>(declared));
    m_storages.emplace(storage.text, span);
    return span;
}

Expected<TensorRecord> TensorBuilder::build(const std::string& name, const PickleTensor& t) {
    auto storage = storageBytes(*t.storage);
    if (!storage)
        return storage.error();
    TensorRecord r;
    r.dtype = t.storage->dtype;
    r.shape = t.shape;
    r.strides = t.strides;
    std::uint64_t extent = 0, offset = 0;
    const bool sane =
        bytes::stridedByteExtent(r.shape, r.strides, r.dtype, &extent) &&
        !__builtin_mul_overflow(static_cast<std::uint64_t>(t.storageOffset),
                                static_cast<std::uint64_t>(dtypeSize(r.dtype)), &offset);
    if (!sane || !bytes::inside(offset, extent, storage.value().size()))
        return Error::format(
            m_source + ": tensor '" + name + "' of shape " + shapeToString(r.shape) + " (offset " +
            std::to_string(t.storageOffset) + ", strides " + shapeToString(r.strides) +
            ") overruns its storage '" + t.storage->text + "' of " +
            std::to_string(storage.value().size()) + " bytes");
    r.data = storage.value().data() + offset;
    r.bytesAvailable = static_cast<std::size_t>(storage.value().size() - offset);
    r.keepAlive = m_keepAlive;
    return r;
}

// The folder every entry lives under ("archive/", "sam_vit_b_01ec64/", ...), found from the one
// data.pkl directly inside a top-level folder.
Expected<std::string> findPrefix(const ZipArchive& zip, const std::string& source) {
    std::string prefix;
    int found = 0;
    bool torchScript = false;
    for (const auto& e : zip.entries()) {
        const auto slash = e.name.find('/');
        const std::string rest = slash == std::string::npos ? e.name : e.name.substr(slash + 1);
        if (rest == "constants.pkl" || rest.rfind("code/", 0) == 0)
            torchScript = true;
        if (rest == "data.pkl") {
            prefix = slash == std::string::npos ? "" : e.name.substr(0, slash + 1);
            ++found;
        }
    }
    if (torchScript)
        return Error::format(source +
                             ": this is a TorchScript archive (torch.jit.save), not a checkpoint "
                             "of weights; save the model's state_dict() with torch.save instead");
    if (found == 0)
        return Error::format(source + ": a zip archive without data.pkl: not a PyTorch checkpoint");
    if (found > 1)
        return Error::format(source + ": the archive holds " + std::to_string(found) +
                             " data.pkl files; expected one");
    return prefix;
}

}  // namespace

Expected<StateDict> parsePytorchZip(std::span<const std::uint8_t> bytes,
                                    std::shared_ptr<const void> keepAlive,
                                    const std::string& source) {
    auto zip = ZipArchive::open(bytes, source);
    if (!zip)
        return zip.error();
    auto prefix = findPrefix(zip.value(), source);
    if (!prefix)
        return prefix.error();
    if (const ZipEntry* order = zip->find(prefix.value() + "byteorder")) {
        const auto text = zip->data(*order);
        if (std::string_view(reinterpret_cast<const char*>(text.data()), text.size()) != "little")
            return Error::format(source + ": big-endian checkpoints are not supported");
    }
    const ZipEntry* pkl = zip->find(prefix.value() + "data.pkl");
    const auto program = zip->data(*pkl);
#ifndef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION  // let fuzzed pickles through
    if (ZipArchive::crc32(program) != pkl->crc32)
        return Error::format(source + ": entry '" + pkl->name +
                             "' is corrupt (its checksum does not match)");
#endif

    PickleMachine machine(source);
    auto root = machine.run(program);
    if (!root)
        return root.error();
    if (root.value()->kind != PickleKind::Dict)
        return Error{Error::Kind::NotSam, source + ": the checkpoint holds a " +
                                              pickleKindName(root.value()->kind) +
                                              ", not a dict of tensors"};
    Candidate best;
    std::set<const PickleValue*> seen;
    findStateDict(*root.value(), "", 0, &best, &seen);
    if (!best.dict)
        return Error{Error::Kind::NotSam, source + ": the checkpoint holds no tensors"};

    StateDict out;
    out.format = "pytorch-zip";
    if (!best.path.empty()) {
        std::vector<std::string> others;
        const PickleValue& top = *root.value();
        const std::string first = best.path.substr(0, best.path.find('/'));
        for (std::size_t i = 0; i + 1 < top.items.size(); i += 2)
            if (top.items[i]->isString() && top.items[i]->text != first)
                others.push_back(top.items[i]->text);
        out.warnings.push_back("the weights were found under '" + best.path + "'" +
                               (others.empty() ? "" : "; ignored " + listNames(others)));
    }
    TensorBuilder builder(zip.value(), prefix.value(), std::move(keepAlive), source);
    std::map<std::string, std::size_t> index;
    std::vector<std::string> skipped;
    const auto& items = best.dict->items;
    for (std::size_t i = 0; i + 1 < items.size(); i += 2) {
        const PickleValue* key = items[i];
        const PickleValue* value = items[i + 1];
        if (!key->isString() || value->kind != PickleKind::Tensor) {
            skipped.push_back(key->isString() ? key->text : pickleKindName(key->kind));
            continue;
        }
        auto record = builder.build(key->text, *value->tensor);
        if (!record)
            return record.error();
        const auto [it, inserted] = index.emplace(key->text, out.tensors.size());
        if (inserted)
            out.tensors.push_back({key->text, std::move(record).value()});
        else
            out.tensors[it->second].tensor = std::move(record).value();
    }
    if (!skipped.empty())
        out.warnings.push_back("ignored " + std::to_string(skipped.size()) +
                               " entries that are not tensors: " + listNames(skipped));
    return out;
}

}  // namespace samdesk
