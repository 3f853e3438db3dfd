#!/usr/bin/env bash
# The claim index (cache-claims.sqlite3): HEAD's snapshot rolled from commit
# to commit, read by the hooks, reserve and sync. It must give the answers
# full scans give (KABSD_GUARD_NO_CACHE=1), in every state it can be left in.
. "$(dirname "$0")/lib.sh"

claims=.git/kabsd-guard/cache-claims.sqlite3

# commit_items REPO N...: one commit per item DEMO-TSK-N, uid N.
commit_items() {
  local repo=$1; shift
  for n in "$@"; do
    add_item "$repo" "$(printf 'DEMO-TSK-%04d' "$n")" "$(uid_n "$n")" "n$n" &&
    kabsd-guard -C "$repo" hook pre-commit &&
    git -C "$repo" commit -qm "item $n" || return 1
  done
}

# same_answer REPO HOOK...: the hook's exit code and stderr are the same
# with and without the cache; prints the exit code.
same_answer() {
  local repo=$1; shift
  kabsd-guard -C "$repo" hook "$@" 2>fast.err; fast=$?
  KABSD_GUARD_NO_CACHE=1 kabsd-guard -C "$repo" hook "$@" 2>slow.err; slow=$?
  test "$fast" = "$slow" && cmp fast.err slow.err && echo "$fast"
}

test_expect_success 'pre-commit builds the index once, then rolls it with each commit' '
  new_repo r &&
  commit_items r 1 2 3 &&
  test "$(sqlite3 r/$claims "SELECT COUNT(*) FROM files")" = 2 &&  # HEAD before the last commit
  commit_items r 4 5 6 7 8 &&
  test "$(sqlite3 r/$claims "SELECT COUNT(*) FROM files")" = 7 &&
  add_item r DEMO-TSK-0002 $(uid_n 99) again &&
  rc=$(same_answer r pre-commit) && test "$rc" = 1 &&
  grep "DEMO-TSK-0002_again.md" fast.err && grep "DEMO-TSK-0002_n2.md" fast.err &&
  git -C r rm -q --cached $(item_path DEMO-TSK-0002 again) &&
  rm r/$(item_path DEMO-TSK-0002 again)
'

test_expect_success 'an edited id that takes another item'"'"'s ID is refused' '
  f=$(item_path DEMO-TSK-0007 n7) &&
  sed -i "s/^id: DEMO-TSK-0007/id: DEMO-TSK-0003/" "r/$f" && git -C r add "$f" &&
  rc=$(same_answer r pre-commit) && test "$rc" = 1 && grep DEMO-TSK-0003 fast.err &&
  git -C r checkout -q HEAD -- "$(item_path DEMO-TSK-0007 n7)"
'

test_expect_success 'an ID freed and taken in one commit is fine; a deleted claimant frees it' '
  git -C r rm -q "$(item_path DEMO-TSK-0005 n5)" &&
  rc=$(same_answer r pre-commit) && test "$rc" = 0 &&
  KABSD_GUARD_SKIP=1 git -C r commit -qm "drop 5" &&
  add_item r DEMO-TSK-0005 $(uid_n 55) reborn &&
  rc=$(same_answer r pre-commit) && test "$rc" = 0 &&
  KABSD_GUARD_SKIP=1 git -C r commit -qm "new 5"
'

test_expect_success 'a rename, a checkout elsewhere and back: same answers' '
  git -C r mv "$(item_path DEMO-TSK-0004 n4)" "$(item_path DEMO-TSK-0004 moved)" &&
  rc=$(same_answer r pre-commit) && test "$rc" = 0 &&
  KABSD_GUARD_SKIP=1 git -C r commit -qm "move 4" &&
  git -C r checkout -q HEAD~3 &&
  add_item r DEMO-TSK-0006 $(uid_n 66) clash &&
  rc=$(same_answer r pre-commit) && test "$rc" = 1 &&
  git -C r reset -q --hard && git -C r checkout -q - &&
  add_item r DEMO-TSK-0006 $(uid_n 67) clash &&
  rc=$(same_answer r pre-commit) && test "$rc" = 1 &&
  git -C r reset -q --hard
'

test_expect_success 'a corrupt or deleted index is rebuilt silently' '
  head -c 4096 /dev/urandom >r/$claims && rm -f r/$claims-wal r/$claims-shm &&
  add_item r DEMO-TSK-0001 $(uid_n 77) dup &&
  rc=$(same_answer r pre-commit) && test "$rc" = 1 &&
  rm -f r/$claims* &&
  rc=$(same_answer r pre-commit) && test "$rc" = 1 &&
  git -C r reset -q --hard
