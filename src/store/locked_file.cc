#include "store/locked_file.h"

#include <sqlite3.h>

#include <filesystem>
#include <system_error>

#include "store/corrupt_file.h"

namespace kg {

namespace {

std::string quick_check(Database& db, const char* table) {
  Statement st = db.prepare(std::string("PRAGMA quick_check(") + table + ")");
  if (!st.step()) return "quick_check returned nothing";
  return st.column_text(0);
}

// Creates the folder that holds `path`; returns an error text or "".
std::string create_folder(const std::string& path) {
  std::filesystem::path folder = std::filesystem::path(path).parent_path();
  if (folder.empty()) return {};
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  if (ec) return "cannot create the folder " + folder.string() + ": " + ec.message();
  return {};
}

}  // namespace

std::string reason_without_path(const std::string& message, const std::string& path) {
  std::string head = path + ": ";
  if (message.compare(0, head.size(), head) == 0) return message.substr(head.size());
  return message;
}

LockedFile open_locked(const LockedFileSpec& spec, Deadline deadline) {
  LockedFile out;
  for (int attempt = 0;; ++attempt) {
    if (std::string err = create_folder(spec.path); !err.empty()) {
      out.unwritable = err;
      return out;
    }
    std::optional<FileIdentity> seen = identify_file(spec.path);
    std::string corrupt_reason;
    try {
      auto db = std::make_unique<Database>(spec.path, Database::Mode::ReadWriteCreate);
      if (db->read_only()) {
        out.unwritable = "the file is read-only";
        return out;
      }
      if (spec.wal) {
        exec_with_retry(*db, "PRAGMA journal_mode=WAL", deadline);
        db->exec("PRAGMA synchronous=FULL");
        db->skip_checkpoint_on_close();
      }
      auto txn = std::make_unique<ImmediateTransaction>(*db, deadline);
      db->exec(spec.schema_sql);
      std::string check = quick_check(*db, spec.check_table);
      if (check == "ok") {
        out.db = std::move(db);
        out.txn = std::move(txn);
        return out;
      }
      corrupt_reason = "quick_check: " + check;
    } catch (const StoreError& e) {
      // Moved or deleted while being opened (a rebuild by the Python tool):
      // the caller opens it again, it is not an unwritable file.
      if (e.code() == SQLITE_READONLY_DBMOVED || e.code() == SQLITE_IOERR_DELETE_NOENT ||
          e.code() == SQLITE_IOERR_FSTAT)
        throw;
      if (is_readonly(e.code())) {
        out.unwritable = reason_without_path(e.what(), spec.path);
        return out;
      }
      if (!is_corrupt(e.code())) throw;
      corrupt_reason = reason_without_path(e.what(), spec.path);
    }
    // The connection is closed here; the file is corrupt.
    if (attempt > 0)
      throw StoreError(spec.path + ": the freshly created " + spec.label + " is corrupt too (" + corrupt_reason + ")",
                       SQLITE_CORRUPT);
    std::optional<std::string> moved;
    try {
      moved = move_aside_corrupt(spec.path, seen);
    } catch (const StoreError& e) {
      out.unwritable = "it is corrupt (" + corrupt_reason + ") and " + e.what();
      return out;
    }
    if (moved)
      out.warnings.push_back("warning: the " + spec.label + " " + spec.path + " was corrupt (" + corrupt_reason +
                             "); moved it aside to " + *moved + " and started a fresh one");
    else
      out.warnings.push_back("warning: the " + spec.label + " " + spec.path + " was corrupt (" + corrupt_reason +
                             "); another process has already replaced it");
  }
}

}  // namespace kg
