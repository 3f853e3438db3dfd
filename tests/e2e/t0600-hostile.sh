#!/usr/bin/env bash
# Hostile input (issue 15): nothing a repository contains can hang the
# guard, make it write outside the repository, or hand out a bad number.
# Each command runs under `timeout` only so that a regression fails here
# instead of hanging the suite; speed itself is measured in bench/.
. "$(dirname "$0")/lib.sh"

T=_kano/backlog/products/demo/items/task/0000
KG() { timeout 20 kabsd-guard "$@"; }

# alias_bomb KEY: nine levels of nine aliases under KEY, about 2 KB.
alias_bomb() {
  printf 'm0: &m0 [DEMO-TSK-0001, DEMO-TSK-0002]\n'
  for i in 1 2 3 4 5 6 7 8 9; do
    printf 'm%s: &m%s [' $i $i
    for k in 1 2 3 4 5 6 7 8 9; do [ $k = 1 ] || printf ', '; printf '*m%s' $((i - 1)); done
    printf ']\n'
  done
  printf '%s: *m9\n' "$1"
}

test_expect_success 'an alias bomb, a deep nest and a 50 MB file: findings, and their IDs still claimed' '
  new_repo h && install_guard h &&
  add_item h DEMO-TSK-0001 $(uid_n 1) && add_item h DEMO-TSK-0002 $(uid_n 2) &&
  add_item h DEMO-TSK-0003 $(uid_n 3) && git -C h commit -qm base &&
  { printf -- "---\nid: DEMO-TSK-0001\nuid: %s\n" $(uid_n 11); alias_bomb links; printf -- "---\n"; } >h/$T/DEMO-TSK-0001_bomb.md &&
  { printf -- "---\nid: DEMO-TSK-0002\nuid: %s\nlinks: " $(uid_n 12); head -c 20000 /dev/zero | tr "\0" "["; printf "\n---\n"; } >h/$T/DEMO-TSK-0002_deep.md &&
  { printf -- "---\nid: DEMO-TSK-0003\nuid: %s\ntitle: " $(uid_n 13); head -c 50000000 /dev/zero | tr "\0" x; printf "\n---\n"; } >h/$T/DEMO-TSK-0003_huge.md &&
  git -C h add -A &&
  test_expect_code 1 KG -C h check >out &&
  grep "DEMO-TSK-0001_bomb.md: frontmatter-limit: .*10000 YAML nodes" out &&
  grep "DEMO-TSK-0002_deep.md:4: frontmatter-limit: .*nests deeper than the limit of 100 levels" out &&
  grep "DEMO-TSK-0003_huge.md:1: frontmatter-limit: .*longer than the limit of 1 MiB" out &&
  grep "duplicate ID DEMO-TSK-0001 introduced" out &&
  grep "duplicate ID DEMO-TSK-0002 introduced" out &&
  grep "duplicate ID DEMO-TSK-0003 introduced" out &&
  test_must_fail timeout 60 git -C h commit -qm hostile 2>err && grep "duplicate ID DEMO-TSK-0001" err &&
  test "$(KG -C h reserve -t task)" = DEMO-TSK-0004
'

test_expect_success 'once committed, checkouts and commits still finish' '
  git -C h commit -qm hostile --no-verify &&
  timeout 60 git -C h checkout -q -b other HEAD~1 &&
  timeout 60 git -C h checkout -q main &&
  add_item h DEMO-TSK-0020 $(uid_n 20) && timeout 60 git -C h commit -qm next &&
  test_expect_code 1 KG -C h check --tree HEAD >out && grep "frontmatter-limit" out
'

test_expect_success 'a config cannot make sync write outside the repository' '
  mkdir -p elsewhere && new_repo c && install_guard c &&
  cat >c/.kano/backlog_config.toml <<-EOT &&
	[shared.cache]
	root = "../../elsewhere"
	[products."../../../elsewhere/x"]
	backlog_root = "_kano/backlog/products/x"
	[products.etc]
	backlog_root = "../../etc"
	[products.abs]
	backlog_root = "/tmp"
	cache_root = "/tmp/kg-hostile-cache"
	EOT
  git -C c add -A && git -C c commit -qm evil --no-verify &&
  KG -C c sync >out 2>err &&
  grep "not synced: product ../../../elsewhere/x: .*cannot name a file" err &&
  KG -C c check --tree HEAD >out &&
  test $(grep -c "is absolute or leaves the repository" out) = 3 &&
  test -z "$(ls -A elsewhere)" && test ! -e /tmp/kg-hostile-cache &&
  timeout 60 git -C c checkout -q -b b2 &&
  test -z "$(ls -A elsewhere)" && test ! -e /tmp/kg-hostile-cache &&
  test_must_fail KG -C c reserve -t task --product ../../../elsewhere/x 2>err &&
  grep "cannot name a file" err
