// Writes the hostile checkpoint corpus (tests/data/hostile/) and the fuzzer's seed files.
// Each corpus file is named "<error kind>--<what>.<ext>": the replay test expects exactly that
// kind of Error from it. Run: samdesk_make_hostile_corpus <corpus dir> [<seed dir>]
#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <string>

#include "core/checkpoint/keyconversion.h"
#include "core/checkpoint/samcheckpoint.h"
#include "core/checkpoint/samcheckpointwriter.h"
#include "tests/checkpoint/torchsave.h"
#include "tests/common/testconfigs.h"

using namespace samdesk;
using namespace samdesk::testing;

namespace {

void setLe(std::string& s, std::size_t at, std::uint64_t v, int n) {
    for (int i = 0; i < n; ++i)
        s[at + i] = char((v >> (8 * i)) & 0xff);
}
std::uint64_t le(const std::string& s, std::size_t at, int n) {
    std::uint64_t v = 0;
    for (int i = n - 1; i >= 0; --i)
        v = (v << 8) | std::uint8_t(s[at + i]);
    return v;
}

std::string tensorPickle(const std::string& storageType, std::int64_t elements, std::int64_t offset,
                         const Shape& shape, const Shape& strides) {
    PickleBuilder p;
    p.proto().emptyDict().string("w").tensor(storageType, "0", elements, offset, shape, strides);
    return p.setItem().stop().bytes();
}

std::string zipWithPickle(const std::string& pickle, std::vector<ZipItem> more = {}) {
    std::vector<ZipItem> items = {{"archive/data.pkl", pickle}};
    for (auto& m : more)
        items.push_back(std::move(m));
    items.push_back({"archive/version", "3\n"});
    return zipBytes(items);
}

std::string safetensors(const std::string& header, const std::string& data,
                        std::int64_t claimed = -1) {
    std::string out(8, '\0');
    setLe(out, 0, claimed >= 0 ? std::uint64_t(claimed) : header.size(), 8);
    return out + header + data;
}

// A small valid torch.save file and offsets into it.
struct SmallZip {
    std::string bytes;
    std::size_t directory, end;
};
SmallZip smallZip(bool zip64 = false) {
    TorchSaveOptions o;
    o.zip.zip64 = zip64;
    std::vector<FakeTensor> t = {{"a.weight", DType::Float32, {2, 2}, std::string(16, '\1'), 0},
                                 {"a.bias", DType::Float32, {2}, std::string(8, '\2'), 0}};
    SmallZip z{torchSaveBytes(t, o), 0, 0};
    z.end = z.bytes.size() - 22;
    z.directory = std::size_t(le(z.bytes, z.end + 16, 4));
    return z;
}

std::string edited(std::string s, std::size_t at, std::uint64_t v, int n) {
    setLe(s, at, v, n);
    return s;
}

std::map<std::string, std::string> hostileFiles() {
    std::map<std::string, std::string> f;
    const SmallZip z = smallZip();
    const SmallZip z64 = smallZip(true);
    const std::string storage16(16, 'x');

    // Archives.
    f["format--zip-cut-in-half.pth"] = z.bytes.substr(0, z.bytes.size() / 2);
    f["format--zip-cut-inside-end-record.pth"] = z.bytes.substr(0, z.bytes.size() - 10);
    f["format--zip-only-a-local-header.pth"] = z.bytes.substr(0, 40);
    f["format--zip-compressed-entry.pth"] = edited(z.bytes, z.directory + 10, 8, 2);
    f["format--zip-encrypted-entry.pth"] = edited(z.bytes, z.directory + 8, 1, 2);
    f["format--zip-directory-outside.pth"] = edited(z.bytes, z.end + 16, 0x7fffffff, 4);
    f["format--zip-claims-65535-entries.pth"] =
        edited(edited(z.bytes, z.end + 8, 0xfffe, 2), z.end + 10, 0xfffe, 2);
    f["format--zip-local-header-disagrees.pth"] = edited(z.bytes, 30, 'Y', 1);
    f["format--zip-entry-overruns-directory.pth"] =
        edited(edited(z.bytes, z.directory + 20, 1u << 20, 4), z.directory + 24, 1u << 20, 4);
    f["format--zip-duplicate-entry.pth"] = zipBytes({{"a/data.pkl", "x"}, {"a/data.pkl", "y"}});
    f["format--zip-multi-disk.pth"] = edited(z.bytes, z.end + 4, 1, 2);
    f["format--zip-no-data-pkl.pth"] = zipBytes({{"archive/version", "3\n"}});
    f["format--torchscript-archive.pt"] =
        zipBytes({{"m/data.pkl", "x"}, {"m/constants.pkl", "x"}, {"m/code/__torch__/m.py", ""}});
    const std::size_t locator = z64.bytes.size() - 22 - 20;
    const std::size_t record64 = std::size_t(le(z64.bytes, locator + 8, 8));
    const std::size_t dir64 = std::size_t(le(z64.bytes, record64 + 48, 8));
    f["format--zip64-locator-outside.pth"] = edited(z64.bytes, locator + 8, 1ull << 50, 8);
    f["format--zip64-directory-offset-huge.pth"] = edited(z64.bytes, record64 + 48, ~0ull - 100, 8);
    f["format--zip64-entry-count-huge.pth"] =
        edited(edited(z64.bytes, record64 + 24, 1ull << 40, 8), record64 + 32, 1ull << 40, 8);
    // The first central entry's ZIP64 extra field: name "archive/data.pkl" is 16 bytes.
    f["format--zip64-entry-size-huge.pth"] = edited(
        edited(z64.bytes, dir64 + 46 + 16 + 4, 1ull << 62, 8), dir64 + 46 + 16 + 12, 1ull << 62, 8);
    f["format--zip64-local-offset-huge.pth"] = edited(z64.bytes, dir64 + 46 + 16 + 20, ~0ull, 8);
    f["format--zip64-extra-missing.pth"] = edited(z64.bytes, dir64 + 46 + 16, 0x7777, 2);

    // Pickles (each in a well-formed archive, so the pickle machine sees it).
    std::string flipped = z.bytes;
    flipped[flipped.find("a.weight")] ^= 0x20;
    f["format--pickle-checksum-mismatch.pth"] = flipped;
    f["format--pickle-no-stop.pth"] = zipWithPickle(PickleBuilder().proto().emptyDict().bytes());
    f["format--pickle-unknown-opcode.pth"] = zipWithPickle(std::string("\x80\x02\xfe.", 4));
    f["format--pickle-inst-opcode.pth"] = zipWithPickle("\x80\x02ios\nsystem\n.");
    f["format--pickle-newobj-opcode.pth"] = zipWithPickle("\x80\x02\x81.");
    f["format--pickle-deep-nesting.pth"] = zipWithPickle("\x80\x02" + std::string(5000, '('));
    f["format--pickle-huge-memo-index.pth"] =
        zipWithPickle(std::string("\x80\x02}r\xff\xff\xff\xff.", 9));
    f["format--pickle-memo-get-unset.pth"] =
        zipWithPickle(std::string("\x80\x02j\x00\x00\x01\x00.", 8));
    f["format--pickle-string-length-huge.pth"] =
        zipWithPickle(std::string("\x80\x02X\xff\xff\xff\xff"
                                  "ab",
                                  9));
    f["format--pickle-long1-too-wide.pth"] =
        zipWithPickle("\x80\x02\x8a\x20" + std::string(32, '\x7f') + ".");
    f["format--pickle-setitems-odd.pth"] = zipWithPickle(
        "\x80\x02}(N"
        "u.");
    f["format--pickle-global-unterminated.pth"] = zipWithPickle(
        "\x80\x02"
        "c" +
        std::string(300, 'x'));
    f["format--pickle-complex-storage.pth"] = zipWithPickle(
        tensorPickle("ComplexFloatStorage", 2, 0, {2}, {1}), {{"archive/data/0", storage16}});
    f["format--pickle-tensor-args-wrong.pth"] =
        zipWithPickle(PickleBuilder()
                          .proto()
                          .global("torch._utils", "_rebuild_tensor_v2")
                          .mark()
                          .integer(1)
                          .tuple()
                          .reduce()
                          .stop()
                          .bytes());
    f["format--pickle-persistent-id-not-storage.pth"] =
        zipWithPickle(PickleBuilder().proto().string("x").persistentId().stop().bytes());

    // Storages and views.
    f["format--storage-missing.pth"] = zipWithPickle(tensorPickle("FloatStorage", 4, 0, {4}, {1}));
    f["format--storage-shorter-than-declared.pth"] = zipWithPickle(
        tensorPickle("FloatStorage", 8, 0, {8}, {1}), {{"archive/data/0", storage16}});
    f["format--storage-claims-2e61-elements.pth"] =
        zipWithPickle(tensorPickle("FloatStorage", std::int64_t(1) << 61, 0, {4}, {1}),
                      {{"archive/data/0", storage16}});
    f["format--view-offset-past-storage.pth"] = zipWithPickle(
        tensorPickle("FloatStorage", 4, 3, {2}, {1}), {{"archive/data/0", storage16}});
    f["format--view-stride-past-storage.pth"] = zipWithPickle(
        tensorPickle("FloatStorage", 4, 0, {2, 2}, {4, 1}), {{"archive/data/0", storage16}});
    f["format--view-stride-overflow.pth"] =
        zipWithPickle(tensorPickle("FloatStorage", 4, 0, {3, 2}, {std::int64_t(1) << 62, 1}),
                      {{"archive/data/0", storage16}});
    f["format--view-shape-overflow.pth"] = zipWithPickle(
        tensorPickle("FloatStorage", 4, 0, {std::int64_t(1) << 40, std::int64_t(1) << 40}, {1, 1}),
        {{"archive/data/0", storage16}});
    f["format--view-offset-overflow.pth"] =
        zipWithPickle(tensorPickle("DoubleStorage", 2, std::int64_t(1) << 62, {1}, {1}),
                      {{"archive/data/0", storage16}});

    // Other content.
    f["format--legacy-torch-save.pth"] =
        std::string("\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19.\x80\x02K\x03.", 20);
    f["format--legacy-tar.pth"] = std::string(257, '\0') + "ustar\0" + std::string(250, '\0');
    f["format--plain-pickle.pkl"] = PickleBuilder().proto().emptyDict().stop().bytes();
    f["format--html-error-page.pth"] = "<html><body>404 Not Found</body></html>\n";
    f["format--git-lfs-pointer.pth"] =
        "version https://git-lfs.github.com/spec/v1\noid sha256:4b8939\nsize 2564550879\n";
    f["format--empty-file.pth"] = "";

    // safetensors.
    const std::string t8 = R"({"t":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
    f["format--safetensors-header-length-huge.safetensors"] =
        safetensors(t8, "", std::int64_t(1) << 62);
    f["format--safetensors-header-past-end.safetensors"] = safetensors(t8, "", 1000);
    f["format--safetensors-header-not-json.safetensors"] = safetensors("{\"t\":[1,2,", "xxxx");
    f["format--safetensors-offsets-outside.safetensors"] = safetensors(t8, "1234");
    f["format--safetensors-offsets-reversed.safetensors"] =
        safetensors(R"({"t":{"dtype":"U8","shape":[0],"data_offsets":[4,0]}})", "1234");
    f["format--safetensors-offsets-huge.safetensors"] = safetensors(
        R"({"t":{"dtype":"U8","shape":[4],"data_offsets":[18446744073709551612,0]}})", "1234");
    f["format--safetensors-overlap.safetensors"] = safetensors(
        R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
        std::string(12, 'x'));
    f["format--safetensors-size-mismatch.safetensors"] = safetensors(
        R"({"t":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", std::string(8, 'x'));
    f["format--safetensors-shape-overflow.safetensors"] =
        safetensors(R"({"t":{"dtype":"F64","shape":[4294967296,4294967296],"data_offsets":[0,8]}})",
                    std::string(8, 'x'));
    f["format--safetensors-negative-dim.safetensors"] =
        safetensors(R"({"t":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}})", "xxxx");
    f["format--safetensors-unknown-dtype.safetensors"] = safetensors(
        R"({"t":{"dtype":"C64","shape":[1],"data_offsets":[0,8]}})", std::string(8, 'x'));
    f["format--safetensors-deep-nesting.safetensors"] =
        safetensors("{\"a\":" + std::string(3000, '[') + std::string(3000, ']') + "}", "");
    f["format--safetensors-metadata-not-strings.safetensors"] =
        safetensors(R"({"__metadata__":{"a":{"b":1}}})", "");

    // Forbidden globals: each would run code in Python; here nothing runs.
    auto call = [](const std::string& module, const std::string& name, const std::string& arg) {
        return PickleBuilder()
            .proto()
            .global(module, name)
            .string(arg)
            .raw("\x85")
            .reduce()
            .stop()
            .bytes();
    };
    f["forbidden--os-system.pth"] = zipWithPickle(call("os", "system", "touch /tmp/pwned"));
    f["forbidden--posix-system.pth"] = zipWithPickle(call("posix", "system", "id"));
    f["forbidden--builtins-eval.pth"] = zipWithPickle(call("builtins", "eval", "1+1"));
    f["forbidden--builtins-exec-stack-global.pth"] = zipWithPickle(PickleBuilder()
                                                                       .proto(4)
                                                                       .raw("\x8c\x08"
                                                                            "builtins"
                                                                            "\x8c\x04"
                                                                            "exec\x93")
                                                                       .string("x")
                                                                       .raw("\x85R.")
                                                                       .bytes());
    f["forbidden--subprocess-popen.pth"] = zipWithPickle(call("subprocess", "Popen", "sh"));
    f["forbidden--torch-load.pth"] = zipWithPickle(call("torch", "load", "other.pth"));
    f["forbidden--numpy-reconstruct.pth"] =
        zipWithPickle(call("numpy.core.multiarray", "_reconstruct", "x"));
    f["forbidden--getattr.pth"] = zipWithPickle(call("builtins", "getattr", "x"));
    {
        // The weights are fine; the forbidden call hides in the optimizer entry next to them.
        PickleBuilder p;
        p.proto().emptyDict().mark().string("model").emptyDict();
        p.string("w").tensor("FloatStorage", "0", 4, 0, {4}, {1}).setItem();
        p.string("optimizer").global("os", "system").string("id").raw("\x85").reduce();
        p.setItems().stop();
        f["forbidden--hidden-in-optimizer-state.pth"] =
            zipWithPickle(p.bytes(), {{"archive/data/0", storage16}});
    }

    // Valid files that are not SAMv1.
    f["not-sam--resnet-like.pth"] =
        torchSaveBytes({{"conv1.weight", DType::Float32, {2, 3, 1, 1}, std::string(24, '\0'), 0},
                        {"fc.weight", DType::Float32, {2, 2}, std::string(16, '\0'), 0}});
    f["not-sam--list-at-top.pth"] =
        zipWithPickle(PickleBuilder().proto().emptyList().stop().bytes());
    f["not-sam--no-tensors.pth"] = zipWithPickle(
        PickleBuilder().proto().emptyDict().string("epoch").integer(3).setItem().stop().bytes());
    f["not-sam--empty-safetensors.safetensors"] = safetensors("{}", "");

    // SAMv1 state dicts with a missing key or a wrong shape (micro layout, safetensors to stay
    // small; the .pth forms are the fixtures' broken_*.pth).
    auto micro = [](const std::function<void(std::vector<FakeTensor>&)>& edit) {
        auto tensors = samTensors(test::microConfig(), false);
        for (auto& t : tensors)
            t.dtype = DType::Float16;  // half the bytes: the corpus stays small
        edit(tensors);
        std::string header = "{";
        std::string data;
        for (const auto& t : tensors) {
            const std::size_t n = std::size_t(shapeNumel(t.shape)) * dtypeSize(t.dtype);
            std::string shape;
            for (auto d : t.shape) {
                if (!shape.empty())
                    shape += ',';
                shape += std::to_string(d);
            }
            if (header.size() > 1)
                header += ',';
            header += "\"" + t.name + "\":{\"dtype\":\"" + dtypeSafetensorsName(t.dtype);
            header += "\",\"shape\":[" + shape + "],\"data_offsets\":[";
            header += std::to_string(data.size()) + "," + std::to_string(data.size() + n) + "]}";
            data.append(n, '\0');
        }
        return safetensors(header + "}", data);
    };
    auto find = [](std::vector<FakeTensor>& t, const std::string& name) -> FakeTensor& {
        for (auto& x : t)
            if (x.name == name)
                return x;
        return t.front();
    };
    f["missing-key--decoder-weight.safetensors"] = micro(
        [](std::vector<FakeTensor>& t) { t.erase(t.begin() + std::ptrdiff_t(t.size()) - 3); });
    f["missing-key--pos-embed.safetensors"] =
        micro([](std::vector<FakeTensor>& t) { t.erase(t.begin()); });
    f["bad-shape--qkv-weight.safetensors"] = micro([&](std::vector<FakeTensor>& t) {
        find(t, "image_encoder.blocks.0.attn.qkv.weight").shape = {24, 9};
    });
    f["bad-shape--rel-pos-tables-disagree.safetensors"] = micro([&](std::vector<FakeTensor>& t) {
        find(t, "image_encoder.blocks.0.attn.rel_pos_h").shape = {5, 4};
    });
    f["bad-shape--patch-not-rgb.safetensors"] = micro([&](std::vector<FakeTensor>& t) {
        find(t, "image_encoder.patch_embed.proj.weight").shape = {8, 4, 2, 2};
    });
    return f;
}

// Valid small files for the fuzzer to start from.
std::map<std::string, std::string> seedFiles() {
    std::map<std::string, std::string> s;
    s["small.pth"] = smallZip().bytes;
    s["small-zip64.pth"] = smallZip(true).bytes;
    TorchSaveOptions wrapped;
    wrapped.wrapperKey = "model";
    wrapped.keyPrefix = "module.";
    wrapped.orderedDict = false;
    s["micro-wrapped.pth"] = torchSaveBytes(samTensors(test::microConfig(), true), wrapped);
    s["micro.pth"] = torchSaveBytes(samTensors(test::microConfig(), true));
    s["small.safetensors"] = safetensors(
        R"({"__metadata__":{"format":"pt"},"t":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})",
        std::string(8, 'x'));
    return s;
}

bool writeAll(const std::string& dir, const std::map<std::string, std::string>& files) {
    for (const auto& [name, bytes] : files) {
        std::ofstream out(dir + "/" + name, std::ios::binary);
        out.write(bytes.data(), std::streamsize(bytes.size()));
        if (!out) {
            std::fprintf(stderr, "cannot write %s/%s\n", dir.c_str(), name.c_str());
            return false;
        }
    }
    std::printf("%zu files in %s\n", files.size(), dir.c_str());
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s CORPUS_DIR [SEED_DIR]\n", argv[0]);
        return 2;
    }
    if (!writeAll(argv[1], hostileFiles()))
        return 1;
    if (argc > 2 && !writeAll(argv[2], seedFiles()))
        return 1;
    return 0;
}
