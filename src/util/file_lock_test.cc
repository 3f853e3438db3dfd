#include "util/file_lock.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <optional>

namespace kg {
namespace {

std::string temp_path(const char* name) {
  return (std::filesystem::temp_directory_path() / (std::string("kg-file-lock-") + std::to_string(::getpid()) + name))
      .string();
}

TEST(FileLock, CreatesTheFolderAndIsTakenAgainOnceReleased) {
  std::string dir = temp_path("-dir");
  std::string path = dir + "/sub/x.lock";
  {
    FileLock lock(path, std::chrono::milliseconds(100));
    EXPECT_TRUE(std::filesystem::exists(path));
  }
  FileLock again(path, std::chrono::milliseconds(100));
  std::filesystem::remove_all(dir);
}

TEST(FileLock, AnotherProcessWaitsAndGivesUpAtItsDeadline) {
  std::string path = temp_path(".lock");
  std::optional<FileLock> held;
  held.emplace(path, std::chrono::milliseconds(100));
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    try {
      FileLock other(path, std::chrono::milliseconds(50));
      ::_exit(0);  // must not get it
    } catch (const std::runtime_error&) {
      ::_exit(7);
    }
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 7);
  held.reset();
  FileLock mine(path, std::chrono::milliseconds(50));
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace kg
