// The unit tests' owner of libgit2's process-wide state (libgit2.h): one
// Libgit2 for the whole run, as the command line's run() holds one.
#include "git/libgit2.h"

#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>

#include "git/repo.h"
#include "git/testing.h"

namespace kg {
namespace {

class Libgit2Environment : public ::testing::Environment {
 public:
  void SetUp() override { owner_ = std::make_unique<Libgit2>(); }
  void TearDown() override { owner_.reset(); }

 private:
  std::unique_ptr<Libgit2> owner_;
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

}  // namespace
}  // namespace kg
