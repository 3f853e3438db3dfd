#include "git/spawn.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <string>

#include "git/error.h"

extern char** environ;

namespace kg {
namespace {

using namespace std::chrono_literals;

SpawnSpec shell(const std::string& script, bool own_group = false) {
  SpawnSpec spec;
  spec.argv = {"sh", "-c", script};
  for (char** e = environ; *e; ++e) spec.env.emplace_back(*e);
  spec.own_group = own_group;
  return spec;
}

TEST(Child, FeedsInputAndCollectsOutputErrorsAndStatus) {
  Child child(shell("cat; echo oops >&2; exit 3"));
  const std::string big(1 << 20, 'x');  // more than a pipe holds
  SpawnOutcome done = child.communicate(big, SpawnClock::now() + 60s, SpawnLimits{});
  EXPECT_FALSE(done.timed_out);
  EXPECT_EQ(done.status(), 3);
  EXPECT_EQ(done.out, big);
  EXPECT_EQ(done.err, "oops\n");
}

TEST(Child, OutputBeyondTheLimitIsReadAndDropped) {
  Child child(shell("head -c 300000 /dev/zero; head -c 300000 /dev/zero >&2"));
  SpawnLimits limits;
  limits.max_out = 10;
  limits.max_err = 20;
  SpawnOutcome done = child.communicate({}, SpawnClock::now() + 60s, limits);
  EXPECT_EQ(done.status(), 0);  // never blocked on a full pipe
  EXPECT_EQ(done.out.size(), 10u);
  EXPECT_EQ(done.err.size(), 20u);
}

TEST(Child, AChildThatStopsReadingIsAnAnswerNotACrash) {
  Child child(shell("exit 5"));
  SpawnOutcome done = child.communicate(std::string(4 << 20, 'x'), SpawnClock::now() + 60s, SpawnLimits{});
  EXPECT_EQ(done.status(), 5);  // EPIPE on our side, not SIGPIPE
}

TEST(Child, TheDeadlineKillsAtOnceWithoutGrace) {
  Child child(shell("sleep 30"));
  SpawnOutcome done = child.communicate({}, SpawnClock::now() + 100ms, SpawnLimits{});
  EXPECT_TRUE(done.timed_out);
}

TEST(Child, WithGraceTheGroupGetsSigtermFirst) {
  // The shell says it saw SIGTERM; SIGKILL would have given it no chance.
  Child child(shell("trap 'echo terminated; exit 7' TERM; echo ready; sleep 30 & wait", true));
  SpawnLimits limits;
  limits.grace = 10s;
  SpawnOutcome done = child.communicate({}, SpawnClock::now() + 300ms, limits);
  EXPECT_TRUE(done.timed_out);
  EXPECT_EQ(done.out, "ready\nterminated\n");
  EXPECT_EQ(done.status(), 7);
}

TEST(Child, AnInheritedIgnoredSigchldDoesNotTurnAFailureIntoSuccess) {
  struct sigaction before {};
  ::sigaction(SIGCHLD, nullptr, &before);
  ::signal(SIGCHLD, SIG_IGN);  // as a parent may leave it across exec
  Child child(shell("exit 4"));
  const int status = child.communicate({}, SpawnClock::now() + 60s, SpawnLimits{}).status();
  ::sigaction(SIGCHLD, &before, nullptr);
  EXPECT_EQ(status, 4);
}

TEST(Child, AKilledChildNeverReadsAsExitZero) {
  Child child(shell("sleep 30"));
  SpawnOutcome done = child.communicate({}, SpawnClock::now() + 100ms, SpawnLimits{});
  EXPECT_TRUE(done.timed_out);
  EXPECT_EQ(done.status(), 128 + SIGKILL);
}

TEST(Child, AProgramThatIsNotThereIsAGitError) {
  SpawnSpec spec = shell("");
  spec.argv = {"kabsd-guard-no-such-program"};
  EXPECT_THROW(Child{spec}, GitError);
}

TEST(Child, StartsInTheFolderItIsGiven) {
  SpawnSpec spec = shell("pwd");
  spec.chdir = "/usr";
  Child child(spec);
  EXPECT_EQ(child.communicate({}, SpawnClock::now() + 60s, SpawnLimits{}).out, "/usr\n");
}

}  // namespace
}  // namespace kg
