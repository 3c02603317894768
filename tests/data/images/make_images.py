#!/usr/bin/python3
"""Writes the generated test images of tests/data/images (see README.md) and prints the pixel
values tests/imageio/tst_imagereader.cpp asserts. Debian 12: python3-pil, python3-numpy,
python3-opencv. The outputs are committed: the tests need no Python."""
import struct

import cv2
import numpy as np
from PIL import Image


def exif(orientation):
    e = Image.Exif()
    e[274] = orientation
    return e.tobytes()


def quadrants(w, h):
    """Four flat colour blocks (red top left, green top right, blue bottom left, white bottom
    right): flat 16 x 16 blocks survive JPEG with small errors."""
    a = np.zeros((h, w, 3), np.uint8)
    a[: h // 2, : w // 2] = (255, 0, 0)
    a[: h // 2, w // 2 :] = (0, 255, 0)
    a[h // 2 :, : w // 2] = (0, 0, 255)
    a[h // 2 :, w // 2 :] = (255, 255, 255)
    return a


def float_rgb_tiff(values, width, height):
    """A classic big-endian TIFF: RGB, three 32-bit IEEE float samples per pixel, one strip."""
    pixels = struct.pack(">%df" % len(values), *values)
    n = 11
    ifd = 8
    extra = ifd + 2 + 12 * n + 4  # the BitsPerSample and SampleFormat arrays, then the pixels
    bps_at, fmt_at, data_at = extra, extra + 6, extra + 12
    entries = [(256, 3, 1, width), (257, 3, 1, height), (258, 3, 3, bps_at), (259, 3, 1, 1),
               (262, 3, 1, 2), (273, 4, 1, data_at), (277, 3, 1, 3), (278, 3, 1, height),
               (279, 4, 1, len(pixels)), (284, 3, 1, 1), (339, 3, 3, fmt_at)]
    out = b"MM" + struct.pack(">HI", 42, ifd) + struct.pack(">H", n)
    for tag, typ, count, value in entries:
        out += struct.pack(">HHI", tag, typ, count)
        out += struct.pack(">I", value) if (typ == 4 or count > 1) else struct.pack(">H2x", value)
    out += struct.pack(">I", 0) + struct.pack(">3H", 32, 32, 32) + struct.pack(">3H", 3, 3, 3)
    return out + pixels


def main():
    # RGBA: colour and alpha vary independently (alpha must be dropped, not composited).
    rgba = np.zeros((6, 8, 4), np.uint8)
    for y in range(6):
        for x in range(8):
            rgba[y, x] = (x * 30, y * 40, 200, (x * 37 + y * 11) % 256)
    Image.fromarray(rgba, "RGBA").save("rgba.png")
    # Grey + alpha.
    la = np.zeros((4, 4, 2), np.uint8)
    la[..., 0] = np.arange(16).reshape(4, 4) * 16
    la[..., 1] = 128
    Image.fromarray(la, "LA").save("gray_alpha.png")
    # 16-bit RGB PNG: values around the rounding points of (v + 128) / 257.
    rgb16 = np.zeros((2, 3, 3), np.uint16)
    rgb16[0, 0] = (255, 65535, 32896)
    rgb16[0, 1] = (32767, 128, 129)
    rgb16[0, 2] = (0, 385, 386)
    rgb16[1, :] = (1000, 20000, 60000)
    cv2.imwrite("rgb16.png", rgb16[..., ::-1].copy())  # OpenCV writes BGR
    # CMYK JPEG (PIL writes Adobe inverted CMYK): a red block and a 50 % black block.
    cmyk = np.zeros((16, 32, 4), np.uint8)
    cmyk[:, :16] = (0, 255, 255, 0)
    cmyk[:, 16:] = (0, 0, 0, 128)
    Image.fromarray(cmyk, "CMYK").save("cmyk.jpg", quality=95)
    # EXIF orientation 6 (rotate 90 degrees clockwise to display): stored 48 x 32.
    Image.fromarray(quadrants(48, 32)).save("exif6.jpg", quality=95, exif=exif(6))
    # PNG eXIf orientation 3 (180 degrees), lossless: stored 6 x 4.
    small = quadrants(6, 4)
    small[0, 0] = (10, 20, 30)
    Image.fromarray(small).save("exif3.png", exif=exif(3))
    # TIFF orientation 8 (rotate 90 degrees counter-clockwise to display), lossless.
    Image.fromarray(small).save("orientation8.tif", tiffinfo={274: 8})
    # 32-bit float TIFF, grey: values below, inside and above [0, 1], and NaN.
    f = np.array([[-0.5, 0.0, 0.25, 0.5], [1.0, 2.0, np.nan, 0.002]], np.float32)
    Image.fromarray(f, "F").save("float32.tif")
    # 32-bit float TIFF, RGB, big-endian, uncompressed, written by hand (PIL has no RGB float
    # mode; OpenCV writes float RGB as lossy LogLuv).
    open("float32_rgb_be.tif", "wb").write(float_rgb_tiff([0.1, 0.5, 0.9, 1.5, -1.0, 0.5], 2, 1))
    # Formats: 24-bit BMP, lossless WebP, PPM, 16-bit PGM, a plain RGB JPEG.
    Image.fromarray(quadrants(8, 6)).save("rgb24.bmp")
    Image.fromarray(quadrants(8, 6)).save("lossless.webp", lossless=True)
    # WebP with an EXIF chunk (VP8X), orientation 8 (90 degrees counter-clockwise).
    Image.fromarray(quadrants(8, 6)).save("exif8.webp", lossless=True, exif=exif(8))
    Image.fromarray(quadrants(8, 6)).save("rgb.ppm")
    g16 = (np.arange(12, dtype=np.uint16).reshape(3, 4) * 5000).astype(np.uint16)
    cv2.imwrite("gray16.pgm", g16)  # P5, maximum value 65535
    noise = np.random.default_rng(7).integers(0, 256, (64, 64, 3), dtype=np.uint8)
    Image.fromarray(noise).save("noise.jpg", quality=90)
    # A JPEG cut in the middle of its scan (the header is whole).
    data = open("noise.jpg", "rb").read()
    open("truncated_scan.jpg", "wb").write(data[: len(data) * 6 // 10])
    # BigTIFF (version 43, 8-byte offsets), 4 x 2 grey, 8-bit, uncompressed, little-endian.
    pixels = bytes([0, 40, 80, 120, 160, 200, 240, 255])
    entries = [(256, 3, 1, 4), (257, 3, 1, 2), (258, 3, 1, 8), (259, 3, 1, 1), (262, 3, 1, 1),
               (273, 16, 1, 0), (277, 3, 1, 1), (278, 3, 1, 2), (279, 16, 1, len(pixels))]
    ifd = 16
    data_at = ifd + 8 + 20 * len(entries) + 8
    out = b"II" + struct.pack("<HHHQ", 43, 8, 0, ifd) + struct.pack("<Q", len(entries))
    for tag, typ, count, value in entries:
        if tag == 273:
            value = data_at
        out += struct.pack("<HHQ", tag, typ, count)
        out += struct.pack("<Q", value) if typ == 16 else struct.pack("<H6x", value)
    out += struct.pack("<Q", 0) + pixels
    open("bigtiff.tif", "wb").write(out)

    print_values()


def print_values():
    def rgb(path):
        return np.array(Image.open(path).convert("RGB"))

    print("rgba.png (1,0), (7,5):", rgb("rgba.png")[0, 1], rgb("rgba.png")[5, 7])
    print("gray_alpha.png (3,3):", rgb("gray_alpha.png")[3, 3])
    print("cmyk.jpg (4,4), (24,4):", rgb("cmyk.jpg")[4, 4], rgb("cmyk.jpg")[4, 24])
    e = rgb("exif6.jpg")
    print("exif6.jpg stored", e.shape, "corners TL TR BL BR", e[0, 0], e[0, -1], e[-1, 0], e[-1, -1])
    print("lossless.webp (0,0) (7,5):", rgb("lossless.webp")[0, 0], rgb("lossless.webp")[5, 7])
    print("noise.jpg (0,0) (63,63):", rgb("noise.jpg")[0, 0], rgb("noise.jpg")[63, 63])
    print("gray16.pgm:", cv2.imread("gray16.pgm", cv2.IMREAD_UNCHANGED))
    print("float32_rgb_be.tif: OpenCV (BGR)", cv2.imread("float32_rgb_be.tif", cv2.IMREAD_UNCHANGED))
    print("bigtiff: PIL", end=" ")
    try:
        print(np.array(Image.open("bigtiff.tif")))
    except Exception as err:  # PIL 9.4 does not read BigTIFF
        print("cannot read:", err)
    print("bigtiff: OpenCV", cv2.imread("bigtiff.tif", cv2.IMREAD_UNCHANGED))


if __name__ == "__main__":
    main()
