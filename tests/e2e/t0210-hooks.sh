#!/usr/bin/env bash
# The guard as git hooks, end to end: real git commands with the real hooks
# installed by `kabsd-guard install`.
. "$(dirname "$0")/lib.sh"

db_value() { # db_value REPO CODE: the stored value for DEMO/CODE
  sqlite3 "$1/.kano/cache/backlog/backlog.demo.chunks.v1.db" \
    "SELECT next_number FROM id_sequences WHERE prefix='DEMO' AND type_code='$2'"
}

test_expect_success 'setup: a repository with the hooks installed' '
  new_repo r && install_guard r &&
  test -x r/.git/hooks/pre-commit && test -x r/.git/hooks/pre-push &&
  add_item r DEMO-TSK-0005 $(uid_n 1) first && git -C r commit -qm first
'

test_expect_success 'a commit adding a second claimant is refused, naming both files and uids' '
  add_item r DEMO-TSK-0005 $(uid_n 2) second &&
  test_must_fail git -C r commit -qm dup 2>err &&
  grep "DEMO-TSK-0005_first.md" err && grep "DEMO-TSK-0005_second.md" err &&
  grep "$(uid_n 1)" err && grep "$(uid_n 2)" err &&
  grep "commit refused" err && grep "KABSD_GUARD_SKIP=1" err &&
  test "$(git -C r rev-list --count HEAD)" = 2 &&
  git -C r reset -q && rm r/$(item_path DEMO-TSK-0005 second)
'

test_expect_success 'git commit -a sees the modified tracked file' '
  add_item r DEMO-TSK-0006 $(uid_n 3) other && git -C r commit -qm other &&
  sed -i "s/^id: DEMO-TSK-0006/id: DEMO-TSK-0005/" r/$(item_path DEMO-TSK-0006 other) &&
  git -C r commit -q --dry-run -a >/dev/null 2>&1 &&
  test_must_fail git -C r commit -qam "claims 5" 2>err && grep "duplicate ID DEMO-TSK-0005" err &&
  git -C r checkout -q -- .
'

test_expect_success 'git commit PATH: only what is committed counts' '
  add_item r DEMO-TSK-0005 $(uid_n 4) staged-dup &&
  echo note >r/notes.txt && git -C r add notes.txt &&
  git -C r commit -qm "notes only" -- notes.txt &&
  test_must_fail git -C r commit -qm "the dup" -- $(item_path DEMO-TSK-0005 staged-dup) &&
  git -C r reset -q && rm r/$(item_path DEMO-TSK-0005 staged-dup)
'

test_expect_success 'git commit --amend sees the amended staged set' '
  add_item r DEMO-TSK-0005 $(uid_n 5) amend-dup &&
  test_must_fail git -C r commit -q --amend --no-edit &&
  git -C r reset -q && rm r/$(item_path DEMO-TSK-0005 amend-dup) &&
  echo more >>r/notes.txt && git -C r add notes.txt && git -C r commit -q --amend --no-edit
'

test_expect_success 'the first commit (unborn HEAD) with two claimants is refused' '
  git init -q first && install_guard first &&
  mkdir -p first/.kano && cp r/.kano/backlog_config.toml first/.kano/ &&
  add_item first DEMO-BUG-0001 $(uid_n 1) a && add_item first DEMO-BUG-0001 $(uid_n 2) b &&
  test_must_fail git -C first commit -qm first &&
  test_must_fail git -C first rev-parse -q --verify HEAD
'

test_expect_success 'KABSD_GUARD_SKIP=1 and --no-verify bypass' '
  KABSD_GUARD_SKIP=1 git -C first commit -qm skipped &&
  add_item first DEMO-BUG-0001 $(uid_n 3) c &&
  git -C first commit -q --no-verify -m noverify
'

test_expect_success 'existing duplicates: worklog edit and rename commit fine; a third claimant is refused' '
  echo "2025-03-01 09:00 [agent=x] progress" >>first/$(item_path DEMO-BUG-0001 a) &&
  git -C first commit -qam worklog &&
  git -C first mv $(item_path DEMO-BUG-0001 b) $(dirname $(item_path DEMO-BUG-0001))/DEMO-BUG-0001_renamed.md &&
  git -C first commit -qm rename &&
  add_item first DEMO-BUG-0001 $(uid_n 9) fourth &&
  test_must_fail git -C first commit -qm fourth &&
  git -C first reset -q --hard
'

test_expect_success 'a clean merge that brings in a claimant is refused by pre-merge-commit' '
  new_repo m && install_guard m &&
  add_item m DEMO-TSK-0001 $(uid_n 1) base && git -C m commit -qm base &&
  git -C m checkout -qb feature &&
  add_item m DEMO-TSK-0002 $(uid_n 2) from-feature && git -C m commit -qm feat &&
  git -C m checkout -q main &&
  add_item m DEMO-TSK-0002 $(uid_n 3) from-main && git -C m commit -qm main &&
  test_must_fail git -C m merge -q --no-edit feature 2>err &&
  grep "merge refused" err &&
  test_must_fail git -C m rev-parse -q --verify HEAD^2 &&
  git -C m merge --abort
