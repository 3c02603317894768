// torch.save layout writer for tests: pickle opcodes, stored zip entries (ZIP64 optional),
// generated or sparse data.
#include "tests/checkpoint/torchsave.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstring>

#include "core/checkpoint/keyconversion.h"
#include "core/checkpoint/ziparchive.h"

namespace samdesk::testing {

namespace {

void putLe(std::string& out, std::uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i)
        out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

// Where zip bytes go: memory, or a file in which zero runs become holes.
class Sink {
public:
    virtual ~Sink() = default;
    virtual bool write(const char* data, std::size_t n) = 0;
    virtual bool skip(std::uint64_t n) = 0;
    std::uint64_t pos = 0;
};

class MemorySink : public Sink {
public:
    bool write(const char* data, std::size_t n) override {
        out.append(data, n);
        pos += n;
        return true;
    }
    bool skip(std::uint64_t n) override {
        out.append(static_cast<std::size_t>(n), '\0');
        pos += n;
        return true;
    }
    std::string out;
};

class FileSink : public Sink {
public:
    explicit FileSink(int fd) : m_fd(fd) {}
    bool write(const char* data, std::size_t n) override {
        pos += n;
        while (n > 0) {
            const ssize_t w = ::write(m_fd, data, n);
            if (w <= 0)
                return false;
            data += w;
            n -= static_cast<std::size_t>(w);
        }
        return true;
    }
    bool skip(std::uint64_t n) override {
        pos += n;
        return ::lseek(m_fd, static_cast<off_t>(n), SEEK_CUR) >= 0;
    }

private:
    int m_fd;
};

// xorshift32 -> float32 in [-1, 1), little-endian bytes.
class FloatGenerator {
public:
    explicit FloatGenerator(std::uint32_t seed) : m_state(seed ? seed : 1) {}
    void fill(char* out, std::size_t n) {
        for (std::size_t i = 0; i + 4 <= n; i += 4) {
            m_state ^= m_state << 13;
            m_state ^= m_state >> 17;
            m_state ^= m_state << 5;
            const float f = static_cast<float>(m_state >> 8) / 8388608.0f - 1.0f;
            std::memcpy(out + i, &f, 4);
        }
        for (std::size_t i = n - n % 4; i < n; ++i)
            out[i] = 0;
    }

private:
    std::uint32_t m_state;
};

bool writeItemData(Sink& sink, const ZipItem& item) {
    if (item.size == 0)
        return sink.write(item.data.data(), item.data.size());
    if (item.randomSeed == 0)
        return sink.skip(item.size);
    FloatGenerator gen(item.randomSeed);
    std::vector<char> chunk(1 << 20);
    for (std::uint64_t left = item.size; left > 0;) {
        const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(left, chunk.size()));
        gen.fill(chunk.data(), n);
        if (!sink.write(chunk.data(), n))
            return false;
        left -= n;
    }
    return true;
}

// Holes keep CRC 0 (computing it would cost the time sparse files save); generated data gets
// its real CRC by running the generator once more.
std::uint32_t itemCrc(const ZipItem& item) {
    if (item.size == 0)
        return ZipArchive::crc32(
            {reinterpret_cast<const std::uint8_t*>(item.data.data()), item.data.size()});
    if (item.randomSeed == 0)
        return 0;
    FloatGenerator gen(item.randomSeed);
    std::vector<char> chunk(1 << 20);
    std::uint32_t crc = 0;
    for (std::uint64_t left = item.size; left > 0;) {
        const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(left, chunk.size()));
        gen.fill(chunk.data(), n);
        crc = ZipArchive::crc32({reinterpret_cast<const std::uint8_t*>(chunk.data()), n}, crc);
        left -= n;
    }
    return crc;
}

