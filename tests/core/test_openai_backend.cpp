// OpenAIBackend against a real OpenAI-compatible server started here:
// llama-cpp-python's server (scripts/install-test-server.sh) on 127.0.0.1
// serving tests/data/gguf/tiny-bigram-llama.gguf (scripts/make_test_gguf.py),
// whose continuation is fixed by the last prompt character:
//   "...c" -> "defghijk" then EOS;   "...l" -> "mnlmnl..." until max_tokens.
// The venv is ${MOECUT_TEST_VENV:-$HOME/.cache/moecut/test-venv}; the tests skip
// (with a message) only when it is absent. CI installs it (scripts/test.sh).
#include "loopback_http.h"
#include "moecut/error.h"
#include "moecut/openai_backend.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

namespace fs = std::filesystem;
using moecut::CompletionRequest;
using moecut::CompletionResult;
using moecut::FinishReason;
using moecut::OpenAIBackend;
using moecut::OpenAIBackendOptions;
using moecut::ServerKind;
using nlohmann::json;

namespace {

constexpr const char* kKeyEnv = "MOECUT_TEST_SERVER_KEY";
constexpr const char* kKey = "sk-moecut-test-6f1d0c";

fs::path venv_python() {
    const char* v = std::getenv("MOECUT_TEST_VENV");
    const char* home = std::getenv("HOME");
    fs::path venv = v && *v ? fs::path(v) : fs::path(home ? home : "/root") / ".cache/moecut/test-venv";
    return venv / "bin/python";
}

class LlamaCppServer : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        fs::path py = venv_python();
        if (!fs::exists(py)) {
            skip_ = "no llama-cpp-python venv at " + py.parent_path().parent_path().string() +
                    " (run scripts/install-test-server.sh)";
            return;
        }
        dir_ = new moecut::test::TempDir();
        log_ = (*dir_ / "server.log").string();
        port_ = moecut::testing::unused_port();
        std::string model = (moecut::test::test_data_dir() / "gguf/tiny-bigram-llama.gguf").string();
        std::vector<std::string> args = {py.string(), "-m", "llama_cpp.server", "--model", model, "--host", "127.0.0.1",
                                         "--port", std::to_string(port_), "--n_ctx", "512", "--n_threads", "1",
                                         "--api_key", kKey,
                                         // default True: a new request cuts the stream in progress
                                         "--interrupt_requests", "False"};
        pid_ = ::fork();
        if (pid_ == 0) {
            int fd = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            ::dup2(fd, 1);
            ::dup2(fd, 2);
            std::vector<char*> argv;
            for (auto& a : args) argv.push_back(a.data());
            argv.push_back(nullptr);
            ::execv(argv[0], argv.data());
            ::_exit(127);
        }
        ::setenv(kKeyEnv, kKey, 1);
        // Ready when GET /v1/models answers (the probe); up to 120 s on a busy machine.
        auto until = std::chrono::steady_clock::now() + std::chrono::seconds(120);
        while (std::chrono::steady_clock::now() < until) {
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                skip_.clear();
                failed_ = "server exited at start; log: " + moecut::test::read_text(log_);
                return;
            }
            OpenAIBackend probe_only(options());
            try {
                if (!probe_only.probe().models.is_null()) return;
            } catch (const moecut::InputError&) {
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
        failed_ = "server did not answer GET /v1/models within 120 s; log: " + moecut::test::read_text(log_);
    }
    static void TearDownTestSuite() {
        if (pid_ > 0) {
            ::kill(pid_, SIGTERM);
            int status = 0;
            for (int i = 0; i < 100 && ::waitpid(pid_, &status, WNOHANG) == 0; ++i)
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
            if (::waitpid(pid_, &status, WNOHANG) == 0) {
                ::kill(pid_, SIGKILL);
                ::waitpid(pid_, &status, 0);
            }
            pid_ = -1;
        }
        delete dir_;
        dir_ = nullptr;
        ::unsetenv(kKeyEnv);
    }
    void SetUp() override {
        if (!skip_.empty()) GTEST_SKIP() << skip_;
        ASSERT_TRUE(failed_.empty()) << failed_;
    }

    static OpenAIBackendOptions options() {
        OpenAIBackendOptions o;
        o.base_url = "http://127.0.0.1:" + std::to_string(port_);
        o.kind = ServerKind::llamacpp;
        o.api_key_env = kKeyEnv;
        o.request_timeout_s = 120;
        return o;
    }
    static CompletionRequest request(const std::string& id, const std::string& text, bool chat, std::int64_t cap) {
        CompletionRequest r;
        r.id = id;
        if (chat) r.messages = json::array({{{"role", "user"}, {"content", text}}});
        else r.prompt = text;
        r.max_tokens = cap;
        r.seed = 11;
        r.sampler.semantics = moecut::SamplerSemantics::llamacpp;  // raw: T 1, no truncation, no penalty
        return r;
    }
    static std::vector<CompletionResult> run(OpenAIBackend& b, const std::vector<CompletionRequest>& rs) {
        std::vector<CompletionResult> out;
        b.run(rs, [&](CompletionResult&& r) { out.push_back(std::move(r)); });
        return out;
    }

