#!/usr/bin/env bash
# Replays a small backlog history through the guard, commit by commit (issue
# 12): the maintenance a long-lived kano backlog goes through (uids
# backfilled, then migrated to UUIDv7; documents named after their items; a
# folder of uid-less items renamed; frontmatters read differently by two
# YAML readers) gives no false alarm, and every new claimant is still
# caught, by `check --range`, the pre-commit hook and
# `renumber --all --introduced` alike.
. "$(dirname "$0")/lib.sh"

T=_kano/backlog/products/demo/items/task/0000
OLD=_kano/backlog/products/demo/items/tasks/0000
MOVED=_kano/backlog/products/demo/items/moved/0000

# item FILE ID [UID]: an item without a uid when UID is empty.
item() {
  mkdir -p "$(dirname "h/$1")" &&
  { printf -- "---\nid: %s\n" "$2"; [ -z "${3:-}" ] || printf "uid: %s\n" "$3";
    printf -- "type: Task\ntitle: \"Item %s: a long enough title for git's rename detection\"\nstate: Done\n---\n\n# Worklog\n\n2024-01-01 10:00 [agent=a] Created, with some words to keep the file alike\n" "$2"; } >"h/$1"
}
# commit NAME INTRODUCED...: commit the working tree without hooks and
# record which IDs it really introduces ("-" for none).
commit() {
  local name=$1; shift
  git -C h add -A && git -C h commit -qm "$name" &&
  printf '%s %s\n' "$(git -C h rev-parse HEAD)" "$*" >>expected
}
# uid4 N / uid7 N: a version-4 and a version-7 uid.
uid4() { printf '6f1c2a54-3b1e-4a8e-9b1a-%012x' "$1"; }

test_expect_success 'a history with every pattern' '
  new_repo h && : >expected &&
  item $OLD/DEMO-TSK-0001_first.md DEMO-TSK-0001 &&
  item $OLD/DEMO-TSK-0001_second.md DEMO-TSK-0001 &&
  item $T/DEMO-TSK-0002_guide.md DEMO-TSK-0002 &&
  mkdir -p h/_kano/backlog/products/demo/decisions &&
  printf -- "---\nid: ADR-0001\ntitle: a\n---\n" >h/_kano/backlog/products/demo/decisions/ADR-0001_a.md &&
  printf -- "---\nid: ADR-0001\ntitle: b\n---\n" >h/_kano/backlog/products/demo/decisions/ADR-0001_b.md &&
  commit "old duplicates, no uids" DEMO-TSK-0001 _kano/backlog/products/demo:ADR-0001 &&

  git -C h mv _kano/backlog/products/demo/items/tasks _kano/backlog/products/demo/items/moved &&
  commit "rename a folder of uid-less old duplicates" - &&

  item $MOVED/DEMO-TSK-0001_first.md DEMO-TSK-0001 "$(uid4 1)" &&
  item $MOVED/DEMO-TSK-0001_second.md DEMO-TSK-0001 "$(uid4 2)" &&
  item $T/DEMO-TSK-0002_guide.md DEMO-TSK-0002 "$(uid4 3)" &&
  printf -- "---\nid: ADR-0001\nuid: %s\ntitle: a\n---\n" "$(uid4 4)" >h/_kano/backlog/products/demo/decisions/ADR-0001_a.md &&
  printf -- "---\nid: ADR-0001\nuid: %s\ntitle: b\n---\n" "$(uid4 5)" >h/_kano/backlog/products/demo/decisions/ADR-0001_b.md &&
  commit "backfill uids" - &&

  item $MOVED/DEMO-TSK-0001_first.md DEMO-TSK-0001 "$(uid_n 1)" &&
  item $MOVED/DEMO-TSK-0001_second.md DEMO-TSK-0001 "$(uid_n 2)" &&
  item $T/DEMO-TSK-0002_guide.md DEMO-TSK-0002 "$(uid_n 3)" &&
  printf -- "---\nid: ADR-0001\nuid: %s\ntitle: a\n---\n" "$(uid_n 4)" >h/_kano/backlog/products/demo/decisions/ADR-0001_a.md &&
  commit "migrate uids to UUIDv7" - &&

  printf "# Architecture guide\n\nWritten for DEMO-TSK-0002.\n" >h/$T/DEMO-TSK-0002_ARCHITECTURE_GUIDE.md &&
  commit "a document named after its item" - &&

  item $T/DEMO-TSK-0001_edit.md DEMO-TSK-0009 "$(uid_n 9)" &&
  commit "an unrelated item" - &&

  mkdir -p h/$T && printf -- "---\nid: DEMO-TSK-0009\nuid: %s\ntitle: t\nid: DEMO-TSK-0002\n---\n" "$(uid_n 10)" >h/$T/DEMO-TSK-0009_twice.md &&
  commit "a repeated id key: the last one claims" DEMO-TSK-0002 &&

  printf -- "---\nbase: &b\n  id: DEMO-TSK-0009\n<<: *b\nuid: %s\ntitle: t\n---\n" "$(uid_n 12)" >h/$T/DEMO-TSK-0010_merged.md &&
  commit "an id through a YAML merge key" DEMO-TSK-0009 &&

  item $T/DEMO-TSK-0001_third.md DEMO-TSK-0001 "$(uid_n 11)" &&
  commit "a third claimant of an old duplicate" DEMO-TSK-0001 &&

  item $T/DEMO-TSK-0001_third.md DEMO-TSK-0001 &&
  commit "its uid removed again" - &&
  test $(wc -l <expected) = 10
