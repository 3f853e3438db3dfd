// kg-bench-readers: one question of the hot paths answered by one engine, in
// one process, so that bench/readers can time each home-made git reader
// against the standard engines (issue 13: a home-made reader of git's
// formats stays only where it wins a benchmark target by 1.5x or more).
//
//   kg-bench-readers QUESTION ENGINE REPO [ARGS]
//
// QUESTION  what is asked                        home-made reader
//   staged    files the index changes below the  git/index_file + tree_delta
//             backlog folders (pre-commit)       (index_delta, cache-tree)
//   blobs     every item blob of HEAD below the  git/pack_reader + delta
//             folders, read in pack order        (an owner PackReader)
//   status    working-tree files that may differ git/worktree_changes
//             from the index (the stat pass)     (+ dir_listings: home-listed)
//   treediff  files that differ between two      git/tree_delta (now
//             trees (ARGS: OLD NEW)              libgit2's diff, issue 13)
//   lstree    every file of HEAD below the       TreeView (now libgit2's
//             folders (the listing of a scan)    trees, issue 13)
// ENGINE: home | libgit2 | git (the git binary's plumbing, git/git_process)
//         (status also: home-listed, with the folder-listing cache at ARGS[0])
//
// The libgit2 engine opens the repository with git_repository_open_ext and
// the same memory options as Repo, but WITHOUT the pack backend (pack_backend.h).
// Prints one line: question engine count bytes ms (the answer, timed from
// the start of main) and the process's max RSS.
#include <git2.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "git/git_process.h"
#include "git/handles.h"
#include "git/index_file.h"
#include "git/libgit2.h"
#include "git/object.h"
#include "git/pack_reader.h"
#include "git/packs.h"
#include "git/repo.h"
#include "git/tree_delta.h"
#include "git/tree_view.h"
#include "git/worktree_changes.h"

