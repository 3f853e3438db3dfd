// What one Repo owns for reading objects itself: the pack set of its object
// folder (listed at the first read, unmapped with the store), the
// PackReaders that read them (one per thread reading at a time, kept
// between reads for their caches), and the `git cat-file --batch` process
// for what libgit2 cannot read. The Repo holds it, and so does the odb
// backend the Repo installs (pack_backend.h), as its payload: it is freed
// when both are gone. Nothing here is process-wide.
#pragma once

#include <git2.h>

#include <cstddef>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "git/git_process.h"
#include "git/pack_reader.h"
#include "git/packs.h"

namespace kg {

class ObjectStore {
 public:
  // The store of the repository whose common dir (holding objects/) is
  // `common_dir`.
  explicit ObjectStore(std::string common_dir);
  ObjectStore(const ObjectStore&) = delete;
  ObjectStore& operator=(const ObjectStore&) = delete;
  ~ObjectStore();

  // The packs, as listed at the first call (a repository opened later sees
  // packs written since).
  const PackSet& packs();

  // The object `oid` from the packs, cut to `max_bytes` (PackReader::read);
  // nullopt when no pack holds it or it cannot be read there. Safe from any
  // thread: each thread reading at the same time gets a reader of its own,
  // preferably the one it used last (its cache holds its part of the pack).
  std::optional<RawObject> read(const git_oid& oid, size_t max_bytes = std::numeric_limits<size_t>::max());

  // Once a bulk read is over: frees the readers' caches and lets the pages
  // of the pack indexes go (memory, issue 5). Readers in use are left.
  void release();

  // The object named `name` as `git cat-file --batch` at `where` gives it
  // (the process is started at the first call and kept; calls are
  // serialized). Throws GitError as CatFileBatch::read.
  std::optional<CatFileBatch::Object> read_with_git(const GitLocation& where, std::string_view name);

 private:
  struct Idle {
    std::unique_ptr<PackReader> reader;
    std::thread::id last_user;
  };
  std::unique_ptr<PackReader> take();
  void give_back(std::unique_ptr<PackReader> reader);

  std::string common_dir_;
  std::once_flag listed_;
  PackSet packs_;
  std::mutex mutex_;  // guards idle_
  std::vector<Idle> idle_;
  std::mutex git_mutex_;  // guards batch_
  std::unique_ptr<CatFileBatch> batch_;
};

}  // namespace kg
