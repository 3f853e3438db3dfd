#include "git/repo.h"

#include <git2/sys/repository.h>

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include "git/engines.h"
#include "git/error.h"
#include "git/git_index.h"
#include "git/libgit2.h"
#include "git/ownership.h"
#include "git/pack_backend.h"
#include "git/sha1_mirror.h"
#include "util/scoped_env.h"

namespace kg {

namespace {

void require_libgit2() {
  if (!Libgit2::alive()) throw std::logic_error("a repository opened with no kg::Libgit2 alive (libgit2.h)");
}

std::optional<std::string> env(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

std::string absolute(const std::string& path) {
  return std::filesystem::absolute(path).lexically_normal().string();
}

std::string without_trailing_slash(const char* path) {
  if (path == nullptr) return {};
  std::string s(path);
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

}  // namespace

Repo Repo::open_from_env() {
  require_libgit2();
  const std::optional<std::string> work_tree = env("GIT_WORK_TREE");
  const std::optional<std::string> index_file = env("GIT_INDEX_FILE");
  const bool git_dir_set = env("GIT_DIR").has_value();

  git_repository* raw = nullptr;
  int rc = 0;
  {
    // libgit2 1.5.1 rejects GIT_WORK_TREE ("unimplemented"): hide it and apply
    // it below. A relative GIT_INDEX_FILE (git sets ".git/index" for hooks)
    // would be kept relative by libgit2 and break after a chdir.
    ScopedEnv hide_work_tree("GIT_WORK_TREE", std::nullopt);
    // libgit2 reads a GIT_INDEX_FILE index whole while opening (26 ms at
    // 10,000 entries): hide it too; index() opens it when asked.
    ScopedEnv hide_index("GIT_INDEX_FILE", std::nullopt);
    rc = git_repository_open_ext(&raw, nullptr, GIT_REPOSITORY_OPEN_FROM_ENV, nullptr);
    if (rc == GIT_EOWNER || rc == GIT_ENOTFOUND) {
      // libgit2 says ENOTFOUND for some repositories it refuses for their
      // owner: git decides (with the environment git itself was given).
      const std::string why = last_git_error(rc);
      git_error_clear();
      bool trusted = false;
      {
        ScopedEnv restore_work_tree("GIT_WORK_TREE", work_tree);
        ScopedEnv restore_index("GIT_INDEX_FILE", index_file);
        trusted = git_trusts("", why);
      }
      if (trusted) {
        rc = open_trusted(&raw, nullptr, GIT_REPOSITORY_OPEN_FROM_ENV);
        if (rc >= 0) note_engine("ownership: git accepts the repository (safe.directory), libgit2 1.5 did not");
      } else if (rc == GIT_EOWNER) {
        throw GitError(why, rc);
      }
    }
  }
  RepositoryPtr owned(raw);
  if (unreadable_format(rc)) {
    std::optional<std::string> index;
    if (index_file && !index_file->empty()) index = absolute(*index_file);
    return open_mirrored("", index);
  }
  if (rc == GIT_ENOTFOUND) {
    std::string message = "not a git repository (or any of the parent directories): " +
                          last_git_error(rc);
    git_error_clear();
    throw NotARepository(message, rc);
  }
  check(rc, "opening the repository");
  Repo repo(std::move(owned));
  repo.from_env_ = true;
  if (index_file && !index_file->empty()) repo.index_file_ = absolute(*index_file);

  // git's rule for the working tree: GIT_WORK_TREE, else core.worktree, else
  // with GIT_DIR set the current directory (unless core.bare is true), else
  // the folder holding `.git`. libgit2 covers the last two cases only.
  std::optional<std::string> workdir;
  if (work_tree && !work_tree->empty()) {
    workdir = absolute(*work_tree);
  } else if (git_dir_set && !repo.config_string("core.worktree") &&
             repo.config_bool("core.bare") != std::optional<bool>(true)) {
    workdir = std::filesystem::current_path().string();
  }
  if (workdir && *workdir != repo.workdir()) {
    check(git_repository_set_workdir(repo.raw(), workdir->c_str(), 0),
          "setting the working tree to " + *workdir);
  }
  return repo;
}

Repo::Repo(RepositoryPtr repo)
    : repo_(std::move(repo)),
      objects_(std::make_shared<ObjectStore>(without_trailing_slash(git_repository_commondir(repo_.get())))) {
  add_pack_backend(repo_.get(), objects_);
}

Repo Repo::open(const std::string& path) {
  require_libgit2();
  git_repository* raw = nullptr;
  int rc = git_repository_open_ext(&raw, path.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr);
  if (rc == GIT_EOWNER) {
    const std::string why = last_git_error(rc);
    git_error_clear();
    if (!git_trusts(path, why)) throw GitError(why, rc);
    rc = open_trusted(&raw, path.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH);
  }
  RepositoryPtr owned(raw);
  if (unreadable_format(rc)) return open_mirrored(path, std::nullopt);
  if (rc == GIT_ENOTFOUND) {
    std::string message = "not a git repository: " + path;
    git_error_clear();
    throw NotARepository(message, rc);
  }
  check(rc, "opening the repository " + path);
  return Repo(std::move(owned));
}

Repo Repo::open_mirrored(const std::string& dir, const std::optional<std::string>& index_file) {
  git_error_clear();
  auto [mirror, raw] = Sha1Mirror::open(dir, index_file);
  Repo repo(std::move(raw));
  repo.mirror_ = std::move(mirror);
  repo.from_env_ = dir.empty();
  repo.index_file_ = index_file;
  return repo;
}

std::string Repo::workdir() const { return without_trailing_slash(git_repository_workdir(raw())); }
std::string Repo::git_dir() const {
  if (mirror_) return mirror_->paths().git_dir;
  return without_trailing_slash(git_repository_path(raw()));
}
std::string Repo::common_dir() const {
  if (mirror_) return mirror_->paths().common_dir;
  return without_trailing_slash(git_repository_commondir(raw()));
}
bool Repo::is_bare() const {
  if (mirror_) return mirror_->paths().bare;
  return git_repository_is_bare(raw()) == 1;
}
bool Repo::is_worktree() const {
  if (mirror_) return mirror_->paths().git_dir != mirror_->paths().common_dir;
  return git_repository_is_worktree(raw()) == 1;
}

std::optional<Commit> Repo::head_commit() const {
  git_reference* head = nullptr;
  int rc = git_repository_head(&head, raw());
  ReferencePtr owned(head);
  if (rc == GIT_EUNBORNBRANCH || rc == GIT_ENOTFOUND) {
    git_error_clear();
    return std::nullopt;
  }
  check(rc, "reading HEAD");
  git_object* peeled = nullptr;
  check(git_reference_peel(&peeled, head, GIT_OBJECT_COMMIT), "peeling HEAD to a commit");
  return Commit(CommitPtr(reinterpret_cast<git_commit*>(peeled)));
}

std::optional<Tree> Repo::head_tree() const {
  std::optional<Commit> head = head_commit();
  if (!head) return std::nullopt;
  return head->tree();
}

namespace {

ObjectPtr revparse_peeled(git_repository* repo, std::string_view rev, git_object_t type) {
  const std::string spec(rev);
  git_object* object = nullptr;
  check(git_revparse_single(&object, repo, spec.c_str()), "resolving '" + spec + "'");
  ObjectPtr owned(object);
  git_object* peeled = nullptr;
  check(git_object_peel(&peeled, object, type),
        "peeling '" + spec + "' to a " + git_object_type2string(type));
  return ObjectPtr(peeled);
}

}  // namespace

Commit Repo::resolve_commit(std::string_view rev) const {
  if (mirror_) {
    // git resolves the revision in the sha256 repository; the mirror has the commit.
    const git_oid id = mirror_->commit_for(rev);
    git_commit* commit = nullptr;
    check(git_commit_lookup(&commit, raw(), &id), "reading the mirrored commit of '" + std::string(rev) + "'");
    return Commit(CommitPtr(commit));
  }
  ObjectPtr object = revparse_peeled(raw(), rev, GIT_OBJECT_COMMIT);
  return Commit(CommitPtr(reinterpret_cast<git_commit*>(object.release())));
}

Tree Repo::resolve_tree(std::string_view rev) const {
  if (mirror_) {
    try {
      return resolve_commit(rev).tree();
    } catch (const GitError&) {
      // `REV:dir` and the like: the mirror has the same refs and paths.
    }
  }
  ObjectPtr object = revparse_peeled(raw(), rev, GIT_OBJECT_TREE);
  return Tree(TreePtr(reinterpret_cast<git_tree*>(object.release())));
}

ConfigPtr Repo::config_snapshot() const {
  git_config* config = nullptr;
  check(git_repository_config_snapshot(&config, raw()), "reading the git config");
  return ConfigPtr(config);
}

std::optional<std::string> Repo::config_string(std::string_view key) const {
  ConfigPtr config = config_snapshot();
  const std::string name(key);
  GitBuf value;
  int rc = git_config_get_string_buf(&value.buf, config.get(), name.c_str());
  if (rc == GIT_ENOTFOUND) {
    git_error_clear();
    return std::nullopt;
  }
  check(rc, "reading config " + name);
  return value.str();
}

std::optional<std::string> Repo::config_path(std::string_view key) const {
  ConfigPtr config = config_snapshot();
  const std::string name(key);
  GitBuf value;
  int rc = git_config_get_path(&value.buf, config.get(), name.c_str());
  if (rc == GIT_ENOTFOUND) {
    git_error_clear();
    return std::nullopt;
  }
  check(rc, "reading config " + name);
  return value.str();
}

std::optional<bool> Repo::config_bool(std::string_view key) const {
  ConfigPtr config = config_snapshot();
  const std::string name(key);
  int value = 0;
  int rc = git_config_get_bool(&value, config.get(), name.c_str());
  if (rc == GIT_ENOTFOUND) {
    git_error_clear();
    return std::nullopt;
  }
  check(rc, "reading config " + name);
  return value != 0;
}

namespace {

// What tells a changed index file from the one read before.
std::string stat_stamp(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return "-";
  return std::to_string(st.st_size) + ":" + std::to_string(st.st_mtim.tv_sec) + "." +
         std::to_string(st.st_mtim.tv_nsec) + ":" + std::to_string(st.st_ino);
}

}  // namespace

IndexPtr Repo::index() const {
  git_index* raw_index = nullptr;
  const std::string path = index_file_ ? *index_file_ : git_dir() + "/index";
  if (mirror_ && !index_from_git_) return index_through_git(path, "a sha256 repository");
  if (index_from_git_) {
    // git's copy, in memory: copied again when the file changed.
    if (stat_stamp(path) == index_stamp_) {
      check(git_repository_index(&raw_index, raw()), "opening the index");
      return IndexPtr(raw_index);
    }
    return index_through_git(path, "it changed");
  }
  if (index_file_ && !index_set_) {
    // GIT_INDEX_FILE, hidden from libgit2 at open: now the repository's.
    int rc = git_index_open(&raw_index, index_file_->c_str());
    if (rc < 0 && index_needs_git(last_git_error(rc))) return index_through_git(path, last_git_error(rc));
    check(rc, "opening the index " + *index_file_);
    IndexPtr owned(raw_index);
    check(git_repository_set_index(raw(), owned.get()), "using the index " + *index_file_);
    index_set_ = true;
  }
  int rc = git_repository_index(&raw_index, raw());
  if (rc < 0 && index_needs_git(last_git_error(rc))) return index_through_git(path, last_git_error(rc));
  check(rc, "opening the index");
  IndexPtr index(raw_index);
  rc = git_index_read(index.get(), 0);
  if (rc < 0 && index_needs_git(last_git_error(rc))) return index_through_git(path, last_git_error(rc));
  check(rc, "reading the index");
  return index;
}

IndexPtr Repo::index_through_git(const std::string& path, const std::string& why) const {
  git_error_clear();
  const std::string stamp = stat_stamp(path);
  IndexPtr index;
  try {
    index = mirror_ ? mirror_->read_index(raw()) : read_index_with_git(location());
  } catch (const GitError& e) {
    throw GitError("reading the index " + path + ": libgit2 cannot (" + why + ") and git failed too: " + e.what());
  }
  check(git_repository_set_index(raw(), index.get()), "using the index git read");
  index_from_git_ = true;
  index_set_ = true;
  index_stamp_ = stamp;
  note_engine("index " + path + ": read by git (ls-files), libgit2 1.5 cannot: " + why);
  return index;
}

GitLocation Repo::location() const {
  if (mirror_) return mirror_->location();
  GitLocation where;
  where.git_dir = git_dir();
  where.work_tree = workdir();
  where.index_file = index_file_;
  where.from_env = from_env_;
  return where;
}

GitLocation Repo::object_location() const {
  if (!mirror_) return location();
  GitLocation where;
  where.git_dir = without_trailing_slash(git_repository_path(raw()));
  return where;
}

OdbPtr Repo::odb() const {
  git_odb* raw_odb = nullptr;
  check(git_repository_odb(&raw_odb, raw()), "opening the object database");
  return OdbPtr(raw_odb);
}

}  // namespace kg
