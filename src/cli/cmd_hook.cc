// kabsd-guard hook NAME [ARGS]: what each git hook runs (docs/hooks.md).
// Pre-* hooks refuse (exit 1) and fail closed; post-* hooks never fail the
// git operation: on trouble they warn and exit 0.
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <set>
#include <sstream>

#include "check/snapshot.h"
#include "check/remote_reserve.h"
#include "check/hook_install.h"
#include "check/hook_health.h"
#include "check/hook_stage.h"
#include "check/sync.h"
#include "cli/check_run.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/hook_receive.h"
#include "cli/remote_options.h"
#include "git/error.h"
#include "git/merge.h"
#include "git/refs.h"
#include "util/strings.h"

namespace kg::cli {

namespace {

struct HookOpts {
  std::string name;
  std::vector<std::string> args;
};

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

bool is_zero_oid(const std::string& s) { return !s.empty() && s.find_first_not_of('0') == std::string::npos; }

std::optional<Commit> try_commit(const Repo& repo, const std::string& rev) {
  if (rev.empty() || is_zero_oid(rev)) return std::nullopt;
  try {
    return repo.resolve_commit(rev);
  } catch (const GitError&) {
    return std::nullopt;
  }
}

// What a pre-* hook refuses, in the user's words, and how to get past it once.
struct Refusal {
  std::string what;    // "commit", "merge", "push", "applied patch"
  std::string bypass;  // the whole skip hint
};

Refusal refusal_for(const std::string& command, const std::string& what) {
  return {what, "KABSD_GUARD_SKIP=1 git " + command + "  or  git " + command + " --no-verify"};
}
const Refusal kPushRefusal = refusal_for("push", "push");
// git 2.39's `am` has no --no-verify.
const Refusal kPatchRefusal = {"applied patch",
                               "KABSD_GUARD_SKIP=1 git am --continue  (or 'git am --skip' to drop this patch)"};

RenderOptions refusing(const Refusal& r) { return RenderOptions{true, r.what, r.bypass}; }

// A commit that concludes a conflicted merge is refused as a merge.
Refusal commit_refusal(Session& s) {
  bool merging = std::filesystem::exists(s.repo().git_dir() + "/MERGE_HEAD");
  return refusal_for("commit", merging ? "merge" : "commit");
}

int staged(Session& s, const Refusal& refusal) {
  const std::string& what = refusal.what;
  if (s.renumber_pending()) {  // a half-applied renumber in the working tree (docs/renumber.md)
    s.out().error(what + " refused: finish the interrupted renumber first with 'kabsd-guard renumber --resume'");
    return kFindings;
  }
  // Most commits: read only what changed (Engine::Quick). Through the
  // claim index that also reports a refusal (every claimant, suggestions
  // from the numbers in use); else anything to refuse is reported from the
  // full comparison.
  std::optional<Comparison> c =
      quick_comparison(s, SnapshotSpec::index(), SnapshotSpec::head(s.repo()), refusing(refusal));
  if (!c) return kOk;
  return run_comparison(s, *c, false, refusing(refusal), std::cerr, s.out().color_err());
}

// The remote's default branch as this clone knows it: REMOTE/HEAD (set by
// clone), else REMOTE/main, else REMOTE/master.
std::optional<Commit> default_branch(const Repo& repo, const std::string& remote) {
  for (const char* name : {"HEAD", "main", "master"})
    if (auto c = try_commit(repo, "refs/remotes/" + remote + "/" + name)) return c;
  return std::nullopt;
}

// One ref of a push: the pushed commits against the remote's tip, then would
// merging them into the remote's branch or default branch add a duplicate?
int push_one(Session& s, const std::string& remote, const std::string& local_oid,
             const std::string& remote_ref, const std::string& remote_oid) {
  const Repo& repo = s.repo();
  auto local = try_commit(repo, local_oid);
  if (!local) return kOk;  // a deletion, or nothing we can read
  std::string branch = remote_ref.rfind("refs/heads/", 0) == 0 ? remote_ref.substr(11) : remote_ref;
  auto tracking = try_commit(repo, "refs/remotes/" + remote + "/" + branch);
  auto remote_head = default_branch(repo, remote);
  auto tip = try_commit(repo, remote_oid);
  std::optional<Commit> base = tip ? tip : tracking ? tracking : remote_head;
  if (base) {
    if (auto mb = merge_base(repo, *base, *local)) base = mb;
  }
  RenderOptions render = refusing(kPushRefusal);
  Comparison c = compare(repo, s.scan_options(), SnapshotSpec::tree(*local), baseline_tree(base), Engine::Scan);
  int rc = run_comparison(s, c, false, render, std::cerr, s.out().color_err());
  if (rc != kOk) return rc;
  std::set<std::string> seen{local->hex()};
  for (const auto& target : {tip, tracking, remote_head}) {
    if (!target || !seen.insert(target->hex()).second) continue;
    Comparison m =
        compare(repo, s.scan_options(), SnapshotSpec::merge(*local, *target), SnapshotSpec::tree(*target), Engine::Scan);
    rc = run_comparison(s, m, false, render, std::cerr, s.out().color_err());
    if (rc != kOk) return rc;
  }
  return kOk;
}

int pre_push(Session& s, const std::string& remote, std::istream& in) {
  std::string line;
  int rc = kOk;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string local_ref, local_oid, remote_ref, remote_oid;
    if (!(fields >> local_ref >> local_oid >> remote_ref >> remote_oid)) continue;
    int r = push_one(s, remote, local_oid, remote_ref, remote_oid);
    if (r != kOk) rc = r;
  }
  return rc;
}

// Sync quietly; say only what was raised.
void sync_all(Session& s) {
  SeenEverywhere seen = seen_everywhere(s.repo(), s.scan_options());
  std::vector<const Product*> products;
  for (const Product& p : seen.config.products) products.push_back(&p);
  for (const ProductSync& ps : sync_products(s.repo(), seen, products,
                                             [&](const Product& p) { return s.db_path(p); }, false)) {
    for (const std::string& w : ps.result.warnings) s.out().warning(w);
    for (const auto& [key, ch] : ps.result.changes)
      if (ch.before && ch.after > *ch.before)
        s.out().note("kabsd-guard: sequence " + key.first + "-" + key.second + " raised " +
                     std::to_string(*ch.before) + " -> " + std::to_string(ch.after));
  }
}

// After a merge, rebase, amend, commit, cherry-pick or revert: report what
// the new commits introduced. `before` nullopt: HEAD is a root commit.
void warn_introduced(Session& s, const std::optional<Commit>& before, const std::string& what) {
  auto head = s.repo().head_commit();
  if (!head) return;
  std::ostringstream report;
  // Through the claim index when it can tell, else the full comparison.
  Comparison c = compare(s.repo(), s.scan_options(), SnapshotSpec::tree(*head), baseline_tree(before), Engine::Indexed);
  int rc = run_comparison(s, c, false, RenderOptions{true, "", ""}, report, s.out().color_err());
  if (rc != kOk) {
    std::cerr << report.str() << "kabsd-guard: the " << what
              << " brought the duplicate(s) above into this branch; repair with the renumber "
                 "commands shown (see 'kabsd-guard renumber --help').\n";
  }
}

// With kabsd-guard.reserveRemote set: the remote's sequence ref raised to
// what its branches hold (sync --remote). Trouble is a warning.
void sync_remote_quietly(Session& s) {
  try {
    std::optional<RemoteTransport> t = chosen_remote(s.repo(), RemoteArgs{});
    if (!t) return;
    std::vector<const Product*> products;
    for (const Product& p : s.config().products) products.push_back(&p);
    if (products.empty()) return;
    for (const RemoteSyncChange& c : sync_remote(s.repo(), s.scan_options(), products, *t).changes)
      s.out().note("kabsd-guard: remote " + t->remote + ": sequence " + c.prefix + "-" + c.type_code + " raised " +
                   std::to_string(c.before) + " -> " + std::to_string(c.after));
  } catch (const std::exception& e) {
    s.out().warning(std::string("the remote sequence ref was not synced: ") + e.what());
  }
}

int post_merge(Session& s, bool squash) {
  sync_all(s);
  sync_remote_quietly(s);
  if (auto before = try_commit(s.repo(), "ORIG_HEAD"); before && !squash) warn_introduced(s, before, "merge");
  return kOk;
}

// git's stdin lists "old new" per rewritten commit; under a framework it is
// not passed on, and `command` ("amend" or "rebase") tells where HEAD was.
int post_rewrite(Session& s, std::istream* in, const std::string& command) {
  sync_all(s);
  std::string line, first_new;
  while (in && first_new.empty() && std::getline(*in, line)) {
    std::istringstream fields(line);
    std::string old_oid;
    fields >> old_oid >> first_new;
  }
  std::optional<Commit> before;
  if (auto c = try_commit(s.repo(), first_new.empty() ? "" : first_new + "^")) before = c;
  else before = try_commit(s.repo(), command == "amend" ? "HEAD@{1}" : "ORIG_HEAD");
  if (before) warn_introduced(s, before, command == "amend" ? "amend" : "rebase");
  return kOk;
}

// After every commit, and after each commit of `git cherry-pick` and `git
// revert`, which run no pre-* hook. Amends and rebases are reported by
// post-rewrite once they are done.
int post_commit(Session& s) {
  std::string action = head_reflog_message(s.repo());
  if (action.rfind("commit (amend)", 0) == 0 || action.rfind("rebase", 0) == 0) return kOk;
  std::string what = action.rfind("cherry-pick", 0) == 0 ? "cherry-pick"
                     : action.rfind("revert", 0) == 0    ? "revert"
                                                         : "commit";
  warn_introduced(s, try_commit(s.repo(), "HEAD^"), what);  // nullopt: a root commit
  return kOk;
}

// A post-* hook that runs can tell that others no longer do.
void warn_hooks_off(Session& s) {
  HooksHealth health = hooks_health(s.repo());
  if (!health.installed) return;
  for (const HookHealth& h : health.hooks)
    if (!h.runs)
      s.out().warning("the " + h.name + " hook no longer runs kabsd-guard: " + h.problem + " (" + h.path + "); " +
                      h.fix + ". 'kabsd-guard status --check' lists every hook.");
}

int dispatch_named(Session& s, const std::string& name, const std::vector<std::string>& a, std::istream* in);

// Under pre-commit or prek: the stage from the framework's process and
// variables. When it cannot be told, nothing is guessed: refuse (exit 3).
int auto_stage(Session& s, const HookStage& stage) {
  std::string from = env("PRE_COMMIT_FROM_REF"), to = env("PRE_COMMIT_TO_REF");
  if (stage.name.empty()) {
    s.out().error("'hook auto' cannot tell which git hook it runs for: no pre-commit or prek 'hook-impl "
                  "--hook-type=...' among its parent processes and no PRE_COMMIT_* variable naming a stage. "
                  "Nothing was checked. Use 'kabsd-guard hook NAME' with the git hook's name instead "
                  "(docs/hooks.md).");
    return kEnvironment;
  }
  if (stage.name == "pre-push") {
    // pre-commit 3.0.4 leaves the refs unset when the remote has none of the
    // pushed commits: then what is pushed is the local branch's tip.
    std::string local = !to.empty() ? to : env("PRE_COMMIT_LOCAL_BRANCH").empty() ? "HEAD" : env("PRE_COMMIT_LOCAL_BRANCH");
    return push_one(s, env("PRE_COMMIT_REMOTE_NAME"), local, env("PRE_COMMIT_REMOTE_BRANCH"), from);
  }
  if ((stage.name == "pre-commit" || stage.name == "manual") && !from.empty() && !to.empty()) {
    // `pre-commit run --from-ref A --to-ref B`
    Comparison c = compare(s.repo(), s.scan_options(), SnapshotSpec::tree(s.repo().resolve_commit(to)),
                           baseline_tree(try_commit(s.repo(), from)), Engine::Scan);
    return run_comparison(s, c, false, refusing(kPushRefusal), std::cerr, s.out().color_err());
  }
  if (stage.name == "manual") return staged(s, commit_refusal(s));
  if (stage.name == "post-checkout" && stage.args.size() < 3)
    return dispatch_named(s, stage.name, {from, to, env("PRE_COMMIT_CHECKOUT_TYPE")}, nullptr);
  if (stage.name == "post-merge" && stage.args.empty())
    return dispatch_named(s, stage.name, {env("PRE_COMMIT_IS_SQUASH_MERGE")}, nullptr);
  if (stage.name == "post-rewrite" && stage.args.empty())
    return dispatch_named(s, stage.name, {env("PRE_COMMIT_REWRITE_COMMAND")}, nullptr);
  // The framework consumed git's stdin (pre-push, post-rewrite): none here.
  return dispatch_named(s, stage.name, stage.args, nullptr);
}

HookStage auto_detected() { return detect_hook_stage(parent_command_lines(4), [](const char* n) { return env(n); }); }

bool is_pre(const std::string& name, const HookStage& stage) {
  if (name == "auto") return stage.name.empty() || stage.name.rfind("pre-", 0) == 0 || stage.name == "manual";
  return name.rfind("pre-", 0) == 0 || name == "update";
}

// The hooks by name; other names (commit-msg, ... under a framework) do nothing.
int dispatch_named(Session& s, const std::string& name, const std::vector<std::string>& a, std::istream* in) {
  auto arg = [&](size_t i) { return i < a.size() ? a[i] : std::string(); };
  if (name == "pre-commit") return staged(s, commit_refusal(s));
  if (name == "pre-merge-commit") return staged(s, refusal_for("merge", "merge"));
  if (name == "pre-applypatch") {
    // `git rebase --apply` replays through `git am --rebasing`: a rebase,
    // reported by post-rewrite at its end as with the default backend.
    if (std::filesystem::exists(s.repo().git_dir() + "/rebase-apply/rebasing")) return kOk;
    return staged(s, kPatchRefusal);
  }
  if (name == "pre-receive") return in ? pre_receive(s, *in) : kOk;
  if (name == "update") return update_hook(s, arg(0), arg(1), arg(2));
  if (name == "pre-push") {
    if (in) return pre_push(s, arg(0), *in);
    return push_one(s, arg(0), "HEAD", "", "");
  }
  int rc = kOk;
  if (name == "post-merge") rc = post_merge(s, arg(0) == "1");
  else if (name == "post-checkout" && arg(2) == "1") sync_all(s);
  else if (name == "post-rewrite") rc = post_rewrite(s, in, arg(0));
  else if (name == "post-commit") rc = post_commit(s);
  if (name.rfind("post-", 0) == 0) warn_hooks_off(s);
  return rc;
}

int dispatch(Session& s, const HookOpts& o, const HookStage& stage) {
  if (o.name == "auto") return auto_stage(s, stage);
  if (!is_known_hook(o.name))
    throw UsageError("unknown hook '" + o.name +
                     "'; known: pre-commit, pre-merge-commit, pre-push, pre-applypatch, post-commit, post-merge, "
                     "post-checkout, post-rewrite, auto; on a server: pre-receive, update");
  return dispatch_named(s, o.name, o.args, &std::cin);
}

int run_hook(const Globals& g, const HookOpts& o) {
  if (env("KABSD_GUARD_SKIP") == "1") return kOk;
  HookStage stage;
  if (o.name == "auto") stage = auto_detected();
  bool pre = is_pre(o.name, stage);
  try {
    Session s(g);
    int rc = dispatch(s, o, stage);
    return pre ? rc : kOk;
  } catch (const UsageError&) {
    if (pre) throw;
  } catch (const std::exception& e) {
    Output out(g);
    if (!pre) {
      out.warning(std::string("the ") + o.name + " hook could not finish: " + e.what());
      return kOk;
    }
    out.error(std::string("the ") + o.name + " hook could not run: " + e.what());
    out.note("To skip the guard once: KABSD_GUARD_SKIP=1 git ...  or  git ... --no-verify");
    return kEnvironment;
  }
  return kOk;
}

}  // namespace

