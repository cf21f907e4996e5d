#include "moecut/eval_store.h"

#include "moecut/error.h"

#include <fmt/core.h>
#include <sqlite3.h>

#include <cstring>

namespace moecut {
namespace {

using nlohmann::ordered_json;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS samples(
  probe_id TEXT NOT NULL, sample_index INTEGER NOT NULL, source TEXT NOT NULL, seed INTEGER NOT NULL,
  prompt_tokens INTEGER NOT NULL, n_tokens INTEGER NOT NULL, tokens BLOB, text TEXT NOT NULL, outcome TEXT NOT NULL,
  loop_kind TEXT NOT NULL, loop_period INTEGER NOT NULL, loop_start INTEGER NOT NULL,
  finish_reason TEXT NOT NULL, ttft_s REAL NOT NULL, total_s REAL NOT NULL, attempts INTEGER NOT NULL,
  error TEXT NOT NULL, PRIMARY KEY(probe_id, sample_index));
)sql";

constexpr const char* kColumns =
    "probe_id, sample_index, source, seed, prompt_tokens, n_tokens, tokens, text, outcome, loop_kind, loop_period, "
    "loop_start, finish_reason, ttft_s, total_s, attempts, error";

// A prepared statement that finalizes itself.
class Statement {
public:
    Statement(sqlite3* db, const char* sql, const std::string& file) {
        if (sqlite3_prepare_v2(db, sql, -1, &st_, nullptr) != SQLITE_OK)
            throw_input(file, fmt::format("SQLite: {}", sqlite3_errmsg(db)));
    }
    ~Statement() { sqlite3_finalize(st_); }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    sqlite3_stmt* get() const { return st_; }

private:
    sqlite3_stmt* st_ = nullptr;
};

void exec(sqlite3* db, const char* sql, const std::string& file) {
    char* msg = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &msg) != SQLITE_OK) {
        std::string text = msg ? msg : "unknown error";
        sqlite3_free(msg);
        throw_input(file, fmt::format("SQLite: {}", text));
    }
}

std::string column_text(sqlite3_stmt* st, int i) {
    const auto* p = sqlite3_column_text(st, i);
    return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(st, i)))
             : std::string();
}

SampleRecord read_row(sqlite3_stmt* st, const std::string& file) {
    SampleRecord r;
    r.probe_id = column_text(st, 0);
    r.sample_index = static_cast<std::uint32_t>(sqlite3_column_int64(st, 1));
    r.source = column_text(st, 2);
    r.seed = static_cast<std::uint64_t>(sqlite3_column_int64(st, 3));
    r.prompt_tokens = sqlite3_column_int64(st, 4);
    r.n_tokens = sqlite3_column_int64(st, 5);
    const int bytes = sqlite3_column_bytes(st, 6);
    if (bytes % 4 != 0) throw_input(file, fmt::format("sample {}#{}: token blob of {} bytes", r.probe_id, r.sample_index, bytes));
    std::vector<std::int32_t> ids(static_cast<std::size_t>(bytes) / 4);
    if (bytes > 0) std::memcpy(ids.data(), sqlite3_column_blob(st, 6), static_cast<std::size_t>(bytes));
    r.tokens.assign(ids.begin(), ids.end());
    r.text = column_text(st, 7);
    try {
        r.outcome = parse_outcome(column_text(st, 8));
    } catch (const InputError& e) {
        throw_input(file, fmt::format("sample {}#{}: {}", r.probe_id, r.sample_index, e.what()));
    }
    r.loop_kind = column_text(st, 9);
    r.loop_period = sqlite3_column_int64(st, 10);
    r.loop_start = sqlite3_column_int64(st, 11);
    r.finish_reason = column_text(st, 12);
    r.ttft_s = sqlite3_column_double(st, 13);
    r.total_s = sqlite3_column_double(st, 14);
    r.attempts = sqlite3_column_int(st, 15);
    r.error = column_text(st, 16);
    return r;
}

// The first top-level field whose value differs, for the error message.
std::string first_difference(const ordered_json& a, const ordered_json& b) {
    if (a.is_object() && b.is_object()) {
        for (const auto& [k, v] : a.items())
            if (!b.contains(k) || b.at(k) != v) return k;
        for (const auto& [k, v] : b.items())
            if (!a.contains(k)) return k;
    }
    return "identity";
}

sqlite3* open_db(const std::filesystem::path& file, int flags) {
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(file.c_str(), &db, flags, nullptr) != SQLITE_OK) {
        std::string msg = db ? sqlite3_errmsg(db) : "cannot open";
        sqlite3_close(db);
        throw_input(file.string(), fmt::format("cannot open the sample store: {}", msg));
    }
    sqlite3_busy_timeout(db, 5000);
    return db;
}

ordered_json read_identity(sqlite3* db, const std::string& file) {
    Statement st(db, "SELECT value FROM meta WHERE key = 'identity'", file);
    if (sqlite3_step(st.get()) != SQLITE_ROW) return nullptr;
    auto j = ordered_json::parse(column_text(st.get(), 0), nullptr, false);
    if (j.is_discarded()) throw_input(file, "the stored run identity is not JSON");
    return j;
}

