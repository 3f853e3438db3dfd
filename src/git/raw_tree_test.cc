#include "git/raw_tree.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "git/blob.h"
#include "git/repo.h"
#include "git/testing.h"

namespace kg {
namespace {

using namespace gittest;

TEST(RawTree, ParsesEntriesAndNormalizesModesAsLibgit2) {
  CleanGitEnv env;
  TempDir dir;
  init_repo(dir.path());
  const fs::path r = dir.path();
  std::string blob = trimmed(git(r, "hash-object -w --stdin </dev/null"));
  // Modes as old or odd tools wrote them: 100664 (group-writable), 040000.
  std::string tree = trimmed(sh("printf '100664 blob " + blob + "\\tgroup.md\\n100755 blob " + blob +
                                "\\trun.sh\\n120000 blob " + blob + "\\tlink\\n' | git -C " + quote(r.native()) +
                                " mktree"));
  Repo repo = Repo::open(r.string());
  git_oid id{};
  ASSERT_EQ(git_oid_fromstr(&id, tree.c_str()), 0);
  std::optional<std::string> data = read_tree_data(repo.raw(), id);
  ASSERT_TRUE(data);
  std::vector<std::pair<std::string, git_filemode_t>> seen;
  EXPECT_TRUE(parse_tree(*data, [&](const RawTreeEntry& e) { seen.emplace_back(std::string(e.name), e.mode); }));
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0], std::make_pair(std::string("group.md"), GIT_FILEMODE_BLOB));
  EXPECT_EQ(seen[1], std::make_pair(std::string("link"), GIT_FILEMODE_LINK));
  EXPECT_EQ(seen[2], std::make_pair(std::string("run.sh"), GIT_FILEMODE_BLOB_EXECUTABLE));

  for (std::string bad : {std::string("100644 name"), std::string("10064x name\0", 12),
                          std::string(" name\0", 6) + std::string(20, 'a'), std::string("100644 \0", 8) + std::string(20, 'a'),
                          std::string("100644 a\0", 9) + std::string(19, 'a')})
    EXPECT_FALSE(parse_tree(bad, [](const RawTreeEntry&) {})) << bad;
  EXPECT_TRUE(parse_tree("", [](const RawTreeEntry&) {}));
  git_oid blob_id{};
  ASSERT_EQ(git_oid_fromstr(&blob_id, blob.c_str()), 0);
  EXPECT_FALSE(read_tree_data(repo.raw(), blob_id)) << "a blob is not a tree";
}

}  // namespace
}  // namespace kg