bool writeZipTo(Sink& sink, const std::vector<ZipItem>& items, const ZipOptions& options) {
    struct Written {
        std::uint64_t offset, size;
        std::uint32_t crc;
    };
    std::vector<Written> written;
    const std::uint32_t max32 = 0xffffffff;
    for (const auto& item : items) {
        const std::uint64_t size = item.size ? item.size : item.data.size();
        const std::uint32_t crc = itemCrc(item);
        const bool big = options.zip64 || size >= max32;
        std::string h;
        putLe(h, 0x04034b50, 4);
        putLe(h, big ? 45 : 20, 2);
        putLe(h, 0x0800, 2);
        putLe(h, 0, 2);  // stored
        putLe(h, 0, 4);  // time, date
        putLe(h, crc, 4);
        putLe(h, big ? max32 : size, 4);
        putLe(h, big ? max32 : size, 4);
        putLe(h, item.name.size(), 2);
        std::string extra;
        if (big) {
            putLe(extra, 0x0001, 2);
            putLe(extra, 16, 2);
            putLe(extra, size, 8);
            putLe(extra, size, 8);
        }
        // Pad with an unknown extra field ("FB", as torch does) so the data starts aligned.
        const std::uint64_t before = sink.pos + h.size() + 2 + item.name.size() + extra.size();
        if (options.align > 1) {
            std::uint64_t pad = (options.align - (before + 4) % options.align) % options.align;
            putLe(extra, 0x4246, 2);
            putLe(extra, pad, 2);
            extra.append(static_cast<std::size_t>(pad), 'Z');
        }
        putLe(h, extra.size(), 2);
        h += item.name + extra;
        written.push_back({sink.pos, size, crc});
        if (!sink.write(h.data(), h.size()) || !writeItemData(sink, item))
            return false;
    }
    const std::uint64_t dirOffset = sink.pos;
    std::string dir;
    for (std::size_t i = 0; i < items.size(); ++i) {
        const auto& w = written[i];
        const bool big = options.zip64 || w.size >= max32 || w.offset >= max32;
        putLe(dir, 0x02014b50, 4);
        putLe(dir, big ? 45 : 20, 2);
        putLe(dir, big ? 45 : 20, 2);
        putLe(dir, 0x0800, 2);
        putLe(dir, 0, 2);
        putLe(dir, 0, 4);
        putLe(dir, w.crc, 4);
        putLe(dir, big ? max32 : w.size, 4);
        putLe(dir, big ? max32 : w.size, 4);
        putLe(dir, items[i].name.size(), 2);
        putLe(dir, big ? 28 : 0, 2);
        putLe(dir, 0, 2);  // comment
        putLe(dir, 0, 2);  // disk
        putLe(dir, 0, 2);  // internal attributes
        putLe(dir, 0, 4);  // external attributes
        putLe(dir, big ? max32 : w.offset, 4);
        dir += items[i].name;
        if (big) {
            putLe(dir, 0x0001, 2);
            putLe(dir, 24, 2);
            putLe(dir, w.size, 8);
            putLe(dir, w.size, 8);
            putLe(dir, w.offset, 8);
        }
    }
    const bool big = options.zip64 || dirOffset >= max32 || items.size() >= 0xffff;
    std::string end;
    if (big) {
        const std::uint64_t end64 = dirOffset + dir.size();
        putLe(end, 0x06064b50, 4);
        putLe(end, 44, 8);
        putLe(end, 45, 2);
        putLe(end, 45, 2);
        putLe(end, 0, 4);
        putLe(end, 0, 4);
        putLe(end, items.size(), 8);
        putLe(end, items.size(), 8);
        putLe(end, dir.size(), 8);
        putLe(end, dirOffset, 8);
        putLe(end, 0x07064b50, 4);
        putLe(end, 0, 4);
        putLe(end, end64, 8);
        putLe(end, 1, 4);
    }
    putLe(end, 0x06054b50, 4);
    putLe(end, 0, 4);
    putLe(end, big ? 0xffff : items.size(), 2);
    putLe(end, big ? 0xffff : items.size(), 2);
    putLe(end, big ? max32 : dir.size(), 4);
    putLe(end, big ? max32 : dirOffset, 4);
    putLe(end, 0, 2);
    return sink.write(dir.data(), dir.size()) && sink.write(end.data(), end.size());
}

}  // namespace

// --- torch.save ----------------------------------------------------------------------------

