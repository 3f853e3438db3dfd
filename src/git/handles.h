// RAII owners for libgit2 handles: a unique_ptr per type whose deleter is the
// type's free function, plus owners for git_buf and git_strarray.
#pragma once

#include <git2.h>

#include <memory>
#include <string>

namespace kg {

template <auto FreeFn>
struct GitFree {
  template <typename T>
  void operator()(T* p) const noexcept {
    FreeFn(p);
  }
};

using RepositoryPtr = std::unique_ptr<git_repository, GitFree<&git_repository_free>>;
using ObjectPtr = std::unique_ptr<git_object, GitFree<&git_object_free>>;
using CommitPtr = std::unique_ptr<git_commit, GitFree<&git_commit_free>>;
using TreePtr = std::unique_ptr<git_tree, GitFree<&git_tree_free>>;
using TreeEntryPtr = std::unique_ptr<git_tree_entry, GitFree<&git_tree_entry_free>>;
using BlobPtr = std::unique_ptr<git_blob, GitFree<&git_blob_free>>;
using IndexPtr = std::unique_ptr<git_index, GitFree<&git_index_free>>;
using OdbPtr = std::unique_ptr<git_odb, GitFree<&git_odb_free>>;
using OdbStreamPtr = std::unique_ptr<git_odb_stream, GitFree<&git_odb_stream_free>>;
using ReferencePtr = std::unique_ptr<git_reference, GitFree<&git_reference_free>>;
using BranchIteratorPtr = std::unique_ptr<git_branch_iterator, GitFree<&git_branch_iterator_free>>;
using ConfigPtr = std::unique_ptr<git_config, GitFree<&git_config_free>>;
using DiffPtr = std::unique_ptr<git_diff, GitFree<&git_diff_free>>;
using WorktreePtr = std::unique_ptr<git_worktree, GitFree<&git_worktree_free>>;

// A git_buf disposed on scope exit.
struct GitBuf {
  git_buf buf = GIT_BUF_INIT;
  GitBuf() = default;
  GitBuf(const GitBuf&) = delete;
  GitBuf& operator=(const GitBuf&) = delete;
  ~GitBuf() { git_buf_dispose(&buf); }
  std::string str() const { return buf.ptr ? std::string(buf.ptr, buf.size) : std::string(); }
};

// A git_strarray disposed on scope exit.
struct GitStrArray {
  git_strarray array{};
  GitStrArray() = default;
  GitStrArray(const GitStrArray&) = delete;
  GitStrArray& operator=(const GitStrArray&) = delete;
  ~GitStrArray() { git_strarray_dispose(&array); }
};

}  // namespace kg
