// renumber, crash safety: the intent journal and its recovery
// (docs/renumber.md, "Crash safety").
//
// Before the first file changes, apply() writes every move of the run
// (old and new path, old and new bytes, mode, whether it is staged) to
// `<git dir>/kabsd-guard/renumber-intent.json`, atomically. It deletes the
// file only after the index is written (or after a failure was undone). A
// process killed in between leaves the intent behind; recover_renumber()
// rolls the run forward from it: it is idempotent and safe at any point of
// an apply or of an earlier recovery.
#pragma once

#include <sys/stat.h>
#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

#include "check/renumber.h"
#include "git/repo.h"

namespace kg {

// ---- the journal (renumber_intent.cc) ------------------------------------

// `<git dir>/kabsd-guard/renumber-intent.json`: one per worktree.
std::string renumber_intent_path(const std::string& git_dir);
// One stat: is an interrupted (or running) renumber recorded?
bool renumber_intent_pending(const std::string& git_dir);

struct IntentMove {
  std::string from, to;  // repository-relative
  mode_t mode = 0644;    // of the old file, kept by the new one
  bool tracked = false;  // staged as a rename when the run stages
  std::string original;  // the old file's bytes
  std::string content;   // the new file's bytes
};

struct RenumberIntent {
  bool stage = true;
  std::vector<IntentMove> moves;
};

// Writes the intent (temporary file, fsync, rename, fsync of the folder).
// Throws RenumberFailed when it cannot be written.
void write_renumber_intent(const std::string& git_dir, const RenumberIntent& intent);
// Deletes it (and syncs the folder). Throws RenumberFailed on failure.
void remove_renumber_intent(const std::string& git_dir);

// Serialises every renumber of a worktree (apply and recovery): an flock on
// `<git dir>/kabsd-guard/renumber.lock`, released on scope exit or when
// the process dies. Waits up to `wait_ms`, then throws RenumberFailed.
class RenumberLock {
 public:
  explicit RenumberLock(const std::string& git_dir, int wait_ms = 10000);
  RenumberLock(const RenumberLock&) = delete;
  RenumberLock& operator=(const RenumberLock&) = delete;
  ~RenumberLock();

 private:
  int fd_ = -1;
};

struct RecoveryResult {
  bool found = false;        // an intent was there
  size_t moves = 0;          // moves it recorded
  size_t written = 0;        // new files written now
  size_t removed = 0;        // old files removed now
  size_t temporaries = 0;    // stray .kg-renumber-*.tmp files removed
  bool staged = false;       // the index was written
  std::vector<std::string> warnings;  // what was left for a person to decide
};

// Rolls an interrupted apply forward: removes its temporary files, writes
// each missing new file, removes each old file whose new file is complete
// (and whose bytes are still the planned ones), restages the renames, then
// deletes the intent. The caller holds the RenumberLock. Throws
// RenumberFailed when it cannot finish (the intent then stays, and running
// it again continues where it stopped).
RecoveryResult recover_renumber(const Repo& repo);

// ---- file primitives shared by apply and recovery (renumber_files.cc) ----

// The whole file, or *ok = false.
std::string read_file_bytes(const std::string& path, bool* ok);
bool exists_no_follow(const std::string& path);
// Writes `content` as a new file at `path` (mode and, for root, owner of
// `like`): `.kg-renumber-PID-NAME.tmp` in the same folder, fsync, then a
// rename that never replaces. `before_rename` (tests) runs in between.
void write_new(const std::string& path, const std::string& content, const struct stat& like,
               const std::function<void()>& before_rename = {});
// Creates the missing folders of `dir` (repository-relative) below
// `workdir`, recording each one created. Refuses symlinks and files.
void make_dirs(const std::string& workdir, const std::string& dir, std::vector<std::string>& created);
// Removes `.kg-renumber-<digits>-NAME.tmp` next to `path` (NAME: its base
// name); returns how many.
size_t remove_temporaries(const std::string& path);
// fsync of a folder, best effort.
void sync_dir(const std::string& dir);

// ---- a test hook --------------------------------------------------------

// KABSD_GUARD_TEST_CRASH_AFTER=N (tests only): the process kills itself
// with SIGKILL at the N-th step of an apply (1: the intent is written; then
// each temporary file written, each new file in place, each old file
// removed, the index written). Unset: step() does nothing.
class CrashPoints {
 public:
  CrashPoints();
  void step();

 private:
  long after_ = 0;
  long count_ = 0;
};

}  // namespace kg