const char* storageTypeName(DType dtype) {
    switch (dtype) {
        case DType::Float32:
            return "FloatStorage";
        case DType::Float16:
            return "HalfStorage";
        case DType::BFloat16:
            return "BFloat16Storage";
        case DType::Float64:
            return "DoubleStorage";
        case DType::Int64:
            return "LongStorage";
        case DType::Int32:
            return "IntStorage";
        case DType::Int16:
            return "ShortStorage";
        case DType::Int8:
            return "CharStorage";
        case DType::UInt8:
            return "ByteStorage";
        case DType::Bool:
            return "BoolStorage";
    }
    return "FloatStorage";
}

std::string stateDictPickle(const std::vector<FakeTensor>& tensors,
                            const TorchSaveOptions& options) {
    PickleBuilder p;
    p.proto(2);
    if (!options.wrapperKey.empty())
        p.emptyDict().mark().string(options.wrapperKey);
    if (options.orderedDict)
        p.global("collections", "OrderedDict").emptyTuple().reduce();
    else
        p.emptyDict();
    p.mark();
    for (std::size_t i = 0; i < tensors.size(); ++i) {
        const auto& t = tensors[i];
        Shape strides(t.shape.size(), 1);
        for (std::size_t d = t.shape.size(); d-- > 1;)
            strides[d - 1] = strides[d] * t.shape[d];
        p.string(options.keyPrefix + t.name)
            .tensor(storageTypeName(t.dtype), std::to_string(i), shapeNumel(t.shape), 0, t.shape,
                    strides);
    }
    p.setItems();
    if (!options.wrapperKey.empty())
        p.string("epoch").integer(7).string("optimizer").none().setItems();
    return p.stop().bytes();
}

std::vector<ZipItem> torchSaveItems(const std::vector<FakeTensor>& tensors,
                                    const TorchSaveOptions& options) {
    const std::string folder = options.folder.empty() ? "" : options.folder + "/";
    std::vector<ZipItem> items;
    items.push_back({folder + "data.pkl", stateDictPickle(tensors, options)});
    for (std::size_t i = 0; i < tensors.size(); ++i) {
        const auto& t = tensors[i];
        ZipItem item{folder + "data/" + std::to_string(i), t.data};
        if (t.data.empty()) {
            item.size = static_cast<std::uint64_t>(shapeNumel(t.shape)) * dtypeSize(t.dtype);
            item.randomSeed = t.randomSeed;
        }
        items.push_back(std::move(item));
    }
    items.push_back({folder + "version", "3\n"});
    return items;
}

std::string zipBytes(const std::vector<ZipItem>& items, const ZipOptions& options) {
    MemorySink sink;
    writeZipTo(sink, items, options);
    return std::move(sink.out);
}

bool writeZip(const std::string& path, const std::vector<ZipItem>& items,
              const ZipOptions& options) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return false;
    FileSink sink(fd);
    const bool ok = writeZipTo(sink, items, options) && ::ftruncate(fd, sink.pos) == 0;
    return ::close(fd) == 0 && ok;
}

std::string torchSaveBytes(const std::vector<FakeTensor>& tensors,
                           const TorchSaveOptions& options) {
    return zipBytes(torchSaveItems(tensors, options), options.zip);
}

bool writeTorchSave(const std::string& path, const std::vector<FakeTensor>& tensors,
                    const TorchSaveOptions& options) {
    return writeZip(path, torchSaveItems(tensors, options), options.zip);
}

std::vector<FakeTensor> samTensors(const SamConfig& config, bool random) {
    std::vector<FakeTensor> out;
    std::uint32_t seed = 1;
    for (const auto& spec : samKeySpecs(config))
        out.push_back(
            {spec.original, DType::Float32, spec.originalShape, {}, random ? seed++ : 0u});
    return out;
}

std::string generatedBytes(std::uint64_t size, std::uint32_t seed) {
    std::string out(static_cast<std::size_t>(size), '\0');
    if (seed != 0)
        FloatGenerator(seed).fill(out.data(), out.size());
    return out;
}

}  // namespace samdesk::testing
