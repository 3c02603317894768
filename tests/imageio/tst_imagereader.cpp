// core/imageio: every format and pixel layout of tests/data/images decodes to the RGB values PIL
// gives (exact for lossless files, within 3 for JPEG), the orientation is applied, the pixels
// are what OpenCV's plain decode gave samdesk-cli before (cache keys hold), a file declaring
// more pixels than allowed is refused before anything is allocated, and broken or missing files
// are errors naming the file.
#include <QtTest>

#include <unistd.h>

#include <cstdio>

#include <opencv2/imgcodecs.hpp>

#include <sys/resource.h>

#include <cstring>
#include <fstream>

#include "core/imageio/imagereader.h"
#include "core/imageio/pixelconvert.h"

using namespace samdesk;

namespace {

const QString kData = QStringLiteral(SAMDESK_TEST_DATA "/images/");

// Peak resident memory of this process so far, MiB.
double peakRssMb() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_maxrss) / 1024.0;
}

void writeFile(const QString& path, const std::string& bytes) {
    std::ofstream out(path.toStdString(), std::ios::binary);
    out.write(bytes.data(), std::streamsize(bytes.size()));
}

std::string be32(std::uint32_t v) {
    return {char(v >> 24), char(v >> 16), char(v >> 8), char(v)};
}
std::string le32(std::uint32_t v) {
    return {char(v), char(v >> 8), char(v >> 16), char(v >> 24)};
}
std::string le16(std::uint16_t v) {
    return {char(v), char(v >> 8)};
}

std::uint32_t crc32(const std::string& bytes) {
    std::uint32_t c = 0xffffffffu;
    for (unsigned char b : bytes) {
        c ^= b;
        for (int k = 0; k < 8; ++k)
            c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
    }
    return c ^ 0xffffffffu;
}

std::string pngChunk(const std::string& type, const std::string& data) {
    return be32(std::uint32_t(data.size())) + type + data + be32(crc32(type + data));
}

// A valid PNG header declaring w x h RGB pixels, with a few bytes of image data.
std::string pngHeader(std::uint32_t w, std::uint32_t h) {
    const std::string ihdr = be32(w) + be32(h) + std::string("\x08\x02\x00\x00\x00", 5);
    return std::string("\x89PNG\r\n\x1a\n", 8) + pngChunk("IHDR", ihdr) +
           pngChunk("IDAT", std::string("\x78\x9c\x63\x00\x00\x00\x01\x00\x01", 9)) +
           pngChunk("IEND", "");
}

std::string jpegHeader(std::uint16_t w, std::uint16_t h) {
    std::string sof = "\xff\xc0";
    sof += std::string("\x00\x11\x08", 3) + char(h >> 8) + char(h) + char(w >> 8) + char(w);
    sof += std::string("\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01", 10);
    return std::string("\xff\xd8", 2) + sof + std::string("\xff\xd9", 2);
}

std::string tiffHeader(std::uint32_t w, std::uint32_t h) {
    std::string t = "II*";
    t += '\0';
    t += le32(8) + le16(3);
    t += le16(256) + le16(4) + le32(1) + le32(w);  // ImageWidth, LONG
    t += le16(257) + le16(4) + le32(1) + le32(h);  // ImageLength
    t += le16(258) + le16(3) + le32(1) + le16(8) + le16(0);
    return t + le32(0);
}

std::string bmpHeader(std::uint32_t w, std::uint32_t h) {
    return "BM" + le32(54) + le32(0) + le32(54) + le32(40) + le32(w) + le32(h) + le16(1) +
           le16(24) + std::string(24, '\0');
}

std::string webpHeader(std::uint32_t w, std::uint32_t h) {
    std::string vp8x = "VP8X" + le32(10) + std::string(4, '\0');
    vp8x += std::string{char(w - 1), char((w - 1) >> 8), char((w - 1) >> 16)};
    vp8x += std::string{char(h - 1), char((h - 1) >> 8), char((h - 1) >> 16)};
    return "RIFF" + le32(std::uint32_t(4 + vp8x.size())) + "WEBP" + vp8x;
}

