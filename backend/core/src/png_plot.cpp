// PNG encoding with stored deflate blocks, and a line plot (include/moecut/png_plot.h).
#include "moecut/png_plot.h"

#include "moecut/atomic_file.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>

namespace moecut {

RgbImage::RgbImage(int w, int h, std::uint8_t fill)
    : width(w), height(h), pixels(static_cast<std::size_t>(w) * static_cast<std::size_t>(h) * 3, fill) {
    if (w <= 0 || h <= 0) throw std::invalid_argument("RgbImage: empty image");
}

void RgbImage::set(int x, int y, std::uint8_t r, std::uint8_t g, std::uint8_t b) {
    if (x < 0 || y < 0 || x >= width || y >= height) return;
    auto* p = &pixels[(static_cast<std::size_t>(y) * static_cast<std::size_t>(width) + static_cast<std::size_t>(x)) * 3];
    p[0] = r, p[1] = g, p[2] = b;
}

std::uint32_t crc32(const std::uint8_t* data, std::size_t n, std::uint32_t crc) {
    static const auto table = [] {
        std::array<std::uint32_t, 256> t{};
        for (std::uint32_t i = 0; i < 256; ++i) {
            std::uint32_t c = i;
            for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[i] = c;
        }
        return t;
    }();
    crc = ~crc;
    for (std::size_t i = 0; i < n; ++i) crc = table[(crc ^ data[i]) & 0xFF] ^ (crc >> 8);
    return ~crc;
}

std::uint32_t adler32(const std::uint8_t* data, std::size_t n) {
    std::uint32_t a = 1, b = 0;
    for (std::size_t i = 0; i < n; ++i) {
        a = (a + data[i]) % 65521;
        b = (b + a) % 65521;
    }
    return (b << 16) | a;
}

namespace {

void put_be32(std::string& s, std::uint32_t v) {
    for (int k = 3; k >= 0; --k) s.push_back(static_cast<char>((v >> (8 * k)) & 0xFF));
}

void put_chunk(std::string& out, const char* type, const std::string& data) {
    put_be32(out, static_cast<std::uint32_t>(data.size()));
    std::string body(type, 4);
    body += data;
    out += body;
    put_be32(out, crc32(reinterpret_cast<const std::uint8_t*>(body.data()), body.size()));
}

} // namespace

std::string encode_png(const RgbImage& im) {
    std::string raw;  // filter byte 0 + RGB row
    const std::size_t row = static_cast<std::size_t>(im.width) * 3;
    raw.reserve((row + 1) * static_cast<std::size_t>(im.height));
    for (int y = 0; y < im.height; ++y) {
        raw.push_back('\0');
        raw.append(reinterpret_cast<const char*>(&im.pixels[static_cast<std::size_t>(y) * row]), row);
    }
    std::string z = {'\x78', '\x01'};  // zlib: deflate, 32K window, no dictionary
    for (std::size_t at = 0; at < raw.size() || at == 0;) {
        const std::size_t n = std::min<std::size_t>(65535, raw.size() - at);
        const bool last = at + n == raw.size();
        z.push_back(last ? '\x01' : '\x00');  // BFINAL, BTYPE 00 (stored)
        z.push_back(static_cast<char>(n & 0xFF));
        z.push_back(static_cast<char>(n >> 8));
        z.push_back(static_cast<char>(~n & 0xFF));
        z.push_back(static_cast<char>((~n >> 8) & 0xFF));
        z.append(raw, at, n);
        at += n;
        if (last) break;
    }
    put_be32(z, adler32(reinterpret_cast<const std::uint8_t*>(raw.data()), raw.size()));

    std::string ihdr;
    put_be32(ihdr, static_cast<std::uint32_t>(im.width));
    put_be32(ihdr, static_cast<std::uint32_t>(im.height));
    ihdr += std::string{'\x08', '\x02', '\x00', '\x00', '\x00'};  // 8-bit RGB, deflate, filter 0, no interlace
    std::string out = "\x89PNG\r\n\x1a\n";
    put_chunk(out, "IHDR", ihdr);
    put_chunk(out, "IDAT", z);
    put_chunk(out, "IEND", "");
    return out;
}

namespace {

// 3x5 glyphs, one row per entry, bit 2 = left column.
const std::array<std::uint8_t, 5>* glyph(char c) {
    static const std::array<std::array<std::uint8_t, 5>, 13> kGlyphs = {{
        {7, 5, 5, 5, 7}, {2, 6, 2, 2, 7}, {7, 1, 7, 4, 7}, {7, 1, 7, 1, 7}, {5, 5, 7, 1, 1},
        {7, 4, 7, 1, 7}, {7, 4, 7, 5, 7}, {7, 1, 1, 2, 2}, {7, 5, 7, 5, 7}, {7, 5, 7, 1, 7},
        {0, 0, 0, 0, 2}, {0, 0, 7, 0, 0}, {0, 7, 5, 6, 3},  // '.', '-', 'e'
    }};
    if (c >= '0' && c <= '9') return &kGlyphs[static_cast<std::size_t>(c - '0')];
    if (c == '.') return &kGlyphs[10];
    if (c == '-') return &kGlyphs[11];
    if (c == 'e') return &kGlyphs[12];
    return nullptr;
}

// Text at (x, y) top-left, each font pixel drawn as scale x scale.
void draw_text(RgbImage& im, int x, int y, const std::string& s, int scale = 2) {
    for (char c : s) {
        if (const auto* g = glyph(c))
            for (int r = 0; r < 5; ++r)
                for (int col = 0; col < 3; ++col)
                    if ((*g)[static_cast<std::size_t>(r)] & (4 >> col))
                        for (int dy = 0; dy < scale; ++dy)
                            for (int dx = 0; dx < scale; ++dx) im.set(x + col * scale + dx, y + r * scale + dy, 0, 0, 0);
        x += 4 * scale;
    }
}

void draw_line(RgbImage& im, double x0, double y0, double x1, double y1, std::uint8_t r, std::uint8_t g,
               std::uint8_t b) {
    const int n = static_cast<int>(std::max(std::fabs(x1 - x0), std::fabs(y1 - y0))) + 1;
    for (int i = 0; i <= n; ++i) {
        const double t = static_cast<double>(i) / n;
        const int x = static_cast<int>(std::lround(x0 + t * (x1 - x0))), y = static_cast<int>(std::lround(y0 + t * (y1 - y0)));
        im.set(x, y, r, g, b);
        im.set(x, y + 1, r, g, b);
    }
}

// "Nice" tick step: 1, 2 or 5 times a power of ten, about `want` ticks.
double tick_step(double span, int want) {
    const double raw = span / want;
    const double p = std::pow(10.0, std::floor(std::log10(raw)));
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (m * p >= raw) return m * p;
    return 10 * p;
}

std::string tick_label(double v, double step) {
    const int decimals = step >= 1 ? 0 : static_cast<int>(std::ceil(-std::log10(step) - 1e-9));
    return fmt::format("{:.{}f}", v, decimals);
}

} // namespace

void write_line_plot_png(const std::string& path, const std::vector<PlotSeries>& series, int width, int height) {
    RgbImage im(width, height);
    double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
    for (const auto& s : series)
        for (std::size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
            if (!std::isfinite(s.y[i])) continue;
            x0 = std::min(x0, s.x[i]), x1 = std::max(x1, s.x[i]);
            y0 = std::min(y0, s.y[i]), y1 = std::max(y1, s.y[i]);
        }
    if (!(x0 <= x1)) x0 = 0, x1 = 1, y0 = 0, y1 = 1;
    if (x1 == x0) x1 = x0 + 1;
    if (y1 == y0) y1 = y0 + 1;
    y0 = std::min(y0, 0.0);
    const int left = 60, right = width - 20, top = 20, bottom = height - 40;
    auto px = [&](double x) { return left + (x - x0) / (x1 - x0) * (right - left); };
    auto py = [&](double y) { return bottom - (y - y0) / (y1 - y0) * (bottom - top); };

    const double ys = tick_step(y1 - y0, 6), xs = tick_step(x1 - x0, 6);
    for (double y = std::ceil(y0 / ys) * ys; y <= y1 + 1e-9; y += ys) {
        const int yy = static_cast<int>(std::lround(py(y)));
        for (int x = left; x <= right; x += 3) im.set(x, yy, 220, 220, 220);  // dotted grid
        draw_line(im, left - 5, yy, left, yy, 0, 0, 0);
        const std::string label = tick_label(y, ys);
        draw_text(im, left - 8 - static_cast<int>(label.size()) * 8, yy - 5, label);
    }
    for (double x = std::ceil(x0 / xs) * xs; x <= x1 + 1e-9; x += xs) {
        const int xx = static_cast<int>(std::lround(px(x)));
        draw_line(im, xx, bottom, xx, bottom + 5, 0, 0, 0);
        const std::string label = tick_label(x, xs);
        draw_text(im, xx - static_cast<int>(label.size()) * 4, bottom + 10, label);
    }
    draw_line(im, left, top, left, bottom, 0, 0, 0);
    draw_line(im, left, bottom, right, bottom, 0, 0, 0);
    for (const auto& s : series)
        for (std::size_t i = 1; i < s.x.size() && i < s.y.size(); ++i)
            if (std::isfinite(s.y[i - 1]) && std::isfinite(s.y[i]))
                draw_line(im, px(s.x[i - 1]), py(s.y[i - 1]), px(s.x[i]), py(s.y[i]), s.r, s.g, s.b);
    write_file_atomic(path, encode_png(im));
}

} // namespace moecut
