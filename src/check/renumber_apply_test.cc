// renumber: applying a plan. Byte-exact files, the index as `git mv` +
// `git add` leave it, and failures half way that leave everything as it was.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "check/renumber.h"
#include "check/renumber_testing.h"

namespace kg {
namespace {

using namespace renumber_test;

const char* kMinute = "2026-02-03 04:05";

std::string worklog_of(const RenumberMove& m) {
  return std::string(kMinute) + " [agent=kabsd-guard] " + m.message;
}

void run(RenumberPlan& p, const Fixture& f, bool stage = true) {
  Repo repo = f.repo();
  apply(p, repo, f.workdir(), ApplyOptions{stage, kMinute});
}

TEST(RenumberApply, ByteForBytePreservation) {
  Fixture f;
  f.write("items/task/0000/DEMO-TSK-0007_keeper.md", item_text("DEMO-TSK-0007", uid_n(1)));
  const std::string crlf =
      "\xEF\xBB\xBF---\r\nid: DEMO-TSK-0007\r\nuid: " + uid_n(2) +
      "\r\ntitle: \"Colon: and 'quotes'\"\r\nowner: None\r\n---\r\n\r\n# Worklog\r\n\r\n2025-01-01 10:00 [agent=a] x";
  const std::string sorted = "---\ncreated: '2025-01-01'\nid: \"DEMO-TSK-7\"\nparent: DEMO-TSK-0001\nstate: Done\n"
                             "title: Sorted\nuid: " + uid_n(3) + "\nzeta: [1, 2]\n---\nNo worklog yet, no newline";
  const std::string quoted = "---\nid: 'DEMO-TSK-0007'   # the id\nuid: " + uid_n(4) + "\n---\n\n# Worklog\n\n";
  f.write("items/task/0000/DEMO-TSK-0007_crlf.md", crlf);
  f.write("items/tasks/DEMO-TSK-0007_sorted.md", sorted);
  f.write("items/task/0000/DEMO-TSK-0007_quoted.md", quoted);
  RenumberPlan p = full_plan(f, select_all(f.scan(), nullptr), true);
  ASSERT_EQ(p.moves.size(), 3u);
  run(p, f);
  // Plan order: by path; numbers 8, 9, 10.
  ASSERT_EQ(p.moves[0].to, f.rel("items/task/0000/DEMO-TSK-0008_crlf.md"));
  ASSERT_EQ(p.moves[1].to, f.rel("items/task/0000/DEMO-TSK-0009_quoted.md"));
  ASSERT_EQ(p.moves[2].to, f.rel("items/tasks/0000/DEMO-TSK-0010_sorted.md"));
  EXPECT_EQ(read_file(f.root() / p.moves[0].to),
            "\xEF\xBB\xBF---\r\nid: DEMO-TSK-0008\r\nuid: " + uid_n(2) +
                "\r\ntitle: \"Colon: and 'quotes'\"\r\nowner: None\r\n---\r\n\r\n# Worklog\r\n\r\n"
                "2025-01-01 10:00 [agent=a] x\r\n" + worklog_of(p.moves[0]) + "\r\n");
  EXPECT_EQ(read_file(f.root() / p.moves[1].to),
            "---\nid: 'DEMO-TSK-0009'   # the id\nuid: " + uid_n(4) + "\n---\n\n# Worklog\n\n" +
                worklog_of(p.moves[1]) + "\n");
  EXPECT_EQ(read_file(f.root() / p.moves[2].to),
            "---\ncreated: '2025-01-01'\nid: \"DEMO-TSK-0010\"\nparent: DEMO-TSK-0001\nstate: Done\n"
            "title: Sorted\nuid: " + uid_n(3) + "\nzeta: [1, 2]\n---\nNo worklog yet, no newline\n\n# Worklog\n\n" +
                worklog_of(p.moves[2]) + "\n");
  for (const RenumberMove& m : p.moves) EXPECT_FALSE(fs::exists(f.root() / m.from)) << m.from;
  EXPECT_TRUE(fs::exists(f.root() / f.rel("items/task/0000/DEMO-TSK-0007_keeper.md")));
  EXPECT_TRUE(select_all(f.scan(), nullptr).moves.empty());
}

TEST(RenumberApply, TrackedFileIsStagedAsRenamePlusEdit) {
  Fixture f;
  f.write("items/task/0000/DEMO-TSK-0001_keeper.md", item_text("DEMO-TSK-0001", uid_n(1)));
  // Long enough for git's rename detection (50% similar) after the edit.
  std::string body;
  for (int i = 0; i < 20; ++i) body += "2025-01-01 10:" + std::to_string(10 + i) + " [agent=a] step " + std::to_string(i) + "\n";
  std::string moved = f.write("items/task/0000/DEMO-TSK-0001_moved.md", item_text("DEMO-TSK-0001", uid_n(2)) + body);
  commit_all(f.root(), "dup");
  std::string untracked = f.write("items/task/0000/DEMO-TSK-0001_new.md", item_text("DEMO-TSK-0001", uid_n(3)));
  RenumberPlan p = full_plan(f, select_target(f.scan(), f.workdir(), f.workdir(), "DEMO-TSK-0001"), true);
  ASSERT_EQ(p.moves.size(), 2u);
  EXPECT_TRUE(p.moves[0].tracked);
  EXPECT_FALSE(p.moves[1].tracked);
  run(p, f);
  EXPECT_TRUE(p.moves[0].staged);
  EXPECT_FALSE(p.moves[1].staged);
  EXPECT_EQ(git(f.root(), "status --porcelain"),
            "R  " + moved + " -> " + p.moves[0].to + "\n?? " + p.moves[1].to + "\n");
  EXPECT_EQ(git(f.root(), "diff --cached -M --name-status").substr(0, 1), "R");
  // The index holds the new bytes: nothing left unstaged for that file.
  EXPECT_EQ(git(f.root(), "diff --name-only"), "");
  (void)untracked;
}

TEST(RenumberApply, NoStageLeavesTheIndexAlone) {
  Fixture f;
  f.write("items/task/0000/DEMO-TSK-0001_keeper.md", item_text("DEMO-TSK-0001", uid_n(1)));
  std::string moved = f.write("items/task/0000/DEMO-TSK-0001_moved.md", item_text("DEMO-TSK-0001", uid_n(2)));
  commit_all(f.root(), "dup");
  const std::string index = read_file(f.root() / ".git/index");
  RenumberPlan p = full_plan(f, select_all(f.scan(), nullptr), true);
  run(p, f, false);
  EXPECT_EQ(read_file(f.root() / ".git/index"), index);
  EXPECT_EQ(git(f.root(), "status --porcelain"), " D " + moved + "\n?? " + p.moves[0].to + "\n");
}

TEST(RenumberApply, KeepsTheFileMode) {
  Fixture f;
  f.write("items/task/0000/DEMO-TSK-0001_a.md", item_text("DEMO-TSK-0001", uid_n(1)));
  std::string b = f.write("items/task/0000/DEMO-TSK-0001_b.md", item_text("DEMO-TSK-0001", uid_n(2)));
  ::chmod((f.root() / b).c_str(), 0640);
  RenumberPlan p = full_plan(f, select_all(f.scan(), nullptr), true);
  run(p, f);
  struct stat st {};
  ASSERT_EQ(::stat((f.root() / p.moves[0].to).c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0640u);
}

// Two groups; the second move's bucket folder cannot be created because a
// regular file sits where it would go (this fails for root too).
struct HalfWay {
  Fixture f;
  RenumberPlan plan;
  HalfWay() {
    f.write("items/task/0000/DEMO-TSK-0001_a.md", item_text("DEMO-TSK-0001", uid_n(1)));
    f.write("items/task/0000/DEMO-TSK-0001_b.md", item_text("DEMO-TSK-0001", uid_n(2)));
    f.write("items/task/0000/DEMO-TSK-0098_a.md", item_text("DEMO-TSK-0098", uid_n(3)));
    f.write("items/task/0000/DEMO-TSK-0098_b.md", item_text("DEMO-TSK-0098", uid_n(4)));
    f.write("items/task/0000/DEMO-TSK-0098_c.md", item_text("DEMO-TSK-0098", uid_n(5), "parent: DEMO-TSK-0001\n"));
    commit_all(f.root(), "dups");
    plan = full_plan(f, select_all(f.scan(), nullptr), true);  // 99, 100, 101
  }
};

TEST(RenumberApply, FailureHalfWayUndoesEveryChange) {
  HalfWay h;
  ASSERT_EQ(h.plan.moves.size(), 3u);
  ASSERT_EQ(h.plan.moves[1].to, h.f.rel("items/task/0100/DEMO-TSK-0100_b.md"));
  write_file(h.f.root() / h.f.rel("items/task/0100"), "in the way\n");
  const auto before = h.f.snapshot();
  try {
    run(h.plan, h.f);
    FAIL() << "apply succeeded";
  } catch (const RenumberFailed& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("items/task/0100: a file is in the way"), std::string::npos) << what;
    EXPECT_NE(what.find("every change was undone"), std::string::npos) << what;
  }
  EXPECT_EQ(h.f.snapshot(), before);
  EXPECT_EQ(git(h.f.root(), "status --porcelain"), "?? " + h.f.rel("items/task/0100") + "\n");
  // The preflight sees it before anything is reserved or written.
  Repo repo = h.f.repo();
  EXPECT_THROW(preflight(h.plan, repo, h.f.workdir(), true), RenumberFailed);
}

TEST(RenumberApply, LockedIndexUndoesTheFiles) {
  HalfWay h;
  write_file(h.f.root() / ".git/index.lock", "");
  const auto before = h.f.snapshot();
  Repo repo = h.f.repo();
  EXPECT_THROW(preflight(h.plan, repo, h.f.workdir(), true), RenumberFailed);
  EXPECT_NO_THROW(preflight(h.plan, repo, h.f.workdir(), false));
  try {
    run(h.plan, h.f);
    FAIL() << "apply succeeded";
  } catch (const RenumberFailed& e) {
    EXPECT_NE(std::string(e.what()).find("cannot stage"), std::string::npos) << e.what();
  }
  EXPECT_EQ(h.f.snapshot(), before);
  fs::remove(h.f.root() / ".git/index.lock");
  EXPECT_EQ(git(h.f.root(), "status --porcelain"), "");
}

TEST(RenumberApply, PreflightRefusesExistingTargetsAndSymlinkedFolders) {
  HalfWay h;
  Repo repo = h.f.repo();
  EXPECT_NO_THROW(preflight(h.plan, repo, h.f.workdir(), true));
  const fs::path target = h.f.root() / h.plan.moves[0].to;
  write_file(target, "someone else's file\n");
  EXPECT_THROW(preflight(h.plan, repo, h.f.workdir(), true), RenumberFailed);
  try {  // apply never overwrites it either
    run(h.plan, h.f);
    FAIL();
  } catch (const RenumberFailed& e) {
    EXPECT_NE(std::string(e.what()).find("already exists"), std::string::npos) << e.what();
  }
  EXPECT_EQ(read_file(target), "someone else's file\n");
  fs::remove(target);
  fs::create_directories(h.f.tmp() / "elsewhere");
  fs::create_directory_symlink(h.f.tmp() / "elsewhere", h.f.root() / h.f.rel("items/task/0100"));
  EXPECT_THROW(preflight(h.plan, repo, h.f.workdir(), true), RenumberFailed);
  EXPECT_TRUE(fs::is_empty(h.f.tmp() / "elsewhere"));
  // A file edited after planning.
  fs::remove(h.f.root() / h.f.rel("items/task/0100"));
  write_file(h.f.root() / h.plan.moves[0].from, "changed\n");
  EXPECT_THROW(preflight(h.plan, repo, h.f.workdir(), true), RenumberFailed);
}

}  // namespace
}  // namespace kg
