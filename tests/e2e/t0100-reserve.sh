#!/usr/bin/env bash
# reserve / sync / status against real repositories.
. "$(dirname "$0")/lib.sh"

test_expect_success 'a fresh table hands out 1, 2, 3' '
  new_repo fresh &&
  test "$(kabsd-guard -C fresh reserve -t task)" = DEMO-TSK-0001 &&
  test "$(kabsd-guard -C fresh reserve -t Task)" = DEMO-TSK-0002 &&
  test "$(kabsd-guard -C fresh reserve --type tsk)" = DEMO-TSK-0003
'

test_expect_success 'after sync over files whose highest is 41, the next is 42' '
  new_repo synced &&
  add_item synced DEMO-TSK-0041 $(uid_n 1) &&
  add_item synced DEMO-TSK-0007 $(uid_n 2) &&
  git -C synced commit -qm items &&
  kabsd-guard -C synced sync >out &&
  grep "TSK .* -> 41" out &&
  test "$(kabsd-guard -C synced reserve -t task)" = DEMO-TSK-0042
'

test_expect_success 'frontmatter 0009 in a file named 0005: the next is 0010' '
  new_repo mismatch &&
  f=$(item_path DEMO-TSK-0005) &&
  write_item mismatch/$f DEMO-TSK-0009 $(uid_n 1) &&
  test "$(kabsd-guard -C mismatch reserve -t task)" = DEMO-TSK-0010
'

test_expect_success 'an item only on another branch is respected' '
  new_repo branchy &&
  git -C branchy checkout -qb side &&
  add_item branchy DEMO-BUG-0400 $(uid_n 1) &&
  git -C branchy commit -qm side &&
  git -C branchy checkout -q main &&
  test ! -e branchy/$(item_path DEMO-BUG-0400) &&
  test "$(kabsd-guard -C branchy reserve -t bug)" = DEMO-BUG-0401
'

test_expect_success 'an item only on a remote-tracking branch is respected' '
  new_repo upstream &&
  git clone -q upstream downstream &&
  add_item upstream DEMO-FTR-0050 $(uid_n 1) &&
  git -C upstream commit -qm new &&
  git -C downstream fetch -q &&
  test "$(kabsd-guard -C downstream reserve -t feature)" = DEMO-FTR-0051
'

test_expect_success 'an item only in a sibling worktree (uncommitted) is respected' '
  new_repo wt &&
  git -C wt worktree add -q ../wt2 -b wt2 &&
  write_item wt2/$(item_path DEMO-USR-0077) DEMO-USR-0077 $(uid_n 1) &&
  test "$(kabsd-guard -C wt reserve -t story)" = DEMO-USR-0078 &&
  test "$(kabsd-guard -C wt2 reserve -t story)" = DEMO-USR-0079
'

test_expect_success 'only staged (index) items are respected' '
  new_repo staged &&
  add_item staged DEMO-EPIC-0012 $(uid_n 1) &&
  rm staged/$(item_path DEMO-EPIC-0012) &&
  test "$(kabsd-guard -C staged reserve -t epic)" = DEMO-EPIC-0013
'

test_expect_success 'ADRs are numbered per product' '
  new_repo adr &&
  write_item adr/$(item_path ADR-0003) ADR-0003 $(uid_n 1) &&
  test "$(kabsd-guard -C adr reserve -t adr)" = ADR-0004
'

test_expect_success '--count and --json' '
  new_repo json &&
  kabsd-guard -C json reserve -t task -n 3 >ids &&
  test "$(cat ids | tr "\n" " ")" = "DEMO-TSK-0001 DEMO-TSK-0002 DEMO-TSK-0003 " &&
  kabsd-guard -C json reserve -t task --json --title "Fix: the thing" >out.json &&
  python3 - <<PY
import json
[r] = json.load(open("out.json"))
assert r["id"] == "DEMO-TSK-0004" and r["number"] == 4 and r["prefix"] == "DEMO", r
assert r["type_code"] == "TSK" and r["product"] == "demo", r
assert r["path"] == "_kano/backlog/products/demo/items/task/0000/DEMO-TSK-0004_fix-the-thing.md", r
import re; assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", r["uid"]), r
PY
'

test_expect_success 'deleting the database between two reservations never reissues' '
  new_repo deleted &&
  a=$(kabsd-guard -C deleted reserve -t task) &&
  rm deleted/.kano/cache/backlog/backlog.demo.chunks.v1.db &&
  b=$(kabsd-guard -C deleted reserve -t task) &&
  test "$a" = DEMO-TSK-0001 && test "$b" = DEMO-TSK-0002
'

test_expect_success 'an empty re-created table never reissues' '
  new_repo emptied &&
  kabsd-guard -C emptied reserve -t task -n 5 >/dev/null &&
  db=emptied/.kano/cache/backlog/backlog.demo.chunks.v1.db &&
  rm "$db" &&
  sqlite3 "$db" "CREATE TABLE id_sequences (prefix TEXT NOT NULL, type_code TEXT NOT NULL, next_number INTEGER NOT NULL DEFAULT 1, PRIMARY KEY (prefix, type_code));" &&
  test "$(kabsd-guard -C emptied reserve -t task)" = DEMO-TSK-0006
'

