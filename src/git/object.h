// Value types for a git commit and a git tree. Copies share the underlying
// libgit2 object (git_*_dup). They belong to the Repo that produced them,
// which must outlive them.
#pragma once

#include <git2.h>

#include <string>

#include "git/handles.h"

namespace kg {

// Lower-case hex of an object id.
std::string to_hex(const git_oid& oid);

class Tree {
 public:
  explicit Tree(TreePtr tree);
  Tree(const Tree& other);
  Tree& operator=(const Tree& other);
  Tree(Tree&&) noexcept = default;
  Tree& operator=(Tree&&) noexcept = default;
  ~Tree() = default;

  const git_oid& id() const { return *git_tree_id(tree_.get()); }
  std::string hex() const { return to_hex(id()); }
  git_tree* raw() const { return tree_.get(); }

 private:
  TreePtr tree_;
};

class Commit {
 public:
  explicit Commit(CommitPtr commit);
  Commit(const Commit& other);
  Commit& operator=(const Commit& other);
  Commit(Commit&&) noexcept = default;
  Commit& operator=(Commit&&) noexcept = default;
  ~Commit() = default;

  const git_oid& id() const { return *git_commit_id(commit_.get()); }
  std::string hex() const { return to_hex(id()); }
  Tree tree() const;
  git_commit* raw() const { return commit_.get(); }

 private:
  CommitPtr commit_;
};

}  // namespace kg