'

test_expect_success 'a conflicted merge, resolved and committed, is refused by pre-commit' '
  git -C m checkout -qb c1 main~1 &&
  add_item m DEMO-TSK-0003 $(uid_n 4) same && git -C m commit -qm c1 &&
  git -C m checkout -qb c2 main~1 &&
  write_item m/$(item_path DEMO-TSK-0003 same) DEMO-TSK-0003 $(uid_n 5) "Other title" &&
  add_item m DEMO-TSK-0004 $(uid_n 6) x &&
  git -C m add -A && git -C m commit -qm c2 &&
  test_must_fail git -C m merge -q --no-edit c1 &&
  git -C m checkout --theirs -- $(item_path DEMO-TSK-0003 same) &&
  add_item m DEMO-TSK-0003 $(uid_n 5) kept-ours &&
  git -C m add -A &&
  test_must_fail git -C m commit -qm resolved 2>err && grep "duplicate ID DEMO-TSK-0003" err &&
  git -C m merge --abort && git -C m checkout -q main
'

test_expect_success 'a fast-forward pull of item 400: the sequence is synced by post-merge' '
  new_repo up && add_item up DEMO-TSK-0001 $(uid_n 1) && git -C up commit -qm one &&
  git clone -q up down && install_guard down &&
  test "$(db_value down TSK)" = 1 &&
  add_item up DEMO-TSK-0400 $(uid_n 2) big && git -C up commit -qm big &&
  git -C down pull -q --ff-only &&
  test "$(db_value down TSK)" = 400 &&
  test "$(kabsd-guard -C down reserve -t task)" = DEMO-TSK-0401
'

test_expect_success 'a branch checkout syncs (post-checkout)' '
  git -C up checkout -qb high && add_item up DEMO-BUG-0077 $(uid_n 3) && git -C up commit -qm bug &&
  git -C up checkout -q main &&
  git -C down fetch -q && git -C down checkout -q -b high origin/high &&
  test "$(db_value down BUG)" = 77
'

test_expect_success 'a rebase: sync happens and an introduced duplicate is reported' '
  new_repo rb && install_guard rb &&
  add_item rb DEMO-TSK-0001 $(uid_n 1) && git -C rb commit -qm base &&
  git -C rb checkout -qb topic &&
  add_item rb DEMO-TSK-0050 $(uid_n 2) topic && git -C rb commit -qm topic &&
  git -C rb checkout -q main &&
  KABSD_GUARD_SKIP=1 git -C rb commit -q --allow-empty -m noop &&
  add_item rb DEMO-TSK-0050 $(uid_n 3) main && KABSD_GUARD_SKIP=1 git -C rb commit -qm main50 &&
  sqlite3 rb/.kano/cache/backlog/backlog.demo.chunks.v1.db "UPDATE id_sequences SET next_number=1 WHERE type_code=\"TSK\"" &&
  git -C rb checkout -q topic &&
  git -C rb rebase -q main 2>err &&
  grep "duplicate ID DEMO-TSK-0050" err && grep "the rebase brought" err &&
  test "$(db_value rb TSK)" = 50
'

test_expect_success 'a push that would introduce a duplicate on the remote branch is refused' '
  git init -q --bare remote.git &&
  new_repo p1 && install_guard p1 &&
  add_item p1 DEMO-TSK-0001 $(uid_n 1) && git -C p1 commit -qm one &&
  git -C p1 remote add origin ../remote.git && git -C p1 push -q origin main &&
  git clone -q remote.git p2 && install_guard p2 &&
  add_item p2 DEMO-TSK-0002 $(uid_n 2) from-p2 && git -C p2 commit -qm p2 && git -C p2 push -q origin main &&
  add_item p1 DEMO-TSK-0002 $(uid_n 3) from-p1 && git -C p1 commit -qm p1 &&
  git -C p1 fetch -q &&
  git -C p1 checkout -qb topic &&
  test_must_fail git -C p1 push origin topic 2>err &&
  grep "push refused" err &&
  test_must_fail git -C remote.git rev-parse -q --verify refs/heads/topic
'

test_expect_success 'a push with nothing wrong goes through' '
  git -C p2 checkout -qb clean && add_item p2 DEMO-TSK-0003 $(uid_n 4) && git -C p2 commit -qm three &&
  git -C p2 push -q origin clean &&
  git -C remote.git rev-parse -q --verify refs/heads/clean
'

test_expect_success 'post-* hooks never fail the operation, even on a corrupt config' '
  printf "[products.demo\nbroken" >r/.kano/backlog_config.toml &&
  git -C r checkout -q -b x && git -C r checkout -q main &&
  git -C r checkout -q -- .kano/backlog_config.toml
'

test_done