// The pre-imageio CLI decode: OpenCV with any depth and colour, then the predictor's
// conversion of 16-bit samples ((v + 128) / 257) and BGR order. (It ignored a WebP's EXIF
// orientation and refused float samples: those files are not compared.)
std::vector<std::uint8_t> oldCliDecode(const QString& path, int* width, int* height) {
    const cv::Mat m = cv::imread(path.toStdString(), cv::IMREAD_ANYDEPTH | cv::IMREAD_ANYCOLOR);
    *width = m.cols;
    *height = m.rows;
    std::vector<std::uint8_t> out;
    for (int y = 0; y < m.rows; ++y)
        for (int x = 0; x < m.cols; ++x)
            for (int c = 0; c < 3; ++c) {
                const int src = m.channels() == 1 ? 0 : 2 - c;
                const int at = x * m.channels() + src;
                out.push_back(m.depth() == CV_16U
                                  ? std::uint8_t((m.ptr<std::uint16_t>(y)[at] + 128u) / 257u)
                                  : m.ptr<std::uint8_t>(y)[at]);
            }
    return out;
}

}  // namespace

class TestImageReader : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void formats_data();
    void formats();
    void orientations_data();
    void orientations();
    void sampleConversion();
    void sameAsTheOldCliDecode_data();
    void sameAsTheOldCliDecode();
    void bombRefusedBeforeAllocation_data();
    void bombRefusedBeforeAllocation();
    void memoryLimitRefuses();
    void brokenFilesAreFormatErrors_data();
    void brokenFilesAreFormatErrors();
    void missingFileIsIoError();

private:
    QTemporaryDir m_dir;
};

