// Small helpers over the sqlite3 C API for the experiment store: a prepared
// statement that finalizes itself, typed binds and columns, a transaction.
#pragma once

#include "moecut/error.h"

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace moecut::store_sql {

[[noreturn]] inline void fail(sqlite3* db, const std::string& file) {
    throw_input(file, std::string("SQLite: ") + sqlite3_errmsg(db));
}

inline void exec(sqlite3* db, const char* sql, const std::string& file) {
    char* msg = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &msg) != SQLITE_OK) {
        std::string text = msg ? msg : sqlite3_errmsg(db);
        sqlite3_free(msg);
        throw_input(file, "SQLite: " + text);
    }
}

class Statement {
public:
    Statement(sqlite3* db, const char* sql, std::string file) : db_(db), file_(std::move(file)) {
        if (sqlite3_prepare_v2(db, sql, -1, &st_, nullptr) != SQLITE_OK) fail(db, file_);
    }
    ~Statement() { sqlite3_finalize(st_); }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    Statement& bind(int i, std::string_view v) {
        sqlite3_bind_text(st_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
        return *this;
    }
    Statement& bind(int i, const char* v) { return bind(i, std::string_view(v)); }
    Statement& bind(int i, const std::string& v) { return bind(i, std::string_view(v)); }
    Statement& bind(int i, std::int64_t v) {
        sqlite3_bind_int64(st_, i, v);
        return *this;
    }
    Statement& bind(int i, double v) {
        sqlite3_bind_double(st_, i, v);
        return *this;
    }
    template <class T> Statement& bind(int i, const std::optional<T>& v) {
        if (!v) {
            sqlite3_bind_null(st_, i);
            return *this;
        }
        if constexpr (std::is_floating_point_v<T>) return bind(i, static_cast<double>(*v));
        else return bind(i, static_cast<std::int64_t>(*v));
    }
    // true while there is a row; throws on errors.
    bool step() {
        const int rc = sqlite3_step(st_);
        if (rc == SQLITE_ROW) return true;
        if (rc == SQLITE_DONE) return false;
        fail(db_, file_);
    }
    void run() {
        while (step()) {}
    }
    void reset() {
        sqlite3_reset(st_);
        sqlite3_clear_bindings(st_);
    }
    bool is_null(int i) const { return sqlite3_column_type(st_, i) == SQLITE_NULL; }
    std::int64_t integer(int i) const { return sqlite3_column_int64(st_, i); }
    double real(int i) const { return sqlite3_column_double(st_, i); }
    std::string text(int i) const {
        const auto* p = sqlite3_column_text(st_, i);
        return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(st_, i)))
                 : std::string();
    }
    std::optional<std::int64_t> opt_integer(int i) const {
        return is_null(i) ? std::nullopt : std::optional<std::int64_t>(integer(i));
    }
    std::optional<double> opt_real(int i) const { return is_null(i) ? std::nullopt : std::optional<double>(real(i)); }

private:
    sqlite3* db_;
    std::string file_;
    sqlite3_stmt* st_ = nullptr;
};

// BEGIN IMMEDIATE ... COMMIT, rolled back when destroyed without commit().
class Transaction {
public:
    Transaction(sqlite3* db, std::string file) : db_(db), file_(std::move(file)) { exec(db_, "BEGIN IMMEDIATE", file_); }
    ~Transaction() {
        if (!done_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    }
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    void commit() {
        exec(db_, "COMMIT", file_);
        done_ = true;
    }

private:
    sqlite3* db_;
    std::string file_;
    bool done_ = false;
};

} // namespace moecut::store_sql
