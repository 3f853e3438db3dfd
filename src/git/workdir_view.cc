#include "git/workdir_view.h"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <system_error>

#include "util/files.h"

namespace kg {

namespace fs = std::filesystem;

namespace {

// The entries of a folder as (name, status-without-following), sorted by
// name bytes; `.git` left out; empty when the folder cannot be read, and
// then `*error` says why.
std::vector<std::pair<std::string, fs::file_status>> entries_of(const fs::path& dir, std::string* error = nullptr) {
  std::vector<std::pair<std::string, fs::file_status>> out;
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec && error) *error = ec.message();
  for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
    std::string name = it->path().filename().native();
    if (name == ".git") continue;
    std::error_code stat_ec;
    fs::file_status status = it->symlink_status(stat_ec);
    if (stat_ec) continue;
    out.emplace_back(std::move(name), status);
  }
  std::sort(out.begin(), out.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  return out;
}

bool is_git_path(std::string_view path) {
  for (std::string_view rest = path;;) {
    const size_t slash = rest.find('/');
    if (rest.substr(0, slash) == ".git") return true;
    if (slash == std::string_view::npos) return false;
    rest.remove_prefix(slash + 1);
  }
}

}  // namespace

WorkdirView::WorkdirView(fs::path root) : root_(std::move(root)) {}

fs::path WorkdirView::full(std::string_view path) const {
  const std::string_view rel = trim_slashes(path);
  return rel.empty() ? root_ : root_ / fs::path(std::string(rel));
}

void WorkdirView::walk_dir(const fs::path& dir, const std::string& prefix,
                           const SkipDir& skip_dir, const Visit& visit) const {
  std::string error;
  const auto entries = entries_of(dir, &error);
  if (!error.empty()) unreadable_.emplace_back(prefix, error);
  for (const auto& [name, status] : entries) {
    const std::string path = prefix.empty() ? name : prefix + "/" + name;
    const fs::path file = dir / name;
    std::error_code ec;
    if (fs::is_directory(status)) {
      if (!skip_dir(name)) walk_dir(file, path, skip_dir, visit);
    } else if (fs::is_symlink(status)) {
      FileEntry entry;
      entry.path = path;
      entry.symlink = true;
      entry.size = fs::read_symlink(file, ec).native().size();
      if (!ec) visit(entry);
    } else if (fs::is_regular_file(status)) {
      FileEntry entry;
      entry.path = path;
      entry.size = fs::file_size(file, ec);
      if (!ec) visit(entry);
    }  // sockets, fifos, devices: not files git tracks
  }
}

void WorkdirView::walk(std::string_view dir, const SkipDir& skip_dir, const Visit& visit) const {
  if (is_git_path(trim_slashes(dir)) || !is_dir(dir)) return;
  walk_dir(full(dir), std::string(trim_slashes(dir)), skip_dir, visit);
}

void WorkdirView::probe_dirs(std::string_view raw_dir, const SkipDir& skip_dir) const {
  const std::string dir(trim_slashes(raw_dir));
  if (is_git_path(dir) || !is_dir(dir)) return;
  std::vector<std::string> todo{dir};
  while (!todo.empty()) {
    const std::string at = std::move(todo.back());
    todo.pop_back();
    std::error_code ec;
    fs::directory_iterator it(full(at), ec);
    if (ec) {
      unreadable_.emplace_back(at, ec.message());
      continue;
    }
    for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
      std::error_code type_ec;
      const std::string name = it->path().filename().native();
      // The type from the listing itself (d_type): no stat per file.
      if (it->is_directory(type_ec) && !it->is_symlink(type_ec) && name != ".git" && !skip_dir(name))
        todo.push_back(at.empty() ? name : at + "/" + name);
    }
  }
}

std::vector<std::string> WorkdirView::list_dirs(std::string_view dir) const {
  std::vector<std::string> names;
  if (is_git_path(trim_slashes(dir))) return names;
  for (const auto& [name, status] : entries_of(full(dir))) {
    if (fs::is_directory(status)) names.push_back(name);
  }
  return names;
}

bool WorkdirView::exists(std::string_view path) const {
  if (is_git_path(trim_slashes(path))) return false;
  std::error_code ec;
  return fs::exists(fs::symlink_status(full(path), ec));
}

bool WorkdirView::is_dir(std::string_view path) const {
  if (is_git_path(trim_slashes(path))) return false;
  std::error_code ec;
  return fs::is_directory(fs::symlink_status(full(path), ec));
}

std::optional<std::string> WorkdirView::read_at(std::string_view path, size_t max_bytes) const {
  if (trim_slashes(path).empty() || is_git_path(trim_slashes(path))) return std::nullopt;
  const fs::path file = full(path);
  std::error_code ec;
  const fs::file_status status = fs::symlink_status(file, ec);
  if (ec) return std::nullopt;
  if (fs::is_symlink(status)) {
    std::string target = fs::read_symlink(file, ec).native();
    if (ec) return std::nullopt;
    if (target.size() > max_bytes) target.resize(max_bytes);
    return target;
  }
  if (!fs::is_regular_file(status)) return std::nullopt;
  return read_regular_prefix(file.native(), max_bytes);  // still one when opened
}

std::optional<std::string> WorkdirView::read(std::string_view path, size_t max_bytes) const {
  return read_at(path, max_bytes);
}

std::string WorkdirView::read(const FileEntry& entry) const {
  return read_prefix(entry, std::numeric_limits<size_t>::max());
}

std::string WorkdirView::read_prefix(const FileEntry& entry, size_t max_bytes) const {
  std::optional<std::string> content = read_at(entry.path, max_bytes);
  if (!content) throw std::runtime_error("cannot read " + full(entry.path).native());
  return std::move(*content);
}

}  // namespace kg
