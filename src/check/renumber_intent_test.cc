// renumber, crash safety: a child process applies a plan and is killed
// (SIGKILL, through KABSD_GUARD_TEST_CRASH_AFTER) at every step in turn;
// recovery then leaves each uid in one file, no temporary file, no intent,
// and the renames staged. Also: the intent's format, its confinement, and
// recovery run twice.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <set>

#include "check/renumber.h"
#include "check/renumber_intent.h"
#include "check/renumber_testing.h"
#include "model/rewrite.h"

namespace kg {
namespace {

using namespace renumber_test;

const char* kMinute = "2026-02-03 04:05";

std::string long_item(const std::string& id, const std::string& uid) {
  std::string body;
  for (int i = 0; i < 20; ++i) body += "2025-01-01 10:" + std::to_string(10 + i) + " [agent=a] step " + std::to_string(i) + "\n";
  return item_text(id, uid) + body;
}

// Three duplicate groups, committed; the last new file goes to bucket 0100.
void three_groups(const Fixture& f) {
  f.write("items/task/0000/DEMO-TSK-0001_a.md", long_item("DEMO-TSK-0001", uid_n(1)));
  f.write("items/task/0000/DEMO-TSK-0001_b.md", long_item("DEMO-TSK-0001", uid_n(2)));
  f.write("items/task/0000/DEMO-TSK-0002_a.md", long_item("DEMO-TSK-0002", uid_n(3)));
  f.write("items/task/0000/DEMO-TSK-0002_b.md", long_item("DEMO-TSK-0002", uid_n(4)));
  f.write("items/task/0000/DEMO-TSK-0098_a.md", long_item("DEMO-TSK-0098", uid_n(5)));
  f.write("items/task/0000/DEMO-TSK-0098_b.md", long_item("DEMO-TSK-0098", uid_n(6)));
  commit_all(f.root(), "dups");
}

// Applies in a child killed at step `n`; true when it was killed.
bool apply_killed_at(RenumberPlan& plan, const Fixture& f, int n) {
  pid_t pid = ::fork();
  if (pid == 0) {
    ::setenv("KABSD_GUARD_TEST_CRASH_AFTER", std::to_string(n).c_str(), 1);
    try {
      Repo repo = f.repo();
      apply(plan, repo, f.workdir(), ApplyOptions{true, kMinute});
    } catch (...) {
      ::_exit(3);
    }
    ::_exit(0);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (WIFEXITED(status)) {
    EXPECT_EQ(WEXITSTATUS(status), 0) << "step " << n;
  }
  return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
}

// Every uid in one file; no temporary file; every move done and staged.
void expect_consistent(const Fixture& f, const RenumberPlan& plan, int step) {
  std::multiset<std::string> uids;
  for (const auto& [path, content] : f.snapshot()) {
    EXPECT_EQ(path.find(".kg-renumber-"), std::string::npos) << "step " << step << ": " << path;
    if (path.find("/items/") == std::string::npos || path.back() == '/') continue;
    size_t at = content.find("\nuid: ");
    if (at != std::string::npos) uids.insert(content.substr(at + 6, 36));
  }
  for (const std::string& u : uids) EXPECT_EQ(uids.count(u), 1u) << "step " << step << ": uid " << u;
  EXPECT_FALSE(renumber_intent_pending(f.root() / ".git")) << "step " << step;
  std::string status = git(f.root(), "status --porcelain");
  for (const RenumberMove& m : plan.moves) {
    EXPECT_FALSE(fs::exists(f.root() / m.from)) << "step " << step << ": " << m.from;
    EXPECT_EQ(read_file(f.root() / m.to), m.rewritten) << "step " << step << ": " << m.to;
    EXPECT_NE(status.find("R  " + m.from + " -> " + m.to + "\n"), std::string::npos) << "step " << step << status;
  }
  EXPECT_EQ(git(f.root(), "diff --name-only"), "") << "step " << step;
  EXPECT_TRUE(select_all(f.scan(), nullptr).moves.empty()) << "step " << step;
}

TEST(RenumberIntent, KilledAtEveryStepRecoversForward) {
  int killed = 0;
  for (int step = 1; step < 100; ++step) {
    Fixture f;
    three_groups(f);
    RenumberPlan plan = full_plan(f, select_all(f.scan(), nullptr), true);
    ASSERT_EQ(plan.moves.size(), 3u);
    if (!apply_killed_at(plan, f, step)) {
      // Past the last step: the run completed by itself.
      EXPECT_GT(step, 8);
      break;
    }
    ++killed;
    // The child's rewritten bytes: compute them here the same way.
    for (RenumberMove& m : plan.moves)
      m.rewritten = rewrite_item(m.from, m.original, *m.new_id, worklog_line(kMinute, m.message));
    Repo repo = f.repo();
    RecoveryResult r = recover_renumber(repo);
    EXPECT_TRUE(r.found) << "step " << step;
    EXPECT_TRUE(r.warnings.empty()) << "step " << step << ": " << r.warnings.front();
    expect_consistent(f, plan, step);
    // Idempotent: nothing more to do.
    EXPECT_FALSE(recover_renumber(repo).found);
  }
  // 1 intent + 3 x (temporary, new file) + 3 removals + index = 11 steps.
  EXPECT_EQ(killed, 11);
}

TEST(RenumberIntent, RecoveryTwiceMidwayIsIdempotent) {
  Fixture f;
  three_groups(f);
  RenumberPlan plan = full_plan(f, select_all(f.scan(), nullptr), true);
  ASSERT_TRUE(apply_killed_at(plan, f, 5));  // two temporaries, one new file in place
  const std::string intent = read_file(renumber_intent_path((f.root() / ".git").string()));
  Repo repo = f.repo();
  ASSERT_TRUE(recover_renumber(repo).found);
  // As if the first recovery had been killed just before deleting the intent.
  write_file(renumber_intent_path((f.root() / ".git").string()), intent);
  RecoveryResult again = recover_renumber(repo);
  EXPECT_TRUE(again.found);
  EXPECT_EQ(again.written, 0u);
  EXPECT_EQ(again.removed, 0u);
  for (RenumberMove& m : plan.moves)
    m.rewritten = rewrite_item(m.from, m.original, *m.new_id, worklog_line(kMinute, m.message));
  expect_consistent(f, plan, 5);
}

TEST(RenumberIntent, AChangedOldFileIsKeptWithAWarning) {
  Fixture f;
  three_groups(f);
  RenumberPlan plan = full_plan(f, select_all(f.scan(), nullptr), true);
  ASSERT_TRUE(apply_killed_at(plan, f, 3));  // the first new file is in place
  write_file(f.root() / plan.moves[0].from, "edited by hand\n");
  Repo repo = f.repo();
  RecoveryResult r = recover_renumber(repo);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_NE(r.warnings[0].find("merge them by hand"), std::string::npos) << r.warnings[0];
  EXPECT_EQ(read_file(f.root() / plan.moves[0].from), "edited by hand\n");
  EXPECT_FALSE(fs::exists(f.root() / plan.moves[1].from));
  EXPECT_FALSE(renumber_intent_pending((f.root() / ".git").string()));
}

TEST(RenumberIntent, PathsOutsideTheWorkingTreeAreRefused) {
  Fixture f;
  const std::string git_dir = (f.root() / ".git").string();
  RenumberIntent intent;
  intent.moves.push_back({"../outside.md", "x.md", 0644, false, "a", "b"});
  write_renumber_intent(git_dir, intent);
  Repo repo = f.repo();
  EXPECT_THROW(recover_renumber(repo), RenumberFailed);
  EXPECT_FALSE(fs::exists(f.root().parent_path() / "outside.md"));
  EXPECT_TRUE(renumber_intent_pending(git_dir));
}

TEST(RenumberIntent, NonUtf8BytesSurviveTheJournal) {
  Fixture f;
  const std::string git_dir = (f.root() / ".git").string();
  RenumberIntent intent;
  const std::string bytes("\xff\xfe\0\r\n---\n", 9);
  intent.moves.push_back({"a.md", "sub/b.md", 0600, false, bytes, bytes + "x"});
  write_file(f.root() / "a.md", bytes);
  write_renumber_intent(git_dir, intent);
  Repo repo = f.repo();
  RecoveryResult r = recover_renumber(repo);
  EXPECT_EQ(r.written, 1u);
  EXPECT_EQ(r.removed, 1u);
  EXPECT_EQ(read_file(f.root() / "sub/b.md"), bytes + "x");
  EXPECT_FALSE(fs::exists(f.root() / "a.md"));
}

}  // namespace
}  // namespace kg
