// Opening an SQLite file for one write transaction: the folder and the file
// are created when missing, BEGIN IMMEDIATE is taken (waiting for the lock),
// the schema is ensured and `PRAGMA quick_check(<table>)` is run. A corrupt
// file is moved aside (never deleted) and replaced by a fresh one, once. A
// file that cannot be written is reported, not thrown.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "store/sqlite.h"
#include "store/transaction.h"

namespace kg {

struct LockedFileSpec {
  std::string path;
  std::string label;          // "sequence database", "clone journal" (for messages)
  const char* schema_sql;     // CREATE TABLE IF NOT EXISTS ...
  const char* check_table;    // the table quick_check examines
  bool wal = false;           // switch the file to WAL (only files kabsd-guard owns)
};

struct LockedFile {
  // Both set when the file is open with the write lock held; both null when
  // it cannot be written (then `unwritable` says why). The transaction is
  // declared after the connection so that it is rolled back before the
  // connection closes.
  std::unique_ptr<Database> db;
  std::unique_ptr<ImmediateTransaction> txn;
  std::string unwritable;
  std::vector<std::string> warnings;  // corruption recovery

  bool writable() const { return db != nullptr; }
};

LockedFile open_locked(const LockedFileSpec& spec, Deadline deadline);

// The error text without a leading "<path>: ".
std::string reason_without_path(const std::string& message, const std::string& path);

}  // namespace kg
