// The held-out probe set (resources/corpus/probes.jsonl) against the training
// and calibration text: no exact duplicate (whitespace- and case-normalised,
// equal or beginning a document) and no near-duplicate (character 5-gram
// Jaccard >= 0.8 with a document's start of the same length). The detector is
// checked on planted duplicates first, so the corpus test can fail.
#include "moecut/corpus.h"
#include "moecut/near_duplicate.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

namespace {

using namespace moecut;

std::filesystem::path corpus_dir() { return moecut::test::source_dir() / "resources" / "corpus"; }

TEST(NearDuplicate, NormalisesAndMeasures) {
    EXPECT_EQ(dedup_normalize("  Def  Foo(x):\n\t return X \n"), "def foo(x): return x");
    const auto a = char_shingles("abcdefg"), b = char_shingles("abcdefh");
    EXPECT_EQ(a.size(), 3u);
    EXPECT_DOUBLE_EQ(jaccard(a, a), 1.0);
    EXPECT_DOUBLE_EQ(jaccard(a, b), 2.0 / 4.0);  // abcde, bcdef shared; cdefg, cdefh not
    EXPECT_EQ(char_shingles("abc").size(), 1u);
}

TEST(NearDuplicate, FindsPlantedDuplicates) {
    const std::string probe = "def parse_header(line, strict=True):\n    \"\"\"Split a header line into name and value.\"\"\"";
    DuplicateFinder f;
    f.add_document("import os\n\ndef unrelated():\n    return os.getcwd()\n");
    f.add_document("The quick brown fox jumps over the lazy dog, again and again.");
    EXPECT_FALSE(f.find(probe).has_value());

    // Exact: the same text with other whitespace and case, at a document's start.
    DuplicateFinder exact = f;
    exact.add_document("DEF parse_header(line,  strict=True):\n\t\"\"\"Split a header line into name and value.\"\"\"\n"
                       "    name, _, value = line.partition(':')\n");
    auto hit = exact.find(probe);
    ASSERT_TRUE(hit.has_value());
    EXPECT_TRUE(hit->exact);
    EXPECT_EQ(hit->doc, 2u);

    // Near: one small edit.
    DuplicateFinder near = f;
    near.add_document("def parse_header(line, strict=True):\n    \"\"\"Splits a header line into name and value.\"\"\"\n"
                      "    return line.split(':', 1)\n");
    hit = near.find(probe);
    ASSERT_TRUE(hit.has_value());
    EXPECT_FALSE(hit->exact);
    EXPECT_GE(hit->jaccard, 0.8);

    // Far: the same topic, reworded.
    DuplicateFinder far = f;
    far.add_document("def read_header(text):\n    # returns (key, val) from 'key: val'\n    return text.split(':')\n");
    EXPECT_FALSE(far.find(probe).has_value());
}

TEST(CorpusDedup, ProbesAreHeldOutFromTrainingAndCalibration) {
    const auto probes = read_corpus_jsonl(corpus_dir() / "probes.jsonl");
    ASSERT_GE(probes.size(), 2000u);
    std::map<std::string, int> sources;
    std::set<std::string> seen_ids, seen_texts;
    for (const auto& p : probes) {
        ASSERT_FALSE(p.source.empty()) << p.id;
        ASSERT_FALSE(p.text.empty()) << p.id;
        ASSERT_LE(p.text.size(), 512u) << p.id;  // the finder compares the first 512 characters
        ++sources[p.source];
        EXPECT_TRUE(seen_ids.insert(p.id).second) << "duplicate probe id " << p.id;
        EXPECT_TRUE(seen_texts.insert(dedup_normalize(p.text)).second) << "probe repeated: " << p.id;
    }
    EXPECT_GE(sources.size(), 4u);

    DuplicateFinder finder(0.8);
    std::vector<std::string> origin;
    for (const char* file : {"train.jsonl", "calib_code.jsonl", "calib_knowledge.jsonl"})
        for (const auto& d : read_corpus_jsonl(corpus_dir() / file)) {
            finder.add_document(d.text);
            origin.push_back(file);
        }
    ASSERT_GT(finder.size(), 10000u);

    int exact = 0, near = 0;
    for (const auto& p : probes) {
        const auto hit = finder.find(p.text);
        if (!hit) continue;
        (hit->exact ? exact : near)++;
        ADD_FAILURE() << "probe " << p.id << (hit->exact ? " is an exact duplicate" : " is a near-duplicate")
                      << " of document " << hit->doc << " of " << origin[hit->doc] << " (Jaccard " << hit->jaccard
                      << ")";
        if (exact + near > 20) break;
    }
    EXPECT_EQ(exact, 0);
    EXPECT_EQ(near, 0);
}

} // namespace
