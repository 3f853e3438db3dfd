// A command's view of the repository: the opened repo (after -C), where the
// user stands in it, and how to find the config and the database.
#pragma once

#include <memory>
#include <string>

#include "check/backlog.h"
#include "cli/context.h"
#include "git/repo.h"

namespace kg::cli {

class Session {
 public:
  // Applies -C, opens the repository git would use and reads --config.
  // Throws UsageError when there is no repository or --config is unreadable.
  // Warns when an interrupted renumber is pending (one stat; see
  // docs/renumber.md), unless `warn_pending_renumber` is false.
  explicit Session(const Globals& globals, bool warn_pending_renumber = true);

  const Globals& globals() const { return globals_; }
  const Output& out() const { return out_; }
  const Repo& repo() const { return repo_; }
  const ScanOptions& scan_options() const { return scan_; }
  // An interrupted (or running) renumber left its intent in this worktree.
  bool renumber_pending() const { return renumber_pending_; }

  // The backlog in the working tree (the HEAD tree in a bare repository).
  const Backlog& worktree_backlog();
  // The config and products of the working tree, without reading the items
  // unless a product's prefix must come from them.
  const Config& config();
  // The product named by `key`, or the only one. Throws UsageError listing
  // the products when `key` is empty and there are several, or unknown.
  const Product& pick_product(const std::string& key);
  // --db, else the product's chunks database in this worktree.
  std::string db_path(const Product& product) const;
  // Absolute path of a repository-relative one.
  std::string absolute(const std::string& rel) const;

 private:
  Globals globals_;
  Output out_;
  Repo repo_;
  std::unique_ptr<FactsCache> cache_;  // before scan_, which points to it
  ScanOptions scan_;
  std::optional<Backlog> backlog_;
  std::optional<Config> config_;
  bool renumber_pending_ = false;
};

}  // namespace kg::cli
