#include "git/index_edit.h"

#include <string>

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

IndexEdit::IndexEdit(const Repo& repo) : index_(repo.index()) {
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
  check(git_index_add_bypath(index_.get(), p.c_str()), "staging " + p);
}

void IndexEdit::remove(std::string_view path) {
  const std::string p(trim_slashes(path));
  check(git_index_remove_bypath(index_.get(), p.c_str()), "unstaging " + p);
}

void IndexEdit::write() { check(git_index_write(index_.get()), "writing the index"); }

}  // namespace kg
