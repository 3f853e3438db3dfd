// A sha256 repository read through a SHA-1 mirror (issue 14). libgit2 1.5
// cannot open a repository in the sha256 object format, and its git_oid is
// 20 bytes throughout kabsd-guard; git can read it. So git converts what
// kabsd-guard reads into a small SHA-1 repository kept beside it,
// `<git dir>/kabsd-guard/sha1-mirror` (bare, objects and refs only):
//
// - commits and trees: `git fast-export --branches --remotes --tags HEAD`
//   (incremental, through marks files) into `git fast-import`; every ref
//   of the repository is mirrored under its own name (HEAD's commit also
//   as refs/kabsd-guard/HEAD), refs gone from the repository are removed,
//   and the mirror's HEAD follows the repository's (symbolic or detached);
// - the index: `git ls-files --stage -t -z`, each sha256 blob id turned into
//   its SHA-1 id through the map the exports built (blobs staged but in no
//   commit are read with `git cat-file --batch` and written to the mirror);
//   where the ids come from, so that a run cut short loses none: see
//   git/fast_export.h;
// - the working tree is read from disk, as always.
//
// Every libgit2 reader then works on the mirror unchanged: the same
// content, with SHA-1 ids. Revisions are resolved by git in the sha256
// repository (`git rev-parse`) and mapped. The caches stay off for such a
// repository (its ids are the mirror's). Every use is an engine note.
#pragma once

#include <git2.h>

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "git/fast_export.h"
#include "git/git_process.h"
#include "git/handles.h"

namespace kg {

class Sha1Mirror {
 public:
  // Where the sha256 repository is, as git sees it.
  struct Paths {
    std::string git_dir;     // absolute, this worktree's
    std::string common_dir;  // absolute
    std::string workdir;     // "" when bare
    bool bare = false;
  };

  // Finds the sha256 repository git would use (from the environment, or
  // exactly at `dir` when not empty), brings its mirror up to date and opens
  // it. Throws GitError naming the sha256 format when git cannot help.
  static std::pair<std::shared_ptr<Sha1Mirror>, RepositoryPtr> open(const std::string& dir,
                                                                     const std::optional<std::string>& index_file);

  const Paths& paths() const { return paths_; }
  // Where git finds the sha256 repository itself.
  GitLocation location() const;

  // The index git reads (GIT_INDEX_FILE when set), as an in-memory libgit2
  // index of SHA-1 ids (no stat data).
  IndexPtr read_index(git_repository* mirror);
  // The mirror's commit for revision `rev` of the sha256 repository (git
  // rev-parse there); a commit on no mirrored ref (pushed by its id, a
  // stash, a ref outside branches, remotes and tags) is exported then.
  // Throws GitError when it does not resolve.
  git_oid commit_for(std::string_view rev);

 private:
  Sha1Mirror() = default;
  void sync(git_repository* mirror);
  // `keep_marks`: keep the marks, so the next export starts from here. Not
  // for objects a push's quarantine holds: a refused push drops them.
  std::set<std::string> export_revs(const std::vector<std::string>& revs, bool keep_marks);
  void record_ids(const ExportStream& exported, const std::string& import_marks);
  void load_map();

  Paths paths_;
  std::optional<std::string> index_file_;
  bool from_env_ = false;
  std::string dir_;  // the mirror
  IdMap map_;  // sha256 hex -> SHA-1
  bool map_loaded_ = false;
};

// The message of a command that cannot run in a sha256 repository.
std::string sha256_unsupported(std::string_view what, std::string_view workaround);

}  // namespace kg
