#!/usr/bin/env bash
# renumber is crash-safe: a run killed with SIGKILL at any point (every
# step in turn through the test-only KABSD_GUARD_TEST_CRASH_AFTER, then at
# random times) is finished by `renumber --resume` or the next renumber:
# no uid in two files, no temporary file, the renames staged, no duplicate.
. "$(dirname "$0")/lib.sh"

# The number of duplicate pairs: 5 for the kill at every step (17 steps),
# more for the random kills (a wider window while files change).
GROUPS_N=5

# crash_repo DIR: GROUPS_N duplicate pairs, committed; every newer claimant
# is long enough for git's rename detection.
crash_repo() {
  new_repo "$1" &&
  for n in $(seq 1 $GROUPS_N); do
    id=$(printf 'DEMO-TSK-%04d' $((n * 3))) && k=1 &&
    for side in a b; do
      f="$1/$(item_path "$id" "$side")" && write_item "$f" "$id" "$(uid_n $((n * 10 + k)))" &&
      for i in 1 2 3 4 5 6 7 8 9 10 11 12; do echo "2025-01-02 10:$((10 + i)) [agent=tester] Step $i on $id $side"; done >>"$f" &&
      k=2 || return 1
    done
  done &&
  git -C "$1" add -A && git -C "$1" commit -qm dups && kabsd-guard -C "$1" sync >/dev/null
}

# kill_after MS ARGS...: runs `kabsd-guard ARGS`, killed with SIGKILL after
# MS milliseconds if it is still running.
kill_after() {
  local ms=$1 pid
  shift
  kabsd-guard "$@" >/dev/null 2>&1 &
  pid=$!
  sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  return 0
}

# consistent DIR: no intent, no temporary file, each uid in one file, and
# all or nothing: either no rename happened, or every one is staged.
# Prints the number of staged renames.
consistent() {
  test ! -e "$1/.git/kabsd-guard/renumber-intent.json" || { echo "intent left in $1" >&2; return 1; }
  test -z "$(find "$1" -name '.kg-renumber-*' -o -name 'renumber-intent.json.*')" ||
    { find "$1" -name '.kg-renumber-*' >&2; return 1; }
  dups=$(grep -rh '^uid:' "$1/_kano" | sort | uniq -d)
  test -z "$dups" || { echo "uid in two files: $dups" >&2; return 1; }
  other=$(git -C "$1" status --porcelain | grep -v '^R  ' || true)
  test -z "$other" || { echo "unexpected status in $1: $other" >&2; return 1; }
  renamed=$(git -C "$1" diff --cached -M --name-status | grep -c '^R' || true)
  case $renamed in 0|$GROUPS_N) echo "$renamed" ;; *) echo "$renamed of $GROUPS_N renames in $1" >&2; return 1 ;; esac
}

# finish DIR: completes what the crash left (a second renumber when the
# kill came before the intent), then checks the result as a commit.
finish() {
  if [ "$(consistent "$1")" = 0 ]; then kabsd-guard -C "$1" renumber --all >/dev/null; fi &&
  test "$(consistent "$1")" = $GROUPS_N &&
  kabsd-guard -C "$1" check --worktree >/dev/null &&
  kabsd-guard -C "$1" renumber --all --dry-run | grep -q "Nothing to renumber" &&
  git -C "$1" commit -qm renumbered && kabsd-guard -C "$1" check --tree HEAD >/dev/null
}

# resume DIR: `renumber --resume`; a kill while libgit2 held index.lock
# leaves that lock, as it would for git: the message says what to do.
resume() {
  if ! kabsd-guard -C "$1" renumber --resume >"$1.resume" 2>&1; then
    grep -q "If no git process is running, remove .*index.lock" "$1.resume" &&
    rm "$1/.git/index.lock" && echo lock >>locks &&
    kabsd-guard -C "$1" renumber --resume >"$1.resume" 2>&1
  fi
}

