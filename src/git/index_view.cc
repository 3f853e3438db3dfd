#include "git/index_view.h"

#include <set>
#include <unordered_map>

#include "git/blob.h"
#include "git/error.h"
#include "git/packs.h"

namespace kg {

namespace {

bool listed(const git_index_entry& e) {
  const int stage = git_index_entry_stage(&e);
  if (stage == 1) return false;  // the common ancestor of a conflict
  if ((e.flags_extended & GIT_INDEX_ENTRY_INTENT_TO_ADD) != 0) return false;
  const auto type = e.mode & 0170000u;
  return type == 0100000u || type == 0120000u;  // regular file or symlink
}

std::string dir_prefix(std::string_view dir) {
  std::string prefix(trim_slashes(dir));
  if (!prefix.empty()) prefix += '/';
  return prefix;
}

}  // namespace

IndexView::IndexView(const Repo& repo, IndexPtr index)
    : repo_(&repo), index_(std::move(index)), odb_(repo.odb()) {
  if (!index_) throw GitError("null index");
  const size_t count = git_index_entrycount(index_.get());
  for (size_t i = 0; i < count && !has_skip_worktree_; ++i) {
    const git_index_entry* e = git_index_get_byindex(index_.get(), i);
    has_skip_worktree_ = listed(*e) && (e->flags_extended & GIT_INDEX_ENTRY_SKIP_WORKTREE) != 0;
  }
}

std::optional<FileEntry> IndexView::skip_worktree_entry(std::string_view path) const {
  if (!has_skip_worktree_) return std::nullopt;
  const git_index_entry* e = file_at(path);
  if (e == nullptr || (e->flags_extended & GIT_INDEX_ENTRY_SKIP_WORKTREE) == 0) return std::nullopt;
  return to_file(*e);
}

IndexView::IndexView(const Repo& repo) : IndexView(repo, repo.index()) {}

size_t IndexView::lower_bound(std::string_view path) const {
  size_t lo = 0;
  size_t hi = git_index_entrycount(index_.get());
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    if (std::string_view(git_index_get_byindex(index_.get(), mid)->path) < path) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

template <typename Fn>
void IndexView::scan(std::string_view prefix, Fn&& fn) const {
  // A case-sensitive index is sorted bytewise, so the entries below a folder
  // are one contiguous run; a case-insensitive one (core.ignorecase) is not.
  const bool sorted = (git_index_caps(index_.get()) & GIT_INDEX_CAPABILITY_IGNORE_CASE) == 0;
  const size_t count = git_index_entrycount(index_.get());
  for (size_t i = sorted ? lower_bound(prefix) : 0; i < count; ++i) {
    const git_index_entry* e = git_index_get_byindex(index_.get(), i);
    if (!std::string_view(e->path).starts_with(prefix)) {
      if (sorted) break;
      continue;
    }
    if (listed(*e) && fn(*e)) return;
  }
}

FileEntry IndexView::to_file(const git_index_entry& e) const {
  FileEntry file;
  file.path = e.path;
  file.oid = e.id;
  file.symlink = (e.mode & 0170000u) == 0120000u;
  file.size = e.file_size;  // as git recorded it; 0 when unknown
  file.stage = git_index_entry_stage(&e);
  file.skip_worktree = (e.flags_extended & GIT_INDEX_ENTRY_SKIP_WORKTREE) != 0;
  return file;
}

void IndexView::walk(std::string_view dir, const SkipDir& skip_dir, const Visit& visit) const {
  const std::string prefix = dir_prefix(dir);
  std::unordered_map<std::string, bool> pruned;  // folder path -> skip_dir's verdict
  scan(prefix, [&](const git_index_entry& e) {
    const std::string_view path(e.path);
    size_t start = prefix.size();
    for (size_t slash = path.find('/', start); slash != std::string_view::npos;
         slash = path.find('/', start)) {
      auto [it, inserted] = pruned.try_emplace(std::string(path.substr(0, slash)), false);
      if (inserted) it->second = skip_dir(path.substr(start, slash - start));
      if (it->second) return false;
      start = slash + 1;
    }
    visit(to_file(e));
    return false;
  });
}

std::vector<std::string> IndexView::list_dirs(std::string_view dir) const {
  const std::string prefix = dir_prefix(dir);
  std::set<std::string> names;
  scan(prefix, [&](const git_index_entry& e) {
    const std::string_view rel = std::string_view(e.path).substr(prefix.size());
    const size_t slash = rel.find('/');
    if (slash != std::string_view::npos) names.emplace(rel.substr(0, slash));
    return false;
  });
  return {names.begin(), names.end()};
}

const git_index_entry* IndexView::file_at(std::string_view path) const {
  const std::string p(trim_slashes(path));
  if (p.empty()) return nullptr;
  for (int stage : {0, 2, 3}) {
    const git_index_entry* e = git_index_get_bypath(index_.get(), p.c_str(), stage);
    if (e != nullptr && listed(*e)) return e;
  }
  git_error_clear();  // git_index_get_bypath reports a miss as an error
  return nullptr;
}

bool IndexView::exists(std::string_view path) const {
  return file_at(path) != nullptr || is_dir(path);
}

bool IndexView::is_dir(std::string_view path) const {
  if (trim_slashes(path).empty()) return true;
  bool found = false;
  scan(dir_prefix(path), [&](const git_index_entry&) { return found = true; });
  return found;
}

std::optional<std::string> IndexView::read(std::string_view path, size_t max_bytes) const {
  const git_index_entry* e = file_at(path);
  if (e == nullptr) return std::nullopt;
  return read_blob_prefix(*repo_, odb_.get(), e->id, max_bytes);
}

std::string IndexView::read(const FileEntry& entry) const {
  return read_blob(*repo_, entry.oid);
}

std::string IndexView::read_prefix(const FileEntry& entry, size_t max_bytes) const {
  if (entry.size > 0 && entry.size <= max_bytes) {  // small: one read, no stream attempt
    std::string all = read_blob(*repo_, entry.oid);
    if (all.size() > max_bytes) all.resize(max_bytes);
    return all;
  }
  return read_blob_prefix(*repo_, odb_.get(), entry.oid, max_bytes);
}

std::vector<size_t> IndexView::read_order(const std::vector<git_oid>& oids) const {
  fetch_missing(repo_->raw(), oids);  // a partial clone: one fetch, not one per blob
  return pack_read_order(repo_->objects().packs(), oids);
}

}  // namespace kg