void TestImageReader::formats_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("format");
    QTest::addColumn<int>("channels");  // as stored
    QTest::addColumn<int>("bitDepth");
    QTest::addColumn<int>("color");
    QTest::addColumn<int>("orientation");
    QTest::addColumn<QSize>("size");         // as displayed
    QTest::addColumn<QList<int>>("pixels");  // x, y, r, g, b ...
    QTest::addColumn<int>("tolerance");
    const int gray = int(ColorModel::Gray), rgb = int(ColorModel::Rgb);
    const int palette = int(ColorModel::Palette), cmyk = int(ColorModel::Cmyk);
    // Quadrants of make_images.py: red, green / blue, white.
    const QList<int> quadrants86 = {0, 0, 255, 0, 0,   7, 0, 0,   255, 0,
                                    0, 5, 0,   0, 255, 7, 5, 255, 255, 255};
    QTest::newRow("png 1-bit") << "checker_bilevel.png"
                               << "PNG" << 1 << 1 << gray << 1 << QSize(10, 10)
                               << QList<int>{0, 0, 255, 255, 255, 3, 1, 0, 0, 0, 9, 9, 0, 0, 0}
                               << 0;
    QTest::newRow("png grey") << "chessboard_GRAY.png"
                              << "PNG" << 1 << 8 << gray << 1 << QSize(200, 200)
                              << QList<int>{24, 0,  205, 205, 205, 25, 0,  50,  50,  50,
                                            0,  25, 50,  50,  50,  25, 25, 175, 175, 175}
                              << 0;
    QTest::newRow("png palette") << "palette_color.png"
                                 << "PNG" << 1 << 8 << palette << 1 << QSize(10, 10)
                                 << QList<int>{0,   0,   51, 0, 255, 1,   0, 102,
                                               204, 102, 2,  0, 102, 204, 51}
                                 << 0;
    QTest::newRow("png palette + tRNS")
        << "foo3x5x4indexed.png"
        << "PNG" << 1 << 8 << palette << 1 << QSize(5, 3)
        << QList<int>{0, 0, 127, 0, 255, 0, 1, 192, 192, 255, 2, 1, 0, 0, 255, 4, 2, 0, 31, 255}
        << 0;
    QTest::newRow("png rgba") << "rgba.png"
                              << "PNG" << 4 << 8 << rgb << 1 << QSize(8, 6)
                              << QList<int>{1, 0, 30, 0, 200, 7, 5, 210, 200, 200} << 0;
    QTest::newRow("png grey + alpha") << "gray_alpha.png"
                                      << "PNG" << 2 << 8 << gray << 1 << QSize(4, 4)
                                      << QList<int>{1, 0, 16, 16, 16, 3, 3, 240, 240, 240} << 0;
    QTest::newRow("png 16-bit rgb")
        << "rgb16.png"
        << "PNG" << 3 << 16 << rgb << 1 << QSize(3, 2)
        << QList<int>{0, 0, 1, 255, 128, 1, 0, 127, 0, 1, 2, 0, 0, 1, 2, 0, 1, 4, 78, 233} << 0;
    QTest::newRow("png eXIf orientation 3")
        << "exif3.png"
        << "PNG" << 3 << 8 << rgb << 3 << QSize(6, 4)
        << QList<int>{0, 0, 255, 255, 255, 5, 0, 0, 0, 255, 0, 3, 0, 255, 0, 5, 3, 10, 20, 30} << 0;
    QTest::newRow("tiff 16-bit little-endian")
        << "chessboard_GRAY_U16.tif"
        << "TIFF" << 1 << 16 << gray << 1 << QSize(200, 200)
        << QList<int>{0, 0, 1, 1, 1, 26, 0, 0, 0, 0, 24, 24, 1, 1, 1, 25, 24, 0, 0, 0} << 0;
    QTest::newRow("tiff 16-bit big-endian")
        << "chessboard_GRAY_U16B.tif"
        << "TIFF" << 1 << 16 << gray << 1 << QSize(200, 200)
        << QList<int>{0, 0, 1, 1, 1, 26, 0, 0, 0, 0, 24, 24, 1, 1, 1, 25, 24, 0, 0, 0} << 0;
    QTest::newRow("tiff orientation 8")
        << "orientation8.tif"
        << "TIFF" << 3 << 8 << rgb << 8 << QSize(4, 6)
        << QList<int>{0, 0, 0, 255, 0, 3, 0, 255, 255, 255, 0, 5, 10, 20, 30, 3, 5, 0, 0, 255} << 0;
    QTest::newRow("tiff float grey")
        << "float32.tif"
        << "TIFF" << 1 << 32 << gray << 1 << QSize(4, 2)
        << QList<int>{0,   0,   0, 0, 0,   2,   0,   64, 64, 64, 3, 0, 128, 128, 128, 0, 1, 255,
                      255, 255, 1, 1, 255, 255, 255, 2,  1,  0,  0, 0, 3,   1,   1,   1, 1}
        << 0;
    QTest::newRow("tiff float rgb big-endian")
        << "float32_rgb_be.tif"
        << "TIFF" << 3 << 32 << rgb << 1 << QSize(2, 1)
        << QList<int>{0, 0, 26, 128, 229, 1, 0, 255, 0, 128} << 0;
    QTest::newRow("bigtiff") << "bigtiff.tif"
                             << "TIFF" << 1 << 8 << gray << 1 << QSize(4, 2)
                             << QList<int>{1, 0, 40,  40,  40,  3, 0, 120, 120, 120,
                                           0, 1, 160, 160, 160, 3, 1, 255, 255, 255}
                             << 0;
    QTest::newRow("jpeg") << "noise.jpg"
                          << "JPEG" << 3 << 8 << rgb << 1 << QSize(64, 64)
                          << QList<int>{0, 0, 89, 123, 107, 63, 63, 43, 68, 148} << 3;
    QTest::newRow("jpeg cmyk") << "cmyk.jpg"
                               << "JPEG" << 4 << 8 << cmyk << 1 << QSize(32, 16)
                               << QList<int>{4, 4, 255, 0, 0, 24, 4, 127, 127, 127} << 3;
    QTest::newRow("jpeg EXIF orientation 6")
        << "exif6.jpg"
        << "JPEG" << 3 << 8 << rgb << 6 << QSize(32, 48)
        << QList<int>{0, 0, 0, 0, 255, 31, 0, 255, 0, 0, 0, 47, 255, 255, 255, 31, 47, 0, 255, 0}
        << 3;
    QTest::newRow("bmp") << "rgb24.bmp"
                         << "BMP" << 3 << 8 << rgb << 1 << QSize(8, 6) << quadrants86 << 0;
    QTest::newRow("webp lossless")
        << "lossless.webp"
        << "WebP" << 3 << 8 << rgb << 1 << QSize(8, 6) << quadrants86 << 0;
    QTest::newRow("webp EXIF orientation 8")
        << "exif8.webp"
        << "WebP" << 3 << 8 << rgb << 8 << QSize(6, 8)
        << QList<int>{0, 0, 0, 255, 0, 5, 0, 255, 255, 255, 0, 7, 255, 0, 0, 5, 7, 0, 0, 255} << 0;
    QTest::newRow("ppm") << "rgb.ppm"
                         << "PNM" << 3 << 8 << rgb << 1 << QSize(8, 6) << quadrants86 << 0;
    QTest::newRow("pgm 16-bit") << "gray16.pgm"
                                << "PNM" << 1 << 16 << gray << 1 << QSize(4, 3)
                                << QList<int>{1, 0, 19,  19,  19,  3, 0, 58,  58,  58,
                                              0, 2, 156, 156, 156, 3, 2, 214, 214, 214}
                                << 0;
}

