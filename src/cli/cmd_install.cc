// kabsd-guard install / uninstall: the git hooks (docs/hooks.md), then a sync
// and a one-screen report of the backlog.
#include <git2.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "check/snapshot.h"
#include "check/hook_health.h"
#include "check/hook_install.h"
#include "check/hook_managers.h"
#include "check/sources.h"
#include "check/sync.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/session.h"
#include "model/duplicates.h"
#include "store/reservation.h"
#include "store/sqlite.h"
#include "util/files.h"
#include "util/paths.h"

namespace kg::cli {

namespace {

using nlohmann::json;

struct InstallOptions {
  bool no_sync = false;
  std::string server;  // --server DIR
};

struct DirResult {
  HooksDir dir;
  std::vector<HookOutcome> hooks;
};

bool any_failed(const std::vector<DirResult>& dirs) {
  for (const DirResult& d : dirs)
    for (const HookOutcome& h : d.hooks)
      if (h.action == HookAction::Failed) return true;
  return false;
}

json hooks_json(const std::vector<DirResult>& dirs) {
  json arr = json::array();
  for (const DirResult& d : dirs) {
    json hooks = json::array();
    for (const HookOutcome& h : d.hooks) {
      json o = {{"name", h.name}, {"path", h.path}, {"action", std::string(to_string(h.action))}};
      o["chained"] = h.chained.empty() ? json() : json(h.chained);
      if (!h.detail.empty()) o["detail"] = h.detail;
      hooks.push_back(o);
    }
    arr.push_back({{"dir", d.dir.path}, {"source", d.dir.source}, {"hooks", hooks}});
  }
  return arr;
}

void print_hooks(const Output& out, const std::vector<DirResult>& dirs) {
  for (const DirResult& d : dirs) {
    std::cout << "hooks: " << d.dir.path
              << (d.dir.source == "default" ? "" : " (core.hooksPath)") << "\n";
    for (const HookOutcome& h : d.hooks) {
      std::string action(to_string(h.action));
      const char* sgr = h.action == HookAction::Failed ? "1;31"
                        : h.action == HookAction::Unchanged || h.action == HookAction::NotInstalled
                            ? "2"
                            : "32";
      std::cout << "  " << std::left << std::setw(18) << h.name << out.paint(action, sgr);
      if (h.action == HookAction::Chained)
        std::cout << "  (the existing hook runs first, kept as " << path_basename(h.chained) << ")";
      else if (h.action == HookAction::Restored)
        std::cout << "  (the earlier hook is back)";
      if (!h.detail.empty() && h.action != HookAction::Failed) std::cout << "  (" << h.detail << ")";
      std::cout << "\n";
      if (h.action == HookAction::Failed) out.error(h.name + ": " + h.detail);
    }
  }
}

// Notes about where the hooks went: a hooks folder tracked in the working
// tree, or a pre-commit config that runs kabsd-guard too.
std::vector<std::string> placement_notes(const Repo& repo, const std::vector<DirResult>& dirs) {
  std::vector<std::string> notes;
  if (repo.is_bare()) return notes;
  const std::string top = repo.workdir();
  for (const DirResult& d : dirs) {
    if (!path_within(d.dir.path, top)) continue;
    IndexPtr index = repo.index();
    std::string rel(path_relative(d.dir.path, top));
    for (const HookOutcome& h : d.hooks) {
      std::string file = path_join(rel, h.name);
      if (index && git_index_get_bypath(index.get(), file.c_str(), 0)) {
        notes.push_back("the hooks folder " + rel + " is tracked by git: install changed " + file +
                        " in the working tree; commit the change or see docs/hooks.md");
        break;
      }
    }
  }
  // A pre-commit configuration that runs kabsd-guard, while kabsd-guard's own
  // script is the pre-commit hook: `pre-commit install` would run both.
  bool own_pre_commit = false;
  for (const DirResult& d : dirs)
    for (const HookOutcome& h : d.hooks)
      if (h.name == "pre-commit" && h.action != HookAction::LeftAlone && h.action != HookAction::Failed)
        own_pre_commit = true;
  // Read as the managers' files are: a regular file, its first MiB (a FIFO
  // committed under this name would block install).
  auto cfg = own_pre_commit ? read_regular_prefix(path_join(top, ".pre-commit-config.yaml"), 1 << 20) : std::nullopt;
  if (cfg && cfg->find("kabsd-guard") != std::string::npos)
    notes.push_back(".pre-commit-config.yaml runs kabsd-guard as well: after 'pre-commit install', every "
                    "check would run twice; keep one of them (docs/hooks.md)");
  std::vector<std::string> names(kHookNames.begin(), kHookNames.end());
  for (std::string& w : manager_warnings(top, names)) notes.push_back(std::move(w));
  return notes;
}

struct Dup {
  std::string kind, id, keep;
  std::vector<std::string> renumber;
};

std::vector<Dup> duplicates_of(const Backlog& backlog) {
  std::vector<Dup> out;
  for (const DuplicateGroup& g : find_duplicates(backlog.items, nullptr)) {
    if (g.claimants.empty()) continue;
    Dup d;
    d.kind = g.kind == DuplicateGroup::Kind::Id ? "duplicate-id" : "duplicate-uid";
    const Item* first = g.claimants.front();
    d.id = g.kind == DuplicateGroup::Kind::Id && first->claimed_id() ? first->claimed_id()->display() : g.key;
    const Item* keeper = keeper_of(g);
    if (keeper) d.keep = keeper->path;
    for (const Item* c : g.claimants)
      if (c != keeper) d.renumber.push_back(c->path);
    out.push_back(std::move(d));
  }
  return out;
}

// --server DIR: the repository that receives pushes, relative to -C.
Globals server_globals(const Globals& g, const InstallOptions& o) {
  Globals out = g;
  if (!o.server.empty()) out.dir = o.server.front() == '/' || g.dir.empty() ? o.server : path_join(g.dir, o.server);
  return out;
}

// What install did and found, for the text and JSON reports.
struct InstallReport {
  bool server = false;
  std::vector<DirResult> dirs;
  std::vector<std::string> warnings;
  bool synced = false;
  json products = json::array();
  std::string sequences_text;
  int rc = kOk;
};

// Writes the hooks into every folder git runs them from, and records where.
void install_all_hooks(Session& s, const std::string& binary, InstallReport& r) {
  const Repo& repo = s.repo();
  const std::string top = repo.is_bare() ? "" : repo.workdir();
  std::vector<std::string> before = r.server ? std::vector<std::string>{} : recorded_hooks_dirs(repo);
  std::vector<std::string> written;
  for (const HooksDir& d : hooks_dirs(repo)) {
    r.dirs.push_back({d, r.server ? install_server_hooks(d.path, binary) : install_hooks(d.path, binary, top)});
    written.push_back(d.path);
  }
  if (any_failed(r.dirs)) r.rc = kEnvironment;
  r.warnings = placement_notes(repo, r.dirs);
  for (const std::string& old : before)
    if (std::find(written.begin(), written.end(), old) == written.end())
      r.warnings.push_back("kabsd-guard's hooks in " + old + " are not run: git runs hooks from " + written.front() +
                           " now (core.hooksPath); they were installed there. 'kabsd-guard uninstall' before "
                           "changing core.hooksPath removes them");
  if (r.server) {
    // The first push then finds the claim index at the default branch.
    if (auto head = repo.head_commit()) indexed_reader(repo, s.scan_options())->compare(SnapshotSpec::tree(*head), {});
  } else if (std::string err = record_hooks_installed(repo, written); !err.empty()) {
    r.warnings.push_back("cannot record where the hooks went (status --check relies on it): " + err);
  }
}

// Raises the stored sequences to what is in use (not for a server without --db).
void sync_for_install(Session& s, const Globals& g, const std::vector<const Product*>& products, InstallReport& r) {
  const Repo& repo = s.repo();
  if (r.server && g.db.empty()) {
    if (!repo.is_bare()) r.warnings.push_back("--server: the sequences of this repository were not synced");
    return;
  }
  try {
    std::vector<ProductSync> results;
    if (!products.empty())
      results = sync_products(repo, seen_everywhere(repo, s.scan_options()), products,
                              [&](const Product& p) { return s.db_path(p); }, false);
    for (const ProductSync& res : results)
      for (const std::string& w : res.result.warnings) r.warnings.push_back(w);
    r.synced = true;
  } catch (const StoreError& e) {
    r.warnings.push_back(std::string("sync failed: ") + e.what());
    r.rc = kEnvironment;
  }
}

// One product's sequences, stored and in use, as text lines and JSON.
void report_product(Session& s, const Globals& g, const Product& p, const Highest& highest, InstallReport& r) {
  const Repo& repo = s.repo();
  json seqs = json::array();
  std::string db;
  std::map<SequenceKey, int64_t> stored;
  if (!repo.is_bare() || !g.db.empty()) {
    try {
      db = s.db_path(p);
      stored = read_stored(db);
    } catch (const StoreError& e) {
      r.warnings.push_back(std::string("cannot read ") + db + ": " + e.what());
    } catch (const UsageError& e) {
      r.warnings.push_back(e.what());
    }
  }
  std::ostringstream text;
  text << "product " << p.key << "  prefix " << p.prefix << "  root " << p.root << "\n";
  Highest rows = product_sequences(p, s.worktree_backlog(), highest);
  for (const auto& [key, v] : stored) rows.try_emplace(key, 0);
  bool any = false;
  for (const auto& [key, in_use] : rows) {
    auto it = stored.find(key);
    if (it == stored.end() && in_use == 0) continue;
    json jstored = it == stored.end() ? json() : json(it->second);
    seqs.push_back({{"prefix", key.first}, {"type_code", key.second}, {"stored", jstored}, {"in_use", in_use}});
    if (in_use == 0 && (it == stored.end() || it->second == 0)) continue;  // unused: one screen
    text << "  " << std::left << std::setw(10) << key.first << std::setw(5) << key.second << std::right
         << " stored " << std::setw(6) << (it == stored.end() ? std::string("-") : std::to_string(it->second))
         << "  in use " << std::setw(6) << in_use << "\n";
    any = true;
  }
  if (!any) text << "  no IDs in use yet\n";
  r.sequences_text += text.str();
  r.products.push_back({{"key", p.key}, {"prefix", p.prefix}, {"root", p.root},
                        {"db", db.empty() ? json() : json(db)}, {"sequences", seqs}});
}

void print_install_json(const InstallReport& r, const Backlog& backlog, const std::vector<Dup>& dups) {
  json jd = json::array();
  for (const Dup& d : dups) {
    json hints = json::array();
    for (const std::string& p : d.renumber) hints.push_back("kabsd-guard renumber " + p);
    jd.push_back({{"kind", d.kind}, {"id", d.id}, {"keep", d.keep}, {"renumber", d.renumber}, {"hints", hints}});
  }
  json out = {{"hooks", hooks_json(r.dirs)}, {"server", r.server}, {"backlog", backlog.has_backlog()},
              {"synced", r.synced}, {"products", r.products}, {"duplicates", jd}, {"warnings", r.warnings}};
  std::cout << out.dump(2) << "\n";
}

void print_install_text(const Output& out, const InstallReport& r, const InstallOptions& o, const Backlog& backlog,
                        const std::vector<Dup>& dups) {
  print_hooks(out, r.dirs);
  if (!backlog.has_backlog()) {
    std::cout << "backlog: no backlog yet (no .kano/backlog_config.toml, no _kano/backlog); "
                 "the hooks guard it once there is one\n";
  } else {
    std::cout << (r.synced ? "sequences synced:\n" : o.no_sync ? "sequences (not synced: --no-sync):\n"
                  : r.server ? "sequences (a server's hooks need none):\n"
                             : "sequences (not synced):\n")
              << r.sequences_text;
    if (dups.empty()) std::cout << "duplicates: none\n";
  }
  for (const Dup& d : dups) {
    std::cout << out.paint("warning:", "1;33") << " " << (d.kind == "duplicate-id" ? "duplicate ID " : "duplicate uid ")
              << d.id << ": keep " << d.keep << "\n";
    for (const std::string& p : d.renumber) std::cout << "  kabsd-guard renumber " << p << "\n";
  }
  for (const std::string& w : r.warnings) out.warning(w);
}

int run_install(const Globals& given, const InstallOptions& o) {
  const std::string binary = own_binary_path();  // before -C changes directory
  const Globals g = server_globals(given, o);
  Session s(g);
  const Repo& repo = s.repo();
  InstallReport r;
  // A repository that receives pushes gets the server hooks: nobody commits there.
  r.server = !o.server.empty() || repo.is_bare();
  install_all_hooks(s, binary, r);

  const Backlog& backlog = s.worktree_backlog();
  std::vector<const Product*> products;
  for (const Product& p : backlog.config.products) products.push_back(&p);
  if (!o.no_sync && !products.empty()) sync_for_install(s, g, products, r);
  Highest highest;
  if (!products.empty()) highest = highest_everywhere(repo, s.scan_options());
  for (const Product* p : products) report_product(s, g, *p, highest, r);

  std::vector<Dup> dups = duplicates_of(backlog);
  if (g.json) print_install_json(r, backlog, dups);
  else print_install_text(s.out(), r, o, backlog, dups);
  return r.rc;
}

int run_uninstall(const Globals& given, const InstallOptions& o) {
  Session s(server_globals(given, o));
  const bool server = !o.server.empty() || s.repo().is_bare();
  std::vector<DirResult> dirs;
  for (const HooksDir& d : hooks_dirs(s.repo())) {
    DirResult r{d, uninstall_hooks(d.path)};
    if (server) {
      std::vector<HookOutcome> more = uninstall_server_hooks(d.path);
      // A server has only these; list the client hooks only when some were there.
      std::erase_if(r.hooks, [](const HookOutcome& h) { return h.action == HookAction::NotInstalled; });
      r.hooks.insert(r.hooks.end(), more.begin(), more.end());
    }
    dirs.push_back(std::move(r));
  }
  if (!any_failed(dirs)) forget_hooks_installed(s.repo());
  if (given.json) std::cout << json{{"hooks", hooks_json(dirs)}}.dump(2) << "\n";
  else print_hooks(s.out(), dirs);
  return any_failed(dirs) ? kEnvironment : kOk;
}

}  // namespace

Action add_install(CLI::App& app) {
  auto o = std::make_shared<InstallOptions>();
  CLI::App* sub = app.add_subcommand(
      "install", "Install the git hooks, sync the sequences and report on the backlog");
  sub->add_flag("--no-sync", o->no_sync, "Install the hooks only; do not sync the sequences");
  sub->add_option("--server", o->server,
                  "Install the server hooks (pre-receive, update) into the repository DIR that receives "
                  "pushes; the default in a bare repository")
      ->type_name("DIR");
  sub->footer(R"(Writes pre-commit, pre-merge-commit, pre-push, post-merge, post-checkout,
post-rewrite, post-commit and pre-applypatch into the folder git runs hooks
from (core.hooksPath, else the common git dir's hooks/, shared by every
worktree). An existing hook is never overwritten: it is kept as
<hook>.kabsd-guard-chained and runs first. A hook that already runs
kabsd-guard (a hand-written script, or pre-commit, prek, lefthook, husky or
simple-git-hooks configured to call it) is left alone, so nothing runs twice;
a lefthook, husky or simple-git-hooks hook that does not is reported 'failed'
with the line to add to that manager's configuration. Running install again
changes nothing; 'kabsd-guard uninstall' restores what was there.
'kabsd-guard status --check' later tells whether every hook still runs it.

In a bare repository (or with --server DIR) it writes the server hooks
pre-receive and update instead, which refuse a push that introduces a
duplicate ID (docs/hooks.md, "On the server").

Examples:
  kabsd-guard install
  kabsd-guard -C path/to/repo install --json
  kabsd-guard install --server /srv/git/backlog.git
)");
  return [o](const Globals& g) { return run_install(g, *o); };
}

Action add_uninstall(CLI::App& app) {
  auto o = std::make_shared<InstallOptions>();
  CLI::App* sub = app.add_subcommand("uninstall", "Remove the git hooks that install added; restore chained hooks");
  sub->add_option("--server", o->server, "Remove the server hooks of the repository DIR")->type_name("DIR");
  sub->footer(R"(Removes only kabsd-guard's hooks and puts every hook that install chained
back in its place, byte for byte. The sequence databases are left alone.
)");
  return [o](const Globals& g) { return run_uninstall(g, *o); };
}

}  // namespace kg::cli