'

test_expect_success 'reserve and sync see branches, the index and the working tree' '
  git -C r checkout -q -b side &&
  commit_items r 40 &&
  git -C r checkout -q - &&
  kabsd-guard -C r status --json >fast.json &&
  KABSD_GUARD_NO_CACHE=1 kabsd-guard -C r status --json >slow.json &&
  cmp fast.json slow.json && grep -q "\"in_use\": 40" fast.json &&
  add_item r DEMO-TSK-0050 $(uid_n 50) staged &&
  kabsd-guard -C r status --json >fast.json &&
  KABSD_GUARD_NO_CACHE=1 kabsd-guard -C r status --json >slow.json &&
  cmp fast.json slow.json && grep -q "\"in_use\": 50" fast.json &&
  write_item r/$(item_path DEMO-TSK-0060 loose) DEMO-TSK-0060 $(uid_n 60) &&
  kabsd-guard -C r status --json >fast.json &&
  KABSD_GUARD_NO_CACHE=1 kabsd-guard -C r status --json >slow.json &&
  cmp fast.json slow.json && grep -q "\"in_use\": 60" fast.json &&
  f=r/$(item_path DEMO-TSK-0001 n1) &&
  sed -i "s/^id: DEMO-TSK-0001/id: DEMO-TSK-0070/" "$f" &&
  kabsd-guard -C r status --json >fast.json &&
  KABSD_GUARD_NO_CACHE=1 kabsd-guard -C r status --json >slow.json &&
  cmp fast.json slow.json && grep -q "\"in_use\": 70" fast.json &&
  id=$(kabsd-guard -C r reserve -t task) && test "$id" = DEMO-TSK-0071 &&
  git -C r reset -q --hard && rm -f r/$(item_path DEMO-TSK-0060 loose)
'

test_expect_success 'a refusal is reported from the index as a full scan reports it, decisions too' '
  add_item r ADR-0001 $(uid_n 201) a1 && KABSD_GUARD_SKIP=1 git -C r commit -qm a1 &&
  add_item r ADR-0002 $(uid_n 202) a2 && KABSD_GUARD_SKIP=1 git -C r commit -qm a2 &&
  add_item r ADR-0001 $(uid_n 203) again &&
  rc=$(same_answer r pre-commit) && test "$rc" = 1 && grep "ADR-0003" fast.err &&
  git -C r rm -q --cached "$(item_path ADR-0001 again)" && rm "r/$(item_path ADR-0001 again)" &&
  top=$(kabsd-guard -C r status --json | sed -n "s/.*\"\(stored\|in_use\)\": \([0-9]*\).*/\2/p" | sort -n | tail -1) &&
  add_item r DEMO-TSK-0003 $(uid_n 303) dup3 &&
  rc=$(same_answer r pre-commit) && test "$rc" = 1 &&
  grep "DEMO-TSK-$(printf %04d $((top + 1)))" fast.err &&
  test_must_fail kabsd-guard -C r --json hook pre-commit 2>fast.json &&
  test_must_fail env KABSD_GUARD_NO_CACHE=1 kabsd-guard -C r --json hook pre-commit 2>slow.json &&
  cmp fast.json slow.json && grep -q "\"suggested_id\": \"DEMO-TSK-$(printf %04d $((top + 1)))\"" fast.json &&
  git -C r rm -q --cached "$(item_path DEMO-TSK-0003 dup3)" && rm "r/$(item_path DEMO-TSK-0003 dup3)"
'

