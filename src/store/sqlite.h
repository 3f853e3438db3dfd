// Thin RAII owners for an SQLite connection and a prepared statement.
// Every failure throws StoreError, which carries the extended result code and
// names the database file.
#pragma once

#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace kg {

class StoreError : public std::runtime_error {
 public:
  explicit StoreError(const std::string& message, int code = 0)
      : std::runtime_error(message), code_(code) {}
  // The SQLite extended result code, or 0 when the error is not SQLite's.
  int code() const { return code_; }

 private:
  int code_;
};

// SQLITE_NOTADB, SQLITE_CORRUPT (any extended variant).
bool is_corrupt(int code);
// SQLITE_READONLY*, SQLITE_CANTOPEN*, SQLITE_PERM, SQLITE_AUTH.
bool is_readonly(int code);
// SQLITE_BUSY* (the lock is held by another connection).
bool is_busy(int code);

class Statement;

class Database {
 public:
  enum class Mode { ReadWriteCreate, ReadOnly };

  // Opens `path` with extended result codes on and a busy handler that
  // waits up to 60 s for a lock held by another connection.
  Database(std::string path, Mode mode);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  void exec(std::string_view sql);
  Statement prepare(std::string_view sql);
  // True when SQLite opened the file read-only (for example a file without
  // write permission opened with Mode::ReadWriteCreate).
  bool read_only() const;
  // Leaves the WAL file in place when the last connection closes (no
  // checkpoint on close): the next opener reads it instead of every short
  // writer paying for a checkpoint and its fsyncs.
  void skip_checkpoint_on_close();
  // True outside an explicit transaction.
  bool autocommit() const;

  const std::string& path() const { return path_; }
  sqlite3* handle() const { return db_; }

  // Throws StoreError for `rc` with the connection's message and the path.
  [[noreturn]] void fail(int rc, std::string_view what) const;

 private:
  static int on_busy(void* self, int attempts);

  std::string path_;
  sqlite3* db_ = nullptr;
  std::chrono::steady_clock::time_point busy_since_;
};

class Statement {
 public:
  Statement(const Database& db, std::string_view sql);
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Parameters are 1-based, as in SQLite.
  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, int64_t value);
  Statement& bind_null(int index);
  Statement& bind_blob(int index, std::string_view bytes);
  // Runs one step: true when a row is available, false when done.
  bool step();
  // Columns are 0-based, as in SQLite.
  std::string column_text(int index) const;
  int64_t column_int64(int index) const;
  std::string column_blob(int index) const;
  bool column_is_null(int index) const;
  void reset();

 private:
  const Database* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace kg
