#include "store/sqlite.h"

#include <sqlite3.h>

#include <chrono>
#include <thread>
#include <utility>

namespace kg {

namespace {

constexpr auto kBusyTimeout = std::chrono::seconds(60);

std::string describe(std::string_view path, std::string_view what, std::string_view message, int rc) {
  constexpr size_t kMaxWhat = 40;  // enough SQL to recognise the statement
  std::string out(path);
  out += ": ";
  if (what.size() > kMaxWhat) {
    out += what.substr(0, kMaxWhat);
    out += "...";
  } else {
    out += what;
  }
  out += ": ";
  out += message;
  out += " (sqlite error ";
  out += std::to_string(rc);
  out += ")";
  return out;
}

}  // namespace

bool is_corrupt(int code) {
  int primary = code & 0xff;
  return primary == SQLITE_NOTADB || primary == SQLITE_CORRUPT;
}

bool is_readonly(int code) {
  int primary = code & 0xff;
  return primary == SQLITE_READONLY || primary == SQLITE_CANTOPEN || primary == SQLITE_PERM ||
         primary == SQLITE_AUTH;
}

bool is_busy(int code) { return (code & 0xff) == SQLITE_BUSY; }

Database::Database(std::string path, Mode mode) : path_(std::move(path)) {
  int flags = mode == Mode::ReadOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  flags |= SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path_.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    if (db_) rc = sqlite3_extended_errcode(db_);
    sqlite3_close_v2(db_);
    db_ = nullptr;
    throw StoreError(describe(path_, "cannot open", message, rc), rc);
  }
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_handler(db_, &Database::on_busy, this);
}

// Waits like sqlite3_busy_timeout(60 s), but retries every millisecond:
// SQLite's own timeout backs off to 100 ms sleeps, which under contention
// leaves the lock idle while every waiter sleeps (measured: 16 processes x
// 200 reservations took 70 s with it, 27 s with this).
int Database::on_busy(void* self, int attempts) {
  auto* db = static_cast<Database*>(self);
  auto now = std::chrono::steady_clock::now();
  if (attempts == 0) db->busy_since_ = now;
  if (now - db->busy_since_ >= kBusyTimeout) return 0;
  std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return 1;
}

Database::~Database() {
  if (db_) sqlite3_close_v2(db_);
}

void Database::fail(int rc, std::string_view what) const {
  int code = sqlite3_extended_errcode(db_);
  if ((code & 0xff) != (rc & 0xff)) code = rc;
  throw StoreError(describe(path_, what, sqlite3_errmsg(db_), code), code);
}

void Database::exec(std::string_view sql) {
  std::string text(sql);
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) fail(rc, text);
}

Statement Database::prepare(std::string_view sql) { return Statement(*this, sql); }

bool Database::read_only() const { return sqlite3_db_readonly(db_, "main") == 1; }

void Database::skip_checkpoint_on_close() {
  int rc = sqlite3_db_config(db_, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
  if (rc != SQLITE_OK) fail(rc, "SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE");
}

bool Database::autocommit() const { return sqlite3_get_autocommit(db_) != 0; }

Statement::Statement(const Database& db, std::string_view sql) : db_(&db) {
  int rc = sqlite3_prepare_v2(db.handle(), sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr);
  if (rc != SQLITE_OK) db.fail(rc, sql);
}

Statement::~Statement() {
  if (stmt_) sqlite3_finalize(stmt_);
}

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_), stmt_(std::exchange(other.stmt_, nullptr)) {}

Statement& Statement::bind(int index, std::string_view text) {
  int rc = sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) db_->fail(rc, "bind");
  return *this;
}

Statement& Statement::bind(int index, int64_t value) {
  int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK) db_->fail(rc, "bind");
  return *this;
}

Statement& Statement::bind_blob(int index, std::string_view bytes) {
  int rc = sqlite3_bind_blob(stmt_, index, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) db_->fail(rc, "bind");
  return *this;
}

Statement& Statement::bind_null(int index) {
  int rc = sqlite3_bind_null(stmt_, index);
  if (rc != SQLITE_OK) db_->fail(rc, "bind");
  return *this;
}

bool Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  sqlite3_reset(stmt_);
  db_->fail(rc, sqlite3_sql(stmt_));
}

std::string Statement::column_text(int index) const {
  const unsigned char* text = sqlite3_column_text(stmt_, index);
  if (!text) return {};
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<size_t>(sqlite3_column_bytes(stmt_, index)));
}

int64_t Statement::column_int64(int index) const { return sqlite3_column_int64(stmt_, index); }

std::string Statement::column_blob(int index) const {
  const void* data = sqlite3_column_blob(stmt_, index);
  if (!data) return {};
  return std::string(static_cast<const char*>(data), static_cast<size_t>(sqlite3_column_bytes(stmt_, index)));
}

bool Statement::column_is_null(int index) const {
  return sqlite3_column_type(stmt_, index) == SQLITE_NULL;
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

}  // namespace kg
