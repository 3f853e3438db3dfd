#include "git/object.h"

#include "git/error.h"

namespace kg {

std::string to_hex(const git_oid& oid) {
  char buf[GIT_OID_HEXSZ + 1];
  git_oid_tostr(buf, sizeof buf, &oid);
  return buf;
}

namespace {

TreePtr dup_tree(git_tree* tree) {
  git_tree* out = nullptr;
  check(git_tree_dup(&out, tree), "duplicating a tree handle");
  return TreePtr(out);
}

CommitPtr dup_commit(git_commit* commit) {
  git_commit* out = nullptr;
  check(git_commit_dup(&out, commit), "duplicating a commit handle");
  return CommitPtr(out);
}

}  // namespace

Tree::Tree(TreePtr tree) : tree_(std::move(tree)) {
  if (!tree_) throw GitError("null tree");
}

Tree::Tree(const Tree& other) : tree_(dup_tree(other.raw())) {}

Tree& Tree::operator=(const Tree& other) {
  if (this != &other) tree_ = dup_tree(other.raw());
  return *this;
}

Commit::Commit(CommitPtr commit) : commit_(std::move(commit)) {
  if (!commit_) throw GitError("null commit");
}

Commit::Commit(const Commit& other) : commit_(dup_commit(other.raw())) {}

Commit& Commit::operator=(const Commit& other) {
  if (this != &other) commit_ = dup_commit(other.raw());
  return *this;
}

Tree Commit::tree() const {
  git_tree* tree = nullptr;
  check(git_commit_tree(&tree, commit_.get()), "reading the tree of commit " + hex());
  return Tree(TreePtr(tree));
}

}  // namespace kg
