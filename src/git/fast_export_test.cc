#include "git/fast_export.h"

#include <gtest/gtest.h>

#include <iterator>
#include <thread>

#include "git/testing.h"

namespace kg {
namespace {

using namespace gittest;

const std::string kA(64, 'a'), kB(64, 'b');

std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

git_oid oid(const std::string& hex) {
  git_oid o;
  EXPECT_EQ(git_oid_fromstrn(&o, hex.data(), hex.size()), 0) << hex;
  return o;
}

std::string hex(const git_oid& o) { return git_oid_tostr_s(&o); }

TEST(FastExport, RewritesInPlaceOnlyBareIdsAndGitlinks) {
  // Lines inside a data block are content, never commands.
  const std::string body = "commit " + kB + "\nM 160000 x sub\n";
  std::string s = "blob\nmark :1\noriginal-oid " + kA + "\ndata " + std::to_string(body.size()) + "\n" + body +
                  "\nreset " + kA + "\ncommit " + kA + "\nmark :2\noriginal-oid " + kB +
                  "\ndata 2\nm\nM 100644 :1 a.md\nM 160000 " + kB + " sub\n\ncommit refs/heads/main\nmark :3\n"
                  "data 0\nfrom :2\n\ncommit " + kB + "\ntag v1\nreset " + kB;
  const std::string want = "blob\nmark :1\noriginal-oid " + kA + "\ndata " + std::to_string(body.size()) + "\n" +
                           body + "\nreset x/" + kA + "\ncommit x/" + kA + "\nmark :2\noriginal-oid " + kB +
                           "\ndata 2\nm\nM 100644 :1 a.md\n\ncommit refs/heads/main\nmark :3\n"
                           "data 0\nfrom :2\n\ncommit x/" + kB + "\ntag v1\nreset x/" + kB;
  const ExportStream e = rewrite_export_stream(s, "x/");
  EXPECT_EQ(s, want);
  EXPECT_EQ(e.refs, (std::set<std::string>{"x/" + kA, "x/" + kB, "refs/heads/main", "refs/tags/v1"}));
  EXPECT_EQ(e.marks, (std::vector<std::pair<uint64_t, std::string>>{{1, kA}, {2, kB}}));
}

// The real thing: a sha256 repository's stream (a gitlink, a commit on no
// ref) rewritten, imported into a SHA-1 repository, the marks joined.
TEST(FastExport, TheMarksJoinedMapEveryExportedCommit) {
  CleanGitEnv clean;
  TempDir tmp;
  const fs::path repo = tmp / "r", mirror = tmp / "m";
  init_repo(repo, "--object-format=sha256");
  write_file(repo / "a.md", "a\n");
  commit_all(repo, "one");
  git(repo, "update-index --add --cacheinfo 160000," + trimmed(git(repo, "rev-parse HEAD")) + ",sub");
  commit_all(repo, "gitlink");
  write_file(repo / "b.md", "b\n");
  git(repo, "add b.md");
  const std::string tree = trimmed(git(repo, "write-tree"));
  const std::string loose = trimmed(git(repo, "commit-tree " + tree + " -p HEAD -m loose"));
  const std::string em = (tmp / "em").native(), im = (tmp / "im").native();
  std::string s = git(repo, "fast-export --show-original-ids --export-marks=" + em + " main " + loose);
  const ExportStream e = rewrite_export_stream(s, "refs/x/");
  EXPECT_EQ(s.find("M 160000"), std::string::npos);
  EXPECT_TRUE(e.refs.contains("refs/x/" + loose));
  write_file(tmp / "stream", s);
  sh("git init -q --bare " + quote(mirror.native()));
  git(mirror, "fast-import --quiet --export-marks=" + im + " <" + quote((tmp / "stream").native()));

  IdMap map;
  const std::string em_text = read(em), im_text = read(im);
  join_marks(MarkIds(em_text, 64), MarkIds(im_text, GIT_OID_HEXSZ), map);
  EXPECT_EQ(map.size(), 3u);  // the commits
  ASSERT_TRUE(map.contains(loose));
  EXPECT_EQ(hex(map[loose]), trimmed(git(mirror, "rev-parse refs/x/" + loose)));
  EXPECT_EQ(git(mirror, "show " + hex(map[loose]) + ":b.md"), "b\n");
  EXPECT_EQ(hex(map[trimmed(git(repo, "rev-parse main"))]), trimmed(git(mirror, "rev-parse refs/heads/main")));
  // The blobs come from the stream's marks.
  const MarkIds sha1s(im_text, GIT_OID_HEXSZ);
  const std::string a = trimmed(git(repo, "rev-parse main:a.md"));
  bool found = false;
  for (const auto& [mark, sha256] : e.marks) {
    if (sha256 != a) continue;
    found = true;
    EXPECT_EQ(sha1s.find(mark), trimmed(git(mirror, "rev-parse main:a.md")));
  }
  EXPECT_TRUE(found);
}

TEST(FastExport, MarksFilesAndTheIdMapTakeWholeLinesOnly) {
  const std::string s1(40, '1'), s2(40, '2');
  const std::string text = ":2 " + s2 + "\n:1 " + s1 + "\n:3 " + s1.substr(1) + "\n:x " + s1 + "\n:4 " + s1;
  const MarkIds marks(text, 40);
  EXPECT_EQ(marks.find(1), s1);
  EXPECT_EQ(marks.find(2), s2);
  EXPECT_EQ(marks.find(3), "");
  EXPECT_EQ(marks.find(4), s1);  // the file's last line: whole without its newline

  IdMap map;
  // A torn line continued by the next append: skipped, as is an unfinished last line.
  read_id_map(kA + " " + s1.substr(0, 20) + kB + " " + s2 + "\n" + kB + " " + s2 + "\n" + kA + " " + s1.substr(0, 20),
              map);
  EXPECT_EQ(map.size(), 1u);
  EXPECT_EQ(hex(map[kB]), s2);
  // The marks win over the id map.
  join_marks(MarkIds(":7 " + kB + "\n", 64), MarkIds(":7 " + s1 + "\n", 40), map);
  EXPECT_EQ(hex(map[kB]), s1);
  EXPECT_EQ(id_map_line(kA, oid(s2)), kA + " " + s2 + "\n");
}

TEST(FastExport, AppendsFromManyWritersNeverInterleave) {
  TempDir tmp;
  const std::string path = (tmp / "oid-map").native();
  constexpr int kWriters = 8, kAppends = 200, kLines = 50;
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; i < kAppends; ++i) {
        std::string lines;
        for (int l = 0; l < kLines; ++l) {
          char key[65];
          std::snprintf(key, sizeof key, "%064x", (w * kAppends + i) * kLines + l);
          lines += id_map_line(key, oid(std::string(40, "0123456789abcdef"[w])));
        }
        append_id_map(path, lines);
      }
    });
  }
  for (std::thread& t : writers) t.join();
  IdMap map;
  read_id_map(read(path), map);
  EXPECT_EQ(map.size(), size_t{kWriters} * kAppends * kLines);
}

}  // namespace
}  // namespace kg
