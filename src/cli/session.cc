#include "cli/session.h"

#include "util/strings.h"

#include <unistd.h>

#include <filesystem>
#include <cstring>
#include <fstream>
#include <sstream>

#include "check/renumber_intent.h"
#include "git/error.h"
#include "git/tree_view.h"
#include "git/workdir_view.h"
#include "util/paths.h"

namespace kg::cli {

namespace fs = std::filesystem;

namespace {

Repo open_repo(const Globals& g) {
  if (!g.dir.empty() && chdir(g.dir.c_str()) != 0)
    throw UsageError("cannot change to " + g.dir + ": " + std::strerror(errno));
  try {
    return Repo::open_from_env();
  } catch (const NotARepository&) {
    throw UsageError("not a git repository (or any parent up to the mount point): " +
                     fs::current_path().string());
  }
}

// `path` relative to `root` when inside it, else nullopt.
std::optional<std::string> inside(const fs::path& path, const std::string& root) {
  if (root.empty()) return std::nullopt;
  std::error_code ec;
  fs::path p = fs::weakly_canonical(path, ec);
  fs::path r = fs::weakly_canonical(root, ec);
  std::string ps = p.generic_string(), rs = r.generic_string();
  if (ps == rs) return std::string();
  if (ps.size() > rs.size() && ps.compare(0, rs.size(), rs) == 0 && ps[rs.size()] == '/')
    return ps.substr(rs.size() + 1);
  return std::nullopt;
}

}  // namespace

Session::Session(const Globals& globals, bool warn_pending_renumber)
    : globals_(globals), out_(globals), repo_(open_repo(globals)), cache_(repo_.sha256() ? nullptr : FactsCache::open(repo_.common_dir())) {
  // A sha256 repository is read through its SHA-1 mirror (git/sha1_mirror.h): no caches.
  renumber_pending_ = !repo_.is_bare() && renumber_intent_pending(repo_.git_dir());
  if (renumber_pending_ && warn_pending_renumber)
    out_.warning("a renumber in this worktree was interrupted (or is still running): " +
                 renumber_intent_path(repo_.git_dir()) + " exists. Run 'kabsd-guard renumber --resume' to finish it.");
  scan_.cache = cache_.get();
  if (!repo_.is_bare()) scan_.start_dir = inside(fs::current_path(), repo_.workdir()).value_or("");
  if (!globals_.config.empty()) {
    std::ifstream in(globals_.config, std::ios::binary);
    if (!in) throw UsageError("cannot read the config file " + globals_.config);
    std::ostringstream text;
    text << in.rdbuf();
    scan_.config_text = text.str();
    scan_.config_path = globals_.config;
    // The config sits in `<base>/.kano/`; paths in it are relative to <base>.
    fs::path base = fs::absolute(globals_.config).parent_path().parent_path();
    scan_.config_base = inside(base, repo_.workdir()).value_or("");
  }
}

const Backlog& Session::worktree_backlog() {
  if (!backlog_) {
    if (repo_.is_bare()) {
      auto tree = repo_.head_tree();
      if (tree) backlog_ = scan_backlog(TreeView(repo_, *tree), scan_);
      else backlog_ = Backlog{};
    } else {
      backlog_ = scan_worktree(repo_, scan_);
    }
  }
  return *backlog_;
}

const Config& Session::config() {
  if (backlog_) return backlog_->config;
  if (!config_) {
    if (repo_.is_bare()) return worktree_backlog().config;
    config_ = load_products(WorkdirView(repo_.workdir()), scan_).config;
  }
  // A prefix not set by the config comes from the items: scan them.
  for (const Product& p : config_->products)
    if (p.prefix_from != Product::PrefixFrom::Config) return worktree_backlog().config;
  return *config_;
}

const Product& Session::pick_product(const std::string& key) {
  const Config& config = this->config();
  std::string names;
  for (const Product& p : config.products) names += "\n  " + p.key + " (" + p.prefix + ", " + p.root + ")";
  if (config.products.empty())
    throw UsageError("no kano backlog found (no .kano/backlog_config.toml, no _kano/backlog)");
  if (!key.empty()) {
    if (const Product* p = config.find(key)) return *p;
    throw UsageError("unknown product '" + key + "'; the products are:" + names);
  }
  if (config.products.size() == 1) return config.products.front();
  if (const Product* p = config.find(config.default_product)) return *p;
  throw UsageError("several products: name one with --product KEY:" + names);
}

std::string Session::db_path(const Product& product) const {
  if (!globals_.db.empty()) return fs::absolute(globals_.db).string();
  if (!product.db_refused.empty()) throw UsageError("product " + quote_path(product.key) + ": " + product.db_refused);
  std::string rel = product.db_path();
  if (repo_.is_bare())
    throw UsageError("a bare repository has no working tree for the sequence database; pass --db PATH");
  std::string path = absolute(rel);
  // The config keeps the path inside the working tree; a symlinked folder
  // on the way must not take it out (issue 15): nothing is written outside.
  // The folder is resolved, the file only looked at: the Python tool may
  // delete and recreate the file at any moment (a rebuild), and resolving a
  // path whose last part comes and goes fails at random.
  std::error_code ec;
  const fs::path top = fs::weakly_canonical(repo_.workdir(), ec);
  const fs::path real = ec ? fs::path() : fs::weakly_canonical(fs::path(path).parent_path(), ec);
  const std::string top_s = top.string(), real_s = real.string();
  std::error_code link_ec;
  const bool file_is_link = fs::is_symlink(fs::symlink_status(path, link_ec));
  if (ec || file_is_link || top_s.empty() || !path_within(real_s, top_s == "/" ? "" : top_s))
    throw UsageError("the sequence database of product " + quote_path(product.key) + ", " + quote_path(path) +
                     ", leads outside the working tree (through a symbolic link?); nothing is written there. "
                     "Pass --db PATH to name one");
  return path;
}

std::string Session::absolute(const std::string& rel) const {
  return path_join(repo_.workdir(), rel);
}

}  // namespace kg::cli
