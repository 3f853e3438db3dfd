#include "git/index_edit.h"

#include <chrono>
#include <string>
#include <thread>

#include "git/error.h"
#include "git/view.h"

namespace kg {

namespace {

bool tracked(git_index* index, const std::string& path) {
  for (int stage = 0; stage <= 3; ++stage) {
    if (git_index_get_bypath(index, path.c_str(), stage) != nullptr) return true;
  }
  git_error_clear();
  return false;
}

}  // namespace

IndexEdit::IndexEdit(const Repo& repo) : repo_(&repo), index_(repo.index()) {
  if (repo.is_bare()) throw GitError("a bare repository has no working tree to stage from");
}

void IndexEdit::rename(std::string_view old_path, std::string_view new_path) {
  const std::string from(trim_slashes(old_path));
  if (!tracked(index_.get(), from)) throw GitError("not under version control: " + from);
  remove(from);
  add(new_path);
}

void IndexEdit::add(std::string_view path) {
  const std::string p(trim_slashes(path));
  touched_.push_back(p);
  if (repo_->index_from_git()) return;  // staged by git at write()
  check(git_index_add_bypath(index_.get(), p.c_str()), "staging " + p);
}

void IndexEdit::remove(std::string_view path) {
  const std::string p(trim_slashes(path));
  touched_.push_back(p);
  if (repo_->index_from_git()) return;
  check(git_index_remove_bypath(index_.get(), p.c_str()), "unstaging " + p);
}

void IndexEdit::write() {
  if (repo_->index_from_git()) {
    // --add stages a path that exists, --remove drops one that does not.
    std::string paths;
    for (const std::string& p : touched_) paths += p + '\0';
    GitCommand({"update-index", "--add", "--remove", "-z", "--stdin"}).at(repo_->location()).input(paths).output();
    return;
  }
  constexpr int kAttempts = 10;
  for (int attempt = 1;; ++attempt) {
    int rc = git_index_write(index_.get());
    if (rc != GIT_ELOCKED || attempt == kAttempts) {
      if (rc == GIT_ELOCKED) {
        git_error_clear();
        const char* path = git_index_path(index_.get());
        throw GitError(std::string("cannot write the index: ") + (path ? path : "index") +
                           ".lock exists (another git command is running, or one crashed and left it; "
                           "remove it if no git command is running)",
                       rc);
      }
      check(rc, "writing the index");
      return;
    }
    git_error_clear();
    std::this_thread::sleep_for(std::chrono::milliseconds(50 * attempt));
  }
}

}  // namespace kg