namespace {

using Clock = std::chrono::steady_clock;

const std::vector<std::string> kPrefixes = {
    "_kano/backlog/products/kano-agent-backlog-skill/decisions",
    "_kano/backlog/products/kano-agent-backlog-skill/items",
    "_kano/backlog/products/kano-commit-convention-skill/decisions",
    "_kano/backlog/products/kano-commit-convention-skill/items",
};

struct Answer {
  size_t count = 0;
  size_t bytes = 0;
};

void die(const std::string& what) {
  std::fprintf(stderr, "kg-bench-readers: %s\n", what.c_str());
  std::exit(2);
}

void ok(int rc, const char* what) {
  if (rc < 0) {
    const git_error* e = git_error_last();
    die(std::string(what) + ": " + (e ? e->message : "?"));
  }
}

// libgit2 as Repo sets it up (the options: main's kg::Libgit2), minus the
// pack backend.
kg::RepositoryPtr plain_libgit2(const std::string& path) {
  git_repository* raw = nullptr;
  ok(git_repository_open_ext(&raw, path.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr), "open");
  return kg::RepositoryPtr(raw);
}

kg::TreePtr tree_of(git_repository* repo, const std::string& rev) {
  git_object* obj = nullptr;
  ok(git_revparse_single(&obj, repo, (rev + "^{tree}").c_str()), "revparse");
  return kg::TreePtr(reinterpret_cast<git_tree*>(obj));
}

kg::GitLocation where(const std::string& path) {
  kg::GitLocation at;
  at.work_tree = path;
  at.git_dir = path + "/.git";
  return at;
}

size_t count_z(const std::string& out, size_t fields_per_record) {
  size_t n = 0;
  for (char c : out) n += c == '\0';
  return n / fields_per_record;
}

std::vector<std::string> git_args(std::vector<std::string> head) {
  head.emplace_back("--");
  head.insert(head.end(), kPrefixes.begin(), kPrefixes.end());
  return head;
}

git_diff_options diff_options(std::vector<char*>& specs) {
  git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
  opts.flags |= GIT_DIFF_DISABLE_PATHSPEC_MATCH;
  for (const auto& p : kPrefixes) specs.push_back(const_cast<char*>(p.c_str()));
  opts.pathspec.strings = specs.data();
  opts.pathspec.count = specs.size();
  return opts;
}

// ---- staged ---------------------------------------------------------------
Answer staged(const std::string& engine, const std::string& path) {
  if (engine == "home") {
    kg::Repo repo = kg::Repo::open(path);
    auto index = kg::IndexFile::open(repo);
    if (!index) die("index file unreadable");
    return {kg::index_delta(repo, repo.head_tree(), *index, kPrefixes).size(), 0};
  }
  if (engine == "libgit2") {
    auto repo = plain_libgit2(path);
    git_index* idx = nullptr;
    ok(git_repository_index(&idx, repo.get()), "index");
    kg::IndexPtr index(idx);
    auto tree = tree_of(repo.get(), "HEAD");
    std::vector<char*> specs;
    git_diff_options opts = diff_options(specs);
    git_diff* diff = nullptr;
    ok(git_diff_tree_to_index(&diff, repo.get(), tree.get(), index.get(), &opts), "diff");
    kg::DiffPtr owned(diff);
    return {git_diff_num_deltas(diff), 0};
  }
  std::string out = kg::GitCommand(git_args({"diff-index", "--cached", "-z", "HEAD"})).at(where(path)).output();
  return {count_z(out, 2), out.size()};
}

// ---- blobs ----------------------------------------------------------------
std::vector<git_oid> item_blobs(git_repository* repo) {
  std::vector<git_oid> oids;
  auto tree = tree_of(repo, "HEAD");
  for (const auto& prefix : kPrefixes) {
    git_tree_entry* e = nullptr;
    if (git_tree_entry_bypath(&e, tree.get(), prefix.c_str()) < 0) continue;
    kg::TreeEntryPtr entry(e);
    git_tree* sub = nullptr;
    ok(git_tree_lookup(&sub, repo, git_tree_entry_id(e)), "subtree");
    kg::TreePtr subtree(sub);
    git_tree_walk(
        sub, GIT_TREEWALK_PRE,
        [](const char*, const git_tree_entry* te, void* payload) {
          if (git_tree_entry_type(te) == GIT_OBJECT_BLOB)
            static_cast<std::vector<git_oid>*>(payload)->push_back(*git_tree_entry_id(te));
          return 0;
        },
        &oids);
  }
  return oids;
}

Answer blobs(const std::string& engine, const std::string& path, Clock::time_point& start) {
  auto repo = plain_libgit2(path);
  std::vector<git_oid> oids = item_blobs(repo.get());
  const kg::PackSet packs = kg::PackSet::list(git_repository_commondir(repo.get()));
  std::vector<size_t> order = kg::pack_read_order(packs, oids);
  start = Clock::now();  // the listing is the same for every engine: time the reads only
  Answer a;
  if (engine == "home") {
    kg::PackReader reader;
    for (size_t i : order) {
      auto obj = reader.read(packs, oids[i]);
      if (!obj) die("home reader missed an object");
      a.count++, a.bytes += obj->data.size();
    }
  } else if (engine == "libgit2") {
    for (size_t i : order) {
      git_blob* b = nullptr;
      ok(git_blob_lookup(&b, repo.get(), &oids[i]), "blob");
      kg::BlobPtr blob(b);
      a.count++, a.bytes += static_cast<size_t>(git_blob_rawsize(b));
    }
  } else {
    kg::CatFileBatch batch(where(path));
    for (size_t i : order) {
      auto obj = batch.read(kg::to_hex(oids[i]));
      if (!obj) die("git cat-file missed an object");
      a.count++, a.bytes += obj->data.size();
    }
  }
  return a;
}

// ---- status ---------------------------------------------------------------
Answer status(const std::string& engine, const std::string& path, const std::vector<std::string>& args) {
  if (engine == "home" || engine == "home-listed") {
    kg::Repo repo = kg::Repo::open(path);
    auto index = kg::IndexFile::open(repo);
    if (!index) die("index file unreadable");
    const std::string listings = engine == "home-listed" && !args.empty() ? args[0] : std::string();
    auto changed = kg::worktree_changes(repo.workdir(), *index, kPrefixes, [](std::string_view) { return false; },
                                        listings);
    return {changed.size(), 0};
  }
  if (engine == "libgit2") {
    auto repo = plain_libgit2(path);
    git_status_options opts = GIT_STATUS_OPTIONS_INIT;
    opts.show = GIT_STATUS_SHOW_WORKDIR_ONLY;
    opts.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS |
                 GIT_STATUS_OPT_DISABLE_PATHSPEC_MATCH;
    std::vector<char*> specs;
    for (const auto& p : kPrefixes) specs.push_back(const_cast<char*>(p.c_str()));
    opts.pathspec.strings = specs.data();
    opts.pathspec.count = specs.size();
    git_status_list* list = nullptr;
    ok(git_status_list_new(&list, repo.get(), &opts), "status");
    size_t n = git_status_list_entrycount(list);
    git_status_list_free(list);
    return {n, 0};
  }
  std::string out = kg::GitCommand(git_args({"status", "--porcelain=v2", "-z", "--untracked-files=all", "--no-renames"}))
                        .at(where(path))
                        .output();
  return {count_z(out, 1), out.size()};
}

// ---- treediff -------------------------------------------------------------
Answer treediff(const std::string& engine, const std::string& path, const std::vector<std::string>& args) {
  if (args.size() != 2) die("treediff needs OLD NEW");
  if (engine == "home") {
    kg::Repo repo = kg::Repo::open(path);
    return {kg::tree_delta(repo, repo.resolve_tree(args[0]), repo.resolve_tree(args[1]), kPrefixes).size(), 0};
  }
  if (engine == "libgit2") {
    auto repo = plain_libgit2(path);
    auto old_tree = tree_of(repo.get(), args[0]);
    auto new_tree = tree_of(repo.get(), args[1]);
    std::vector<char*> specs;
    git_diff_options opts = diff_options(specs);
    git_diff* diff = nullptr;
    ok(git_diff_tree_to_tree(&diff, repo.get(), old_tree.get(), new_tree.get(), &opts), "diff");
    kg::DiffPtr owned(diff);
    return {git_diff_num_deltas(diff), 0};
  }
  std::string out = kg::GitCommand(git_args({"diff-tree", "-r", "-z", "--no-renames", args[0], args[1]}))
                        .at(where(path))
                        .output();
  return {count_z(out, 2), out.size()};
}

// ---- lstree ---------------------------------------------------------------
Answer lstree(const std::string& engine, const std::string& path) {
  Answer a;
  if (engine == "home") {
    kg::Repo repo = kg::Repo::open(path);
    kg::TreeView view(repo, *repo.head_tree());
    for (const auto& p : kPrefixes) view.walk(p, [&](const kg::FileEntry& e) { a.count++, a.bytes += e.path.size(); });
    return a;
  }
  if (engine == "libgit2") {
    auto repo = plain_libgit2(path);
    auto tree = tree_of(repo.get(), "HEAD");
    for (const auto& prefix : kPrefixes) {
      git_tree_entry* e = nullptr;
      if (git_tree_entry_bypath(&e, tree.get(), prefix.c_str()) < 0) continue;
      kg::TreeEntryPtr entry(e);
      git_tree* sub = nullptr;
      ok(git_tree_lookup(&sub, repo.get(), git_tree_entry_id(e)), "subtree");
      kg::TreePtr subtree(sub);
      git_tree_walk(
          sub, GIT_TREEWALK_PRE,
          [](const char* root, const git_tree_entry* te, void* payload) {
            if (git_tree_entry_type(te) == GIT_OBJECT_BLOB) {
              auto* ans = static_cast<Answer*>(payload);
              ans->count++, ans->bytes += std::strlen(root) + std::strlen(git_tree_entry_name(te));
            }
            return 0;
          },
          &a);
    }
    return a;
  }
  std::string out = kg::GitCommand(git_args({"ls-tree", "-r", "-z", "--full-tree", "HEAD"})).at(where(path)).output();
  return {count_z(out, 1), out.size()};
}

}  // namespace

int main(int argc, char** argv) {
  Clock::time_point start = Clock::now();
  const kg::Libgit2 libgit2;
  if (argc < 4) die("usage: kg-bench-readers staged|blobs|status|treediff|lstree home|libgit2|git REPO [ARGS]");
  const std::string question = argv[1], engine = argv[2], path = argv[3];
  const std::vector<std::string> args(argv + 4, argv + argc);
  Answer a;
  try {
    if (question == "staged") a = staged(engine, path);
    else if (question == "blobs") a = blobs(engine, path, start);
    else if (question == "status") a = status(engine, path, args);
    else if (question == "treediff") a = treediff(engine, path, args);
    else if (question == "lstree") a = lstree(engine, path);
    else die("unknown question " + question);
  } catch (const std::exception& e) {
    die(e.what());
  }
  const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  rusage self{}, children{};
  getrusage(RUSAGE_SELF, &self);
  getrusage(RUSAGE_CHILDREN, &children);
  std::printf("%s %s count=%zu bytes=%zu ms=%.3f rss_kb=%ld child_rss_kb=%ld\n", question.c_str(), engine.c_str(),
              a.count, a.bytes, ms, self.ru_maxrss, children.ru_maxrss);
  return 0;
}
