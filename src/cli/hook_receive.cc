#include "cli/hook_receive.h"

#include <iostream>
#include <sstream>

#include "check/check.h"
#include "check/snapshot.h"
#include "check/hook_install.h"
#include "cli/check_run.h"
#include "cli/exit_codes.h"
#include "git/error.h"
#include "git/merge.h"
#include "util/files.h"
#include "util/paths.h"

namespace kg::cli {

namespace {

bool is_zero_oid(const std::string& s) { return !s.empty() && s.find_first_not_of('0') == std::string::npos; }

const RenderOptions kRefuse{true, "push", ""};  // no bypass to offer: the server decides

// The repository's default branch: the branch HEAD names, and its tip
// (none while unborn).
struct DefaultBranch {
  std::string ref;
  std::optional<Commit> tip;
};

DefaultBranch default_branch(const Repo& repo) {
  DefaultBranch d;
  git_reference* raw = nullptr;
  if (git_reference_lookup(&raw, repo.raw(), "HEAD") != 0) {
    git_error_clear();
    return d;
  }
  ReferencePtr head(raw);
  if (git_reference_type(head.get()) == GIT_REFERENCE_SYMBOLIC) d.ref = git_reference_symbolic_target(head.get());
  d.tip = repo.head_commit();
  return d;
}

// Prints the report of `c` when it refuses, after a line naming the ref.
int report(Session& s, Comparison& c, const std::string& context) {
  std::ostringstream text;
  int rc = run_comparison(s, c, false, kRefuse, text, s.out().color_err());
  if (rc != kOk && !context.empty() && !s.globals().json) std::cerr << "kabsd-guard: " << context << ":\n";
  std::cerr << text.str();
  return rc;
}

// `head` against `base` (none: everything in `head` counts as new): through
// the claim index kept at `base` when it can tell (the pushed `head` is
// transient: its objects sit in git's quarantine), else two full scans.
int compare_pushed(Session& s, const std::optional<Commit>& base, const Commit& head, const std::string& context) {
  SnapshotSpec pushed = SnapshotSpec::tree(head);
  pushed.transient = true;
  std::optional<Comparison> c = quick_comparison(s, pushed, baseline_tree(base), kRefuse);
  if (!c) return kOk;
  return report(s, *c, context);
}

int receive_one(Session& s, const DefaultBranch& def, const std::string& ref, const std::string& old_oid,
                const std::string& new_oid) {
  // Deletions and tags never fail; only branches carry a backlog to guard.
  if (is_zero_oid(new_oid) || ref.rfind("refs/heads/", 0) != 0) return kOk;
  const Repo& repo = s.repo();
  Commit head = repo.resolve_commit(new_oid);
  std::optional<Commit> old;
  if (!is_zero_oid(old_oid)) old = repo.resolve_commit(old_oid);
  const bool to_default = ref == def.ref;
  // The branch: what the push adds to its old tip (a forced push: to where
  // the two meet); a new branch: to where it leaves the default branch.
  std::optional<Commit> base;
  if (old) base = merge_base(repo, *old, head);
  else if (def.tip && !to_default) base = merge_base(repo, *def.tip, head);
  int rc = compare_pushed(s, base, head, ref);
  if (rc != kOk || to_default || !def.tip) return rc;
  if (base && base->hex() == def.tip->hex()) return kOk;  // the same comparison again
  // Merged into the default branch: a fast-forward is the pushed tree
  // itself; otherwise the real merge, computed in memory.
  const std::string context = ref + " merged into " + def.ref;
  std::optional<Commit> mb = merge_base(repo, *def.tip, head);
  if (mb && mb->hex() == def.tip->hex()) return compare_pushed(s, def.tip, head, context);
  Comparison m =
      compare(repo, s.scan_options(), SnapshotSpec::merge(head, *def.tip), SnapshotSpec::tree(*def.tip), Engine::Scan);
  return report(s, m, context);
}

}  // namespace

int pre_receive(Session& s, std::istream& in) {
  DefaultBranch def = default_branch(s.repo());
  std::string line;
  int rc = kOk;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string old_oid, new_oid, ref;
    if (!(fields >> old_oid >> new_oid >> ref)) continue;
    int r = receive_one(s, def, ref, old_oid, new_oid);
    if (r != kOk) rc = r;
  }
  return rc;
}

int update_hook(Session& s, const std::string& ref, const std::string& old_oid, const std::string& new_oid) {
  for (const HooksDir& d : hooks_dirs(s.repo())) {
    auto content = read_regular_prefix(path_join(d.path, "pre-receive"), 4096);
    if (content && is_managed_hook(*content)) return kOk;
  }
  return receive_one(s, default_branch(s.repo()), ref, old_oid, new_oid);
}

}  // namespace kg::cli
