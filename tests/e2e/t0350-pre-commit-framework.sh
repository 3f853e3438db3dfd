#!/usr/bin/env bash
# kabsd-guard under the pre-commit framework (https://pre-commit.com): the
# real `pre-commit` binary, this checkout's .pre-commit-hooks.yaml, and the
# hooks that `pre-commit install` writes.
. "$(dirname "$0")/lib.sh"

if ! command -v pre-commit >/dev/null; then
  echo "1..0 # skipped: no pre-commit binary (Debian package pre-commit)"
  echo "0 passed, 0 failed"
  exit 0
fi
# No network and no user cache: pre-commit keeps its clones here.
export PRE_COMMIT_HOME="$TRASH/pre-commit-home"
export PRE_COMMIT_COLOR=never
HOOK_TYPES="pre-commit pre-merge-commit pre-push post-merge post-checkout post-rewrite"

# A throwaway hooks repository holding this checkout's manifest, so that the
# uncommitted state of the checkout does not matter: `repo: PATH`, `rev: SHA`.
git init -q hooks-repo &&
cp "$SRC/.pre-commit-hooks.yaml" hooks-repo/ &&
git -C hooks-repo add .pre-commit-hooks.yaml &&
git -C hooks-repo commit -qm manifest
HOOKS_REV=$(git -C hooks-repo rev-parse HEAD)

# no_warnings FILE...: pre-commit printed no warning (stage names, config).
no_warnings() {
  if grep -iE "\[WARNING\]|deprecated" "$@"; then
    echo "pre-commit warned" >&2
    return 1
  fi
}

# pc_repo DIR KIND: a backlog repository using kabsd-guard through pre-commit,
# KIND "url" (repo: PATH + rev) or "local" (repo: local).
pc_repo() {
  new_repo "$1" || return 1
  if [ "$2" = url ]; then
    cat >"$1/.pre-commit-config.yaml" <<EOT
default_install_hook_types: [$(echo $HOOK_TYPES | sed 's/ /, /g')]
repos:
  - repo: $TRASH/hooks-repo
    rev: $HOOKS_REV
    hooks:
      - id: kabsd-guard
EOT
  else
    cat >"$1/.pre-commit-config.yaml" <<EOT
repos:
  - repo: local
    hooks:
      - id: kabsd-guard
        name: kabsd-guard
        entry: kabsd-guard hook auto
        language: system
        pass_filenames: false
        require_serial: true
        always_run: true
EOT
  fi
  git -C "$1" add .pre-commit-config.yaml &&
  git -C "$1" commit -qm pre-commit --no-verify
}

db_value() { # db_value REPO CODE
  sqlite3 "$1/.kano/cache/backlog/backlog.demo.chunks.v1.db" \
    "SELECT next_number FROM id_sequences WHERE prefix='DEMO' AND type_code='$2'" 2>/dev/null
}

test_expect_success 'repo: PATH + rev; pre-commit install with default_install_hook_types' '
  pc_repo u url &&
  (cd u && pre-commit install) >install.out 2>&1 &&
  for h in $HOOK_TYPES; do grep "pre-commit installed at .git/hooks/$h" install.out || return 1; done &&
  no_warnings install.out &&
  add_item u DEMO-TSK-0005 $(uid_n 1) first &&
  git -C u commit -qm first >out 2>&1 &&
  grep "kabsd-guard.*Passed" out && no_warnings out
'

test_expect_success 'a commit adding a duplicate is refused, without a stage warning' '
  add_item u DEMO-TSK-0005 $(uid_n 2) second &&
  test_must_fail git -C u commit -qm dup >out 2>&1 &&
  grep "kabsd-guard.*Failed" out && grep "DEMO-TSK-0005" out && no_warnings out &&
  test "$(git -C u rev-list --count HEAD)" = 3 &&
  git -C u reset -q && rm u/$(item_path DEMO-TSK-0005 second)
