#include "util/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

namespace kg {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class UtilFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/kg-files-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(UtilFiles, ReplaceFileWritesAndReplacesWithTheMode) {
  const fs::path f = dir_ / "a";
  EXPECT_EQ(replace_file(f.string(), "one\n", 0755, true), "");
  EXPECT_EQ(slurp(f), "one\n");
  struct stat st;
  ASSERT_EQ(stat(f.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0755u);
  EXPECT_EQ(replace_file(f.string(), std::string(100000, 'x'), 0644, false), "");
  EXPECT_EQ(slurp(f).size(), 100000u);
  ASSERT_EQ(stat(f.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()), 1);  // no temporary left
}

TEST_F(UtilFiles, ReplaceFileReportsWhatFailedAndLeavesNothing) {
  std::string err = replace_file((dir_ / "missing" / "a").string(), "x", 0644, false);
  EXPECT_NE(err.find("cannot create"), std::string::npos) << err;
  EXPECT_NE(err.find("missing"), std::string::npos) << err;
  fs::create_directories(dir_ / "target" / "inside");  // a folder cannot be replaced by a file
  err = replace_file((dir_ / "target").string(), "x", 0644, false);
  EXPECT_NE(err.find("cannot rename"), std::string::npos) << err;
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()), 1);
}

TEST_F(UtilFiles, ReadsAPrefixOfRegularFilesOnlyWithOrWithoutFollowingSymlinks) {
  const std::string file = (dir_ / "f").string(), link = (dir_ / "l").string(), fifo = (dir_ / "p").string();
  const std::string to_fifo = (dir_ / "lp").string(), dangling = (dir_ / "d").string();
  ASSERT_EQ(replace_file(file, "0123456789", 0644, false), "");
  ASSERT_EQ(symlink("f", link.c_str()), 0);
  ASSERT_EQ(mkfifo(fifo.c_str(), 0644), 0);  // opened without a writer: must not block
  ASSERT_EQ(symlink("p", to_fifo.c_str()), 0);
  ASSERT_EQ(symlink("nowhere", dangling.c_str()), 0);

  EXPECT_EQ(read_regular_prefix(file, 4), "0123");
  EXPECT_EQ(read_regular_prefix(file, 100), "0123456789");
  EXPECT_EQ(read_regular_prefix(link, 100), std::nullopt);
  EXPECT_EQ(read_regular_prefix(fifo, 100), std::nullopt);

  EXPECT_EQ(read_regular_prefix_following(link, 3), "012");
  EXPECT_EQ(read_regular_prefix_following(to_fifo, 100), std::nullopt);
  EXPECT_EQ(read_regular_prefix_following(fifo, 100), std::nullopt);
  EXPECT_EQ(read_regular_prefix_following(dangling, 100), std::nullopt);
  EXPECT_EQ(read_regular_prefix_following(dir_.string(), 100), std::nullopt);
}

TEST_F(UtilFiles, FdClosesOnceAndReportsIt) {
  Fd fd(::open((dir_ / "f").c_str(), O_WRONLY | O_CREAT, 0644));
  ASSERT_TRUE(fd);
  EXPECT_TRUE(fd.close());
  EXPECT_FALSE(fd);
  Fd none(-1);
  EXPECT_FALSE(none);
}

}  // namespace
}  // namespace kg
