// A write transaction (BEGIN IMMEDIATE) that waits for the lock instead of
// failing: SQLITE_BUSY is retried, past the connection's own busy timeout,
// until a deadline. Rolled back on destruction unless committed.
#pragma once

#include <chrono>

#include "store/sqlite.h"

namespace kg {

using Deadline = std::chrono::steady_clock::time_point;

// How long kabsd-guard waits for a sequence lock before giving up.
inline constexpr std::chrono::seconds kLockPatience{600};

inline Deadline lock_deadline() { return std::chrono::steady_clock::now() + kLockPatience; }

// Runs `sql` (a statement that needs a lock, for example a PRAGMA that
// changes the journal mode), retrying while it reports SQLITE_BUSY.
void exec_with_retry(Database& db, const char* sql, Deadline deadline);

class ImmediateTransaction {
 public:
  ImmediateTransaction(Database& db, Deadline deadline);
  ~ImmediateTransaction();
  ImmediateTransaction(const ImmediateTransaction&) = delete;
  ImmediateTransaction& operator=(const ImmediateTransaction&) = delete;

  // COMMIT, retried while busy (a reader can delay a rollback-journal commit).
  void commit();
  void rollback() noexcept;
  bool active() const { return active_; }

 private:
  Database& db_;
  Deadline deadline_;
  bool active_ = false;
};

}  // namespace kg
