#!/usr/bin/env bash
# The cache of parsed results: never changes an answer, rebuilt silently.
. "$(dirname "$0")/lib.sh"

setup_dups() {
  new_repo "$1" &&
  add_item "$1" DEMO-TSK-0001 $(uid_n 1) a && add_item "$1" DEMO-TSK-0001 $(uid_n 2) b &&
  d=$1/_kano/backlog/products/demo/items/task/0000 &&
  printf -- "---\nid: DEMO-TSK-0002\ntitle: [bad\n---\n" >$d/DEMO-TSK-0002_bad.md &&
  git -C "$1" add -A && KABSD_GUARD_SKIP=1 git -C "$1" commit -qm dups
}

test_expect_success 'cold, warm and cache-less reports are identical' '
  setup_dups c &&
  rm -f c/.git/kabsd-guard/cache.sqlite3* &&
  test_expect_code 1 kabsd-guard -C c check --tree HEAD --json >cold.json &&
  test -f c/.git/kabsd-guard/cache.sqlite3 &&
  test_expect_code 1 kabsd-guard -C c check --tree HEAD --json >warm.json &&
  test_expect_code 1 env KABSD_GUARD_NO_CACHE=1 kabsd-guard -C c check --tree HEAD --json >none.json &&
  cmp cold.json warm.json && cmp cold.json none.json &&
  grep -q "\"duplicate-id\"" cold.json && grep -q "unparseable-frontmatter" cold.json
'

test_expect_success 'a corrupt cache is rebuilt silently and changes nothing' '
  head -c 8192 /dev/urandom >c/.git/kabsd-guard/cache.sqlite3 &&
  rm -f c/.git/kabsd-guard/cache.sqlite3-wal c/.git/kabsd-guard/cache.sqlite3-shm &&
  test_expect_code 1 kabsd-guard -C c check --tree HEAD --json >after.json 2>err &&
  cmp cold.json after.json && test ! -s err &&
  test_expect_code 1 kabsd-guard -C c check --tree HEAD --json >again.json && cmp cold.json again.json
'

test_expect_success 'a deleted cache changes nothing' '
  rm -rf c/.git/kabsd-guard/cache.sqlite3* &&
  test_expect_code 1 kabsd-guard -C c check --tree HEAD --json >deleted.json && cmp cold.json deleted.json
'

test_expect_success 'check --tree through the claim index equals a full scan, commit after commit' '
  setup_dups q &&
  d=q/_kano/backlog/products/demo/items/task/0000 &&
  add_item q DEMO-TSK-0004 $(uid_n 1) shares-a-uid &&
  add_item q OTHER-TSK-0009 $(uid_n 9) other-prefix &&
  printf -- "---\nid: null\nuid: $(uid_n 5)\n---\n" >$d/DEMO-TSK-0005_null.md &&
  git -C q add -A && KABSD_GUARD_SKIP=1 git -C q commit -qm quirks &&
  ln -s DEMO-TSK-0005_null.md $d/DEMO-TSK-0006_link.md &&
  git -C q rm -q $(item_path DEMO-TSK-0001 b) &&
  git -C q add -A && KABSD_GUARD_SKIP=1 git -C q commit -qm "a link; one duplicate gone" &&
  rm -f q/.git/kabsd-guard/cache* &&
  for rev in HEAD HEAD~1 HEAD~2 HEAD~1 HEAD; do
    fast=0 && { kabsd-guard -C q check --tree $rev --json >fast.json || fast=$?; } &&
    full=0 && { KABSD_GUARD_NO_CACHE=1 kabsd-guard -C q check --tree $rev --json >full.json || full=$?; } &&
    test $fast = $full && cmp fast.json full.json &&
    { NO_COLOR=1 kabsd-guard -C q check --tree $rev >fast.txt || :; } &&
    { NO_COLOR=1 KABSD_GUARD_NO_CACHE=1 kabsd-guard -C q check --tree $rev >full.txt || :; } &&
    cmp fast.txt full.txt || return 1
  done &&
  grep -q "\"symlink\"" fast.json && grep -q "\"duplicate-uid\"" fast.json &&
  grep -q "prefix-mismatch" fast.json && grep -q "missing-id" fast.json &&
  { kabsd-guard -C q check --tree HEAD --json >head.json || :; } && grep -q "\"symlink\"" head.json &&
  ! grep -q "\"duplicate-id\"" head.json
'

test_expect_success 'the hook fast path and the full check agree on staged changes' '
  setup_dups h &&
  add_item h DEMO-TSK-0003 $(uid_n 3) fine &&
  kabsd-guard -C h hook pre-commit 2>fast.err &&
  KABSD_GUARD_NO_CACHE=1 kabsd-guard -C h hook pre-commit 2>slow.err &&
  cmp fast.err slow.err &&
  add_item h DEMO-TSK-0001 $(uid_n 4) third &&
  test_expect_code 1 kabsd-guard -C h hook pre-commit 2>fast.err &&
  test_expect_code 1 env KABSD_GUARD_NO_CACHE=1 kabsd-guard -C h hook pre-commit 2>slow.err &&
  cmp fast.err slow.err && grep "DEMO-TSK-0001_third.md" fast.err
'

test_expect_success 'KABSD_GUARD_CROSSCHECK=1 exits 70 with both answers when the cached one is wrong' '
  new_repo x &&
  add_item x DEMO-TSK-0001 $(uid_n 1) a && add_item x DEMO-TSK-0001 $(uid_n 2) b &&
  KABSD_GUARD_SKIP=1 git -C x commit -qm dup &&
  test_expect_code 1 env KABSD_GUARD_CROSSCHECK=1 kabsd-guard -C x check --tree HEAD >out &&
  grep "duplicate ID DEMO-TSK-0001" out &&
  # A claim index that lies (as a bug in the fast path would): the cached
  # answer misses the duplicate, the full scan does not.
  sqlite3 x/.git/kabsd-guard/cache-claims.sqlite3 \
    "UPDATE files SET claim = CAST(\"DEMO-TSK-0007\" AS BLOB) WHERE CAST(path AS TEXT) LIKE \"%_b.md\"" &&
  test_expect_code 0 env KABSD_GUARD_CROSSCHECK=0 kabsd-guard -C x check --tree HEAD &&
  test_expect_code 70 env KABSD_GUARD_CROSSCHECK=1 kabsd-guard -C x check --tree HEAD >out 2>err &&
  test ! -s out &&
  grep "internal error: KABSD_GUARD_CROSSCHECK: the cached and the full computation differ" err &&
  grep -- "--- cached: exit 0" err && grep -- "--- full (KABSD_GUARD_NO_CACHE=1): exit 1" err &&
  grep "duplicate ID DEMO-TSK-0001" err
'

test_done