    static inline std::string skip_, failed_, log_;
    static inline int port_ = 0;
    static inline pid_t pid_ = -1;
    static inline moecut::test::TempDir* dir_ = nullptr;
};

} // namespace

TEST_F(LlamaCppServer, ChatStreamsTextAndEndsOnEos) {
    OpenAIBackend b(options());
    std::string streamed;
    std::vector<CompletionResult> res;
    b.run(std::vector<CompletionRequest>{request("chat", "abc", true, 64)},
          [&](CompletionResult&& r) { res.push_back(std::move(r)); },
          [&](const std::string&, std::string_view t, auto) { streamed += t; return true; });
    ASSERT_EQ(res.size(), 1u);
    EXPECT_EQ(res[0].finish, FinishReason::eos) << res[0].error << "\nlog: " << log_;
    EXPECT_EQ(res[0].server_finish_reason, "stop");
    EXPECT_EQ(res[0].content, "defghijk");
    EXPECT_EQ(streamed, "defghijk");
    EXPECT_EQ(res[0].attempts, 1);
    EXPECT_GT(res[0].events, 8);  // one chunk per token at least
    EXPECT_GE(res[0].ttft_s, 0);
    EXPECT_EQ(moecut::outcome_of(res[0], false), moecut::Outcome::eos);
}

TEST_F(LlamaCppServer, CompletionsStreamTextAndEndOnEos) {
    OpenAIBackend b(options());
    auto res = run(b, {request("cmpl", "xyzabc", false, 64)});
    ASSERT_EQ(res.size(), 1u);
    EXPECT_EQ(res[0].finish, FinishReason::eos) << res[0].error;
    EXPECT_EQ(res[0].content, "defghijk");
}

TEST_F(LlamaCppServer, TheCapEndsAnEndlessLoopAsLengthThatIsARunaway) {
    OpenAIBackend b(options());
    auto res = run(b, {request("loop", "l", false, 12), request("loop-chat", "l", true, 7)});
    ASSERT_EQ(res.size(), 2u);
    std::map<std::string, CompletionResult> by;
    for (auto& r : res) by[r.id] = r;
    EXPECT_EQ(by["loop"].finish, FinishReason::length) << by["loop"].error;
    EXPECT_EQ(by["loop"].content, "mnlmnlmnlmnl");  // exactly max_tokens = 12 tokens
    EXPECT_EQ(moecut::outcome_of(by["loop"], false), moecut::Outcome::runaway);
    EXPECT_EQ(moecut::outcome_of(by["loop"], true), moecut::Outcome::loop);
    EXPECT_EQ(by["loop-chat"].finish, FinishReason::length);
    EXPECT_EQ(by["loop-chat"].content, "mnlmnlm");
}

TEST_F(LlamaCppServer, FourConcurrentRequestsOfBothEndpoints) {
    auto o = options();
    o.concurrency = 4;
    OpenAIBackend b(o);
    std::vector<CompletionRequest> rs;
    for (int i = 0; i < 8; ++i)
        rs.push_back(i % 2 ? request("eos" + std::to_string(i), "ab", i % 4 == 1, 40)
                           : request("cap" + std::to_string(i), "pql", i % 4 == 0, 9));
    auto res = run(b, rs);
    ASSERT_EQ(res.size(), 8u);
    for (auto& r : res) {
        if (r.id.rfind("eos", 0) == 0) {
            EXPECT_EQ(r.content, "cdefghijk") << r.id << " " << r.error;
            EXPECT_EQ(r.finish, FinishReason::eos) << r.id;
        } else {
            EXPECT_EQ(r.content, "mnlmnlmnl") << r.id << " " << r.error;
            EXPECT_EQ(r.finish, FinishReason::length) << r.id;
        }
    }
}

TEST_F(LlamaCppServer, AbortFromOnDeltaStopsTheStream) {
    OpenAIBackend b(options());
    std::vector<CompletionResult> res;
    int chunks = 0;
    b.run(std::vector<CompletionRequest>{request("abort", "l", false, 400)},
          [&](CompletionResult&& r) { res.push_back(std::move(r)); },
          [&](const std::string&, std::string_view, auto) { return ++chunks < 6; });
    ASSERT_EQ(res.size(), 1u);
    EXPECT_EQ(res[0].finish, FinishReason::aborted);
    EXPECT_EQ(res[0].content, "mnlmnl");
    // the server is still usable afterwards
    auto after = run(b, {request("after", "abc", false, 64)});
    EXPECT_EQ(after.at(0).content, "defghijk");
}

