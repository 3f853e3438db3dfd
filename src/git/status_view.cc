#include "git/status_view.h"

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
    : index_(repo), files_(repo.workdir()) {
  DiffOptions o;
  o.paths = paths;
  o.find_renames = false;
  o.include_untracked = true;
  o.include_ignored = true;
  for (const Change& c : diff_index_to_workdir(repo, o)) {
    if (c.status == Change::Status::Added) added_.push_back(c.new_path);
    else changed_.insert(c.new_path);
  }
  // libgit2 passes over a folder it cannot open without a word.
  for (const std::string& p : paths) files_.probe_dirs(p, is_excluded_dir);
}

void StatusView::walk(std::string_view raw_dir, const SkipDir& skip_dir, const Visit& visit) const {
  std::string_view dir = trim_slashes(raw_dir);
  std::set<std::string> done;
  index_.walk(dir, skip_dir, [&](const FileEntry& e) {
    if (changed_.count(e.path)) return;
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
  for (const std::string& path : changed_) from_disk(path);
  for (const std::string& path : added_) from_disk(path);
}

std::vector<std::string> StatusView::list_dirs(std::string_view dir) const { return files_.list_dirs(dir); }
bool StatusView::exists(std::string_view path) const { return files_.exists(path); }
bool StatusView::is_dir(std::string_view path) const { return files_.is_dir(path); }
std::optional<std::string> StatusView::read(std::string_view path, size_t max_bytes) const {
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