void TestImageReader::formats() {
    QFETCH(QString, file);
    QFETCH(QString, format);
    QFETCH(int, channels);
    QFETCH(int, bitDepth);
    QFETCH(int, color);
    QFETCH(int, orientation);
    QFETCH(QSize, size);
    QFETCH(QList<int>, pixels);
    QFETCH(int, tolerance);
    const std::string path = (kData + file).toStdString();

    const auto info = probeImage(path);
    QVERIFY2(info.ok(), info.ok() ? "" : info.error().message.c_str());
    QCOMPARE(QString::fromStdString(info->format), format);
    QCOMPARE(info->channels, channels);
    QCOMPARE(info->bitDepth, bitDepth);
    QCOMPARE(int(info->color), color);
    QCOMPARE(info->orientation, orientation);
    QCOMPARE(QSize(info->displayWidth(), info->displayHeight()), size);

    const auto image = readImage(path);
    QVERIFY2(image.ok(), image.ok() ? "" : image.error().message.c_str());
    QCOMPARE(QSize(image->width, image->height), size);
    QCOMPARE(image->rgb.size(), std::size_t(size.width()) * size.height() * 3);
    QCOMPARE(image->info.format, info->format);
    for (int i = 0; i + 4 < pixels.size(); i += 5) {
        const int x = pixels[i], y = pixels[i + 1];
        const std::uint8_t* p = image->rgb.data() + (std::size_t(y) * image->width + x) * 3;
        for (int c = 0; c < 3; ++c)
            QVERIFY2(std::abs(int(p[c]) - pixels[i + 2 + c]) <= tolerance,
                     qPrintable(QString("pixel (%1, %2) channel %3: %4, expected %5")
                                    .arg(x)
                                    .arg(y)
                                    .arg(c)
                                    .arg(p[c])
                                    .arg(pixels[i + 2 + c])));
    }
}