'

test_expect_success 'post-checkout: checking out a branch with a higher item syncs' '
  git clone -q u u-other &&
  add_item u-other DEMO-TSK-0050 $(uid_n 3) higher &&
  git -C u-other commit -qm higher --no-verify &&
  git -C u fetch -q ../u-other main:side &&
  test_must_fail kabsd-guard -C u status --check &&
  git -C u checkout side >out 2>&1 &&
  grep "kabsd-guard.*Passed" out && no_warnings out &&
  kabsd-guard -C u status --check &&
  test "$(db_value u TSK)" = 50 &&
  git -C u checkout -q main
'

test_expect_success 'post-merge: a fast-forward merge of a higher item syncs' '
  add_item u-other DEMO-BUG-0070 $(uid_n 4) bug &&
  git -C u-other commit -qm bug --no-verify &&
  git -C u fetch -q ../u-other main:incoming &&
  test_must_fail kabsd-guard -C u status --check &&
  git -C u merge --ff-only incoming >out 2>&1 &&
  grep "kabsd-guard.*Passed" out && no_warnings out &&
  kabsd-guard -C u status --check && test "$(db_value u BUG)" = 70
'

test_expect_success 'pre-merge-commit: a merge that adds a duplicate is refused' '
  git -C u checkout -qb left && add_item u DEMO-TSK-0051 $(uid_n 5) left &&
  git -C u commit -qm left >/dev/null 2>&1 &&
  git -C u checkout -q main && git -C u checkout -qb right &&
  add_item u DEMO-TSK-0051 $(uid_n 6) right && git -C u commit -qm right >/dev/null 2>&1 &&
  test_must_fail git -C u merge --no-edit left >out 2>&1 &&
  grep "DEMO-TSK-0051" out && no_warnings out &&
  git -C u merge --abort && git -C u checkout -q main
'

test_expect_success 'post-rewrite and pre-push run too' '
  echo more >u/notes && git -C u add notes && git -C u commit -qm notes >/dev/null 2>&1 &&
  git -C u commit --amend -qm "notes, amended" >out 2>&1 &&
  test "$(grep -c "kabsd-guard.*Passed" out)" = 2 && no_warnings out &&
  git init -q --bare u-remote.git && git -C u remote add origin ../u-remote.git &&
  git -C u push -q origin main >out 2>&1 && grep "kabsd-guard.*Passed" out && no_warnings out &&
  add_item u DEMO-TSK-0050 $(uid_n 7) clash && git -C u commit -qm clash --no-verify &&
  test_must_fail git -C u push -q origin main >out 2>&1 &&
  grep "kabsd-guard.*Failed" out && grep "DEMO-TSK-0050" out &&
  git -C u reset -q --hard HEAD~1
'

test_expect_success 'repo: local, installed with explicit --hook-type flags' '
  pc_repo l local &&
  (cd l && pre-commit install $(for h in $HOOK_TYPES; do printf -- "--hook-type %s " $h; done)) >out 2>&1 &&
  no_warnings out && test -x l/.git/hooks/post-rewrite &&
  add_item l DEMO-TSK-0001 $(uid_n 1) a && git -C l commit -qm a >/dev/null 2>&1 &&
  add_item l DEMO-TSK-0001 $(uid_n 2) b &&
  test_must_fail git -C l commit -qm dup >out 2>&1 && grep "DEMO-TSK-0001" out && no_warnings out &&
  git -C l reset -q && rm l/$(item_path DEMO-TSK-0001 b)
'

test_expect_success 'pre-commit run --all-files and --hook-stage manual do not fail' '
  (cd l && pre-commit run --all-files) >out 2>&1 && grep "kabsd-guard.*Passed" out &&
  (cd l && pre-commit run --hook-stage manual) >out 2>&1 && no_warnings out
'

