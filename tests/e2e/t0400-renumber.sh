#!/usr/bin/env bash
# renumber against real repositories: the keeper rule, byte-exact files, the
# index as `git mv` + `git add` leave it, previews that change nothing,
# failures half way that leave everything as it was.
. "$(dirname "$0")/lib.sh"

# big_item REPO ID UID SLUG: an item long enough for git's rename detection
# to pair it with its renumbered self; staged.
big_item() {
  add_item "$1" "$2" "$3" "$4" &&
  f="$1/$(item_path "$2" "$4")" &&
  for i in 1 2 3 4 5 6 7 8 9 10 11 12; do echo "2025-01-02 10:$((10 + i)) [agent=tester] Step $i of the work on $4"; done >>"$f" &&
  git -C "$1" add "$(item_path "$2" "$4")"
}

# state REPO: every path and checksum of the working tree (database
# included), .git/index and the clone journal. (Other files kabsd-guard
# keeps in .git/kabsd-guard, such as a scan cache, are not compared.)
state() {
  (cd "$1" && find . -path ./.git -prune -o -print | LC_ALL=C sort &&
   find . -path ./.git -prune -o -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum &&
   sha256sum .git/index &&
   for j in .git/kabsd-guard/journal.sqlite3 .git/kabsd-guard/journal.sqlite3-wal; do
     if [ -e "$j" ]; then sha256sum "$j"; else echo "no $j"; fi
   done)
}
# files REPO: the same without the database and the journal.
files() { state "$1" | grep -v -e journal.sqlite3 -e "\.kano/cache"; }

# expect_code N COMMAND...: COMMAND exits with N.
expect_code() {
  local want=$1 got=0
  shift
  "$@" || got=$?
  [ "$got" = "$want" ] || { echo "exit $got, expected $want: $*" >&2; return 1; }
}

as_user() {
  if [ "$(id -u)" = 0 ]; then setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"; else "$@"; fi
}

WL='[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} \[agent=kabsd-guard\] '

test_expect_success 'two claimants: the older keeps, the newer is renamed, rewritten and staged' '
  new_repo two &&
  big_item two DEMO-TSK-0005 $(uid_n 2) newer &&
  big_item two DEMO-TSK-0005 $(uid_n 1) older &&
  git -C two commit -qm dup &&
  kabsd-guard -C two renumber DEMO-TSK-0005 >out &&
  old=$(item_path DEMO-TSK-0005 newer) && new=$(item_path DEMO-TSK-0006 newer) &&
  keep=$(item_path DEMO-TSK-0005 older) &&
  test ! -e two/$old && test -f two/$new && test -f two/$keep &&
  grep "^id: DEMO-TSK-0006$" two/$new && grep "^id: DEMO-TSK-0005$" two/$keep &&
  tail -n1 two/$new | grep -E "^${WL}Renumbered from DEMO-TSK-0005 to DEMO-TSK-0006: DEMO-TSK-0005 is also claimed by $keep \(uid $(uid_n 1)\)\.$" &&
  test "$(git -C two status --porcelain)" = "R  $old -> $new" &&
  git -C two diff --cached -M --name-status | grep -E "^R[0-9]+	$old	$new$" &&
  grep "$old" out && grep "$new" out && grep "staged" out &&
  kabsd-guard -C two status --check
'

test_expect_success 'three claimants: both newer ones get consecutive new IDs' '
  new_repo three &&
  big_item three DEMO-BUG-0010 $(uid_n 30) c &&
  big_item three DEMO-BUG-0010 $(uid_n 10) a &&
  big_item three DEMO-BUG-0010 $(uid_n 20) b &&
  big_item three DEMO-BUG-0120 $(uid_n 5) top &&
  kabsd-guard -C three renumber demo-bug-10 &&
  test -f three/$(item_path DEMO-BUG-0010 a) &&
  test -f three/$(item_path DEMO-BUG-0121 b) && test -f three/$(item_path DEMO-BUG-0122 c) &&
  test "$(kabsd-guard -C three reserve -t bug)" = DEMO-BUG-0123
