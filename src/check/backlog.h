// The backlog as one snapshot holds it: its configuration (taken from that
// same snapshot, contract section 1), its products and every item and
// decision file in scan scope.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "git/repo.h"
#include "git/view.h"
#include "store/facts_cache.h"
#include "model/config.h"
#include "model/item.h"

namespace kg {

// Restricts a scan to the items that matter for a few IDs: those claiming
// one of `keys` (claim keys, see Item::claim_key), carrying one of `uids`
// (lower case), or sitting at one of `paths`.
struct ScanFilter {
  std::set<std::string> keys, uids, paths;
};

struct ScanOptions {
  // Repository-relative folder to look for `.kano/backlog_config.toml` from,
  // walking up (the current directory's place in the repository).
  std::string start_dir;
  // An explicit config (--config): its text and the repository-relative
  // folder holding its `.kano/`. Used for every snapshot when set.
  std::optional<std::string> config_text;
  std::string config_path;
  std::string config_base;
  // Parsed results by object id; null: read and parse everything.
  FactsCache* cache = nullptr;
  // Only the items that matter for these IDs; null: every item.
  const ScanFilter* filter = nullptr;
};

struct Backlog {
  Config config;
  std::vector<Item> items;       // sorted by path
  std::vector<Finding> findings; // of the scan itself: symlinks, unreadable files

  bool has_backlog() const { return !config.products.empty(); }
  // Config, scan and item findings, in a deterministic order.
  std::vector<Finding> all_findings() const;
};

// Scans `view`. Never throws for bad content; every problem is a finding.
Backlog scan_backlog(const View& view, const ScanOptions& options);

// The working tree of `repo`: config and products from its files, items as
// `git status` sees them (unchanged files through the index and the cache,
// changed and untracked ones read from disk).
Backlog scan_worktree(const Repo& repo, const ScanOptions& options);

// The config and products as `view` holds them, without the items.
Backlog load_products(const View& view, const ScanOptions& options);

// What a scan reports for a symlink where an item file would be.
Finding symlink_finding(const std::string& path);

// Finds the config in `view` by walking up from `start_dir`; returns the
// config (possibly with no products) and leaves discovery to the caller.
Config find_config(const View& view, const ScanOptions& options);

}  // namespace kg