test_expect_success 'folder listings kept between runs still see new, edited and moved files' '
  find r/_kano -type d -exec touch -d "2020-01-01" {} + &&
  kabsd-guard -C r status --json >fast.json &&
  test -s r/.git/kabsd-guard/cache-dirs &&
  write_item r/$(item_path DEMO-TSK-0080 loose) DEMO-TSK-0080 $(uid_n 80) &&
  kabsd-guard -C r status --json >fast.json &&
  KABSD_GUARD_NO_CACHE=1 kabsd-guard -C r status --json >slow.json &&
  cmp fast.json slow.json && grep -q "\"in_use\": 80" fast.json &&
  find r/_kano -type d -exec touch -d "2020-01-01" {} + &&
  kabsd-guard -C r status --json >/dev/null &&
  f=r/$(item_path DEMO-TSK-0002 n2) &&
  sed -i "s/^id: DEMO-TSK-0002/id: DEMO-TSK-0090/" "$f" &&
  kabsd-guard -C r status --json >fast.json &&
  grep -q "\"in_use\": 90" fast.json &&
  mkdir -p r/_kano/backlog/products/demo/items/task/0900 &&
  mv r/$(item_path DEMO-TSK-0080 loose) r/_kano/backlog/products/demo/items/task/0900/ &&
  sed -i "s/^id: DEMO-TSK-0080/id: DEMO-TSK-0095/" r/_kano/backlog/products/demo/items/task/0900/*.md &&
  kabsd-guard -C r status --json >fast.json &&
  KABSD_GUARD_NO_CACHE=1 kabsd-guard -C r status --json >slow.json &&
  cmp fast.json slow.json && grep -q "\"in_use\": 95" fast.json &&
  git -C r reset -q --hard && git -C r clean -qfd
'

test_expect_success 'post-merge warns about a duplicate the merge brought in, as a full scan does' '
  git -C r checkout -q side && commit_items r 41 && git -C r checkout -q - &&
  add_item r DEMO-TSK-0041 $(uid_n 141) mine && KABSD_GUARD_SKIP=1 git -C r commit -qm mine &&
  KABSD_GUARD_SKIP=1 git -C r merge -q --no-edit side &&
  kabsd-guard -C r sync >/dev/null &&
  kabsd-guard -C r hook post-merge 0 2>fast.err &&
  KABSD_GUARD_NO_CACHE=1 kabsd-guard -C r hook post-merge 0 2>slow.err &&
  cmp fast.err slow.err && grep "DEMO-TSK-0041" fast.err && grep "brought the duplicate" fast.err
'

# sequences REPO: the product's stored sequences, one "prefix|code|n" a line.
sequences() {
  sqlite3 "$1/.kano/cache/backlog/backlog.demo.chunks.v1.db" \
    "SELECT prefix, type_code, next_number FROM id_sequences ORDER BY 1, 2"
}

# Issue 13: the fast path once kept the sequences of a file deleted in the
# working tree (not staged) while the full scan dropped them. The working
# tree is what git status sees; the deleted file's number still counts in
# the floor through the index and HEAD, on both paths.
test_expect_success 'a file deleted in the working tree: post-* sync writes what a full scan writes' '
  new_repo d &&
  add_item d DEMO-TSK-0001 $(uid_n 1) one &&
  add_item d OLD-TSK-0007 $(uid_n 7) foreign &&
  KABSD_GUARD_SKIP=1 git -C d commit -qm two &&
  kabsd-guard -C d hook post-commit 2>/dev/null &&
  rm "d/$(item_path OLD-TSK-0007 foreign)" &&
  rm -rf d/.kano/cache &&
  kabsd-guard -C d hook post-merge 0 2>fast.err &&
  sequences d >fast.seq &&
  rm -rf d/.kano/cache &&
  KABSD_GUARD_NO_CACHE=1 kabsd-guard -C d hook post-merge 0 2>slow.err &&
  sequences d >slow.seq &&
  cat fast.seq &&
  cmp fast.seq slow.seq &&
  ! grep "^OLD|" fast.seq &&
  kabsd-guard -C d status --json >fast.json &&
  KABSD_GUARD_NO_CACHE=1 kabsd-guard -C d status --json >slow.json &&
  cmp fast.json slow.json &&
  git -C d checkout -q -- . &&
  rm -rf d/.kano/cache &&
  kabsd-guard -C d hook post-merge 0 2>/dev/null &&
  sequences d | grep "^OLD|TSK|7$"
'

test_expect_success 'from a subfolder the index rolls with what changed (git diff-tree starts at the top level)' '
  new_repo sub &&
  commit_items sub 1 2 3 &&
  test "$(kabsd-guard -C sub reserve -t task)" = DEMO-TSK-0004 &&
  add_item sub DEMO-TSK-0009 $(uid_n 9) n9 && git -C sub commit -qm "an item numbered by hand" &&
  (cd sub/_kano && kabsd-guard reserve -t task >../../got) &&
  test "$(cat got)" = DEMO-TSK-0010 &&
  add_item sub DEMO-TSK-0009 $(uid_n 19) again &&
  test_must_fail kabsd-guard -C sub hook pre-commit 2>err &&
  grep "DEMO-TSK-0009_n9.md" err
'

test_done
