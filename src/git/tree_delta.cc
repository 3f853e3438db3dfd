#include "git/tree_delta.h"

#include <algorithm>

#include "git/error.h"
#include "git/handles.h"

namespace kg {

namespace {

bool is_file_mode(uint32_t mode) {
  return mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE || mode == GIT_FILEMODE_LINK;
}

// The deltas of one libgit2 diff, in Delta form: a side that is no file
// (absent, a gitlink) has a zero oid and mode 0.
void collect(git_diff* diff, std::vector<Delta>& out) {
  const size_t count = git_diff_num_deltas(diff);
  for (size_t i = 0; i < count; ++i) {
    const git_diff_delta* d = git_diff_get_delta(diff, i);
    const bool had = d->status != GIT_DELTA_ADDED && is_file_mode(d->old_file.mode);
    const bool has = d->status != GIT_DELTA_DELETED && is_file_mode(d->new_file.mode);
    if (!had && !has) continue;  // gitlinks
    Delta x;
    x.path = has ? d->new_file.path : d->old_file.path;
    if (had) {
      x.old_oid = d->old_file.id;
      x.old_mode = d->old_file.mode;
    }
    if (has) {
      x.new_oid = d->new_file.id;
      x.new_mode = d->new_file.mode;
    }
    out.push_back(std::move(x));
  }
}

}  // namespace

std::vector<Delta> tree_delta(const Repo& repo, const std::optional<Tree>& old_tree,
                              const std::optional<Tree>& new_tree,
                              const std::vector<std::string>& prefixes) {
  std::vector<Delta> out;
  if (old_tree && new_tree && git_oid_equal(&old_tree->id(), &new_tree->id())) return out;
  // One diff per prefix: libgit2's tree iterators then start at it.
  for (std::string prefix : normalize_prefixes(prefixes)) {
    git_diff_options options = GIT_DIFF_OPTIONS_INIT;
    // Literal prefixes; a file that becomes a symlink is one delta, as git's.
    options.flags = GIT_DIFF_DISABLE_PATHSPEC_MATCH | GIT_DIFF_INCLUDE_TYPECHANGE;
    char* spec = prefix.data();
    if (!prefix.empty()) {
      options.pathspec.strings = &spec;
      options.pathspec.count = 1;
    }
    git_diff* raw = nullptr;
    check(git_diff_tree_to_tree(&raw, repo.raw(), old_tree ? old_tree->raw() : nullptr,
                                new_tree ? new_tree->raw() : nullptr, &options),
          "diffing trees" + (prefix.empty() ? std::string() : " below " + prefix));
    DiffPtr diff(raw);
    collect(diff.get(), out);
  }
  std::sort(out.begin(), out.end(), [](const Delta& a, const Delta& b) { return a.path < b.path; });
  return out;
}

}  // namespace kg