std::vector<SampleRecord> read_all(sqlite3* db, const std::string& file) {
    const std::string sql = fmt::format("SELECT {} FROM samples ORDER BY probe_id, sample_index", kColumns);
    Statement st(db, sql.c_str(), file);
    std::vector<SampleRecord> out;
    int rc;
    while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) out.push_back(read_row(st.get(), file));
    if (rc != SQLITE_DONE) throw_input(file, fmt::format("SQLite: {}", sqlite3_errmsg(db)));
    return out;
}

} // namespace

EvalStore::EvalStore(const std::filesystem::path& file, const ordered_json& identity)
    : file_(file), identity_(identity) {
    db_ = open_db(file, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    try {
        exec(db_, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;", file.string());
        exec(db_, kSchema, file.string());
        const ordered_json stored = read_identity(db_, file.string());
        if (stored.is_null()) {
            Statement st(db_, "INSERT INTO meta(key, value) VALUES('identity', ?)", file.string());
            const std::string text = identity.dump();
            sqlite3_bind_text(st.get(), 1, text.c_str(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
            if (sqlite3_step(st.get()) != SQLITE_DONE) throw_input(file.string(), fmt::format("SQLite: {}", sqlite3_errmsg(db_)));
        } else if (stored != identity) {
            throw_input(file.string(), fmt::format("holds samples of a different run ('{}' differs); use another --out",
                                                   first_difference(stored, identity)));
        }
    } catch (...) {
        sqlite3_close(db_);
        throw;
    }
}

EvalStore::~EvalStore() { sqlite3_close(db_); }

bool EvalStore::has(const std::string& probe_id, std::uint32_t sample_index) const {
    Statement st(db_, "SELECT 1 FROM samples WHERE probe_id = ? AND sample_index = ?", file_.string());
    sqlite3_bind_text(st.get(), 1, probe_id.c_str(), static_cast<int>(probe_id.size()), SQLITE_TRANSIENT);
    sqlite3_bind_int64(st.get(), 2, sample_index);
    return sqlite3_step(st.get()) == SQLITE_ROW;
}

std::size_t EvalStore::size() const {
    Statement st(db_, "SELECT COUNT(*) FROM samples", file_.string());
    sqlite3_step(st.get());
    return static_cast<std::size_t>(sqlite3_column_int64(st.get(), 0));
}

void EvalStore::put(std::span<const SampleRecord> records) {
    const std::string file = file_.string();
    exec(db_, "BEGIN IMMEDIATE", file);
    try {
        const std::string sql = fmt::format("INSERT OR REPLACE INTO samples({}) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", kColumns);
        Statement st(db_, sql.c_str(), file);
        for (const auto& r : records) {
            sqlite3_stmt* s = st.get();
            sqlite3_reset(s);
            std::vector<std::int32_t> ids(r.tokens.begin(), r.tokens.end());
            const std::string outcome(outcome_name(r.outcome));
            sqlite3_bind_text(s, 1, r.probe_id.c_str(), -1, SQLITE_TRANSIENT);
            sqlite3_bind_int64(s, 2, r.sample_index);
            sqlite3_bind_text(s, 3, r.source.c_str(), -1, SQLITE_TRANSIENT);
            sqlite3_bind_int64(s, 4, static_cast<sqlite3_int64>(r.seed));
            sqlite3_bind_int64(s, 5, r.prompt_tokens);
            sqlite3_bind_int64(s, 6, r.n_tokens);
            sqlite3_bind_blob(s, 7, ids.data(), static_cast<int>(ids.size() * 4), SQLITE_TRANSIENT);
            sqlite3_bind_text(s, 8, r.text.c_str(), static_cast<int>(r.text.size()), SQLITE_TRANSIENT);
            sqlite3_bind_text(s, 9, outcome.c_str(), -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(s, 10, r.loop_kind.c_str(), -1, SQLITE_TRANSIENT);
            sqlite3_bind_int64(s, 11, r.loop_period);
            sqlite3_bind_int64(s, 12, r.loop_start);
            sqlite3_bind_text(s, 13, r.finish_reason.c_str(), -1, SQLITE_TRANSIENT);
            sqlite3_bind_double(s, 14, r.ttft_s);
            sqlite3_bind_double(s, 15, r.total_s);
            sqlite3_bind_int(s, 16, r.attempts);
            sqlite3_bind_text(s, 17, r.error.c_str(), static_cast<int>(r.error.size()), SQLITE_TRANSIENT);
            if (sqlite3_step(s) != SQLITE_DONE) throw_input(file, fmt::format("SQLite: {}", sqlite3_errmsg(db_)));
        }
        exec(db_, "COMMIT", file);
    } catch (...) {
        sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
    }
}

std::vector<SampleRecord> EvalStore::all() const { return read_all(db_, file_.string()); }

std::pair<ordered_json, std::vector<SampleRecord>> EvalStore::read(const std::filesystem::path& file) {
    if (!std::filesystem::exists(file)) throw_input(file.string(), "no such sample store");
    sqlite3* db = open_db(file, SQLITE_OPEN_READONLY);
    try {
        auto identity = read_identity(db, file.string());
        if (identity.is_null()) throw_input(file.string(), "not a moecut sample store (no run identity)");
        auto records = read_all(db, file.string());
        sqlite3_close(db);
        return {std::move(identity), std::move(records)};
    } catch (...) {
        sqlite3_close(db);
        throw;
    }
}

} // namespace moecut
