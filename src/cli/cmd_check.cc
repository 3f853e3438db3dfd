// kabsd-guard check: refuse changes that introduce a duplicate ID (docs/check.md).
#include <iostream>

#include "check/snapshot.h"
#include "cli/check_run.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "git/error.h"
#include "git/merge.h"

namespace kg::cli {

namespace {

struct CheckOpts {
  bool staged = false;
  std::string tree;
  std::string baseline;
  std::string range;
  std::string against;
  bool worktree = false;
  bool strict = false;
};

Commit resolve(const Repo& repo, const std::string& rev) {
  try {
    return repo.resolve_commit(rev);
  } catch (const GitError& e) {
    throw UsageError("unknown revision '" + rev + "': " + e.what());
  }
}

Comparison build(Session& s, const CheckOpts& o) {
  const Repo& repo = s.repo();
  const ScanOptions& scan = s.scan_options();
  if (!o.tree.empty()) {
    std::optional<Commit> base;
    if (!o.baseline.empty()) base = resolve(repo, o.baseline);
    Commit commit = resolve(repo, o.tree);
    // A whole tree alone is read through the claim index when it can tell;
    // with a baseline, scanned: the report counts every item of REV, which a
    // comparison through the claim index knows only when something changed.
    return compare(repo, scan, SnapshotSpec::tree(commit), baseline_tree(base), base ? Engine::Scan : Engine::Indexed);
  }
  if (!o.range.empty()) {
    size_t dots = o.range.find("..");
    if (dots == std::string::npos) throw UsageError("--range wants A..B (or A...B), got '" + o.range + "'");
    bool three = o.range.compare(dots, 3, "...") == 0;
    std::string a = o.range.substr(0, dots), b = o.range.substr(dots + (three ? 3 : 2));
    Commit head = resolve(repo, b.empty() ? "HEAD" : b);
    std::optional<Commit> base = resolve(repo, a.empty() ? "HEAD" : a);
    if (three) base = merge_base(repo, *base, head);
    return compare(repo, scan, SnapshotSpec::tree(head), baseline_tree(base), Engine::Scan);
  }
  if (!o.against.empty()) {
    auto head = repo.head_commit();
    if (!head) throw UsageError("--against needs a commit on HEAD (HEAD is unborn)");
    Commit target = resolve(repo, o.against);
    return compare(repo, scan, SnapshotSpec::merge(*head, target), SnapshotSpec::tree(target), Engine::Scan);
  }
  if (repo.is_bare()) throw UsageError("a bare repository has no index or working tree; use --tree REV or --range A..B");
  if (o.worktree) return compare(repo, scan, SnapshotSpec::worktree(), SnapshotSpec::head(repo), Engine::Scan);
  return compare(repo, scan, SnapshotSpec::index(), SnapshotSpec::head(repo), Engine::Scan);
}

int run_check_cmd(const Globals& g, const CheckOpts& o) {
  int modes = o.staged + !o.tree.empty() + !o.range.empty() + !o.against.empty() + o.worktree;
  if (modes > 1) throw UsageError("choose one of --staged, --tree, --range, --against, --worktree");
  if (!o.baseline.empty() && o.tree.empty()) throw UsageError("--baseline goes with --tree");
  Session s(g);
  Comparison c = build(s, o);
  return run_comparison(s, c, o.strict, RenderOptions{}, std::cout, s.out().color_out());
}

}  // namespace

Action add_check(CLI::App& app) {
  auto o = std::make_shared<CheckOpts>();
  CLI::App* sub = app.add_subcommand("check", "Refuse changes that introduce a duplicate ID");
  sub->add_flag("--staged", o->staged, "The index against HEAD (the default)");
  sub->add_option("--tree", o->tree, "Every item in REV")->type_name("REV");
  sub->add_option("--baseline", o->baseline, "With --tree: only what REV introduces relative to REV2")
      ->type_name("REV2");
  sub->add_option("--range", o->range, "B against baseline A (A...B: against their merge base)")
      ->type_name("A..B");
  sub->add_option("--against", o->against, "Would merging HEAD into REF introduce a duplicate?")
      ->type_name("REF");
  sub->add_flag("--worktree", o->worktree, "The working-tree files against HEAD");
  sub->add_flag("--strict", o->strict, "Duplicates already in the baseline are errors too");
  sub->footer(R"(A duplicate ID is one ID claimed by files with different uids. It is an error
when the change introduces it, a warning when it was already there.
Exit 0: nothing blocks; 1: an error finding; 2: usage error; 3: cannot read.

Examples:
  kabsd-guard check                       # what is staged, before committing
  kabsd-guard check --worktree            # what an agent wrote, before staging
  kabsd-guard check --range origin/main..HEAD     # a pull request in CI
  kabsd-guard check --against origin/main         # would the merge be clean?
  kabsd-guard check --tree HEAD --json            # every item, for a report
)");
  return [o](const Globals& g) { return run_check_cmd(g, *o); };
}

}  // namespace kg::cli