test_expect_success 'setup: a repository with duplicate pairs' '
  crash_repo template && cp -a template plain &&
  kabsd-guard -C plain renumber --all >/dev/null && finish plain
'

test_expect_success 'killed at every step: --resume finishes it' '
  step=1 && killed=0 &&
  while :; do
    rm -rf s && cp -a template s &&
    code=0 && { KABSD_GUARD_TEST_CRASH_AFTER=$step kabsd-guard -C s renumber --all >/dev/null 2>&1 || code=$?; } &&
    if [ $code = 0 ]; then break; fi &&
    test $code = 137 && killed=$((killed + 1)) &&
    test -e s/.git/kabsd-guard/renumber-intent.json &&
    kabsd-guard -C s renumber --resume >out && grep "^Resumed: $GROUPS_N move(s)" out &&
    kabsd-guard -C s renumber --resume | grep "nothing to resume" &&
    finish s && step=$((step + 1)) || { echo "failed after step $step" >&2; exit 1; }
  done &&
  echo "killed at $killed steps" &&
  test $killed = $((1 + 3 * GROUPS_N + 1))
'

test_expect_success 'a pending renumber: commands warn, pre-commit refuses, the next renumber finishes it' '
  rm -rf w && cp -a template w && install_guard w &&
  code=0 && { KABSD_GUARD_TEST_CRASH_AFTER=4 kabsd-guard -C w renumber --all >/dev/null 2>&1 || code=$?; } &&
  test $code = 137 && ls w/_kano/backlog/products/demo/items/task/0000/.kg-renumber-*.tmp &&
  { kabsd-guard -C w status >/dev/null 2>err || :; } && grep "renumber --resume" err &&
  kabsd-guard -C w renumber --all --dry-run >/dev/null 2>err && grep "interrupted renumber is pending" err &&
  test_must_fail git -C w commit -qm half 2>err && grep "finish the interrupted renumber" err &&
  kabsd-guard -C w renumber --all >out 2>err && grep "finished an interrupted renumber first: $GROUPS_N move(s)" err &&
  grep "Nothing to renumber" out && finish w
'

test_expect_success 'a stale index.lock: --resume says what to do and keeps the intent until it is gone' '
  rm -rf l && cp -a template l &&
  code=0 && { KABSD_GUARD_TEST_CRASH_AFTER=$((1 + 3 * GROUPS_N)) kabsd-guard -C l renumber --all >/dev/null 2>&1 || code=$?; } &&
  test $code = 137 && : >l/.git/index.lock &&
  code=0 && { kabsd-guard -C l renumber --resume >out 2>err || code=$?; } &&
  test $code = 3 && grep "If no git process is running, remove .*index.lock" err &&
  test -e l/.git/kabsd-guard/renumber-intent.json &&
  rm l/.git/index.lock && kabsd-guard -C l renumber --resume >out && grep "^Resumed: $GROUPS_N move(s); 0 new" out &&
  finish l
'

test_expect_success '20 SIGKILLs at random times (renumber, then --resume too): always recovered' '
  GROUPS_N=20 && crash_repo big &&
  cp -a big t && start=$(date +%s%N) && kabsd-guard -C t renumber --all >/dev/null &&
  ms=$(( ($(date +%s%N) - start) / 1000000 )) && echo "one run: ${ms} ms" &&
  : >locks && mid=0 &&
  for i in $(seq 1 20); do
    rm -rf r && cp -a big r &&
    kill_after $((RANDOM % (ms + 1))) -C r renumber --all &&
    if [ -e r/.git/kabsd-guard/renumber-intent.json ]; then mid=$((mid + 1)); fi &&
    if [ $((i % 2)) = 0 ]; then kill_after $((RANDOM % 15)) -C r renumber --resume; fi &&
    resume r && finish r || { echo "iteration $i failed" >&2; exit 1; }
  done &&
  echo "20 kills, $mid of them mid-apply, $(wc -l <locks) stale index.lock(s)"
'

test_done