'

test_expect_success 'a symlinked cache folder cannot take the database out of the tree' '
  mkdir -p outside && new_repo s &&
  mkdir -p s/.kano/cache && ln -s "$TRASH/outside" s/.kano/cache/backlog &&
  add_item s DEMO-TSK-0001 $(uid_n 1) && git -C s commit -qm one &&
  test_must_fail KG -C s reserve -t task 2>err &&
  grep "leads outside the working tree" err &&
  KG -C s sync 2>err && grep "not synced" err &&
  test -z "$(ls -A outside)" &&
  new_repo l && add_item l DEMO-TSK-0001 $(uid_n 1) && git -C l commit -qm one &&
  mkdir -p l/.kano/cache/backlog && ln -s "$TRASH/outside/x.db" l/.kano/cache/backlog/backlog.demo.chunks.v1.db &&
  test_must_fail KG -C l reserve -t task 2>err &&
  grep "leads outside the working tree" err &&
  test -z "$(ls -A outside)"
'

test_expect_success 'numbers stay valid: the largest ID, odd stored values, --count' '
  new_repo n && add_item n DEMO-TSK-999999999999999 $(uid_n 1) big && git -C n commit -qm big &&
  test_must_fail KG -C n reserve -t task 2>err &&
  grep "no valid number is left for DEMO-TSK" err &&
  test_must_fail KG -C n reserve -t task -n 1000000000 2>err && grep -- "--count must be between 1 and 10000" err &&
  new_repo v && add_item v DEMO-TSK-0005 $(uid_n 1) && git -C v commit -qm five &&
  db=v/.kano/cache/backlog/backlog.demo.chunks.v1.db &&
  KG -C v sync >/dev/null &&
  sqlite3 $db "UPDATE id_sequences SET next_number = 9223372036854775807 WHERE type_code = '"'"'TSK'"'"'" &&
  test_must_fail KG -C v reserve -t task 2>err && grep "no valid number is left" err && grep "right by hand" err &&
  test "$(sqlite3 $db "SELECT next_number FROM id_sequences WHERE type_code = '"'"'TSK'"'"'")" = 9223372036854775807 &&
  sqlite3 $db "UPDATE id_sequences SET next_number = 1e30 WHERE type_code = '"'"'TSK'"'"'" &&
  test "$(KG -C v reserve -t task 2>err)" = DEMO-TSK-0006 && grep "not an integer but real" err &&
  sqlite3 $db "UPDATE id_sequences SET next_number = '"'"'abc'"'"' WHERE type_code = '"'"'TSK'"'"'" &&
  KG -C v sync >out 2>err && grep "not an integer but text" err &&
  test "$(sqlite3 $db "SELECT next_number FROM id_sequences WHERE type_code = '"'"'TSK'"'"'")" = 6 &&
  sqlite3 $db "UPDATE id_sequences SET next_number = -5 WHERE type_code = '"'"'TSK'"'"'" &&
  test "$(KG -C v reserve -t task 2>err)" = DEMO-TSK-0007 && grep "negative" err
'

test_expect_success 'odd file names are printed quoted, the fix command shell-quoted' '
  new_repo q && add_item q DEMO-TSK-0001 $(uid_n 1) && git -C q commit -qm one &&
  write_item "q/$T/DEMO-TSK-0001_two
kabsd-guard: 0 error(s).md" DEMO-TSK-0001 $(uid_n 2) &&
  write_item "q/$T/DEMO-TSK-0001_it'"'"'s here.md" DEMO-TSK-0001 $(uid_n 3) &&
  git -C q add -A &&
  test_expect_code 1 KG -C q check >out &&
  ! grep -x "kabsd-guard: 0 error(s).md" out &&
  grep -F "\"$T/DEMO-TSK-0001_two\\nkabsd-guard: 0 error(s).md\"" out &&
  grep -F "renumber \$'"'"'$T/DEMO-TSK-0001_two\\012kabsd-guard: 0 error(s).md'"'"'" out &&
  grep -F "renumber '"'"'$T/DEMO-TSK-0001_it'"'"'\\'"'"''"'"'s here.md'"'"'" out
'

