#!/usr/bin/env bash
# The server side: pre-receive and update in a bare repository refuse a push
# that introduces a duplicate ID, over plain git (the file transport runs
# receive-pack and its hooks as ssh does). Client hooks are not installed:
# the clients below are the ones that skipped them.
. "$(dirname "$0")/lib.sh"

# commit_item REPO ID UID SLUG: write, stage and commit one item.
commit_item() {
  add_item "$1" "$2" "$3" "$4" &&
  git -C "$1" commit -qm "add $2 $4"
}

test_expect_success 'install in a bare repository writes the server hooks' '
  new_repo work &&
  commit_item work DEMO-TSK-0001 "$(uid_n 1)" one &&
  git clone -q --bare work server.git &&
  kabsd-guard -C server.git install >out &&
  grep "pre-receive *installed" out &&
  grep "update *installed" out &&
  ! grep pre-commit out &&
  test -x server.git/hooks/pre-receive && test -x server.git/hooks/update &&
  test ! -e server.git/hooks/pre-commit &&
  sed "s|^fallback=.*|fallback=\x27\x27|" server.git/hooks/pre-receive | cmp - "$SRC/hooks/pre-receive" &&
  sed "s|^fallback=.*|fallback=\x27\x27|" server.git/hooks/update | cmp - "$SRC/hooks/update" &&
  kabsd-guard -C server.git install >again &&
  grep "pre-receive *unchanged" again &&
  git clone -q server.git c1 && git clone -q server.git c2
'

test_expect_success 'a push of a new item is accepted, silently' '
  commit_item c1 DEMO-TSK-0002 "$(uid_n 2)" two &&
  git -C c1 push -q origin main 2>err &&
  ! grep -i kabsd err &&
  test "$(git -C server.git rev-parse main)" = "$(git -C c1 rev-parse main)"
'

test_expect_success 'a push to the default branch that reuses an ID is refused' '
  commit_item c1 DEMO-TSK-0002 "$(uid_n 3)" again &&
  before=$(git -C server.git rev-parse main) &&
  test_must_fail git -C c1 push origin main 2>err &&
  grep "remote: .*duplicate ID DEMO-TSK-0002" err &&
  grep "remote: .*push refused" err &&
  grep "remote: .*kabsd-guard renumber" err &&
  ! grep "no-verify" err &&
  grep "pre-receive hook declined" err &&
  test "$(git -C server.git rev-parse main)" = "$before" &&
  git -C c1 reset -q --hard HEAD~1
'

test_expect_success 'git push --no-verify does not get past the server' '
  commit_item c1 DEMO-TSK-0001 "$(uid_n 4)" copy &&
  test_must_fail git -C c1 push --no-verify origin main 2>err &&
  grep "remote: .*duplicate ID DEMO-TSK-0001" err &&
  git -C c1 reset -q --hard HEAD~1
'

test_expect_success 'a new branch that would collide with the default branch when merged is refused' '
  git -C c2 checkout -q -b feature &&
  commit_item c2 DEMO-TSK-0002 "$(uid_n 5)" parallel &&
  test_must_fail git -C c2 push origin feature 2>err &&
  grep "remote: .*refs/heads/feature merged into refs/heads/main" err &&
  grep "remote: .*duplicate ID DEMO-TSK-0002" err &&
  test_must_fail git -C server.git rev-parse --verify -q refs/heads/feature
'

test_expect_success 'a new branch with a fresh ID is accepted, and a push to it later is compared with its old tip' '
  git -C c2 reset -q --hard origin/main &&
  git -C c2 pull -q origin main &&
  commit_item c2 DEMO-TSK-0003 "$(uid_n 6)" three &&
  git -C c2 push -q origin feature 2>err &&
  ! grep -i kabsd err &&
  commit_item c2 DEMO-TSK-0003 "$(uid_n 7)" three-again &&
  test_must_fail git -C c2 push origin feature 2>err &&
  grep "remote: .*duplicate ID DEMO-TSK-0003" err &&
  git -C c2 reset -q --hard HEAD~1
'

test_expect_success 'a tag on a duplicate and a branch deletion are never refused' '
  commit_item c2 DEMO-TSK-0001 "$(uid_n 8)" tagged &&
  git -C c2 tag dup-tag &&
  git -C c2 push -q origin dup-tag &&
  git -C server.git rev-parse --verify -q refs/tags/dup-tag &&
  git -C c2 reset -q --hard HEAD~1 &&
  git -C c2 push -q origin --delete feature &&
  test_must_fail git -C server.git rev-parse --verify -q refs/heads/feature
'

test_expect_success 'several refs in one push: one refused branch refuses the push' '
  git -C c1 pull -q origin main &&
  git -C c1 checkout -q -b ok-branch &&
  commit_item c1 DEMO-TSK-0004 "$(uid_n 9)" four &&
  git -C c1 checkout -q -b bad-branch &&
  commit_item c1 DEMO-TSK-0004 "$(uid_n 10)" four-dup &&
  test_must_fail git -C c1 push origin ok-branch bad-branch 2>err &&
  grep "remote: .*duplicate ID DEMO-TSK-0004" err &&
  test_must_fail git -C server.git rev-parse --verify -q refs/heads/ok-branch &&
  git -C c1 checkout -q main
'

test_expect_success 'the update hook alone refuses the one ref (hosts that run only update)' '
  mv server.git/hooks/pre-receive pre-receive.saved &&
  test_must_fail git -C c1 push origin ok-branch bad-branch 2>err &&
  grep "remote: .*duplicate ID DEMO-TSK-0004" err &&
  grep "bad-branch (hook declined)" err &&
  git -C server.git rev-parse --verify -q refs/heads/ok-branch &&
  mv pre-receive.saved server.git/hooks/pre-receive
'

test_expect_success 'refs outside refs/heads are not guarded; the hook run by hand gives the JSON of check' '
  git -C c1 push -q origin bad-branch:refs/kept/probe &&
  old=$(git -C server.git rev-parse main) &&
  new=$(git -C server.git rev-parse refs/kept/probe) &&
  echo "$old $new refs/heads/main" >lines &&
  test_must_fail kabsd-guard -C server.git --json hook pre-receive <lines 2>hook.json &&
  test_must_fail kabsd-guard -C server.git --json check --range "$old..$new" >check.json &&
  python3 -c "
import json, sys
hook, check = (json.load(open(f)) for f in sys.argv[1:])
ids = [f[\"id\"] for f in hook[\"findings\"] if f[\"kind\"] == \"duplicate-id\"]
assert ids == [\"DEMO-TSK-0004\"], ids
assert hook == check, (hook, check)
" hook.json check.json
'

test_expect_success 'uninstall removes the server hooks' '
  kabsd-guard -C server.git uninstall >out &&
  grep "pre-receive *removed" out &&
  test ! -e server.git/hooks/pre-receive && test ! -e server.git/hooks/update
'

test_expect_success 'install --server DIR from elsewhere' '
  kabsd-guard -C c1 install --server ../server.git >out &&
  grep "hooks: $TRASH/server.git/hooks" out &&
  test -x server.git/hooks/pre-receive
'

test_done