test_expect_success 'status reports STALE and MISSING; sync fixes them; never lowers' '
  new_repo stat &&
  add_item stat DEMO-TSK-0030 $(uid_n 1) &&
  add_item stat DEMO-BUG-0002 $(uid_n 2) &&
  db=stat/.kano/cache/backlog/backlog.demo.chunks.v1.db &&
  mkdir -p $(dirname $db) &&
  sqlite3 "$db" "CREATE TABLE id_sequences (prefix TEXT NOT NULL, type_code TEXT NOT NULL, next_number INTEGER NOT NULL DEFAULT 1, PRIMARY KEY (prefix, type_code)); INSERT INTO id_sequences VALUES (\"DEMO\",\"TSK\",12), (\"DEMO\",\"EPIC\",90);" &&
  test_must_fail kabsd-guard -C stat status --check >out &&
  grep "TSK .*STALE" out && grep "BUG .*MISSING" out && grep "EPIC .*OK" out &&
  kabsd-guard -C stat sync &&
  kabsd-guard -C stat status --check &&
  test "$(sqlite3 "$db" "SELECT next_number FROM id_sequences WHERE type_code=\"EPIC\"")" = 90 &&
  test "$(sqlite3 "$db" "SELECT next_number FROM id_sequences WHERE type_code=\"TSK\"")" = 30
'

test_expect_success 'sync --dry-run writes nothing' '
  new_repo dry &&
  add_item dry DEMO-TSK-0009 $(uid_n 1) &&
  kabsd-guard -C dry sync --dry-run >out &&
  grep "would sync" out &&
  test ! -e dry/.kano/cache/backlog/backlog.demo.chunks.v1.db
'

test_expect_success 'bad input: unknown type, unknown product, --count 0, not a repository' '
  new_repo bad &&
  test_expect_code 2 kabsd-guard -C bad reserve -t chore 2>err && grep "unknown type" err &&
  test_expect_code 2 kabsd-guard -C bad reserve -t task -p nope 2>err && grep "unknown product" err && grep demo err &&
  test_expect_code 2 kabsd-guard -C bad reserve -t task -n 0 2>err && grep "count" err &&
  mkdir -p plain && test_expect_code 2 kabsd-guard -C plain reserve -t task 2>err && grep "not a git repository" err &&
  test_expect_code 2 kabsd-guard -C bad reserve 2>err
'

test_expect_success 'several products: --product is required and the error lists them' '
  new_repo multi &&
  cat >>multi/.kano/backlog_config.toml <<EOT &&
[products.other]
prefix = "OTH"
backlog_root = "_kano/backlog/products/other"
EOT
  test_expect_code 2 kabsd-guard -C multi reserve -t task 2>err &&
  grep "demo" err && grep "other" err &&
  test "$(kabsd-guard -C multi reserve -t task -p other)" = OTH-TSK-0001
'

test_expect_success 'no config: products discovered, prefix from the items' '
  git init -q noconf &&
  write_item noconf/_kano/backlog/products/demo/items/task/0000/KABSD-TSK-0005_x.md KABSD-TSK-0005 $(uid_n 1) &&
  test "$(kabsd-guard -C noconf reserve -t task)" = KABSD-TSK-0006 &&
  git init -q legacy &&
  write_item legacy/_kano/backlog/items/tasks/LEG-TSK-0002_x.md LEG-TSK-0002 $(uid_n 1) &&
  test "$(kabsd-guard -C legacy reserve -t task)" = LEG-TSK-0003
'

test_expect_success 'read-only database: fallback with a warning; --no-fallback is an error' '
  new_repo ro &&
  kabsd-guard -C ro reserve -t task >/dev/null &&
  db=ro/.kano/cache/backlog/backlog.demo.chunks.v1.db &&
  # A path that cannot be written even by root: a folder stands where the file should be.
  rm "$db" && mkdir "$db" &&
  kabsd-guard -C ro reserve -t task >out 2>err &&
  test "$(cat out)" = DEMO-TSK-0002 &&
  grep "not safe against concurrent creators" err &&
  test_expect_code 3 kabsd-guard -C ro reserve -t task --no-fallback >out 2>err &&
  test ! -s out
'

# A read-only file and folder, as an unprivileged user (chmod does not stop root).
as_user() {
  if [ "$(id -u)" = 0 ]; then setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"; else "$@"; fi
}
test_expect_success 'read-only database file and folder (chmod)' '
  new_repo rofile &&
  git config --global --add safe.directory "$TRASH/rofile" &&
  kabsd-guard -C rofile reserve -t task >/dev/null &&
  chmod -R a+rwX "$TRASH" && chmod a+x "$TRASH" &&
  db=rofile/.kano/cache/backlog/backlog.demo.chunks.v1.db &&
  chmod a-w "$db" &&
  as_user kabsd-guard -C rofile reserve -t task >out 2>err &&
  test "$(cat out)" = DEMO-TSK-0002 && grep "not safe against concurrent creators" err &&
  test_expect_code 3 as_user kabsd-guard -C rofile reserve -t task --no-fallback 2>err &&
  chmod a+w "$db" && rm "$db" && chmod a-w "$(dirname "$db")" &&
  as_user kabsd-guard -C rofile reserve -t task >out 2>err &&
  grep "not safe against concurrent creators" err &&
  chmod a+w "$(dirname "$db")"
'

test_expect_success 'corrupt database: moved aside, rebuilt, nothing reissued' '
  new_repo corrupt &&
  kabsd-guard -C corrupt reserve -t task -n 3 >/dev/null &&
  db=corrupt/.kano/cache/backlog/backlog.demo.chunks.v1.db &&
  head -c 4096 /dev/urandom >"$db" &&
  kabsd-guard -C corrupt reserve -t task >out 2>err &&
  test "$(cat out)" = DEMO-TSK-0004 &&
  grep -i corrupt err &&
  ls "$db".corrupt-* &&
  kabsd-guard -C corrupt status --check
'

test_done
