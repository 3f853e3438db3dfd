#include "cli/app.h"

#include <CLI/CLI.hpp>
#include <iostream>
#include <map>

#include "cli/commands.h"
#include "cli/crosscheck.h"
#include "cli/exit_codes.h"
#include "git/engines.h"
#include "git/error.h"
#include "git/libgit2.h"
#include "store/reservation.h"
#include "store/sqlite.h"

namespace kg::cli {

namespace {

constexpr const char* kFooter = R"(Exit codes: 0 success, 1 findings block (check) or sequences not OK
(status --check), 2 usage or input error, 3 database/journal/repository
cannot be read or written, 70 internal error. See docs/exit-codes.md.
Run 'kabsd-guard COMMAND --help' for a command's options and examples.)";

}  // namespace

int run(int argc, char** argv) {
  const Libgit2 libgit2;  // libgit2's process-wide options, for this run (git/libgit2.h)
  CLI::App app{"kabsd-guard: keeps the IDs of file-based (kano) backlogs unique.\n"
               "Reserve IDs atomically, guard commits/merges/pushes against duplicate IDs,\n"
               "and heal the sequence table after merges."};
  app.set_version_flag("--version", "kabsd-guard 0.1.0");
  app.require_subcommand(1);
  app.fallthrough();  // global options also after the subcommand
  app.footer(kFooter);
  Globals g;
  app.add_option("-C", g.dir, "Run as if started in DIR (like git -C)")->type_name("DIR");
  app.add_option("--config", g.config, "Use this backlog_config.toml instead of searching")->type_name("PATH");
  app.add_option("--db", g.db, "Use this sequence database instead of the product's")->type_name("PATH");
  app.add_flag("--json", g.json, "Machine-readable output on stdout");
  app.add_flag("-q,--quiet", g.quiet, "Print only results and errors");
  app.add_flag("-v,--verbose", g.verbose,
               "Say on stderr where the git binary read what libgit2 could not (split or sparse index, "
               "objects of a partial clone, ownership)");

  std::map<CLI::App*, Action> actions;
  auto add = [&](Action (*adder)(CLI::App&)) {
    Action a = adder(app);
    actions[app.get_subcommands({}).back()] = std::move(a);
  };
  add(add_reserve);
  add(add_sync);
  add(add_status);
  add(add_renumber);
  add(add_install);
  add(add_uninstall);
  add(add_check);
  add(add_hook);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? kOk : kUsage;
  }
  Output out(g);
  // --verbose: which engine answered, also when the command fails.
  // (Not in a crosscheck's parent: its two runs each print their own.)
  const std::vector<std::string> args(argv, argv + argc);
  const bool crosscheck = crosscheck_wanted(args);
  struct Engines {
    const Globals& g;
    bool skip;
    ~Engines() {
      if (!g.verbose || skip) return;
      std::vector<std::string> notes = engine_notes();
      if (notes.empty()) std::cerr << "kabsd-guard: engine: libgit2 read everything\n";
      for (const std::string& n : notes) std::cerr << "kabsd-guard: engine: git: " << n << "\n";
    }
  } engines{g, crosscheck};
  try {
    if (crosscheck) return run_crosschecked(args);
    for (auto& [sub, action] : actions)
      if (sub->parsed()) return action(g);
    return kUsage;
  } catch (const UsageError& e) {
    out.error(e.what());
    return kUsage;
  } catch (const OutOfNumbers& e) {
    out.error(e.what());
    return kUsage;
  } catch (const StoreError& e) {
    out.error(e.what());
    return kEnvironment;
  } catch (const GitError& e) {
    out.error(e.what());
    return kEnvironment;
  } catch (const std::exception& e) {
    out.error(std::string("internal error: ") + e.what());
    return kInternal;
  }
}

}  // namespace kg::cli