void TestImageReader::orientations_data() {
    // A 3 x 2 image, pixel values 0..5 row by row (as grey); displayed rows, top to bottom.
    QTest::addColumn<int>("orientation");
    QTest::addColumn<QSize>("size");
    QTest::addColumn<QList<int>>("shown");
    QTest::newRow("1") << 1 << QSize(3, 2) << QList<int>{0, 1, 2, 3, 4, 5};
    QTest::newRow("2 mirrored") << 2 << QSize(3, 2) << QList<int>{2, 1, 0, 5, 4, 3};
    QTest::newRow("3 rotated 180") << 3 << QSize(3, 2) << QList<int>{5, 4, 3, 2, 1, 0};
    QTest::newRow("4 flipped") << 4 << QSize(3, 2) << QList<int>{3, 4, 5, 0, 1, 2};
    QTest::newRow("5 transposed") << 5 << QSize(2, 3) << QList<int>{0, 3, 1, 4, 2, 5};
    QTest::newRow("6 rotated 90 cw") << 6 << QSize(2, 3) << QList<int>{3, 0, 4, 1, 5, 2};
    QTest::newRow("7 transverse") << 7 << QSize(2, 3) << QList<int>{5, 2, 4, 1, 3, 0};
    QTest::newRow("8 rotated 90 ccw") << 8 << QSize(2, 3) << QList<int>{2, 5, 1, 4, 0, 3};
}

void TestImageReader::orientations() {
    QFETCH(int, orientation);
    QFETCH(QSize, size);
    QFETCH(QList<int>, shown);
    const std::uint8_t stored[6] = {0, 1, 2, 3, 4, 5};
    imageio::SourcePixels src;
    src.data = stored;
    src.width = 3;
    src.height = 2;
    src.channels = 1;
    src.stride = 3;
    std::vector<std::uint8_t> out(6 * 3, 99);
    imageio::writeRgb(src, orientation, out.data());
    QCOMPARE(size.width() * size.height(), 6);
    for (int i = 0; i < 6; ++i)
        for (int c = 0; c < 3; ++c)
            QCOMPARE(int(out[i * 3 + c]), shown[i]);
}

void TestImageReader::sampleConversion() {
    // 16-bit: round(v / 257), as the predictor converts 16-bit input.
    QCOMPARE(int(imageio::to8(std::uint16_t(0))), 0);
    QCOMPARE(int(imageio::to8(std::uint16_t(128))), 0);
    QCOMPARE(int(imageio::to8(std::uint16_t(129))), 1);
    QCOMPARE(int(imageio::to8(std::uint16_t(32896))), 128);
    QCOMPARE(int(imageio::to8(std::uint16_t(65535))), 255);
    // Float: clipped to [0, 1], x 255, rounded half up; NaN is 0.
    QCOMPARE(int(imageio::to8(-1.0)), 0);
    QCOMPARE(int(imageio::to8(0.5)), 128);
    QCOMPARE(int(imageio::to8(0.498)), 127);
    QCOMPARE(int(imageio::to8(7.0)), 255);
    QCOMPARE(int(imageio::to8(std::nan(""))), 0);
    // BGR source, colour + alpha: alpha dropped, order fixed.
    const std::uint8_t bgra[8] = {10, 20, 30, 40, 50, 60, 70, 80};
    imageio::SourcePixels src;
    src.data = bgra;
    src.width = 2;
    src.height = 1;
    src.channels = 4;
    src.stride = 8;
    std::uint8_t out[6] = {};
    imageio::writeRgb(src, 1, out);
    const std::uint8_t expected[6] = {30, 20, 10, 70, 60, 50};
    QVERIFY(std::memcmp(out, expected, 6) == 0);
}

void TestImageReader::sameAsTheOldCliDecode_data() {
    QTest::addColumn<QString>("file");
    for (const char* f :
         {"checker_bilevel.png", "chessboard_GRAY.png", "palette_color.png", "foo3x5x4indexed.png",
          "rgba.png", "gray_alpha.png", "rgb16.png", "exif3.png", "chessboard_GRAY_U16.tif",
          "chessboard_GRAY_U16B.tif", "orientation8.tif", "bigtiff.tif", "noise.jpg", "cmyk.jpg",
          "exif6.jpg", "rgb24.bmp", "lossless.webp", "rgb.ppm", "gray16.pgm"})
        QTest::newRow(f) << QString::fromLatin1(f);
}