TEST_F(LlamaCppServer, KeyIsSentButNeverWrittenAndAWrongKeyIsAnError) {
    OpenAIBackend b(options());
    auto res = run(b, {request("k", "abc", true, 64)});
    ASSERT_EQ(res.size(), 1u);
    EXPECT_EQ(res[0].finish, FinishReason::eos) << res[0].error;  // the server demands the key
    json out = {{"probe", b.probe().to_json()}, {"body", b.request_body(request("k", "abc", true, 64))}};
    json results = json::array();
    for (auto& r : res) results.push_back(r);
    out["results"] = results;
    moecut::test::TempDir tmp;
    moecut::test::write_text(tmp / "run.json", out.dump(2));
    EXPECT_EQ(moecut::test::read_text(tmp / "run.json").find(kKey), std::string::npos);
    EXPECT_EQ(moecut::test::read_text(log_).find(kKey), std::string::npos);

    ::setenv("MOECUT_TEST_WRONG_KEY", "sk-wrong", 1);
    auto o = options();
    o.api_key_env = "MOECUT_TEST_WRONG_KEY";
    o.model = b.probe().model;
    OpenAIBackend wrong(o);
    auto bad = run(wrong, {request("w", "abc", true, 64)});
    ::unsetenv("MOECUT_TEST_WRONG_KEY");
    ASSERT_EQ(bad.size(), 1u);
    EXPECT_EQ(bad[0].finish, FinishReason::error);
    EXPECT_EQ(bad[0].http_status, 401);
    EXPECT_EQ(bad[0].attempts, 1);
    EXPECT_EQ(bad[0].error.find("sk-wrong"), std::string::npos);
}

TEST_F(LlamaCppServer, ProbeRecordsModelsAndNotesTheMissingProps) {
    OpenAIBackend b(options());
    const auto& p = b.probe();
    EXPECT_FALSE(p.model.empty());
    EXPECT_TRUE(p.models.contains("data"));
    // llama-cpp-python has no /props (llama-server has): recorded as a note, not a failure.
    EXPECT_TRUE(p.props.is_null());
    ASSERT_FALSE(p.notes.empty());
    EXPECT_NE(p.notes[0].find("/props"), std::string::npos);
}

// The whole harness against the server: `moecut eval --endpoint` with probes
// that end ("...c") and probes that loop ("...l"): the detector (on bytes, as
// this server sends no token ids) stops the looping streams, the report has
// the loop rate per source, and the key is in no file of the run.
TEST_F(LlamaCppServer, MoecutEvalAgainstTheServerFindsTheLoops) {
    moecut::test::TempDir dir;
    std::string probes;
    for (int i = 0; i < 3; ++i) {
        probes += "{\"id\": \"e" + std::to_string(i) + "\", \"source\": \"ends\", \"prompt\": \"xyz" + std::string(i + 1, 'a') + "bc\"}\n";
        probes += "{\"id\": \"l" + std::to_string(i) + "\", \"source\": \"loops\", \"messages\": [{\"role\": \"user\", \"content\": \"p" +
                  std::string(i + 1, 'q') + "l\"}]}\n";
    }
    moecut::test::write_text(dir / "probes.jsonl", probes);
    const auto r = moecut::test::run_moecut(
        {"eval", "--endpoint", options().base_url, "--server-kind", "llamacpp", "--api-key-env", kKeyEnv, "--probes",
         (dir / "probes.jsonl").string(), "--cap", "300", "--concurrency", "2", "--timeout", "120", "--out",
         (dir / "run").string(), "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err << "\nlog: " << log_;
    const auto results = json::parse(r.out);
    const auto& sources = results["metrics"]["sources"];
    ASSERT_EQ(sources.size(), 2u) << r.out;
    EXPECT_EQ(sources[0]["group"], "ends");
    EXPECT_EQ(sources[0]["eos"], 3);
    EXPECT_EQ(sources[1]["group"], "loops");
    EXPECT_EQ(sources[1]["loops"], 3);
    EXPECT_EQ(results["identity"]["backend"]["server"], "llamacpp");
    std::ifstream in(dir / "run" / "samples.jsonl");
    std::string line;
    while (std::getline(in, line)) {
        const auto j = json::parse(line);
        if (j["source"] == "loops") {
            EXPECT_EQ(j["outcome"], "loop");
            EXPECT_EQ(j["period"], 3);  // "mnl", in bytes
            EXPECT_LT(j["text"].get<std::string>().size(), 150u);  // stopped at the detection, far before the cap
        } else {
            EXPECT_EQ(j["text"], "defghijk");
        }
    }
    for (const auto& f : fs::directory_iterator(dir / "run"))
        EXPECT_EQ(moecut::test::read_text(f.path()).find(kKey), std::string::npos) << f.path();
}
