// The repository kabsd-guard works on, opened the way git finds it.
#pragma once

#include <git2.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "git/git_process.h"
#include "git/handles.h"
#include "git/object.h"
#include "git/object_store.h"

namespace kg {

// Opening one needs a live Libgit2 (libgit2.h): without, it throws.
class Repo {
 public:
  // Opens the repository git would use from the current directory, honouring
  // GIT_DIR, GIT_WORK_TREE, GIT_INDEX_FILE, GIT_OBJECT_DIRECTORY,
  // GIT_ALTERNATE_OBJECT_DIRECTORIES, GIT_CEILING_DIRECTORIES,
  // GIT_DISCOVERY_ACROSS_FILESYSTEM and GIT_NAMESPACE. Throws NotARepository
  // when there is none, GitError when one exists but cannot be opened.
  static Repo open_from_env();
  // Opens the repository (git dir or working tree) exactly at `path`,
  // without searching upwards and ignoring the environment.
  static Repo open(const std::string& path);

  Repo(Repo&&) noexcept = default;
  Repo& operator=(Repo&&) noexcept = default;
  ~Repo() = default;

  git_repository* raw() const { return repo_.get(); }
  // The packs and readers this repository's objects are read with
  // (object_store.h); its odb backend reads through the same store.
  ObjectStore& objects() const { return *objects_; }

  // Absolute paths without a trailing '/'. workdir() is "" for a bare repo.
  std::string workdir() const;
  std::string git_dir() const;     // this worktree's git dir
  std::string common_dir() const;  // shared by all worktrees of the clone
  bool is_bare() const;
  bool is_worktree() const;  // a linked worktree (`git worktree add`)

  // nullopt while HEAD is unborn (no commit yet on its branch).
  std::optional<Commit> head_commit() const;
  std::optional<Tree> head_tree() const;
  // Resolves any revision (`main`, `HEAD~2`, `v1^{}`, `HEAD:sub/dir`, an id)
  // and peels it. Throws GitError when it does not resolve or peel.
  Commit resolve_commit(std::string_view rev) const;
  Tree resolve_tree(std::string_view rev) const;

  // Config lookups (all levels, as git sees them); nullopt when unset.
  std::optional<std::string> config_string(std::string_view key) const;
  // Like config_string, with git's path expansion (`~/`, `~user/`).
  std::optional<std::string> config_path(std::string_view key) const;
  std::optional<bool> config_bool(std::string_view key) const;

  // The index git would use: GIT_INDEX_FILE when set, else the worktree's
  // index. Re-read from disk when it changed. A new reference each call.
  IndexPtr index() const;
  // GIT_INDEX_FILE as open_from_env() found it, made absolute; nullopt when
  // unset or empty, or when opened with open(). Lets a reader of the index
  // file (IndexFile::open) find it without asking libgit2 to load it.
  const std::optional<std::string>& index_file() const { return index_file_; }
  // A new reference to the object database.
  OdbPtr odb() const;
  // Where the git binary finds this repository (git_process.h).
  GitLocation location() const;
  // Where git finds the objects raw() names: location(), or for a sha256
  // repository its SHA-1 mirror (for cat-file, diff-tree by object id).
  GitLocation object_location() const;
  // True when the index was read by git (a split or sparse index, which
  // libgit2 1.5 refuses): it is then an in-memory copy without stat data.
  bool index_from_git() const { return index_from_git_; }
  // True for a sha256 repository, read through its SHA-1 mirror
  // (sha1_mirror.h): raw() is the mirror, the paths are the repository's.
  bool sha256() const { return mirror_ != nullptr; }

 private:
  explicit Repo(RepositoryPtr repo);
  static Repo open_mirrored(const std::string& dir, const std::optional<std::string>& index_file);
  ConfigPtr config_snapshot() const;
  IndexPtr index_through_git(const std::string& path, const std::string& why) const;

  RepositoryPtr repo_;
  std::shared_ptr<class Sha1Mirror> mirror_;  // a sha256 repository's
  std::shared_ptr<ObjectStore> objects_;
  std::optional<std::string> index_file_;
  mutable bool index_set_ = false;  // index_file_ made the repository's index
  bool from_env_ = false;
  mutable bool index_from_git_ = false;  // the repository's index is git's copy
  mutable std::string index_stamp_;      // the index file's stat data when copied
};

}  // namespace kg