void TestImageReader::sameAsTheOldCliDecode() {
    QFETCH(QString, file);
    int w = 0, h = 0;
    const auto old = oldCliDecode(kData + file, &w, &h);
    const auto image = readImage((kData + file).toStdString());
    QVERIFY2(image.ok(), image.ok() ? "" : image.error().message.c_str());
    QCOMPARE(QSize(image->width, image->height), QSize(w, h));
    QVERIFY(image->rgb == old);
}

void TestImageReader::bombRefusedBeforeAllocation_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("declared");
    auto bytes = [](const std::string& s) { return QByteArray(s.data(), qsizetype(s.size())); };
    QTest::newRow("png") << "bomb.png" << bytes(pngHeader(100000, 100000)) << "100000 x 100000";
    QTest::newRow("jpeg") << "bomb.jpg" << bytes(jpegHeader(65535, 65535)) << "65535 x 65535";
    QTest::newRow("tiff") << "bomb.tif" << bytes(tiffHeader(100000, 100000)) << "100000 x 100000";
    QTest::newRow("bmp") << "bomb.bmp" << bytes(bmpHeader(100000, 100000)) << "100000 x 100000";
    QTest::newRow("webp") << "bomb.webp" << bytes(webpHeader(100000, 100000)) << "100000 x 100000";
}

void TestImageReader::bombRefusedBeforeAllocation() {
    QFETCH(QString, name);
    QFETCH(QByteArray, bytes);
    QFETCH(QString, declared);
    QVERIFY(bytes.size() < 1000);
    const QString path = m_dir.filePath(name);
    writeFile(path, bytes.toStdString());
    const auto info = probeImage(path.toStdString());
    QVERIFY2(info.ok(), info.ok() ? "" : info.error().message.c_str());
    QVERIFY(info->pixelCount() > kDefaultMaxPixels);

    const double before = peakRssMb();
    const auto image = readImage(path.toStdString());
    const double grown = peakRssMb() - before;
    QVERIFY(!image.ok());
    QCOMPARE(image.error().kind, Error::Kind::Format);
    const QString message = QString::fromStdString(image.error().message);
    QVERIFY2(message.startsWith(path + ": declared size " + declared), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("exceeds the limit of 1073741824 pixels")),
             qPrintable(message));
    QVERIFY2(grown < 50, qPrintable(QString("peak RSS grew by %1 MB").arg(grown)));
}

void TestImageReader::memoryLimitRefuses() {
    // 30000 x 30000 is under the pixel limit; 2.5 GB of RGB is over a 1 GB budget.
    const QString path = m_dir.filePath(QStringLiteral("large.png"));
    writeFile(path, pngHeader(30000, 30000));
    ReadLimits limits;
    limits.maxBytes = 1ull << 30;
    const double before = peakRssMb();
    const auto image = readImage(path.toStdString(), limits);
    QVERIFY(peakRssMb() - before < 50);
    QVERIFY(!image.ok());
    const QString message = QString::fromStdString(image.error().message);
    QVERIFY2(message.startsWith(path + ": declared size 30000 x 30000 pixels needs about 2.5 GB"),
             qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("more than the limit of 1.0 GB")),
             qPrintable(message));
    // The same file within a pixel limit of its own: refused for pixels first.
    limits.maxPixels = 1000000;
    const auto small = readImage(path.toStdString(), limits);
    QVERIFY(!small.ok());
    QVERIFY(QString::fromStdString(small.error().message).contains("limit of 1000000 pixels"));
}