'

test_expect_success 'the keeper rule: ties go to the smaller uid, an invalid uid is newest' '
  new_repo keeper &&
  big_item keeper DEMO-TSK-0001 01960000-0000-7000-8000-00000000000b tie-b &&
  big_item keeper DEMO-TSK-0001 01960000-0000-7000-8000-00000000000a tie-a &&
  big_item keeper DEMO-TSK-0002 6f9619ff-8b86-4011-b42d-00c04fc964ff v4 &&
  big_item keeper DEMO-TSK-0002 01990000-0000-7000-8000-000000000001 late &&
  kabsd-guard -C keeper renumber --all &&
  test -f keeper/$(item_path DEMO-TSK-0001 tie-a) && test -f keeper/$(item_path DEMO-TSK-0003 tie-b) &&
  test -f keeper/$(item_path DEMO-TSK-0002 late) && test -f keeper/$(item_path DEMO-TSK-0004 v4)
'

test_expect_success 'byte for byte: CRLF, BOM, no trailing newline, sorted keys, quotes' '
  new_repo bytes &&
  write_item bytes/$(item_path DEMO-TSK-0007 keeper) DEMO-TSK-0007 $(uid_n 1) &&
  d=bytes/_kano/backlog/products/demo/items/task/0000 &&
  printf "\357\273\277---\r\nid: DEMO-TSK-0007\r\nuid: $(uid_n 2)\r\ntitle: \"A: b\"\r\n---\r\n\r\n# Worklog\r\n\r\n2025-01-01 10:00 [agent=x] made" >$d/DEMO-TSK-0007_crlf.md &&
  printf -- "---\ncreated: 2025-01-01\nid: \"DEMO-TSK-0007\"\nowner: None\nuid: $(uid_n 3)\n---\nBody without worklog\n" >$d/DEMO-TSK-0007_sorted.md &&
  printf -- "---\nid: '"'"'DEMO-TSK-7'"'"'  # quoted\nuid: $(uid_n 4)\n---\n\n# Worklog\n" >$d/DEMO-TSK-0007_single.md &&
  mkdir orig && cp $d/*.md orig/ &&
  kabsd-guard -C bytes renumber --all &&
  python3 - "$d" <<PY
import re, sys, os
d = sys.argv[1]
wl = re.compile(rb"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} \[agent=kabsd-guard\] Renumbered from DEMO-TSK-0007 to (DEMO-TSK-00(08|09|10)): [^\r\n]*\.")
for slug, old_value in (("crlf", b"DEMO-TSK-0007"), ("sorted", b"\"DEMO-TSK-0007\""), ("single", b"'"'"'DEMO-TSK-7'"'"'")):
    orig = open("orig/DEMO-TSK-0007_%s.md" % slug, "rb").read()
    [name] = [n for n in os.listdir(d) if n.endswith("_%s.md" % slug)]
    new = open(os.path.join(d, name), "rb").read()
    new_id = name.split("_")[0].encode()
    value = old_value.replace(b"DEMO-TSK-0007", new_id).replace(b"DEMO-TSK-7", new_id)
    eol = b"\r\n" if slug == "crlf" else b"\n"
    expect = orig.replace(b"id: " + old_value, b"id: " + value, 1)
    if not expect.endswith(b"\n"):
        expect += eol
    if slug == "sorted":
        expect += eol + b"# Worklog" + eol + eol
    assert new.startswith(expect), (slug, new, expect)
    rest = new[len(expect):]
    assert rest.endswith(eol) and rest.count(b"\n") == 1, (slug, rest)
    m = wl.fullmatch(rest[:-len(eol)])
    assert m and m.group(1) == new_id, (slug, rest)
PY
'

test_expect_success '--dry-run changes nothing: tree, index, database, journal' '
  new_repo dry &&
  big_item dry DEMO-TSK-0003 $(uid_n 1) a && big_item dry DEMO-TSK-0003 $(uid_n 2) b &&
  big_item dry DEMO-TSK-0004 $(uid_n 3) c && git -C dry commit -qm dup &&
  kabsd-guard -C dry reserve -t bug >/dev/null && kabsd-guard -C dry sync >/dev/null &&
  test -f dry/.kano/cache/backlog/backlog.demo.chunks.v1.db && test -f dry/.git/kabsd-guard/journal.sqlite3 &&
  state dry >before &&
  kabsd-guard -C dry renumber DEMO-TSK-0003 --dry-run >plan1 &&
  kabsd-guard -C dry renumber DEMO-TSK-0003 --dry-run >plan2 &&
  kabsd-guard -C dry --json renumber --all --dry-run >plan.json &&
  kabsd-guard -C dry renumber --filenames --dry-run >/dev/null &&
  kabsd-guard -C dry renumber $(item_path DEMO-TSK-0004 c) --dry-run >/dev/null &&
  state dry >after && cmp before after &&
  cmp plan1 plan2 && grep "provisional" plan1 && grep "DEMO-TSK-0005" plan1 &&
  grep "nothing changed" plan1 &&
  python3 -c "import json; p = json.load(open(\"plan.json\")); assert p[\"dry_run\"] and p[\"moves\"][0][\"provisional\"], p" &&
  kabsd-guard -C dry renumber DEMO-TSK-0003 >real && grep "DEMO-TSK-0003 -> DEMO-TSK-0005" real
'

test_expect_success 'references are reported with file and line, and left unchanged' '
  new_repo refs &&
  big_item refs DEMO-TSK-0005 $(uid_n 1) a && big_item refs DEMO-TSK-0005 $(uid_n 2) b &&
  big_item refs DEMO-TSK-0009 $(uid_n 3) child &&
  child=$(item_path DEMO-TSK-0009 child) &&
  sed -i "s/^parent: null/parent: DEMO-TSK-0005/" refs/$child &&
  echo "Blocked by demo-tsk-5 (see above)." >>refs/$child &&
  cp refs/$child child.before &&
  kabsd-guard -C refs renumber DEMO-TSK-0005 >out &&
  grep "^  $child:8: DEMO-TSK-0005 in parent: parent: DEMO-TSK-0005$" out &&
  grep "^  $child:$(wc -l <refs/$child): DEMO-TSK-0005 in body: Blocked by demo-tsk-5" out &&
  cmp child.before refs/$child &&
  kabsd-guard -C refs --json renumber --all --dry-run >none.json &&
  python3 -c "import json; p = json.load(open(\"none.json\")); assert p[\"status\"] == \"nothing-to-do\", p"
'

# Two groups; the second new file would go to bucket 0100.
half_way_repo() {
  new_repo "$1" &&
  big_item "$1" DEMO-TSK-0001 $(uid_n 1) a && big_item "$1" DEMO-TSK-0001 $(uid_n 2) b &&
  big_item "$1" DEMO-TSK-0098 $(uid_n 3) a && big_item "$1" DEMO-TSK-0098 $(uid_n 4) b &&
  git -C "$1" commit -qm dups && kabsd-guard -C "$1" sync >/dev/null
}

test_expect_success 'a folder that cannot be created: refused before anything changes' '
  half_way_repo blocked &&
  printf "in the way\n" >blocked/_kano/backlog/products/demo/items/task/0100 &&
  state blocked >before &&
  expect_code 3 kabsd-guard -C blocked renumber --all >out 2>err &&
  grep "items/task/0100: a file is in the way" err &&
  state blocked >after && cmp before after
'

test_expect_success 'the same failure half way (no preflight): every change is undone' '
  half_way_repo halfway &&
  printf "in the way\n" >halfway/_kano/backlog/products/demo/items/task/0100 &&
  files halfway >before &&
  KG_TEST_RENUMBER_NO_PREFLIGHT=1 expect_code 3 kabsd-guard -C halfway renumber --all >out 2>err &&
  grep "a file is in the way" err && grep "every change was undone" err && grep "stays reserved" err &&
  files halfway >after && cmp before after &&
  test "$(git -C halfway status --porcelain)" = "?? _kano/backlog/products/demo/items/task/0100"
'

test_expect_success 'a locked index: every file change is undone' '
  half_way_repo locked &&
  files locked >before && : >locked/.git/index.lock &&
  expect_code 3 kabsd-guard -C locked renumber --all 2>err && grep "index is locked" err &&
  KG_TEST_RENUMBER_NO_PREFLIGHT=1 expect_code 3 kabsd-guard -C locked renumber --all 2>err &&
  grep "cannot stage" err && grep "undone" err &&
  rm locked/.git/index.lock && files locked >after && cmp before after
'

test_expect_success 'an unwritable folder as an unprivileged user, half way: undone' '
  half_way_repo ro &&
  git config --global --add safe.directory "$TRASH/ro" &&
  chmod -R a+rwX "$TRASH" && chmod a+x "$TRASH" &&
  chmod a-w ro/_kano/backlog/products/demo/items/task &&
  files ro >before &&
  expect_code 3 as_user kabsd-guard -C ro renumber --all 2>err && grep "cannot write in" err &&
  KG_TEST_RENUMBER_NO_PREFLIGHT=1 expect_code 3 as_user kabsd-guard -C ro renumber --all 2>err &&
  grep "undone" err && files ro >after && cmp before after &&
  chmod u+w ro/_kano/backlog/products/demo/items/task
'

test_expect_success 'refused targets: outside the folders, symlinks, unparseable files (exit 2)' '
  new_repo bad &&
  big_item bad DEMO-TSK-0001 $(uid_n 1) a &&
  d=bad/_kano/backlog/products/demo &&
  echo x >bad/notes.md && mkdir -p $d/_trash && cp $d/items/task/0000/DEMO-TSK-0001_a.md $d/_trash/ &&
  ln -s DEMO-TSK-0001_a.md $d/items/task/0000/DEMO-TSK-0002_link.md &&
  printf -- "---\nid: [DEMO-TSK-0003\n---\n" >$d/items/task/0000/DEMO-TSK-0003_bad.md &&
  state bad >before &&
  expect_code 2 kabsd-guard -C bad renumber notes.md 2>err && grep "not an item" err &&
  expect_code 2 kabsd-guard -C bad renumber ${d#bad/}/_trash/DEMO-TSK-0001_a.md 2>err && grep "not an item" err &&
  expect_code 2 kabsd-guard -C bad renumber ${d#bad/}/items/task/0000/DEMO-TSK-0002_link.md 2>err && grep "symbolic link" err &&
  expect_code 2 kabsd-guard -C bad renumber ${d#bad/}/items/task/0000/DEMO-TSK-0003_bad.md 2>err && grep "cannot be parsed" err &&
  expect_code 2 kabsd-guard -C bad renumber /etc/passwd 2>err && grep "outside the repository" err &&
  expect_code 2 kabsd-guard -C bad renumber DEMO-TSK-0404 2>err && grep "no file" err &&
  expect_code 2 kabsd-guard -C bad renumber 2>err &&
  expect_code 2 kabsd-guard -C bad renumber --all DEMO-TSK-0001 2>err &&
  expect_code 2 kabsd-guard -C bad renumber --all --to DEMO-TSK-0009 2>err &&
  state bad >after && cmp before after
'

test_expect_success 'renumber --all on several groups: no duplicate remains, status and check are clean' '
  new_repo many &&
  big_item many DEMO-TSK-0001 $(uid_n 1) a && big_item many DEMO-TSK-0001 $(uid_n 2) b &&
  big_item many DEMO-TSK-0002 $(uid_n 3) a && big_item many DEMO-TSK-0002 $(uid_n 4) b &&
  big_item many DEMO-TSK-0002 $(uid_n 5) c &&
  big_item many DEMO-BUG-0007 $(uid_n 6) a && big_item many DEMO-BUG-0007 $(uid_n 7) b &&
  big_item many ADR-0001 $(uid_n 8) db && big_item many ADR-0001 $(uid_n 9) cache &&
  git -C many commit -qm "merged without conflicts" &&
  kabsd-guard -C many renumber --all >out &&
  test "$(git -C many status --porcelain | grep -c "^R  ")" = 5 &&
  test -f many/$(item_path ADR-0002 cache) &&
  kabsd-guard -C many renumber --all --dry-run | grep "Nothing to renumber" &&
  kabsd-guard -C many status --check &&
  kabsd-guard -C many check --worktree && kabsd-guard -C many check &&
  git -C many commit -qm renumbered && kabsd-guard -C many check --tree HEAD
'

test_expect_success '--introduced repairs only what is new relative to HEAD' '
  new_repo intro &&
  big_item intro DEMO-TSK-0001 $(uid_n 1) a && big_item intro DEMO-TSK-0001 $(uid_n 2) b &&
  git -C intro commit -qm "an old duplicate" &&
  big_item intro DEMO-TSK-0002 $(uid_n 3) a && big_item intro DEMO-TSK-0002 $(uid_n 4) b &&
  kabsd-guard -C intro renumber --all --introduced 2>err >out &&
  grep "DEMO-TSK-0001 was already claimed" err &&
  test -f intro/$(item_path DEMO-TSK-0001 b) && test -f intro/$(item_path DEMO-TSK-0003 b)
'

test_expect_success '--filenames renames a file to its frontmatter id, content untouched' '
  new_repo names &&
  big_item names DEMO-TSK-0005 $(uid_n 1) fix &&
  f=$(item_path DEMO-TSK-0005 fix) &&
  sed -i "s/^id: DEMO-TSK-0005/id: DEMO-TSK-0109/" names/$f && git -C names add $f &&
  git -C names commit -qm mismatch && cp names/$f before.md &&
  kabsd-guard -C names renumber --filenames >out &&
  cmp before.md names/$(item_path DEMO-TSK-0109 fix) &&
  test "$(git -C names status --porcelain)" = "R  $f -> $(item_path DEMO-TSK-0109 fix)"
'

test_expect_success '--to: a free ID is used and recorded; one claimed anywhere is refused' '
  new_repo to &&
  big_item to DEMO-TSK-0001 $(uid_n 1) a && big_item to DEMO-TSK-0001 $(uid_n 2) b &&
  git -C to commit -qm dup && git -C to checkout -qb side &&
  big_item to DEMO-TSK-0040 $(uid_n 3) side && git -C to commit -qm side && git -C to checkout -q main &&
  expect_code 2 kabsd-guard -C to renumber DEMO-TSK-0001 --to DEMO-TSK-0040 2>err && grep "already claimed" err &&
  expect_code 2 kabsd-guard -C to renumber DEMO-TSK-0001 --to DEMO-BUG-0050 2>err && grep "same type" err &&
  kabsd-guard -C to renumber DEMO-TSK-0001 --to DEMO-TSK-0050 &&
  test -f to/$(item_path DEMO-TSK-0050 b) && kabsd-guard -C to status --check &&
  test "$(kabsd-guard -C to reserve -t task)" = DEMO-TSK-0051
'

test_expect_success '--no-stage leaves the index alone; --json gives the result' '
  new_repo nostage &&
  big_item nostage DEMO-TSK-0001 $(uid_n 1) a && big_item nostage DEMO-TSK-0001 $(uid_n 2) b &&
  git -C nostage commit -qm dup && cp nostage/.git/index index.before &&
  kabsd-guard -C nostage --json renumber DEMO-TSK-0001 --no-stage >out.json &&
  cmp index.before nostage/.git/index &&
  python3 - <<PY
import json
p = json.load(open("out.json"))
assert p["status"] == "done" and not p["dry_run"] and not p["stage"], p
[m] = p["moves"]
assert m["old_id"] == "DEMO-TSK-0001" and m["new_id"] == "DEMO-TSK-0002" and not m["provisional"], m
assert m["tracked"] and not m["staged"] and m["also_claimed_by"]["uid"].endswith("1"), m
assert m["to"].endswith("items/task/0000/DEMO-TSK-0002_b.md"), m
PY
'

test_done
