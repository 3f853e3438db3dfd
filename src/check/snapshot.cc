// The one place that chooses who answers: the indexed reader when the
// caller allows it and it can tell, else the scan (check/snapshot.h).
#include "check/snapshot.h"

namespace kg {

SnapshotSpec SnapshotSpec::tree(std::optional<Commit> commit) {
  SnapshotSpec s;
  s.kind = SnapshotKind::Tree;
  s.commit = std::move(commit);
  return s;
}

SnapshotSpec SnapshotSpec::head(const Repo& repo) { return tree(repo.head_commit()); }

SnapshotSpec SnapshotSpec::index() {
  SnapshotSpec s;
  s.kind = SnapshotKind::Index;
  return s;
}

SnapshotSpec SnapshotSpec::worktree() {
  SnapshotSpec s;
  s.kind = SnapshotKind::Worktree;
  return s;
}

SnapshotSpec SnapshotSpec::merge(const Commit& ours, const Commit& into) {
  SnapshotSpec s;
  s.kind = SnapshotKind::Merge;
  s.commit = ours;
  s.into = into;
  return s;
}

std::optional<SnapshotSpec> baseline_tree(const std::optional<Commit>& commit) {
  if (!commit) return std::nullopt;
  return SnapshotSpec::tree(*commit);
}

Comparison compare(const Repo& repo, const ScanOptions& scan, const SnapshotSpec& now,
                   const std::optional<SnapshotSpec>& base, Engine engine) {
  if (engine != Engine::Scan)
    if (auto c = indexed_reader(repo, scan)->compare(now, base)) return std::move(*c);
  if (engine == Engine::Quick)
    if (auto c = scan_reader(repo, scan, /*only_changes=*/true)->compare(now, base)) return std::move(*c);
  return std::move(*scan_reader(repo, scan)->compare(now, base));
}

SeenEverywhere seen_everywhere(const Repo& repo, const ScanOptions& scan, Engine engine) {
  if (engine != Engine::Scan)
    if (auto seen = indexed_reader(repo, scan)->seen_everywhere()) return std::move(*seen);
  return std::move(*scan_reader(repo, scan)->seen_everywhere());
}

}  // namespace kg