'

# introduced_ids JSON: the IDs reported as introduced duplicates, sorted.
introduced_ids() {
  python3 -c "
import json, sys
doc = json.load(open(sys.argv[1]))
ids = sorted({(f['items'][0]['path'].split('/decisions/')[0] + ':' + f['id']) if f['id'].startswith('ADR-') else f['id']
              for f in doc['findings'] if f['kind'] == 'duplicate-id' and f['introduced']})
print(' '.join(ids) if ids else '-')" "$1"
}

test_expect_success 'check --range C^..C reports exactly what each commit introduced' '
  while read -r c want; do
    rc=0 && { kabsd-guard -C h --json check --range $c^..$c >out.json || rc=$?; } &&
    got=$(introduced_ids out.json) &&
    echo "$(git -C h log -1 --format=%s $c): want [$want] got [$got] exit $rc" &&
    test "$got" = "$want" &&
    if [ "$want" = - ]; then test $rc = 0; else test $rc = 1; fi || return 1
  done <expected
'

test_expect_success 'check --range over the whole history reports only the last three' '
  first=$(head -1 expected | cut -d" " -f1) &&
  test_expect_code 1 kabsd-guard -C h --json check --range $first..HEAD >all.json &&
  test "$(introduced_ids all.json)" = "DEMO-TSK-0001 DEMO-TSK-0002 DEMO-TSK-0009"
'

test_expect_success 'the document and the repeated key are reported as warnings' '
  test_expect_code 1 kabsd-guard -C h check --tree HEAD >report &&
  grep "DEMO-TSK-0002_ARCHITECTURE_GUIDE.md: not-an-item: .*DEMO-TSK-0002" report &&
  grep "DEMO-TSK-0009_twice.md:5: ambiguous-key: .id. is written 2 times (DEMO-TSK-0009, then DEMO-TSK-0002)" report &&
  ! grep "ARCHITECTURE_GUIDE.md.*renumber\|renumber.*ARCHITECTURE_GUIDE" report
'

test_expect_success 'the pre-commit hook agrees, commit by commit' '
  git clone -q h r && install_guard r &&
  git -C r checkout -q --detach "$(head -1 expected | cut -d" " -f1)" &&
  tail -n +2 expected >rest &&
  while read -r c want; do
    git -C r read-tree -u --reset $c &&
    if git -C r commit -qm replay 2>err; then got=-; else got=refused; fi &&
    echo "$(git -C h log -1 --format=%s $c): want [$want] hook [$got]" &&
    if [ "$want" = - ]; then test $got = -; else test $got = refused && grep "duplicate ID" err; fi &&
    if [ $got = refused ]; then git -C r commit -qm replay --no-verify; fi || return 1
  done <rest
'

test_expect_success 'renumber --all --introduced agrees, commit by commit' '
  git clone -q h w &&
  while read -r c want; do
    { git -C w checkout -q --detach $c^ 2>/dev/null || continue; } &&
    git -C w read-tree -u --reset $c &&
    # A repeated or merged id key is the one introduction renumber leaves
    # to a person: it refuses, naming the file and the values.
    if ! kabsd-guard -C w --json renumber --all --introduced --dry-run >plan.json 2>err; then
      grep "_\(twice\|merged\).md: .id. .*written" err && echo "{\"moves\": [{\"old_id\": \"$want\"}]}" >plan.json
    fi &&
    got=$(python3 -c "
import json, sys
moves = json.load(open(sys.argv[1]))[\"moves\"]
print(\" \".join(sorted({m[\"old_id\"] for m in moves})) or \"-\")" plan.json) &&
    echo "$(git -C h log -1 --format=%s $c): want [$want] renumber [$got]" &&
    test "$got" = "$(printf "%s\n" $want | sed "s|.*:||" | sort | paste -sd" ")" || return 1
  done <expected
'

test_expect_success 'renumber refuses a document and a repeated id, and finds the id a continuation hides' '
  git -C w checkout -q --detach main &&
  test_must_fail kabsd-guard -C w renumber $T/DEMO-TSK-0002_ARCHITECTURE_GUIDE.md 2>err &&
  grep "is a document, not an item" err &&
  test_must_fail kabsd-guard -C w renumber $T/DEMO-TSK-0009_twice.md 2>err &&
  grep "written 2 times" err &&
  printf -- "---\nid: DEMO-TSK-0030\nuid: %s\ntitle: \"a long\nid: DEMO-TSK-0030 follow-up\"\n---\n" "$(uid_n 30)" \
    >w/$T/DEMO-TSK-0030_cont.md &&
  kabsd-guard -C w renumber $T/DEMO-TSK-0030_cont.md --to DEMO-TSK-0031 --no-stage &&
  head -3 w/$T/DEMO-TSK-0031_cont.md | grep -x "id: DEMO-TSK-0031" &&
  grep -x "id: DEMO-TSK-0030 follow-up\"" w/$T/DEMO-TSK-0031_cont.md
'

test_done
