// A minimal PNG writer and a line plot, with no zlib: the image data goes into
// stored (uncompressed) deflate blocks, with CRC-32 and Adler-32 computed here.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace moecut {

struct RgbImage {
    int width = 0, height = 0;
    std::vector<std::uint8_t> pixels;  // width * height * 3, row-major, RGB

    RgbImage(int w, int h, std::uint8_t fill = 255);
    void set(int x, int y, std::uint8_t r, std::uint8_t g, std::uint8_t b);
};

std::uint32_t crc32(const std::uint8_t* data, std::size_t n, std::uint32_t crc = 0);
std::uint32_t adler32(const std::uint8_t* data, std::size_t n);

// The bytes of an 8-bit RGB PNG (filter 0 on every row).
std::string encode_png(const RgbImage& image);

struct PlotSeries {
    std::vector<double> x, y;
    std::uint8_t r = 0, g = 0, b = 0;
};

// Line plot with axes, ticks and tick labels (a 3x5 digit font), white
// background; the ranges span every series. Writes the PNG atomically.
void write_line_plot_png(const std::string& path, const std::vector<PlotSeries>& series, int width = 640,
                         int height = 400);

} // namespace moecut
