// renumber: what is selected, who keeps an ID, the new numbers and paths,
// and the references reported. Real repositories, real files.
#include <gtest/gtest.h>
#include <unistd.h>

#include "check/renumber.h"
#include "check/renumber_testing.h"
#include "git/tree_view.h"

namespace kg {
namespace {

using namespace renumber_test;

std::vector<std::string> froms(const RenumberPlan& p) {
  std::vector<std::string> out;
  for (const RenumberMove& m : p.moves) out.push_back(m.from);
  return out;
}

TEST(RenumberSelect, GroupOfTwoTheOldestKeeps) {
  Fixture f;
  f.write("items/task/0000/DEMO-TSK-0005_new.md", item_text("DEMO-TSK-0005", uid_n(20)));
  f.write("items/task/0000/DEMO-TSK-0005_old.md", item_text("DEMO-TSK-0005", uid_n(10)));
  f.write("items/task/0000/DEMO-TSK-0003_other.md", item_text("DEMO-TSK-0003", uid_n(5)));
  RenumberPlan p = full_plan(f, select_target(f.scan(), f.workdir(), f.workdir(), "DEMO-TSK-0005"), false);
  ASSERT_EQ(p.moves.size(), 1u);
  const RenumberMove& m = p.moves[0];
  EXPECT_EQ(m.from, f.rel("items/task/0000/DEMO-TSK-0005_new.md"));
  EXPECT_EQ(m.other_path, f.rel("items/task/0000/DEMO-TSK-0005_old.md"));
  EXPECT_EQ(m.new_id->display(), "DEMO-TSK-0006");
  EXPECT_TRUE(m.provisional);
  EXPECT_EQ(m.to, f.rel("items/task/0000/DEMO-TSK-0006_new.md"));
  EXPECT_EQ(m.message, "Renumbered from DEMO-TSK-0005 to DEMO-TSK-0006: DEMO-TSK-0005 is also claimed by " +
                           f.rel("items/task/0000/DEMO-TSK-0005_old.md") + " (uid " + uid_n(10) + ").");
  // The same through --all, and with a lower-case, unpadded TARGET.
  EXPECT_EQ(froms(select_all(f.scan(), nullptr)), froms(p));
  EXPECT_EQ(froms(select_target(f.scan(), f.workdir(), f.workdir(), "demo-tsk-5")), froms(p));
}

TEST(RenumberSelect, GroupOfThreeGetsConsecutiveNumbersInPathOrder) {
  Fixture f;
  f.write("items/bug/0000/DEMO-BUG-0042_c.md", item_text("DEMO-BUG-0042", uid_n(3)));
  f.write("items/bug/0000/DEMO-BUG-0042_a.md", item_text("DEMO-BUG-0042", uid_n(2)));
  f.write("items/bug/0000/DEMO-BUG-0042_b.md", item_text("DEMO-BUG-0042", uid_n(1)));
  f.write("items/bug/0100/DEMO-BUG-0150_z.md", item_text("DEMO-BUG-0150", uid_n(4)));
  RenumberPlan p = full_plan(f, select_all(f.scan(), nullptr), true);
  ASSERT_EQ(p.moves.size(), 2u);
  EXPECT_EQ(p.moves[0].to, f.rel("items/bug/0100/DEMO-BUG-0151_a.md"));
  EXPECT_EQ(p.moves[1].to, f.rel("items/bug/0100/DEMO-BUG-0152_c.md"));
  EXPECT_FALSE(p.moves[0].provisional);
  for (const RenumberMove& m : p.moves) EXPECT_EQ(m.other_path, f.rel("items/bug/0000/DEMO-BUG-0042_b.md"));
  // Reserved: the next preview starts above them.
  RenumberPlan again = full_plan(f, select_all(f.scan(), nullptr), false);
  EXPECT_EQ(again.moves[0].new_id->number, 153);
}

TEST(RenumberSelect, KeeperTiesAndInvalidUids) {
  Fixture f;
  // Same millisecond: the smaller uid keeps.
  f.write("items/task/0000/DEMO-TSK-0001_x.md", item_text("DEMO-TSK-0001", "01960000-0000-7000-8000-00000000000b"));
  f.write("items/task/0000/DEMO-TSK-0001_y.md", item_text("DEMO-TSK-0001", "01960000-0000-7000-8000-00000000000a"));
  // A v4 uid and a missing one count as newest, even against a later v7.
  f.write("items/task/0000/DEMO-TSK-0002_v4.md", item_text("DEMO-TSK-0002", "6f9619ff-8b86-4011-b42d-00c04fc964ff"));
  f.write("items/task/0000/DEMO-TSK-0002_late.md", item_text("DEMO-TSK-0002", "01990000-0000-7000-8000-000000000001"));
  f.write("items/task/0000/DEMO-TSK-0002_nouid.md", "---\nid: DEMO-TSK-0002\ntitle: t\n---\n");
  RenumberPlan p = select_all(f.scan(), nullptr);
  ASSERT_EQ(p.moves.size(), 3u);
  EXPECT_EQ(p.moves[0].from, f.rel("items/task/0000/DEMO-TSK-0001_x.md"));
  EXPECT_EQ(p.moves[1].from, f.rel("items/task/0000/DEMO-TSK-0002_nouid.md"));
  EXPECT_EQ(p.moves[2].from, f.rel("items/task/0000/DEMO-TSK-0002_v4.md"));
  EXPECT_EQ(p.moves[1].other_path, f.rel("items/task/0000/DEMO-TSK-0002_late.md"));
  p = full_plan(f, std::move(p), false);
  const std::string& msg = p.moves[1].message;
  EXPECT_EQ(msg.substr(msg.size() - 43), "(uid 01990000-0000-7000-8000-000000000001).") << msg;
}

TEST(RenumberSelect, PathTargetsAndRefusals) {
  Fixture f;
  std::string a = f.write("items/task/0000/DEMO-TSK-0005_a.md", item_text("DEMO-TSK-0005", uid_n(1)));
  f.write("items/task/0000/DEMO-TSK-0009_bad.md", "---\nid: [unclosed\n---\n");
  f.write("items/task/README.md", "# Tasks\n");
  f.write("_trash/DEMO-TSK-0005_a.md", item_text("DEMO-TSK-0005", uid_n(1)));
  write_file(f.root() / "notes.md", "x\n");
  ::symlink("DEMO-TSK-0005_a.md", (f.root() / f.rel("items/task/0000/DEMO-TSK-0006_l.md")).c_str());
  Backlog b = f.scan();
  // A path relative to the working tree or to the current folder: the item
  // gets a new ID even without a duplicate.
  RenumberPlan p = select_target(b, f.workdir(), "/", a);
  ASSERT_EQ(p.moves.size(), 1u);
  EXPECT_TRUE(p.moves[0].other_path.empty());
  p = select_target(b, f.workdir(), (f.root() / f.rel("items/task")).string(), "0000/DEMO-TSK-0005_a.md");
  EXPECT_EQ(froms(p), std::vector<std::string>{a});
  auto refused = [&](const std::string& target, const std::string& why) {
    try {
      select_target(b, f.workdir(), f.workdir(), target);
      ADD_FAILURE() << target << " was accepted";
    } catch (const RenumberRefused& e) {
      EXPECT_NE(std::string(e.what()).find(why), std::string::npos) << e.what();
    }
  };
  refused(f.rel("items/task/0000/DEMO-TSK-0009_bad.md"), "cannot be parsed");
  refused(f.rel("items/task/0000/DEMO-TSK-0006_l.md"), "symbolic link");
  refused(f.rel("items/task/README.md"), "not an item");
  refused(f.rel("_trash/DEMO-TSK-0005_a.md"), "not an item");
  refused("notes.md", "not an item");
  refused("/etc/passwd", "outside the repository");
  refused("DEMO-TSK-0404", "no file in the working tree claims");
  refused("nonsense", "not an ID");
  // An ID claimed once: nothing to do, said in a note.
  p = select_target(b, f.workdir(), f.workdir(), "DEMO-TSK-0005");
  EXPECT_TRUE(p.moves.empty());
  ASSERT_EQ(p.notes.size(), 1u);
}

TEST(RenumberSelect, UnparseableClaimantRefusesTheWholeRun) {
  Fixture f;
  f.write("items/task/0000/DEMO-TSK-0005_a.md", item_text("DEMO-TSK-0005", uid_n(1)));
  f.write("items/task/0000/DEMO-TSK-0005_b.md", "---\nid: DEMO-TSK-0005\ntitle: [x\n---\n");
  EXPECT_THROW(select_all(f.scan(), nullptr), RenumberRefused);
}

TEST(RenumberSelect, IntroducedOnlyRepairsNewGroups) {
  Fixture f;
  f.write("items/task/0000/DEMO-TSK-0001_a.md", item_text("DEMO-TSK-0001", uid_n(1)));
  f.write("items/task/0000/DEMO-TSK-0001_b.md", item_text("DEMO-TSK-0001", uid_n(2)));
  commit_all(f.root(), "an old duplicate");
  f.write("items/task/0000/DEMO-TSK-0002_a.md", item_text("DEMO-TSK-0002", uid_n(3)));
  f.write("items/task/0000/DEMO-TSK-0002_b.md", item_text("DEMO-TSK-0002", uid_n(4)));
  Repo repo = f.repo();
  std::vector<Item> baseline = scan_backlog(TreeView(repo, *repo.head_tree()), ScanOptions{}).items;
  RenumberPlan p = select_all(f.scan(), &baseline);
  EXPECT_EQ(froms(p), std::vector<std::string>{f.rel("items/task/0000/DEMO-TSK-0002_b.md")});
  EXPECT_EQ(p.mode, "introduced");
  EXPECT_EQ(select_all(f.scan(), nullptr).moves.size(), 2u);
}

TEST(RenumberSelect, FilenamesRenamesOnlyNonDuplicates) {
  Fixture f;
  f.write("items/task/0000/DEMO-TSK-0005_fix.md", item_text("DEMO-TSK-0109", uid_n(1)));
  f.write("items/tasks/DEMO-TSK-0007_legacy.md", item_text("DEMO-TSK-0008", uid_n(2)));
  f.write("items/task/0000/DEMO-TSK-0003_dup.md", item_text("DEMO-TSK-0004", uid_n(3)));
  f.write("items/task/0000/DEMO-TSK-0004_dup.md", item_text("DEMO-TSK-0004", uid_n(4)));
  f.write("decisions/ADR-0001_db.md", item_text("ADR-0002", uid_n(5)));
  RenumberPlan p = full_plan(f, select_filenames(f.scan()), false);
  ASSERT_EQ(p.moves.size(), 3u);
  EXPECT_EQ(p.moves[0].to, f.rel("decisions/ADR-0002_db.md"));
  EXPECT_EQ(p.moves[1].to, f.rel("items/task/0100/DEMO-TSK-0109_fix.md"));
  EXPECT_EQ(p.moves[2].to, f.rel("items/tasks/0000/DEMO-TSK-0008_legacy.md"));
  for (const RenumberMove& m : p.moves) EXPECT_EQ(m.rewritten, m.original);
  ASSERT_EQ(p.notes.size(), 1u);
}

TEST(RenumberNumber, PathKeepsTypeFolderSlugAndDecisions) {
  const std::string r = "p";
  ItemId t{"DEMO", TypeCode::Task, 1234};
  EXPECT_EQ(renumbered_path("p/items/tasks/0000/DEMO-TSK-0005_a_b.md", r, t), "p/items/tasks/1200/DEMO-TSK-1234_a_b.md");
  EXPECT_EQ(renumbered_path("p/items/bug/DEMO-TSK-0005.md", r, t), "p/items/bug/1200/DEMO-TSK-1234.md");
  EXPECT_EQ(renumbered_path("p/items/story/0000/no-id-here.md", r, t), "p/items/story/1200/DEMO-TSK-1234_no-id-here.md");
  EXPECT_EQ(renumbered_path("p/items/x.md", r, t), "p/items/task/1200/DEMO-TSK-1234_x.md");
  EXPECT_EQ(renumbered_path("p/decisions/ADR-0001_use-sqlite.md", r, ItemId{"", TypeCode::Adr, 12}),
            "p/decisions/ADR-0012_use-sqlite.md");
}

TEST(RenumberNumber, ExplicitToMustBeFreeEverywhere) {
  Fixture f;
  f.write("items/task/0000/DEMO-TSK-0005_a.md", item_text("DEMO-TSK-0005", uid_n(1)));
  f.write("items/task/0000/DEMO-TSK-0005_b.md", item_text("DEMO-TSK-0005", uid_n(2)));
  commit_all(f.root(), "dup");
  git(f.root(), "checkout -qb side");
  f.write("items/task/0000/DEMO-TSK-0050_side.md", item_text("DEMO-TSK-0050", uid_n(3)));
  commit_all(f.root(), "side");
  git(f.root(), "checkout -q main");
  Backlog b = f.scan();
  Repo repo = f.repo();
  RenumberPlan p = select_target(b, f.workdir(), f.workdir(), "DEMO-TSK-0005");
  auto check = [&](const std::string& to) { return check_explicit_id(p, *parse_id(to), repo, {}, b.config, f.db_path()); };
  EXPECT_THROW(check("DEMO-TSK-0050"), RenumberRefused);  // only on another branch
  EXPECT_THROW(check("DEMO-BUG-0051"), RenumberRefused);  // another type
  EXPECT_THROW(check("DEMO-TSK-0005"), RenumberRefused);  // its own ID
  EXPECT_TRUE(check("DEMO-TSK-0051").empty());
  EXPECT_TRUE(check("OTHER-TSK-0001").empty());
  // Recorded through the reservation path: the sequence stays above it.
  reserve_explicit(p, *parse_id("DEMO-TSK-0060"), repo, {}, b.config, f.db_path(), nullptr);
  EXPECT_THROW(check("DEMO-TSK-0060"), RenumberRefused);  // now in the clone journal
  auto w = check("DEMO-TSK-0052");                        // a gap below the stored value
  ASSERT_EQ(w.size(), 1u);
  EXPECT_NE(w[0].find("stored value 60"), std::string::npos) << w[0];
  f.write("items/task/0000/DEMO-TSK-0005_c.md", item_text("DEMO-TSK-0005", uid_n(9)));
  RenumberPlan two = select_all(f.scan(), nullptr);
  EXPECT_THROW(check_explicit_id(two, *parse_id("DEMO-TSK-0070"), repo, {}, b.config, f.db_path()), RenumberRefused);
}

TEST(RenumberRefs, MentionsWithFileAndLineExceptTheIdLines) {
  EXPECT_EQ(find_id_mentions("a DEMO-TSK-5 b\nxdemo-tsk-0005\nDEMO-TSK-00051\n(demo-tsk-0005)\nDEMO-TSK-0005_x.md",
                             *parse_id("DEMO-TSK-0005"))
                .size(),
            3u);
  Fixture f;
  f.write("items/task/0000/DEMO-TSK-0005_a.md", item_text("DEMO-TSK-0005", uid_n(1)));
  f.write("items/task/0000/DEMO-TSK-0005_b.md", item_text("DEMO-TSK-0005", uid_n(2), "links:\n  - DEMO-TSK-0005\n"));
  std::string child = f.write("items/task/0000/DEMO-TSK-0006_child.md",
                              item_text("DEMO-TSK-0006", uid_n(3), "parent: DEMO-TSK-0005\n") + "See DEMO-TSK-0005.\n");
  f.write("decisions/ADR-0001_x.md", item_text("ADR-0001", uid_n(4), "related_items: [DEMO-TSK-0005]\n"));
  const std::string before = read_file(f.root() / child);
  RenumberPlan p = full_plan(f, select_target(f.scan(), f.workdir(), f.workdir(), "DEMO-TSK-0005"), false);
  std::vector<std::string> got;
  for (const RenumberRef& r : p.references) got.push_back(r.path + ":" + std::to_string(r.line) + ":" + r.field);
  EXPECT_EQ(got, (std::vector<std::string>{f.rel("decisions/ADR-0001_x.md") + ":7:related_items",
                                           f.rel("items/task/0000/DEMO-TSK-0005_b.md") + ":8:links",
                                           f.rel("items/task/0000/DEMO-TSK-0006_child.md") + ":6:parent",
                                           f.rel("items/task/0000/DEMO-TSK-0006_child.md") + ":16:body"}));
  EXPECT_EQ(read_file(f.root() / child), before);
}

}  // namespace
}  // namespace kg
