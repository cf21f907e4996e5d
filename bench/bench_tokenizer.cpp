// Tokenizer throughput: moecut::Tokenizer on a text file, single thread.
//
//   bench_tokenizer TOKENIZER [TEXT_FILE] [--repeat N]
//
// TOKENIZER is a tokenizer.json or a folder holding one; without TEXT_FILE a 2 MB synthetic
// text (prose, code, numbers, several scripts) is used. Reports the load time, encode of the
// whole text in one call and line by line (the first pass fills the BPE word cache; the best
// of N later passes is "warm"), and decode. bench/bench_tokenizer_reference.py measures the
// reference Python library the same way.
#include "moecut/error.h"
#include "moecut/tokenizer.h"

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

std::string synthetic_text(std::size_t bytes) {
    static const char* const kWords[] = {
        "the", "model", "routes", "every", "token", "to", "a", "few", "experts", "and", "pruning", "saves",
        "memory", "while", "accuracy", "must", "be", "measured", "honestly", "before", "shipping", "it's",
        "we've", "they'll", "Mixture-of-Experts", "layer", "weights", "gate_proj", "down_proj", "self.attn",
        "def", "return", "for", "in", "range(10):", "if", "x", "==", "0:", "{", "}", "std::vector<int>",
        "1969", "3.14159", "12,345", "-42", "0x1F", "Straße", "über", "déjà", "vu", "Привет", "мир",
        "我想在", "工作", "こんにちは", "世界", "안녕하세요", "🚀", "😀", "✅", "(normal)", "\"quoted\"", "—",
    };
    std::mt19937 rng(1234);
    std::uniform_int_distribution<std::size_t> pick(0, std::size(kWords) - 1);
    std::uniform_int_distribution<int> gap(0, 19);
    std::string s;
    s.reserve(bytes + 64);
    while (s.size() < bytes) {
        s += kWords[pick(rng)];
        const int g = gap(rng);
        s += g == 0 ? "\n" : g == 1 ? ".\n\n" : g == 2 ? ",  " : g == 3 ? "\n    " : " ";
    }
    return s;
}

struct Timing {
    double cold = 0;
    double warm = 1e300;
    std::size_t tokens = 0;
};

template <typename Fn>
Timing measure(int repeat, Fn&& fn) {
    Timing t;
    auto t0 = Clock::now();
    t.tokens = fn();
    t.cold = seconds_since(t0);
    for (int r = 0; r < repeat; ++r) {
        t0 = Clock::now();
        fn();
        t.warm = std::min(t.warm, seconds_since(t0));
    }
    if (repeat == 0) t.warm = t.cold;
    return t;
}

void report(const char* what, const Timing& t, std::size_t bytes) {
    fmt::print("{:<22} {:>9} tokens  cold {:8.3f} s {:>12.0f} tok/s   warm {:8.3f} s {:>12.0f} tok/s {:7.2f} MB/s\n", what,
               t.tokens, t.cold, t.tokens / t.cold, t.warm, t.tokens / t.warm, bytes / t.warm / 1e6);
}

} // namespace

int main(int argc, char** argv) {
    std::vector<std::string> positional;
    int repeat = 3;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--repeat" && i + 1 < argc) repeat = std::max(0, std::atoi(argv[++i]));
        else positional.push_back(a);
    }
    if (positional.empty() || positional.size() > 2) {
        std::fprintf(stderr, "usage: bench_tokenizer TOKENIZER [TEXT_FILE] [--repeat N]\n");
        return 2;
    }
    try {
        auto t0 = Clock::now();
        const moecut::Tokenizer tok = moecut::Tokenizer::from_file(positional[0]);
        const double load = seconds_since(t0);
        std::string text;
        if (positional.size() == 2) {
            std::ifstream in(positional[1], std::ios::binary);
            if (!in) throw moecut::InputError(positional[1] + ": cannot open the text file");
            std::ostringstream buf;
            buf << in.rdbuf();
            text = buf.str();
        } else {
            text = synthetic_text(2'000'000);
        }
        std::vector<std::string> lines;
        for (std::size_t p = 0; p < text.size();) {
            const std::size_t e = std::min(text.find('\n', p), text.size());
            lines.push_back(text.substr(p, e - p + (e < text.size() ? 1 : 0)));
            p = e + 1;
        }
        fmt::print("tokenizer {} (vocab {}) loaded in {:.3f} s\n", positional[0], tok.vocab_size(), load);
        fmt::print("text {} bytes, {} lines\n", text.size(), lines.size());

        std::vector<int32_t> ids;
        report("encode whole text", measure(repeat, [&] {
                   ids = tok.encode(text, false);
                   return ids.size();
               }),
               text.size());
        const moecut::Tokenizer fresh = moecut::Tokenizer::from_file(positional[0]); // empty cache
        report("encode line by line", measure(repeat, [&] {
                   std::size_t n = 0;
                   for (const std::string& l : lines) n += fresh.encode(l, false).size();
                   return n;
               }),
               text.size());
        std::string decoded;
        report("decode", measure(repeat, [&] {
                   decoded = tok.decode(ids, false);
                   return ids.size();
               }),
               text.size());
        fmt::print("decode(encode(text)) {} the text\n", decoded == text ? "equals" : "differs from");
    } catch (const moecut::InputError& e) {
        std::fprintf(stderr, "bench_tokenizer: %s\n", e.what());
        return 2;
    }
    return 0;
}
