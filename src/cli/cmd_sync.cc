// kabsd-guard sync: raise the stored sequences to the highest number in use
// (docs/sequences.md). Also the one-time migration of an existing backlog.
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>

#include "check/remote_reserve.h"
#include "check/snapshot.h"
#include "check/sync.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/remote_options.h"
#include "cli/session.h"
#include "util/strings.h"

namespace kg::cli {

namespace {

struct SyncOptions {
  std::string product;
  bool dry_run = false;
  RemoteArgs remote;
};

// sync --remote: the remote's sequence ref, raised to its branches' numbers.
nlohmann::ordered_json sync_the_remote(Session& s, const RemoteTransport& t,
                                       const std::vector<const Product*>& products) {
  RemoteSync r = sync_remote(s.repo(), s.scan_options(), products, t);
  nlohmann::ordered_json changes = nlohmann::ordered_json::array();
  if (!s.globals().json) std::cout << "remote " << quote_path(r.remote) << " (" << kSequencesRef << ")\n";
  for (const RemoteSyncChange& c : r.changes) {
    changes.push_back({{"product", c.product}, {"prefix", c.prefix}, {"type_code", c.type_code},
                       {"before", c.before}, {"after", c.after}});
    if (!s.globals().json)
      std::cout << "  " << std::left << std::setw(10) << c.prefix << std::setw(5) << c.type_code << std::right
                << std::setw(6) << c.before << " -> " << c.after << "  " << s.out().paint("raised", "32") << "\n";
  }
  if (!s.globals().json && r.changes.empty()) std::cout << "  up to date with the remote's branches\n";
  return {{"remote", r.remote}, {"ref", std::string(kSequencesRef)}, {"pushed", r.pushed}, {"raised", changes}};
}

std::string show(const std::optional<int64_t>& v) { return v ? std::to_string(*v) : "-"; }

int run_sync(const Globals& g, const SyncOptions& o) {
  Session s(g);
  const bool remote = o.remote.remote_opt->count() > 0;
  if (remote && o.dry_run) throw UsageError("--remote and --dry-run cannot be combined");
  const Backlog& backlog = s.worktree_backlog();
  std::vector<const Product*> products;
  if (!o.product.empty() || !g.db.empty()) products.push_back(&s.pick_product(o.product));
  else for (const Product& p : backlog.config.products) products.push_back(&p);
  if (products.empty()) {
    if (!g.json) s.out().note("kabsd-guard: no kano backlog here; nothing to sync");
    else std::cout << "[]\n";
    return kOk;
  }
  auto synced = sync_products(s.repo(), seen_everywhere(s.repo(), s.scan_options()), products,
                              [&](const Product& p) { return s.db_path(p); }, o.dry_run);
  nlohmann::ordered_json arr = nlohmann::ordered_json::array();
  for (const ProductSync& ps : synced) {
    const Product* p = ps.product;
    const std::string& db = ps.db_path;
    const SyncResult& r = ps.result;
    for (const std::string& w : r.warnings) s.out().warning(w);
    nlohmann::ordered_json seqs = nlohmann::ordered_json::array();
    if (db.empty()) {  // no database it may write: said in the warning
      if (g.json) arr.push_back({{"product", p->key}, {"db", nullptr}, {"dry_run", o.dry_run}, {"sequences", seqs}});
      else std::cout << "not synced " << quote_path(p->key) << "\n";
      continue;
    }
    if (!g.json)
      std::cout << (o.dry_run ? "would sync " : "synced ") << quote_path(p->key) << " (" << quote_path(db) << ")\n";
    for (const auto& [key, change] : r.changes) {
      if (g.json) {
        seqs.push_back({{"prefix", key.first}, {"type_code", key.second},
                        {"before", change.before ? nlohmann::ordered_json(*change.before) : nlohmann::ordered_json()},
                        {"after", change.after}});
        continue;
      }
      bool same = change.before && *change.before == change.after;
      if (same && g.quiet) continue;
      std::cout << "  " << std::left << std::setw(10) << key.first << std::setw(5) << key.second
                << std::right << std::setw(6) << show(change.before) << " -> " << change.after
                << (same ? "" : "  " + s.out().paint(change.before ? "raised" : "created", "32"))
                << "\n";
    }
    if (g.json)
      arr.push_back({{"product", p->key}, {"db", db}, {"dry_run", o.dry_run}, {"sequences", seqs}});
  }
  if (remote) {
    std::optional<RemoteTransport> t = chosen_remote(s.repo(), o.remote);
    nlohmann::ordered_json jr = sync_the_remote(s, *t, products);
    if (g.json) std::cout << nlohmann::ordered_json{{"local", arr}, {"remote", jr}}.dump(2) << "\n";
    return kOk;
  }
  if (g.json) std::cout << arr.dump(2) << "\n";
  return kOk;
}

}  // namespace

Action add_sync(CLI::App& app) {
  auto o = std::make_shared<SyncOptions>();
  CLI::App* sub = app.add_subcommand(
      "sync", "Raise the stored sequences to the highest number in use (never lower)");
  sub->add_option("-p,--product", o->product, "Only this product");
  sub->add_flag("-n,--dry-run", o->dry_run, "Show what would change; write nothing");
  add_remote_options(sub, o->remote,
                     "Also raise the remote's refs/kabsd/sequences to the highest numbers on its branches "
                     "(fetched first; default remote: the upstream, else origin)");
  sub->footer(R"(Creates the database, the table and missing rows. The hooks run it after
merges, checkouts and rebases; run it by hand once to migrate a backlog.
With --remote, the shared sequence ref on the remote is raised too (the
post-merge hook does that when kabsd-guard.reserveRemote is set); --json
then prints {"local": [...], "remote": {...}}.

Examples:
  kabsd-guard sync --dry-run
  kabsd-guard sync --product kano-agent-backlog-skill
  kabsd-guard sync --remote origin
)");
  return [o](const Globals& g) { return run_sync(g, *o); };
}

}  // namespace kg::cli
