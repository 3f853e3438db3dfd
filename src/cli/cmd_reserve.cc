// kabsd-guard reserve: hand out IDs atomically (docs/reserve.md).
#include <iostream>
#include <nlohmann/json.hpp>

#include "check/allocate.h"
#include "check/remote_reserve.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/remote_options.h"
#include "cli/session.h"
#include "model/layout.h"
#include "store/reservation.h"
#include "util/paths.h"

namespace kg::cli {

namespace {

struct ReserveOptions {
  std::string type;
  std::string product;
  int count = 1;
  std::string title;
  bool no_fallback = false;
  RemoteArgs remote;
  std::string remote_fallback = "fail";
};

// Through the remote when one is chosen; its failure falls back to the local
// table only when asked (--remote-fallback local).
Allocation allocate_with(Session& s, const ReserveOptions& o, const AllocateRequest& req, std::string& via) {
  std::optional<RemoteTransport> t = chosen_remote(s.repo(), o.remote);
  if (!t) return allocate(s.repo(), s.scan_options(), req);
  try {
    Allocation a = allocate_remote(s.repo(), s.scan_options(), req, *t);
    via = t->remote;
    return a;
  } catch (const RemoteError& e) {
    if (o.remote_fallback != "local") throw;
    s.out().warning(std::string(e.what()) + "; reserving from this clone's table only (--remote-fallback local): "
                    "another clone may hand out the same numbers");
  }
  return allocate(s.repo(), s.scan_options(), req);
}

int run_reserve(const Globals& g, const ReserveOptions& o) {
  auto type = parse_type(o.type);
  if (!type)
    throw UsageError("unknown type '" + o.type +
                     "'; use one of TSK/Task, FTR/Feature, USR/UserStory/Story, EPIC/Epic, BUG/Bug, ADR");
  if (o.count < 1 || o.count > kMaxReserveCount)
    throw UsageError("--count must be between 1 and " + std::to_string(kMaxReserveCount));
  Session s(g);
  const Product& product = s.pick_product(o.product);
  const std::string code(type_code(*type));

  AllocateRequest req;
  req.product = &product;
  req.type = *type;
  req.count = o.count;
  req.db_path = s.db_path(product);
  req.no_fallback = o.no_fallback;
  std::string via;
  Allocation a = allocate_with(s, o, req, via);
  for (const std::string& w : a.warnings) s.out().warning(w);

  nlohmann::ordered_json arr = nlohmann::ordered_json::array();
  for (size_t i = 0; i < a.ids.size(); ++i) {
    const ItemId& id = a.ids[i];
    if (!g.json) {
      std::cout << id.display() << "\n";
      continue;
    }
    nlohmann::ordered_json j = {{"id", id.display()}, {"number", id.number}, {"prefix", product.prefix},
                        {"type_code", code},  {"product", product.key}, {"uid", a.uids[i]}};
    if (!via.empty()) j["remote"] = via;
    if (!o.title.empty()) j["path"] = path_join(product.root, item_relpath(id, slugify(o.title)));
    arr.push_back(std::move(j));
  }
  if (g.json) std::cout << arr.dump(2) << "\n";
  return kOk;
}

}  // namespace

Action add_reserve(CLI::App& app) {
  auto o = std::make_shared<ReserveOptions>();
  CLI::App* sub = app.add_subcommand("reserve", "Reserve the next free ID(s) for a new item");
  sub->add_option("-t,--type", o->type, "Type code or name: TSK/Task, FTR/Feature, USR/UserStory/Story, EPIC/Epic, BUG/Bug, ADR")
      ->required();
  sub->add_option("-p,--product", o->product, "Product key (required when there are several)");
  sub->add_option("-n,--count", o->count, "How many consecutive IDs")->capture_default_str();
  sub->add_option("--title", o->title, "Title of the new item; --json then adds its path");
  sub->add_flag("--no-fallback", o->no_fallback,
                "Fail instead of falling back to a file scan when the database is read-only");
  add_remote_options(sub, o->remote,
                     "Take the numbers from the remote's refs/kabsd/sequences (default remote: the current "
                     "branch's upstream, else origin), shared by every clone");
  sub->add_option("--remote-fallback", o->remote_fallback,
                  "When the remote cannot be used: fail (default), or reserve locally with a warning")
      ->check(CLI::IsMember({"fail", "local"}))
      ->capture_default_str();
  sub->footer(R"(The number is above the highest in use anywhere the repository can see:
the database, the clone journal, the working tree, the index, HEAD, every
local and remote-tracking branch and sibling worktrees. With --remote (or
git config kabsd-guard.reserveRemote NAME|true), also above the remote's
refs/kabsd/sequences, which every clone raises with a compare-and-swap push
(docs/reserve.md, "Many clones, many machines").

Examples:
  kabsd-guard reserve --type task                 # KABSD-TSK-0303
  kabsd-guard reserve -t bug -n 3 -p demo         # three consecutive IDs
  kabsd-guard --json reserve -t Story --title "Login page"
  kabsd-guard reserve -t task --remote origin     # one sequence for every clone
  git config kabsd-guard.reserveRemote origin     # ...for every reserve here
)");
  return [o](const Globals& g) { return run_reserve(g, *o); };
}

}  // namespace kg::cli
