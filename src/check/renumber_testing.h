// Helpers for the renumber tests: a throwaway repository with one configured
// product, item files as the Python tool writes them, and snapshots of the
// whole working tree plus .git/index. Header-only (tests only).
#pragma once

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "check/backlog.h"
#include "check/renumber.h"
#include "git/testing.h"
#include "git/workdir_view.h"

namespace kg::renumber_test {

using namespace gittest;

// A UUIDv7 at 2025 plus `n` ms: deterministic and ordered.
inline std::string uid_n(int n) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "01960000-0000-7000-8000-%012x", n);
  return buf;
}

inline std::string item_text(const std::string& id, const std::string& uid, const std::string& extra = "") {
  const std::string parent = extra.rfind("parent:", 0) == 0 ? "" : "parent: null\n";
  return "---\nid: " + id + "\nuid: " + uid + "\ntype: Task\ntitle: \"Item\"\n" + parent + extra +
         "---\n\n# Context\n\nSomething.\n\n# Worklog\n\n2025-01-01 10:00 [agent=tester] Created item\n";
}

inline std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class Fixture {
 public:
  static constexpr const char* kRoot = "_kano/backlog/products/demo";

  Fixture() : root_(tmp_ / "repo") {
    init_repo(root_);
    write_file(root_ / ".kano/backlog_config.toml",
               "[products.demo]\nprefix = \"DEMO\"\nbacklog_root = \"_kano/backlog/products/demo\"\n");
    write_file(root_ / ".gitignore", ".kano/cache/\n");
    commit_all(root_, "init");
  }

  const fs::path& root() const { return root_; }
  std::string workdir() const { return root_.string(); }
  fs::path tmp() const { return tmp_.path(); }

  // "items/task/0000/DEMO-TSK-0005_x.md" below the product root.
  std::string rel(const std::string& sub) const { return std::string(kRoot) + "/" + sub; }
  std::string write(const std::string& sub, const std::string& content) const {
    write_file(root_ / rel(sub), content);
    return rel(sub);
  }
  Backlog scan() const { return scan_backlog(WorkdirView(root_), ScanOptions{}); }
  Repo repo() const { return Repo::open(root_.string()); }
  std::string db() const { return (root_ / ".kano/cache/backlog/backlog.demo.chunks.v1.db").string(); }
  std::function<std::string(const Product&)> db_path() const {
    std::string d = db();
    return [d](const Product&) { return d; };
  }

  // Every file of the working tree and .git/index, by path (no objects).
  std::map<std::string, std::string> snapshot() const {
    std::map<std::string, std::string> out;
    for (auto it = fs::recursive_directory_iterator(root_); it != fs::recursive_directory_iterator(); ++it) {
      std::string r = fs::relative(it->path(), root_).generic_string();
      if (r.rfind(".git/", 0) == 0 && r != ".git/index") continue;
      if (it->is_symlink()) out[r] = "-> " + fs::read_symlink(it->path()).string();
      else if (it->is_regular_file()) out[r] = read_file(it->path());
      else if (it->is_directory()) out[r + "/"] = "";
    }
    return out;
  }

 private:
  CleanGitEnv clean_;
  TempDir tmp_;
  fs::path root_;
};

// select + load + references + numbers from the real reservation path.
inline RenumberPlan full_plan(const Fixture& f, RenumberPlan plan, bool reserve) {
  Backlog b = f.scan();
  Repo repo = f.repo();
  load_files(plan, repo, f.workdir());
  find_references(plan, b, f.workdir());
  NumberSource numbers = reserve ? allocated_numbers(repo, ScanOptions{}, f.db_path(), nullptr)
                                 : provisional_numbers(repo, ScanOptions{}, f.db_path());
  number_moves(plan, b.config, numbers, std::nullopt, !reserve);
  return plan;
}

}  // namespace kg::renumber_test
