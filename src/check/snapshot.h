// Snapshots of the backlog and the two ways of reading them.
//
// A snapshot is a tree (a commit's, or the empty tree), the index, the
// working tree, or the result of a merge computed in memory. Every question
// the guard asks of snapshots goes through one entry point: `compare` (a
// snapshot against its baseline: the check and the hooks) and
// `seen_everywhere` (every snapshot the repository can see: the floor of
// `reserve` and sync). Each is answered by a SnapshotReader:
//
// - the scan reader (check/scan_snapshot.cc) scans whole snapshots and can
//   answer every question;
// - the indexed reader (check/indexed_snapshot.cc, check/indexed_sources.cc)
//   reads the claim index (check/claims.h) kept at one tree plus the delta
//   to the other snapshots, so a question costs what changed, not what the
//   backlog holds. It declines (nullopt) what it cannot tell: no cache, an
//   unborn HEAD, conflicts, config or product changes, symlinks, possible
//   renames, an index format it does not read.
//
// The choice between them is made here and nowhere else: the indexed reader
// when the caller allows it and it answers, else the scan. Both answer the
// same, which `KABSD_GUARD_CROSSCHECK=1` verifies on every read-only command.
#pragma once

#include <memory>
#include <optional>

#include "check/compare.h"
#include "check/sources.h"
#include "git/object.h"
#include "git/repo.h"

namespace kg {

enum class SnapshotKind { Tree, Index, Worktree, Merge };

struct SnapshotSpec {
  SnapshotKind kind = SnapshotKind::Tree;
  // Tree: its commit (none: the empty tree). Merge: the commit merged in.
  std::optional<Commit> commit;
  // Merge: the commit it is merged into.
  std::optional<Commit> into;
  // Its objects may vanish (a push in the server's quarantine): the claim
  // index is never moved to it, but kept at the baseline.
  bool transient = false;

  static SnapshotSpec tree(std::optional<Commit> commit);
  // HEAD's tree; the empty tree while HEAD is unborn.
  static SnapshotSpec head(const Repo& repo);
  static SnapshotSpec index();
  static SnapshotSpec worktree();
  static SnapshotSpec merge(const Commit& ours, const Commit& into);
};

// `commit`'s tree as a baseline; none: no baseline (everything is new).
std::optional<SnapshotSpec> baseline_tree(const std::optional<Commit>& commit);

// Which readers a question may be answered by.
enum class Engine {
  // Whole snapshots scanned: every item is in the comparison.
  Scan,
  // The claim index plus a delta when it can tell (Coverage::Claimants),
  // else Scan.
  Indexed,
  // Indexed, else for the index against a tree, a scan of only the files
  // that changed and of those claiming the same IDs (Coverage::Nearby),
  // else Scan. For the pre-* hooks: learn whether anything is wrong
  // cheaply, and rescan with Engine::Scan to report it when Nearby.
  Quick,
};

// One way of reading snapshots.
class SnapshotReader {
 public:
  virtual ~SnapshotReader() = default;
  // `now` against `base` (a tree; none: everything in `now` is new).
  // nullopt when this reader cannot tell.
  virtual std::optional<Comparison> compare(const SnapshotSpec& now, const std::optional<SnapshotSpec>& base) const = 0;
  // Every snapshot the repository can see (check/sources.h); nullopt when
  // this reader cannot tell.
  virtual std::optional<SeenEverywhere> seen_everywhere() const = 0;
};

// Answers everything. With `only_changes`, compare reads only what changed
// between the index and a tree (Coverage::Nearby) and declines the rest.
std::unique_ptr<SnapshotReader> scan_reader(const Repo& repo, const ScanOptions& scan, bool only_changes = false);
// The claim index plus a delta: declines what it cannot tell.
std::unique_ptr<SnapshotReader> indexed_reader(const Repo& repo, const ScanOptions& scan);

// `now` against `base` (a tree; none: everything in `now` is new), by the
// first reader `engine` allows that answers.
Comparison compare(const Repo& repo, const ScanOptions& scan, const SnapshotSpec& now,
                   const std::optional<SnapshotSpec>& base, Engine engine);

// Every snapshot the repository can see, by the first reader `engine`
// allows that answers. (highest_everywhere, check/sources.h, is its
// `highest`.)
SeenEverywhere seen_everywhere(const Repo& repo, const ScanOptions& scan, Engine engine = Engine::Indexed);

}  // namespace kg
