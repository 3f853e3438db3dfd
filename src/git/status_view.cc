#include "git/status_view.h"

#include <algorithm>

#include "git/diff.h"
#include "model/layout.h"

namespace kg {

namespace {

bool within(std::string_view path, std::string_view dir) {
  if (dir.empty()) return true;
  return path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 && path[dir.size()] == '/';
}

// True when a folder on the way from `dir` down to `path` is skipped.
bool pruned(std::string_view path, std::string_view dir, const View::SkipDir& skip_dir) {
  std::string_view rest = dir.empty() ? path : path.substr(dir.size() + 1);
  size_t slash;
  while ((slash = rest.find('/')) != std::string_view::npos) {
    if (skip_dir(rest.substr(0, slash))) return true;
    rest.remove_prefix(slash + 1);
  }
  return false;
}

}  // namespace

StatusView::StatusView(const Repo& repo, const std::vector<std::string>& paths)
    : repo_(&repo), paths_(paths), index_(repo), files_(repo.workdir()) {}

const StatusView::Status& StatusView::status() const {
  if (status_) return *status_;
  Status s;
  DiffOptions o;
  o.paths = paths_;
  o.find_renames = false;
  o.include_untracked = true;
  o.include_ignored = true;
  for (const Change& c : diff_index_to_workdir(*repo_, o)) {
    // libgit2 1.5 reports a skip-worktree entry as deleted (or modified, when
    // a file is there); git calls it unchanged.
    if (index_.skip_worktree_entry(c.new_path)) continue;
    if (c.status == Change::Status::Added) s.added.push_back(c.new_path);
    else s.changed.insert(c.new_path);
  }
  // libgit2 passes over a folder it cannot open without a word.
  for (const std::string& p : paths_) files_.probe_dirs(p, is_excluded_dir);
  return status_.emplace(std::move(s));
}

void StatusView::walk(std::string_view raw_dir, const SkipDir& skip_dir, const Visit& visit) const {
  std::string_view dir = trim_slashes(raw_dir);
  const Status& st = status();
  std::set<std::string> done;
  index_.walk(dir, skip_dir, [&](const FileEntry& e) {
    if (st.changed.count(e.path)) return;
    if (done.insert(e.path).second) visit(e);
  });
  auto from_disk = [&](const std::string& path) {
    if (!within(path, dir) || pruned(path, dir, skip_dir) || !done.insert(path).second) return;
    // Listed through the file system so type and size are the file's own.
    std::string parent = path.substr(0, path.rfind('/'));
    files_.walk(parent, [](std::string_view) { return true; }, [&](const FileEntry& f) {
      if (f.path == path) visit(f);
    });
  };
  for (const std::string& path : st.changed) from_disk(path);
  for (const std::string& path : st.added) from_disk(path);
}

std::vector<std::string> StatusView::sparse_dirs(std::string_view raw_dir) const {
  std::vector<std::string> out;
  if (!index_.has_skip_worktree()) return out;
  const std::string_view dir = trim_slashes(raw_dir);
  const size_t skip = dir.empty() ? 0 : dir.size() + 1;
  index_.walk(dir, [&](const FileEntry& e) {
    if (!e.skip_worktree) return;
    const size_t slash = e.path.find('/', skip);
    if (slash != std::string::npos) out.push_back(e.path.substr(skip, slash - skip));
  });
  return out;
}

std::vector<std::string> StatusView::list_dirs(std::string_view dir) const {
  std::vector<std::string> out = files_.list_dirs(dir);
  std::vector<std::string> sparse = sparse_dirs(dir);
  if (sparse.empty()) return out;
  out.insert(out.end(), sparse.begin(), sparse.end());
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

bool StatusView::exists(std::string_view path) const {
  return index_.skip_worktree_entry(path) || files_.exists(path) || is_dir(path);
}

bool StatusView::is_dir(std::string_view path) const {
  if (files_.is_dir(path)) return true;
  if (!index_.has_skip_worktree()) return false;
  bool found = false;
  index_.walk(trim_slashes(path), [&](const FileEntry& e) { found = found || e.skip_worktree; });
  return found;
}

std::optional<std::string> StatusView::read(std::string_view path, size_t max_bytes) const {
  if (auto e = index_.skip_worktree_entry(path)) return index_.read_prefix(*e, max_bytes);
  return files_.read(path, max_bytes);
}

std::string StatusView::read(const FileEntry& entry) const {
  return git_oid_is_zero(&entry.oid) ? files_.read(entry) : index_.read(entry);
}

std::vector<size_t> StatusView::read_order(const std::vector<git_oid>& oids) const {
  return index_.read_order(oids);  // the files read from the working tree have no id: last
}

std::string StatusView::read_prefix(const FileEntry& entry, size_t max_bytes) const {
  return git_oid_is_zero(&entry.oid) ? files_.read_prefix(entry, max_bytes) : index_.read_prefix(entry, max_bytes);
}

}  // namespace kg