Action add_hook(CLI::App& app) {
  auto o = std::make_shared<HookOpts>();
  CLI::App* sub = app.add_subcommand("hook", "Run as the git hook NAME (called by the installed hook scripts)");
  sub->add_option("name", o->name,
                  "pre-commit, pre-merge-commit, pre-push, pre-applypatch, post-commit, post-merge, post-checkout, "
                  "post-rewrite, or auto; on a server: pre-receive, update")
      ->required();
  sub->add_option("args", o->args, "The arguments git passes to the hook");
  sub->footer(R"(Pre-* hooks refuse a change that introduces a duplicate ID (exit 1) and fail
closed on trouble; post-* hooks sync the sequences, warn about a duplicate
the commit, cherry-pick, revert, merge or rebase brought in and about hooks
that no longer run kabsd-guard, and always exit 0. 'auto' is for pre-commit
and prek: it reads the hook type from the framework's 'hook-impl' process (or
its PRE_COMMIT_* variables) and refuses with exit 3 when it cannot tell.
KABSD_GUARD_SKIP=1 skips every hook.
pre-receive and update run in a bare repository on the server: they refuse
a push whose branches introduce a duplicate, or would when merged into the
default branch (docs/hooks.md, "On the server").
)");
  return [o](const Globals& g) { return run_hook(g, *o); };
}

}  // namespace kg::cli
