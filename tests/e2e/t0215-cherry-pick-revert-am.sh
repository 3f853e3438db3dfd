#!/usr/bin/env bash
# The git commands that run no pre-commit hook: `git cherry-pick` and `git
# revert` run post-commit, `git am` runs pre-applypatch. The real hooks,
# installed by `kabsd-guard install`.
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup: main with DEMO-TSK-0005, a branch adding another DEMO-TSK-0005' '
  new_repo r && install_guard r &&
  test -x r/.git/hooks/post-commit && test -x r/.git/hooks/pre-applypatch &&
  git -C r checkout -qb side &&
  add_item r DEMO-TSK-0005 $(uid_n 2) theirs && git -C r commit -qm theirs &&
  git -C r checkout -q main &&
  add_item r DEMO-TSK-0005 $(uid_n 1) ours && git -C r commit -qm ours 2>err &&
  test_must_fail grep . err
'

test_expect_success 'a plain commit: post-commit is quiet' '
  echo a >r/a && git -C r add a && git -C r commit -qm a >out 2>&1 &&
  test_must_fail grep . out
'

test_expect_success 'git cherry-pick of a commit adding a duplicate: post-commit warns, with the renumber command' '
  git -C r cherry-pick side >out 2>&1 &&
  grep "duplicate ID DEMO-TSK-0005" out &&
  grep "the cherry-pick brought the duplicate" out &&
  grep "kabsd-guard renumber .*DEMO-TSK-0005_theirs.md" out &&
  git -C r reset -q --hard HEAD~1
'

test_expect_success 'git revert that brings back a removed claimant: post-commit warns' '
  add_item r DEMO-TSK-0007 $(uid_n 3) old && git -C r commit -qm old &&
  git -C r rm -q $(item_path DEMO-TSK-0007 old) && git -C r commit -qm "drop old" &&
  add_item r DEMO-TSK-0007 $(uid_n 4) new && git -C r commit -qm new &&
  git -C r revert --no-edit HEAD~1 >out 2>&1 &&
  grep "the revert brought the duplicate" out && grep "duplicate ID DEMO-TSK-0007" out &&
  grep "kabsd-guard renumber" out &&
  git -C r reset -q --hard HEAD~1
'

test_expect_success 'git commit --no-verify adding a duplicate: post-commit warns at once' '
  add_item r DEMO-TSK-0005 $(uid_n 9) sneaky &&
  git -C r commit -q --no-verify -m sneaky >out 2>&1 &&
  grep "the commit brought the duplicate" out &&
  git -C r reset -q --hard HEAD~1
'

test_expect_success 'git commit --amend: reported once, by post-rewrite, not by post-commit' '
  add_item r DEMO-TSK-0005 $(uid_n 10) amended &&
  git -C r commit -q --amend --no-verify --no-edit >out 2>&1 &&
  test "$(grep -c "brought the duplicate" out)" = 1 &&
  grep "the amend brought" out &&
  git -C r reset -q --hard HEAD@{1}
'

test_expect_success 'git am of a patch adding a duplicate is refused by pre-applypatch' '
  git -C r format-patch -q -1 side -o "$TRASH/patches" &&
  head=$(git -C r rev-parse HEAD) &&
  test_must_fail git -C r am -q "$TRASH"/patches/*.patch >out 2>&1 &&
  grep "applied patch refused" out && grep "duplicate ID DEMO-TSK-0005" out &&
  grep "KABSD_GUARD_SKIP=1 git am --continue" out &&
  test "$(git -C r rev-parse HEAD)" = "$head" &&
  git -C r am --abort
'

test_expect_success 'git am of a clean patch goes through quietly' '
  git -C r checkout -qb clean HEAD~1 && echo z >r/z && git -C r add z && git -C r commit -qm z &&
  git -C r format-patch -q -1 HEAD -o "$TRASH/clean" && git -C r checkout -q main &&
  git -C r am -q "$TRASH"/clean/*.patch >out 2>&1 && test_must_fail grep . out &&
  test -f r/z
'

test_expect_success 'KABSD_GUARD_SKIP=1 git am --continue takes a refused patch' '
  test_must_fail git -C r am -q "$TRASH"/patches/*.patch >/dev/null 2>&1 &&
  KABSD_GUARD_SKIP=1 git -C r am --continue >/dev/null 2>&1 &&
  test -f r/$(item_path DEMO-TSK-0005 theirs)
'

test_done