# A pre-commit config that runs something else, so the framework's own
# script is what kabsd-guard install finds and chains.
other_config() {
  cat >"$1/.pre-commit-config.yaml" <<EOT
repos:
  - repo: local
    hooks:
      - id: log
        name: log
        entry: sh -c "echo framework-ran >>.git/framework.log"
        language: system
        pass_filenames: false
        always_run: true
EOT
  git -C "$1" add .pre-commit-config.yaml && git -C "$1" commit -qm cfg --no-verify
}

test_expect_success 'kabsd-guard install chains the framework hook: both run' '
  new_repo f && other_config f &&
  (cd f && pre-commit install) >/dev/null &&
  cp f/.git/hooks/pre-commit framework-hook &&
  kabsd-guard -C f install >out &&
  grep "pre-commit .*chained" out &&
  cmp framework-hook f/.git/hooks/pre-commit.kabsd-guard-chained &&
  add_item f DEMO-TSK-0001 $(uid_n 1) a && git -C f commit -qm a >/dev/null 2>&1 &&
  test "$(grep -c framework-ran f/.git/framework.log)" = 1 &&
  add_item f DEMO-TSK-0001 $(uid_n 2) b &&
  test_must_fail git -C f commit -qm dup 2>err && grep "DEMO-TSK-0001" err &&
  test "$(grep -c framework-ran f/.git/framework.log)" = 2 &&
  git -C f reset -q && rm f/$(item_path DEMO-TSK-0001 b)
'

test_expect_success 'pre-commit install again on top: no loop, both run once; uninstall leaves pre-commit alone' '
  (cd f && pre-commit install) >out 2>&1 &&
  grep "migration mode" out &&
  grep -q kabsd-guard-managed-hook f/.git/hooks/pre-commit.legacy &&
  echo c >f/c && git -C f add c && git -C f commit -qm c >out 2>&1 &&
  ! grep "bug:" out &&
  test "$(grep -c framework-ran f/.git/framework.log)" = 3 &&
  add_item f DEMO-TSK-0001 $(uid_n 3) d &&
  test_must_fail git -C f commit -qm dup 2>err && grep "DEMO-TSK-0001" err &&
  git -C f reset -q && rm f/$(item_path DEMO-TSK-0001 d) &&
  kabsd-guard -C f uninstall >out && grep "pre-commit .*removed" out &&
  cmp framework-hook f/.git/hooks/pre-commit &&
  test ! -e f/.git/hooks/pre-commit.legacy &&
  test ! -e f/.git/hooks/pre-commit.kabsd-guard-chained &&
  echo e >f/e && git -C f add e && git -C f commit -qm e >out 2>&1 &&
  ! grep "bug:" out && test "$(grep -c framework-ran f/.git/framework.log)" = 5
'

# prek (a pre-commit re-implementation with the 4.x stage names) reads the
# same files; checked when it is on PATH (npm: @j178/prek), skipped otherwise.
if command -v prek >/dev/null; then
  export PREK_HOME="$TRASH/prek-home"
  test_expect_success 'prek: the same manifest, no warning, a duplicate refused, post-checkout syncs' '
    pc_repo p url &&
    (cd p && prek install) >out 2>&1 && no_warnings out &&
    add_item p DEMO-TSK-0005 $(uid_n 1) first && git -C p commit -qm first >out 2>&1 &&
    no_warnings out &&
    add_item p DEMO-TSK-0005 $(uid_n 2) second &&
    test_must_fail git -C p commit -qm dup >out 2>&1 && grep "DEMO-TSK-0005" out && no_warnings out &&
    git -C p reset -q && rm p/$(item_path DEMO-TSK-0005 second) &&
    git clone -q p p-other && add_item p-other DEMO-TSK-0040 $(uid_n 3) hi &&
    git -C p-other commit -qm hi --no-verify && git -C p fetch -q ../p-other main:side &&
    git -C p checkout -q side && kabsd-guard -C p status --check
  '
fi

test_done
