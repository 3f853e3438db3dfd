#include "store/transaction.h"

#include <sqlite3.h>
#include <unistd.h>

#include <random>
#include <thread>

namespace kg {

namespace {

// A short randomised pause so that waiting processes do not retry in step.
void pause_briefly() {
  thread_local std::minstd_rand rng(static_cast<unsigned>(
      std::chrono::steady_clock::now().time_since_epoch().count() ^ (static_cast<long>(getpid()) << 16)));
  std::uniform_int_distribution<int> ms(1, 25);
  std::this_thread::sleep_for(std::chrono::milliseconds(ms(rng)));
}

[[noreturn]] void timed_out(const Database& db, const StoreError& last) {
  throw StoreError(db.path() + ": gave up waiting for the database lock after " +
                       std::to_string(kLockPatience.count()) + " s (" + last.what() + ")",
                   last.code());
}

}  // namespace

void exec_with_retry(Database& db, const char* sql, Deadline deadline) {
  for (;;) {
    try {
      db.exec(sql);
      return;
    } catch (const StoreError& e) {
      if (!is_busy(e.code())) throw;
      if (std::chrono::steady_clock::now() >= deadline) timed_out(db, e);
      pause_briefly();
    }
  }
}

ImmediateTransaction::ImmediateTransaction(Database& db, Deadline deadline) : db_(db), deadline_(deadline) {
  for (;;) {
    try {
      db_.exec("BEGIN IMMEDIATE");
      active_ = true;
      return;
    } catch (const StoreError& e) {
      // A failed BEGIN leaves no transaction open; make sure of it.
      if (!db_.autocommit()) sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
      if (!is_busy(e.code())) throw;
      if (std::chrono::steady_clock::now() >= deadline_) timed_out(db_, e);
      pause_briefly();
    }
  }
}

ImmediateTransaction::~ImmediateTransaction() { rollback(); }

void ImmediateTransaction::commit() {
  for (;;) {
    try {
      db_.exec("COMMIT");
      active_ = false;
      return;
    } catch (const StoreError& e) {
      // After a busy COMMIT the transaction is still open and may be retried;
      // after any other failure SQLite may have rolled it back already.
      if (!is_busy(e.code()) || db_.autocommit()) {
        rollback();
        throw;
      }
      if (std::chrono::steady_clock::now() >= deadline_) {
        rollback();
        timed_out(db_, e);
      }
      pause_briefly();
    }
  }
}

void ImmediateTransaction::rollback() noexcept {
  if (!active_) return;
  active_ = false;
  if (!db_.autocommit()) sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

}  // namespace kg
