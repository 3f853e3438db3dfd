// kabsd-guard renumber: repair duplicate IDs, previewed and all or nothing
// (docs/renumber.md).
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "check/compare.h"
#include "check/renumber.h"
#include "check/renumber_intent.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/session.h"
#include "git/tree_view.h"
#include "model/rewrite.h"
#include "util/strings.h"

namespace kg::cli {

namespace {

using Json = nlohmann::ordered_json;

struct RenumberOptions {
  std::string target;
  std::string to;
  bool dry_run = false;
  bool all = false;
  bool introduced = false;
  bool filenames = false;
  bool no_stage = false;
  bool resume = false;
};

const char* kind_name(RenumberMove::Kind k) { return k == RenumberMove::Kind::Renumber ? "renumber" : "rename"; }

std::string index_state(const RenumberMove& m, bool dry_run, bool stage) {
  if (!m.tracked) return "untracked: index unchanged";
  if (!stage) return "--no-stage: index unchanged";
  return dry_run ? "would be staged as a rename" : (m.staged ? "staged as a rename" : "not staged");
}

Json to_json(const RenumberPlan& plan, bool dry_run, bool stage, const std::vector<std::string>& warnings,
             const std::string& status) {
  Json moves = Json::array();
  for (const RenumberMove& m : plan.moves) {
    Json j = {{"kind", kind_name(m.kind)},
              {"from", m.from},
              {"to", m.to},
              {"old_id", m.old_id.display()},
              {"new_id", m.new_id ? m.new_id->display() : std::string()},
              {"provisional", m.provisional},
              {"product", m.product_key},
              {"uid", m.uid.empty() ? Json() : Json(m.uid)},
              {"also_claimed_by", m.other_path.empty() ? Json() : Json{{"path", m.other_path},
                                                                        {"uid", m.other_uid.empty() ? Json() : Json(m.other_uid)}}},
              {"worklog", m.message.empty() ? Json() : Json(m.message)},
              {"tracked", m.tracked},
              {"staged", m.staged}};
    moves.push_back(std::move(j));
  }
  Json refs = Json::array();
  for (const RenumberRef& r : plan.references)
    refs.push_back({{"id", r.id}, {"path", r.path}, {"line", r.line}, {"field", r.field}, {"text", r.text}});
  return Json{{"status", status},   {"dry_run", dry_run}, {"mode", plan.mode}, {"stage", stage},
              {"moves", moves},     {"references", refs}, {"notes", plan.notes}, {"warnings", warnings}};
}

void print_human(const Session& s, const RenumberPlan& plan, bool dry_run, bool stage) {
  const Output& out = s.out();
  for (const RenumberMove& m : plan.moves) {
    std::string head = m.kind == RenumberMove::Kind::Renumber
                           ? m.old_id.display() + " -> " + out.paint(m.new_id->display(), "1") +
                                 (m.provisional ? " (provisional)" : "")
                           : m.old_id.display() + " -> " + m.new_id->display() + " (file name only: the id stays)";
    std::cout << (dry_run ? "would " : "") << kind_name(m.kind) << " " << head << "\n"
              << "  " << quote_path(m.from) << "\n  -> " << quote_path(m.to) << "\n";
    if (!m.other_path.empty())
      std::cout << "  " << m.old_id.display() << " is also claimed by " << quote_path(m.other_path) << " ("
                << (m.other_uid.empty() ? "no uid" : "uid " + m.other_uid) << ")\n";
    if (!m.message.empty()) std::cout << "  worklog: " << m.message << "\n";
    std::cout << "  " << index_state(m, dry_run, stage) << "\n";
  }
  if (!plan.references.empty()) {
    std::cout << "\nAmbiguous references (left unchanged; each may mean either item, check them by hand):\n";
    for (const RenumberRef& r : plan.references)
      std::cout << "  " << quote_path(r.path) << ":" << r.line << ": " << r.id << " in " << r.field << ": "
                << escape_controls(r.text) << "\n";
  }
  size_t staged = 0;
  for (const RenumberMove& m : plan.moves) staged += m.staged ? 1 : 0;
  std::cout << "\n";
  if (dry_run) {
    std::cout << "Dry run: nothing changed (no file, index, database or journal). " << plan.moves.size()
              << " file(s) would change";
    bool provisional = false;
    for (const RenumberMove& m : plan.moves) provisional = provisional || m.provisional;
    if (provisional) std::cout << "; new IDs are provisional: what a reservation would hand out now";
    std::cout << ".\n";
  } else {
    std::cout << plan.moves.size() << " file(s) changed, " << staged << " staged, " << plan.references.size()
              << " ambiguous reference(s) to check.\n";
  }
}

void print_recovery(const Session& s, const RecoveryResult& r, bool resume_command) {
  for (const std::string& w : r.warnings) s.out().warning(w);
  if (resume_command && s.globals().json) {
    std::cout << Json{{"status", r.found ? "resumed" : "nothing-to-resume"},
                      {"moves", r.moves},
                      {"written", r.written},
                      {"removed", r.removed},
                      {"temporaries", r.temporaries},
                      {"staged", r.staged},
                      {"warnings", r.warnings}}
                     .dump(2)
              << "\n";
    return;
  }
  if (!r.found) {
    if (resume_command) std::cout << "No interrupted renumber: nothing to resume.\n";
    return;
  }
  const std::string what = std::to_string(r.moves) + " move(s); " + std::to_string(r.written) +
                           " new file(s) written, " + std::to_string(r.removed) + " old file(s) removed, " +
                           std::to_string(r.temporaries) + " temporary file(s) removed" +
                           (r.staged ? ", the renames staged" : "");
  if (resume_command) std::cout << "Resumed: " << what << ".\n";
  else s.out().note("note: finished an interrupted renumber first: " + what + ".");
}

// Rolls a pending intent forward (under the lock the caller holds).
int resume(const Session& s, bool resume_command) {
  try {
    print_recovery(s, recover_renumber(s.repo()), resume_command);
  } catch (const RenumberFailed& e) {
    s.out().error(e.what());
    return kEnvironment;
  }
  return kOk;
}

// One renumber at a time per worktree; an interrupted one is finished
// first (a preview only warns: it changes nothing).
int begin(const Session& s, const RenumberOptions& o, std::optional<RenumberLock>& lock) {
  if (o.dry_run) {
    if (renumber_intent_pending(s.repo().git_dir()))
      s.out().warning("an interrupted renumber is pending; run 'kabsd-guard renumber --resume' to finish it. "
                      "This preview shows the files as they are now.");
    return kOk;
  }
  try {
    lock.emplace(s.repo().git_dir());
  } catch (const RenumberFailed& e) {
    s.out().error(e.what());
    return kEnvironment;
  }
  return resume(s, o.resume);
}

Backlog head_backlog(const Session& s) {
  auto tree = s.repo().head_tree();
  if (!tree) return {};
  return scan_backlog(TreeView(s.repo(), *tree), s.scan_options());
}

// Selects, reads and previews the moves (provisional numbers).
RenumberPlan make_plan(Session& s, const RenumberOptions& o, const std::optional<ItemId>& to,
                       std::vector<std::string>& warnings) {
  const Backlog& wt = s.worktree_backlog();
  const std::string workdir = s.repo().workdir();
  auto db_path = [&s](const Product& p) { return s.db_path(p); };
  RenumberPlan plan;
  try {
    if (o.all) {
      if (o.introduced) {
        const Backlog head = head_backlog(s);
        plan = select_all(wt, &head.items, [&s, &wt, &head] {
          return worktree_renames(s.repo(), s.repo().head_tree(), wt.config, head.config);
        });
      } else {
        plan = select_all(wt, nullptr);
      }
    } else if (o.filenames) {
      plan = select_filenames(wt);
    } else {
      plan = select_target(wt, workdir, std::filesystem::current_path().string(), o.target);
    }
    load_files(plan, s.repo(), workdir);
    find_references(plan, wt, workdir);
    if (to) warnings = check_explicit_id(plan, *to, s.repo(), s.scan_options(), wt.config, db_path);
    // The preview numbers: what a reservation would hand out now.
    number_moves(plan, wt.config, provisional_numbers(s.repo(), s.scan_options(), db_path), to, true);
  } catch (const RenumberRefused& e) {
    throw UsageError(e.what());
  }
  return plan;
}

int run_renumber(const Globals& g, const RenumberOptions& o) {
  int modes = (o.target.empty() ? 0 : 1) + (o.all ? 1 : 0) + (o.filenames ? 1 : 0) + (o.resume ? 1 : 0);
  if (modes != 1) throw UsageError("name exactly one of TARGET, --all, --filenames or --resume");
  if (o.resume && (o.dry_run || o.no_stage || o.introduced || !o.to.empty()))
    throw UsageError("--resume takes no other option: it finishes the interrupted run as it was planned");
  if (o.introduced && !o.all) throw UsageError("--introduced goes with --all");
  std::optional<ItemId> to;
  if (!o.to.empty()) {
    if (o.target.empty()) throw UsageError("--to goes with a TARGET (one item to renumber)");
    to = parse_id(o.to);
    if (!to) throw UsageError("--to " + o.to + " is not an ID like PREFIX-TSK-0001 or ADR-0001");
  }
  Session s(g, /*warn_pending_renumber=*/false);
  if (s.repo().is_bare()) throw UsageError("renumber needs a working tree; this repository is bare");
  std::optional<RenumberLock> lock;
  if (int rc = begin(s, o, lock); o.resume || rc != kOk) return rc;
  const Backlog& wt = s.worktree_backlog();
  if (!wt.has_backlog()) throw UsageError("no kano backlog found (no .kano/backlog_config.toml, no _kano/backlog)");
  const std::string workdir = s.repo().workdir();
  const bool stage = !o.no_stage;
  auto db_path = [&s](const Product& p) { return s.db_path(p); };

  std::vector<std::string> warnings;
  RenumberPlan plan = make_plan(s, o, to, warnings);
  for (const std::string& n : plan.notes) s.out().note("note: " + n);
  for (const std::string& w : warnings) s.out().warning(w);

  if (plan.moves.empty() || o.dry_run) {
    if (g.json) {
      std::cout << to_json(plan, o.dry_run, stage, warnings, plan.moves.empty() ? "nothing-to-do" : "planned").dump(2)
                << "\n";
    } else if (plan.moves.empty()) {
      std::cout << "Nothing to renumber.\n";
    } else {
      print_human(s, plan, true, stage);
    }
    return kOk;
  }

  bool reserved = false;
  try {
    const char* skip = std::getenv("KG_TEST_RENUMBER_NO_PREFLIGHT");
    if (!(skip && std::string(skip) == "1")) preflight(plan, s.repo(), workdir, stage);
    if (to) {
      reserved = true;
      reserve_explicit(plan, *to, s.repo(), s.scan_options(), wt.config, db_path, &warnings);
    } else {
      for (const RenumberMove& m : plan.moves) reserved = reserved || m.kind == RenumberMove::Kind::Renumber;
      number_moves(plan, wt.config, allocated_numbers(s.repo(), s.scan_options(), db_path, &warnings), to, false);
    }
    for (RenumberMove& m : plan.moves) m.provisional = false;
    apply(plan, s.repo(), workdir, ApplyOptions{stage, local_minute_now()});
  } catch (const RenumberRefused& e) {
    throw UsageError(e.what());
  } catch (const RenumberFailed& e) {
    s.out().error(e.what());
    if (reserved)
      s.out().note("note: any number reserved for this run stays reserved (a gap in the sequence, never a duplicate)");
    return kEnvironment;
  }
  for (const std::string& w : warnings) s.out().warning(w);
  if (g.json)
    std::cout << to_json(plan, false, stage, warnings, "done").dump(2) << "\n";
  else
    print_human(s, plan, false, stage);
  return kOk;
}

}  // namespace

Action add_renumber(CLI::App& app) {
  auto o = std::make_shared<RenumberOptions>();
  CLI::App* sub = app.add_subcommand("renumber", "Give duplicate items new IDs (preview with --dry-run)");
  sub->add_option("TARGET", o->target, "An item path (it gets a new ID) or a duplicated ID (all but its oldest claimant do)");
  sub->add_option("--to", o->to, "Use this ID instead of reserving one (must be free everywhere)")->type_name("ID");
  sub->add_flag("-n,--dry-run", o->dry_run, "Print the plan and change nothing");
  sub->add_flag("--all", o->all, "Repair every duplicate ID in the working tree");
  sub->add_flag("--introduced", o->introduced, "With --all: only duplicates introduced relative to HEAD");
  sub->add_flag("--filenames", o->filenames, "Rename files whose name's ID differs from their frontmatter id");
  sub->add_flag("--resume", o->resume, "Finish a renumber that was interrupted (killed, crashed) part way");
  sub->add_flag("--no-stage", o->no_stage, "Leave the index alone (by default tracked files are staged like git mv + git add)");
  sub->footer(R"(The oldest claimant of a duplicated ID keeps it (the creation time in its
UUIDv7 uid; ties: the smaller uid; no valid uid counts as newest). Each other
item gets a new ID from the normal reservation path: only its frontmatter id
value changes, the file is renamed to <NEW-ID>_<slug>.md in the new number's
bucket, and a worklog line is appended. Other mentions of the old ID are
reported with file and line, never rewritten. Nothing is overwritten; a
failure undoes every change. A run that was killed part way is finished by
the next renumber, or by 'kabsd-guard renumber --resume'.

Examples:
  kabsd-guard renumber DEMO-TSK-0007 --dry-run     # preview
  kabsd-guard renumber DEMO-TSK-0007
  kabsd-guard renumber _kano/backlog/products/demo/items/task/0000/DEMO-TSK-0007_x.md --to DEMO-TSK-0100
  kabsd-guard renumber --all --introduced          # what the last commits brought in
  kabsd-guard --json renumber --filenames --dry-run
  kabsd-guard renumber --resume                    # finish an interrupted run
)");
  return [o](const Globals& g) { return run_renumber(g, *o); };
}

}  // namespace kg::cli