test_expect_success 'a config that is not UTF-8, holds control characters or odd values is a finding' '
  new_repo u && printf "[products.demo]\nprefix = \"D\xc3\x28\"\n" >u/.kano/backlog_config.toml &&
  test_expect_code 0 KG -C u check --worktree >out &&
  grep "invalid-config: the config is not valid UTF-8" out &&
  printf "[products.demo]\nprefix = \"D\x01\"\n" >u/.kano/backlog_config.toml &&
  test_expect_code 0 KG -C u check --worktree >out && grep "invalid-config: the config holds a control character" out &&
  printf "[#x]\n" >u/.kano/backlog_config.toml &&
  test_expect_code 0 KG -C u check --worktree >out && grep "invalid-config: cannot parse the config" out &&
  printf "[products.demo]\nprefix = 42\nbacklog_root = \"_kano/backlog/products/demo\"\n" >u/.kano/backlog_config.toml &&
  test_expect_code 0 KG -C u check --worktree >out && grep "invalid-config: product demo: prefix is an integer, not a string; ignored" out
'

# rebuild DB N: delete and recreate the database N times, as the Python
# tool's rebuild does, every 10 ms.
rebuild() {
  for i in $(seq "$2"); do
    rm -f "$1" "$1-journal" "$1-wal"
    sqlite3 "$1" "CREATE TABLE IF NOT EXISTS id_sequences (prefix TEXT NOT NULL, type_code TEXT NOT NULL, next_number INTEGER NOT NULL DEFAULT 1, PRIMARY KEY (prefix, type_code));" 2>/dev/null
    sleep 0.01
  done
}

test_expect_success 'reservations go on while the Python tool rebuilds its database' '
  new_repo p && add_item p DEMO-TSK-0001 $(uid_n 1) && git -C p commit -qm one &&
  db=p/.kano/cache/backlog/backlog.demo.chunks.v1.db && KG -C p sync >/dev/null &&
  { rebuild $db 150 & rebuilder=$!; } &&
  for i in $(seq 60); do KG -C p reserve -t task >>ids || { kill $rebuilder; return 1; }; done &&
  wait $rebuilder &&
  test $(wc -l <ids) = 60 && test $(sort -u ids | wc -l) = 60 &&
  test "$(head -1 ids)" = DEMO-TSK-0002
'

test_expect_success 'a symlink to a FIFO among the items blocks nothing' '
  new_repo f && add_item f DEMO-TSK-0001 $(uid_n 1) && git -C f commit -qm one &&
  mkfifo f/pipe && ln -s ../../../../../../../pipe f/$T/DEMO-TSK-0002_pipe.md &&
  test "$(KG -C f reserve -t task)" = DEMO-TSK-0002 &&
  KG -C f check --worktree >out && grep "DEMO-TSK-0002_pipe.md: symlink" out &&
  KG -C f sync >/dev/null
'

test_expect_success 'FIFOs named like hook-manager configuration files block neither install nor status' '
  new_repo ff && mkfifo ff/.pre-commit-config.yaml ff/lefthook.yml ff/lefthook.json ff/package.json &&
  KG -C ff install >/dev/null &&
  KG -C ff status --check >/dev/null
'

test_expect_success 'a FIFO in place of a hook blocks neither status --check nor install' '
  new_repo fh && KG -C fh install >/dev/null &&
  rm fh/.git/hooks/post-merge && mkfifo fh/.git/hooks/post-merge &&
  test_expect_code 1 KG -C fh status --check >out &&
  grep "post-merge .*OFF .*not a regular file" out &&
  test_expect_code 3 KG -C fh install >out 2>err &&
  grep "post-merge .*failed" out && grep "post-merge.* is not a file" err
'

# As root every folder can be read: the check runs as nobody then.
test_expect_success 'an items folder that cannot be listed is a finding, not a silent pass' '
  new_repo r && add_item r DEMO-TSK-0001 $(uid_n 1) && git -C r commit -qm one &&
  bugs=r/_kano/backlog/products/demo/items/bug && write_item $bugs/0000/DEMO-BUG-0001_x.md DEMO-BUG-0001 $(uid_n 2) &&
  as=env && kg=$KG &&
  if [ "$(id -u)" = 0 ]; then
    chmod 755 "$TRASH" && mkdir -p nobody-home && chown -R nobody:nogroup r nobody-home &&
    as="setpriv --reuid=nobody --regid=nogroup --clear-groups env HOME=$TRASH/nobody-home" &&
    # The build folder may sit where nobody cannot reach (/root): a copy.
    mkdir -p kg-copy && cp "$KG" kg-copy/kabsd-guard && chmod -R a+rx kg-copy && kg=$TRASH/kg-copy/kabsd-guard
  fi &&
  chmod 000 $bugs &&
  rc=0 && { $as "$kg" -C r check --worktree >out 2>&1 || rc=$?; } && chmod 755 $bugs && cat out && test $rc = 0 &&
  grep "warning: _kano/backlog/products/demo/items/bug: unreadable: cannot list the folder (Permission denied)" out
'

test_done
