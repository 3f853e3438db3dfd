// kabsd-guard status: the stored sequences next to the highest number in use.
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>

#include "check/hook_health.h"
#include "check/sources.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/session.h"
#include "store/reservation.h"
#include "util/paths.h"

namespace kg::cli {

namespace {

struct StatusOptions {
  bool check = false;
};

// Text mode: whether each hook still runs kabsd-guard. False when one that
// install wrote no longer does.
bool print_hooks_health(const Session& s, const HooksHealth& health) {
  if (!health.installed) {
    std::cout << "hooks: not installed here ('kabsd-guard install' installs them)\n";
    return true;
  }
  std::string dir;
  for (const HookHealth& h : health.hooks) {
    std::string folder(path_dirname(h.path));
    if (folder != dir) std::cout << "hooks: " << (dir = folder) << "\n";
    std::cout << "  " << std::left << std::setw(18) << h.name << std::right
              << (h.runs ? s.out().paint("runs", "32") : s.out().paint("OFF", "1;31")) << "  "
              << (h.runs ? h.how : h.problem) << "\n";
  }
  for (const HookHealth& h : health.hooks)
    if (!h.runs) s.out().warning("the " + h.name + " hook does not run kabsd-guard: " + h.fix);
  return health.all_run();
}

int run_status(const Globals& g, const StatusOptions& o) {
  Session s(g);
  const Backlog& backlog = s.worktree_backlog();
  Highest highest = highest_everywhere(s.repo(), s.scan_options());
  bool all_ok = true;
  nlohmann::ordered_json arr = nlohmann::ordered_json::array();
  for (const Product& p : backlog.config.products) {
    std::string db = s.db_path(p);
    OddValues odd;
    std::map<SequenceKey, int64_t> stored = read_stored(db, &odd);
    for (const std::string& m : odd.messages) s.out().warning("warning: " + m + " in " + db);
    Highest rows = product_sequences(p, backlog, highest);
    for (const auto& [key, v] : stored) rows.try_emplace(key, highest.count(key) ? highest.at(key) : 0);
    if (!g.json) std::cout << p.key << " (prefix " << p.prefix << ", " << db << ")\n";
    nlohmann::ordered_json seqs = nlohmann::ordered_json::array();
    for (const auto& [key, in_use] : rows) {
      auto it = stored.find(key);
      if (it == stored.end() && in_use == 0) continue;  // never used: nothing to guard
      const char* state = it == stored.end() ? "MISSING" : it->second < in_use ? "STALE" : "OK";
      if (std::string_view(state) != "OK") all_ok = false;
      if (g.json) {
        seqs.push_back({{"prefix", key.first}, {"type_code", key.second},
                        {"stored", it == stored.end() ? nlohmann::ordered_json() : nlohmann::ordered_json(it->second)},
                        {"in_use", in_use}, {"state", state}});
        continue;
      }
      std::string st = state;
      std::string painted = s.out().paint(st, st == "OK" ? "32" : "1;33");
      std::cout << "  " << std::left << std::setw(10) << key.first << std::setw(5) << key.second
                << std::right << " stored " << std::setw(6)
                << (it == stored.end() ? std::string("-") : std::to_string(it->second))
                << "  in use " << std::setw(6) << in_use << "  " << painted << "\n";
    }
    if (g.json) arr.push_back({{"product", p.key}, {"prefix", p.prefix}, {"db", db}, {"sequences", seqs}});
  }
  if (g.json) std::cout << arr.dump(2) << "\n";
  HooksHealth health = hooks_health(s.repo());
  bool hooks_ok = health.installed ? health.all_run() : true;
  if (!g.json) print_hooks_health(s, health);
  else if (!hooks_ok)
    for (const HookHealth& h : health.hooks)
      if (!h.runs) s.out().warning("the " + h.name + " hook does not run kabsd-guard: " + h.problem + "; " + h.fix);
  if (!g.json && !all_ok && !g.quiet)
    s.out().note("hint: run 'kabsd-guard sync' to raise the stored values");
  return o.check && (!all_ok || !hooks_ok) ? kFindings : kOk;
}

}  // namespace

Action add_status(CLI::App& app) {
  auto o = std::make_shared<StatusOptions>();
  CLI::App* sub = app.add_subcommand(
      "status", "Show each sequence: stored value, highest in use, OK / STALE / MISSING");
  sub->add_flag("--check", o->check, "Exit 1 unless every sequence is OK and every installed hook runs kabsd-guard");
  sub->footer(R"(STALE: the stored value is below a number already in use (the Python tool
would hand that number out again). MISSING: numbers are in use but the
database has no row. Fix both with 'kabsd-guard sync'.

Then the hooks: once 'kabsd-guard install' has run here, each hook it wrote
either runs kabsd-guard (its own script, or a hook manager configured to call
it) or is OFF: deleted, overwritten by another manager, renamed to <hook>.old
by lefthook, or in a folder git no longer runs (core.hooksPath). OFF hooks
are named with the fix, and make --check exit 1.
)");
  return [o](const Globals& g) { return run_status(g, *o); };
}

}  // namespace kg::cli