void TestImageReader::brokenFilesAreFormatErrors_data() {
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("reason");
    QTest::newRow("jpeg cut in its tables") << kData + "truncated.jpg"
                                            << "truncated";
    QTest::newRow("jpeg cut in its scan") << kData + "truncated_scan.jpg"
                                          << "truncated";
    QTest::newRow("script named like data") << kData + "make_images.py"
                                            << "not an image";
    QFile png(kData + "rgba.png");
    QVERIFY(png.open(QIODevice::ReadOnly));
    const QByteArray whole = png.readAll();
    const QString cut = m_dir.filePath(QStringLiteral("cut.png"));
    writeFile(cut, whole.left(whole.size() - 20).toStdString());
    QTest::newRow("png cut in its data") << cut << "cannot decode the PNG data";
    QTest::newRow("png cut in its data, libpng's reason") << cut << "libpng: ";
    // A chunk type damaged after the header: libpng gives up half way (OpenCV would still hand
    // back a buffer); its reason is part of the one message.
    QByteArray damaged = whole;
    const int idat = damaged.indexOf("IDAT");
    QVERIFY(idat > 0);
    damaged[idat + 3] = '\x01';
    const QString chunk = m_dir.filePath(QStringLiteral("chunk.png"));
    writeFile(chunk, damaged.toStdString());
    QTest::newRow("png with a damaged chunk") << chunk << "libpng: ";
    const QString header = m_dir.filePath(QStringLiteral("header.png"));
    writeFile(header, whole.left(20).toStdString());
    QTest::newRow("png cut in its header") << header << "cut short";
    const QString text = m_dir.filePath(QStringLiteral("text.jpg"));
    writeFile(text, "this is not a JPEG at all");
    QTest::newRow("text named .jpg") << text << "not an image";
    const QString gif = m_dir.filePath(QStringLiteral("anim.png"));
    writeFile(gif, "GIF89a\x01\x00\x01\x00\x00\x00\x00;");
    QTest::newRow("gif") << gif << "GIF images are not supported";
    const QString empty = m_dir.filePath(QStringLiteral("empty.png"));
    writeFile(empty, "");
    QTest::newRow("empty") << empty << "empty";
}

void TestImageReader::brokenFilesAreFormatErrors() {
    QFETCH(QString, path);
    QFETCH(QString, reason);
    // Standard error captured around the read: the libraries print nothing of their own.
    std::fflush(stderr);
    std::FILE* sink = std::tmpfile();
    QVERIFY(sink);
    const int saved = ::dup(2);
    QVERIFY(::dup2(::fileno(sink), 2) >= 0);
    const auto image = readImage(path.toStdString());
    std::fflush(stderr);
    ::dup2(saved, 2);
    ::close(saved);
    const long printed = long(::lseek(::fileno(sink), 0, SEEK_END));
    std::fclose(sink);
    QCOMPARE(printed, 0L);
    QVERIFY(!image.ok());
    QCOMPARE(image.error().kind, Error::Kind::Format);
    const QString message = QString::fromStdString(image.error().message);
    QVERIFY2(message.startsWith(path + ": "), qPrintable(message));
    QVERIFY2(message.contains(reason), qPrintable(message));
    QVERIFY2(!message.contains('\n'), qPrintable(message));  // one line
}

void TestImageReader::missingFileIsIoError() {
    const QString missing = m_dir.filePath(QStringLiteral("nowhere.png"));
    const auto image = readImage(missing.toStdString());
    QVERIFY(!image.ok());
    QCOMPARE(image.error().kind, Error::Kind::Io);
    QCOMPARE(QString::fromStdString(image.error().message), missing + ": no such image file");
    const auto folder = readImage(m_dir.path().toStdString());
    QVERIFY(!folder.ok());
    QCOMPARE(folder.error().kind, Error::Kind::Io);
    QVERIFY(QString::fromStdString(folder.error().message).contains("a folder"));
    const auto probed = probeImage(missing.toStdString());
    QVERIFY(!probed.ok());
    QCOMPARE(probed.error().kind, Error::Kind::Io);
}

QTEST_GUILESS_MAIN(TestImageReader)
#include "tst_imagereader.moc"
