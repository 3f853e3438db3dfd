#!/usr/bin/env bash
# One sequence for many clones: reserve --remote keeps the authoritative
# state in refs/kabsd/sequences on a bare repository and raises it with a
# compare-and-swap push; sync --remote and the post-merge hook raise it to
# what the remote's branches hold.
. "$(dirname "$0")/lib.sh"

# remote_value REMOTE.git PRODUCT PREFIX CODE: the number the remote's ref holds.
remote_value() {
  git -C "$1" show "refs/kabsd/sequences:$2" | awk -v p="$3" -v c="$4" '$1 == p && $2 == c { print $3 }'
}

# reserve_loop CLONE N OUT: N reservations through the remote, one process each.
reserve_loop() {
  local i
  for i in $(seq "$2"); do kabsd-guard -C "$1" reserve -t task --remote || echo FAILED; done >"$3" 2>"$3.err"
}

test_expect_success 'the first reservation creates the ref; a second clone continues from it' '
  new_repo seed &&
  git clone -q --bare seed remote.git &&
  kabsd-guard -C remote.git install >/dev/null &&
  git clone -q remote.git a && git clone -q remote.git b &&
  test "$(kabsd-guard -C a reserve -t task --remote)" = DEMO-TSK-0001 &&
  test "$(remote_value remote.git demo DEMO TSK)" = 1 &&
  test "$(kabsd-guard -C b reserve -t task --remote -n 2 | tr "\n" " ")" = "DEMO-TSK-0002 DEMO-TSK-0003 " &&
  test "$(remote_value remote.git demo DEMO TSK)" = 3 &&
  test "$(kabsd-guard -C a reserve -t bug --remote origin)" = DEMO-BUG-0001 &&
  git -C remote.git show refs/kabsd/sequences:demo >file &&
  grep "^DEMO BUG 1$" file && grep "^DEMO TSK 3$" file &&
  git -C remote.git log --format=%s refs/kabsd/sequences >log &&
  test "$(wc -l <log)" = 3 && grep "reserve DEMO-TSK 2..3" log
'

test_expect_success 'the local table and journal are raised too' '
  test "$(kabsd-guard -C b reserve -t task --no-remote)" = DEMO-TSK-0004 &&
  sqlite3 b/.git/kabsd-guard/journal.sqlite3 "SELECT group_concat(number) FROM reservations WHERE type_code = \"TSK\"" >j &&
  test "$(cat j)" = "2,3,4"
'

test_expect_success 'the config key makes the remote the default; --json names it' '
  git -C a config kabsd-guard.reserveRemote origin &&
  kabsd-guard -C a --json reserve -t task >out.json &&
  python3 -c "import json,sys; r=json.load(open(sys.argv[1]))[0]; assert r[\"id\"] == \"DEMO-TSK-0004\" and r[\"remote\"] == \"origin\", r" out.json &&
  git -C a config kabsd-guard.reserveRemote true &&
  test "$(kabsd-guard -C a reserve -t task)" = DEMO-TSK-0005 &&
  git -C a config kabsd-guard.reserveRemote false &&
  kabsd-guard -C a --json reserve -t task >local.json &&
  ! grep remote local.json &&
  git -C a config --unset kabsd-guard.reserveRemote
'

test_expect_success 'two clones, 4 reserving processes each: distinct and contiguous' '
  new_repo seed2 &&
  git clone -q --bare seed2 r2.git &&
  git clone -q r2.git x && git clone -q r2.git y &&
  { for p in 1 2 3 4; do reserve_loop x 8 x.$p & reserve_loop y 8 y.$p & done; wait; } &&
  ! grep -h FAILED x.[0-9] y.[0-9] &&
  cat x.[0-9] y.[0-9] | sort >all &&
  test "$(wc -l <all)" = 64 &&
  test "$(sort -u all | wc -l)" = 64 &&
  test "$(head -1 all)" = DEMO-TSK-0001 &&
  test "$(tail -1 all)" = DEMO-TSK-0064 &&
  test "$(remote_value r2.git demo DEMO TSK)" = 64
'

test_expect_success 'an unreachable remote: a clear error, exit 3, nothing reserved' '
  git -C a remote add gone "$TRASH/no/such/remote.git" &&
  rc=0 && { kabsd-guard -C a reserve -t task --remote gone >out 2>err || rc=$?; } &&
  test "$rc" = 3 && test ! -s out &&
  grep "cannot reach the remote .gone." err &&
  test "$(kabsd-guard -C a reserve -t task --remote gone --remote-fallback local 2>warn)" = DEMO-TSK-0007 &&
  grep "warning: .*--remote-fallback local" warn
'

test_expect_success 'a remote that does not answer: the timeout' '
  git -C a remote add slow "$TRASH/remote.git" &&
  git -C a config remote.slow.uploadpack "sleep 20; git-upload-pack" &&
  start=$(date +%s) &&
  test_must_fail kabsd-guard -C a reserve -t task --remote slow --remote-timeout 0.5 2>err &&
  test $(( $(date +%s) - start )) -lt 10 &&
  grep "did not answer within 0.5 s" err
'

test_expect_success 'a remote that refuses every update of refs/kabsd: a clear error, nothing reserved' '
  new_repo seed3 &&
  git clone -q --bare seed3 locked.git &&
  printf "#!/bin/sh\nwhile read old new ref; do case \$ref in refs/kabsd/*) echo \"no writes to \$ref here\"; exit 1;; esac; done\n" >locked.git/hooks/pre-receive &&
  chmod +x locked.git/hooks/pre-receive &&
  git clone -q locked.git z &&
  test_must_fail kabsd-guard -C z reserve -t task --remote 2>err &&
  grep "refused to update refs/kabsd/sequences: pre-receive hook declined" err &&
  grep "no writes to refs/kabsd/sequences here" err &&
  grep "nothing was reserved" err &&
  test_must_fail git -C locked.git rev-parse -q --verify refs/kabsd/sequences &&
  test "$(kabsd-guard -C z reserve -t task)" = DEMO-TSK-0001
'

test_expect_success 'sync --remote raises the ref to the numbers on the remote branches' '
  git -C b pull -q origin main &&
  add_item b DEMO-TSK-0050 "$(uid_n 50)" fifty &&
  git -C b commit -qm fifty && git -C b push -q origin main &&
  kabsd-guard -C b sync --remote >out &&
  grep "DEMO *TSK *5 -> 50" out &&
  test "$(remote_value remote.git demo DEMO TSK)" = 50 &&
  kabsd-guard -C b sync --remote >again &&
  grep "up to date" again &&
  test "$(kabsd-guard -C a reserve -t task --remote)" = DEMO-TSK-0051
'

test_expect_success 'post-merge raises the remote ref when kabsd-guard.reserveRemote is set' '
  git clone -q remote.git c &&
  install_guard c &&
  git -C c config kabsd-guard.reserveRemote origin &&
  add_item b DEMO-TSK-0070 "$(uid_n 70)" seventy &&
  git -C b commit -qm seventy && git -C b push -q origin main &&
  git -C c pull -q origin main 2>err &&
  test "$(remote_value remote.git demo DEMO TSK)" = 70
'

test_done
