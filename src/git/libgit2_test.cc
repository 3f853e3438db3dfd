// The unit tests' owner of libgit2's process-wide state (libgit2.h): one
// Libgit2 for the whole run, as the command line's run() holds one.
#include "git/libgit2.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>
#include <memory>
#include <stdexcept>

#include "git/repo.h"
#include "git/testing.h"

namespace kg {
namespace {

// The environment's owner; a death test's child lets it go.
std::unique_ptr<Libgit2>& environment_owner() {
  static std::unique_ptr<Libgit2> owner;
  return owner;
}

class Libgit2Environment : public ::testing::Environment {
 public:
  void SetUp() override { environment_owner() = std::make_unique<Libgit2>(); }
  void TearDown() override { environment_owner().reset(); }
};

[[maybe_unused]] const ::testing::Environment* const kEnvironment =
    ::testing::AddGlobalTestEnvironment(new Libgit2Environment);

TEST(Libgit2, OwnersNestAndTheTestsHoldOne) {
  EXPECT_TRUE(Libgit2::alive());
  {
    Libgit2 inner;  // as cli::run() inside a test
    EXPECT_TRUE(Libgit2::alive());
  }
  EXPECT_TRUE(Libgit2::alive()) << "the environment's owner still holds libgit2";
  gittest::CleanGitEnv clean;
  gittest::TempDir dir;
  gittest::init_repo(dir.path());
  EXPECT_NO_THROW(Repo::open(dir.path().string()));
}

// Run in a death test's child, which may let go of libgit2: with no
// Libgit2 alive, Repo::open and Repo::open_from_env throw the documented
// std::logic_error (its message to stderr), and with one again the same
// repository opens. The exit code says which step went wrong (0: none).
int open_without_owner() {
  gittest::CleanGitEnv clean;
  gittest::TempDir dir;
  gittest::init_repo(dir.path());
  environment_owner().reset();
  if (Libgit2::alive()) return 2;
  int refused = 0;
  for (auto open : {+[](const std::string& path) { Repo::open(path); },
                    +[](const std::string&) { Repo::open_from_env(); }}) {
    try {
      open(dir.path().string());
    } catch (const std::logic_error& e) {
      std::cerr << e.what() << '\n';
      ++refused;
    } catch (...) {
    }
  }
  if (refused != 2) return 3;
  try {
    Libgit2 again;
    Repo::open(dir.path().string());
  } catch (...) {
    return 4;
  }
  return 0;
}

TEST(Libgit2DeathTest, NoRepoOpensWithoutAnOwner) {
  // threadsafe: the child is a fresh run of this test alone (its own
  // environment owner), not a fork of a process other tests left threads in.
  const std::string style = GTEST_FLAG_GET(death_test_style);
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(std::exit(open_without_owner()), ::testing::ExitedWithCode(0), "no kg::Libgit2 alive");
  GTEST_FLAG_SET(death_test_style, style);
  EXPECT_TRUE(Libgit2::alive()) << "the child's release is not the parent's";
}

}  // namespace
}  // namespace kg
