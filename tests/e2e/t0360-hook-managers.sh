#!/usr/bin/env bash
# kabsd-guard under the hook managers people use, for real: pre-commit
# (Debian), and from npm at pinned versions prek, lefthook, husky and
# simple-git-hooks (tests/e2e/hook-managers.sh; ./install.sh --test installs
# them). Each case of issue 16's table has a test here.
. "$(dirname "$0")/lib.sh"

if ! command -v npm >/dev/null; then
  echo "1..0 # skipped: npm is not installed (the hook managers under test come from npm)"
  echo "0 passed, 0 failed"
  exit 0
fi
test_expect_success 'the pinned hook managers are installed' '
  need_hook_managers &&
  test "$(prek --version)" = "prek 0.5.3" && test "$(lefthook version)" = 2.2.1 &&
  grep "\"version\": \"9.1.7\"" "$HOOK_MANAGERS/node_modules/husky/package.json" &&
  grep "\"version\": \"2.14.0\"" "$HOOK_MANAGERS/node_modules/simple-git-hooks/package.json"
'
need_hook_managers >/dev/null 2>&1 || true
export PRE_COMMIT_HOME="$TRASH/pre-commit-home" PREK_HOME="$TRASH/prek-home" PRE_COMMIT_COLOR=never NO_COLOR=1
ALL_HOOKS="pre-commit pre-merge-commit pre-push post-merge post-checkout post-rewrite post-commit pre-applypatch"
FW_TYPES="pre-commit, pre-merge-commit, pre-push, post-merge, post-checkout, post-rewrite, post-commit"

# This checkout's manifest in a throwaway hooks repository (repo: PATH, rev: SHA).
git init -q hooks-repo && cp "$SRC/.pre-commit-hooks.yaml" hooks-repo/ &&
git -C hooks-repo add .pre-commit-hooks.yaml && git -C hooks-repo commit -qm manifest
HOOKS_REV=$(git -C hooks-repo rev-parse HEAD)

# exit_code OUT ERR CMD...: runs CMD, its stdout into OUT and stderr into
# ERR; prints its exit status.
exit_code() {
  local out=$1 err=$2
  shift 2
  "$@" >"$out" 2>"$err"
  echo $?
}

# fw_repo DIR TOOL: a backlog repository using kabsd-guard through TOOL
# (pre-commit or prek), with DEMO-TSK-0005 committed.
fw_repo() {
  new_repo "$1" &&
  cat >"$1/.pre-commit-config.yaml" <<EOT &&
default_install_hook_types: [$FW_TYPES]
repos:
  - repo: $TRASH/hooks-repo
    rev: $HOOKS_REV
    hooks:
      - id: kabsd-guard
EOT
  git -C "$1" add .pre-commit-config.yaml && git -C "$1" commit -qm fw &&
  (cd "$1" && $2 install) >/dev/null 2>&1 &&
  add_item "$1" DEMO-TSK-0005 $(uid_n 1) first && git -C "$1" commit -qm first >/dev/null 2>&1
}

# a_branch_with_a_duplicate REPO BRANCH N BASE: BRANCH, from BASE, adds
# another DEMO-TSK-0005 (uid N) and DEMO-BUG-0040, committed past the hooks.
a_branch_with_a_duplicate() {
  git -C "$1" branch "$2" "$4" &&
  git -C "$1" worktree add -q "$TRASH/wt-$1-$2" "$2" >/dev/null 2>&1 &&
  add_item "$TRASH/wt-$1-$2" DEMO-TSK-0005 $(uid_n $3) dup-$2 &&
  add_item "$TRASH/wt-$1-$2" DEMO-BUG-0040 $(uid_n $(($3 + 1))) bug-$2 &&
  KABSD_GUARD_SKIP=1 git -C "$TRASH/wt-$1-$2" commit -qm "dup $2" --no-verify &&
  git -C "$1" worktree remove --force "$TRASH/wt-$1-$2"
}

for tool in pre-commit prek; do
  test_expect_success "$tool: a passing commit shows nothing from kabsd-guard" "
    fw_repo $tool-r $tool &&
    echo a >$tool-r/a && git -C $tool-r add a && git -C $tool-r commit -qm a >out 2>&1 &&
    grep 'kabsd-guard.*Passed' out && test_must_fail grep 'kabsd-guard:' out
  "

  test_expect_success "$tool: post-merge syncs and its duplicate warning is shown (not hidden by Passed)" "
    a_branch_with_a_duplicate $tool-r incoming 20 HEAD~2 &&
    test_must_fail kabsd-guard -C $tool-r status --check >/dev/null 2>&1 &&
    git -C $tool-r merge --no-edit --no-verify incoming >out 2>&1 &&
    grep 'the merge brought the duplicate' out && grep 'duplicate ID DEMO-TSK-0005' out &&
    grep 'kabsd-guard renumber .*DEMO-TSK-0005_dup-incoming.md' out &&
    kabsd-guard -C $tool-r status --check &&
    git -C $tool-r reset -q --hard HEAD~1
  "

  test_expect_success "$tool: post-rewrite's warning after a rebase is shown" "
    git -C $tool-r checkout -q incoming &&
    git -C $tool-r rebase -q main >out 2>&1 &&
    grep 'the rebase brought the duplicate' out &&
    git -C $tool-r checkout -q main
  "

  test_expect_success "$tool: a refused merge is worded as a merge" "
    test_must_fail git -C $tool-r merge --no-ff --no-edit incoming >out 2>&1 &&
    grep 'merge refused' out && grep 'git merge --no-verify' out &&
    test_must_fail grep 'commit refused' out &&
    git -C $tool-r merge --abort
  "

  test_expect_success "$tool: a refused push is worded as a push" "
    git init -q --bare $tool-remote.git && git -C $tool-r remote add origin ../$tool-remote.git &&
    git -C $tool-r push -q origin main >/dev/null 2>&1 &&
    git -C $tool-r merge -q --no-edit --no-verify incoming >/dev/null 2>&1 &&
    test_must_fail git -C $tool-r push -q origin main >out 2>&1 &&
    grep 'push refused' out && grep 'git push --no-verify' out &&
    git -C $tool-r reset -q --hard origin/main
  "

  test_expect_success "$tool: post-commit warns after a cherry-pick" "
    git -C $tool-r cherry-pick incoming >out 2>&1 &&
    grep 'the cherry-pick brought the duplicate' out &&
    git -C $tool-r reset -q --hard HEAD~1
  "
done

test_expect_success 'hook auto with no framework to tell the stage: refuses, says why, guesses nothing' '
  test "$(exit_code /dev/null err kabsd-guard -C prek-r hook auto)" = 3 &&
  grep "cannot tell which git hook" err && grep "Nothing was checked" err
'

test_expect_success 'pre-commit run by hand (default and manual stages) passes' '
  (cd pre-commit-r && pre-commit run --all-files) >out 2>&1 && grep "kabsd-guard.*Passed" out &&
  (cd pre-commit-r && pre-commit run --hook-stage manual) >out 2>&1 && test_must_fail grep Failed out
'

# lefthook.yml running kabsd-guard at every hook it installs (docs/hooks.md).
documented_lefthook_yml() {
  for h in $ALL_HOOKS; do
    case $h in
      pre-push) printf '%s:\n  commands:\n    kabsd-guard:\n      run: kabsd-guard hook %s {1} {2}\n      use_stdin: true\n' $h $h ;;
      post-rewrite) printf '%s:\n  commands:\n    kabsd-guard:\n      run: kabsd-guard hook %s {1}\n      use_stdin: true\n' $h $h ;;
      post-merge) printf '%s:\n  commands:\n    kabsd-guard:\n      run: kabsd-guard hook %s {1}\n' $h $h ;;
      post-checkout) printf '%s:\n  commands:\n    kabsd-guard:\n      run: kabsd-guard hook %s {1} {2} {3}\n' $h $h ;;
      *) printf '%s:\n  commands:\n    kabsd-guard:\n      run: kabsd-guard hook %s\n' $h $h ;;
    esac
  done
}

test_expect_success 'lefthook install after kabsd-guard install: the *.old scripts are reported, by status and post-checkout' '
  new_repo lh && install_guard lh &&
  printf "pre-commit:\n  commands:\n    lint:\n      run: echo lint\npost-merge:\n  commands:\n    lint:\n      run: echo merged\n" >lh/lefthook.yml &&
  (cd lh && lefthook install) >/dev/null 2>&1 &&
  grep -q kabsd-guard-managed-hook lh/.git/hooks/pre-commit.old &&
  test "$(exit_code out err kabsd-guard -C lh status --check)" = 1 &&
  grep "pre-commit  *OFF  lefthook renamed kabsd-guard.s script to pre-commit.old" out &&
  grep "post-merge  *OFF" out && grep "post-checkout  *runs" out &&
  grep "add kabsd-guard to lefthook.yml" err &&
  git -C lh checkout -qb other 2>err &&
  grep "the pre-commit hook no longer runs kabsd-guard: lefthook renamed" err
'

test_expect_success 'kabsd-guard install after lefthook with the documented lefthook.yml: nothing runs twice' '
  new_repo lh2 && documented_lefthook_yml >lh2/lefthook.yml &&
  git -C lh2 add lefthook.yml && git -C lh2 commit -qm lefthook &&
  (cd lh2 && lefthook install) >/dev/null 2>&1 &&
  kabsd-guard -C lh2 install >out 2>err &&
  for h in $ALL_HOOKS; do grep "$h .*left-alone.*lefthook runs kabsd-guard here (lefthook.yml)" out || return 1; done &&
  test_must_fail grep -l kabsd-guard-chained lh2/.git/hooks/* &&
  kabsd-guard -C lh2 status --check >out &&
  add_item lh2 DEMO-TSK-0005 $(uid_n 1) first && git -C lh2 commit -qm first >/dev/null 2>&1 &&
  a_branch_with_a_duplicate lh2 side 30 HEAD~1 &&
  git -C lh2 merge --no-edit --no-verify side >out 2>&1 &&
  test "$(grep -c "the merge brought the duplicate" out)" = 1 &&
  git -C lh2 reset -q --hard HEAD~1 &&
  add_item lh2 DEMO-TSK-0005 $(uid_n 3) again &&
  test_must_fail git -C lh2 commit -qm again >out 2>&1 &&
  test "$(grep -c "commit refused" out)" = 1 &&
  git -C lh2 reset -q && rm lh2/$(item_path DEMO-TSK-0005 again)
'

test_expect_success 'husky: the hooks in .husky/ call kabsd-guard; install leaves them alone; a duplicate is refused' '
  new_repo hu && (cd hu && husky) >/dev/null &&
  test "$(git -C hu config core.hooksPath)" = .husky/_ &&
  for h in $ALL_HOOKS; do printf "kabsd-guard hook %s \"\$@\"\n" $h >hu/.husky/$h || return 1; done &&
  kabsd-guard -C hu install >out 2>err &&
  for h in $ALL_HOOKS; do grep "$h .*left-alone.*husky runs kabsd-guard here (.husky/$h)" out || return 1; done &&
  kabsd-guard -C hu status --check &&
  add_item hu DEMO-TSK-0005 $(uid_n 1) a && git -C hu commit -qm a >/dev/null 2>&1 &&
  add_item hu DEMO-TSK-0005 $(uid_n 2) b &&
  test_must_fail git -C hu commit -qm b 2>err && grep "commit refused" err &&
  git -C hu reset -q && rm hu/$(item_path DEMO-TSK-0005 b)
'

test_expect_success 'husky set up after kabsd-guard install: core.hooksPath elsewhere is reported' '
  new_repo hu2 && install_guard hu2 && (cd hu2 && husky) >/dev/null &&
  test "$(exit_code out err kabsd-guard -C hu2 status --check)" = 1 &&
  grep "pre-commit  *OFF  husky.s script, and .husky/pre-commit does not call kabsd-guard; git runs hooks from .*hu2/.husky/_ (core.hooksPath), not from .*hu2/.git/hooks" out
'

sgh_config() { # sgh_config REPO HOOK...: package.json with simple-git-hooks running kabsd-guard at HOOK...
  local repo=$1; shift
  { printf '{\n  "name": "x",\n  "simple-git-hooks": {\n'
    local sep=""
    for h in "$@"; do printf '%s    "%s": "kabsd-guard hook %s \\"$@\\""' "$sep" $h $h; sep=",
"; done
    printf '\n  }\n}\n'; } >"$repo/package.json"
}

test_expect_success 'simple-git-hooks run again after kabsd-guard install: deleted and overwritten hooks are reported' '
  new_repo sg && install_guard sg &&
  printf "{\"simple-git-hooks\": {\"pre-commit\": \"echo lint\", \"pre-push\": \"echo test\"}}\n" >sg/package.json &&
  (cd sg && simple-git-hooks) >/dev/null 2>&1 &&
  test "$(exit_code out err kabsd-guard -C sg status --check)" = 1 &&
  grep "pre-commit  *OFF  overwritten by simple-git-hooks" out &&
  grep "pre-push  *OFF  overwritten by simple-git-hooks" out &&
  for h in pre-merge-commit post-merge post-checkout post-rewrite post-commit pre-applypatch; do
    grep "$h  *OFF  deleted" out || return 1
  done &&
  test "$(exit_code out err kabsd-guard -C sg install)" = 3 &&
  grep "pre-commit .*failed" out && grep "simple-git-hooks., which rewrites it" err &&
  grep "package.json configures simple-git-hooks, which deletes every hook" err
'

test_expect_success 'simple-git-hooks configured with every kabsd-guard hook: install leaves them, status is clean' '
  new_repo sg2 && sgh_config sg2 $ALL_HOOKS && (cd sg2 && simple-git-hooks) >/dev/null 2>&1 &&
  kabsd-guard -C sg2 install >out 2>err &&
  for h in $ALL_HOOKS; do grep "$h .*left-alone.*calls kabsd-guard already" out || return 1; done &&
  test_must_fail grep "deletes every hook" err &&
  kabsd-guard -C sg2 status --check >/dev/null &&
  add_item sg2 DEMO-TSK-0005 $(uid_n 1) a && git -C sg2 commit -qm a >/dev/null 2>&1 &&
  add_item sg2 DEMO-TSK-0005 $(uid_n 2) b &&
  test_must_fail git -C sg2 commit -qm b 2>err && grep "commit refused" err
'

# Under a GUI client's short PATH, with kabsd-guard only in ~/.local/bin.
gui_path=/usr/bin:/bin
mkdir -p "$HOME/.local/bin" && ln -sf "$KG" "$HOME/.local/bin/kabsd-guard"
if [ -e /usr/local/bin/kabsd-guard ]; then
  echo "# note: /usr/local/bin/kabsd-guard exists; the short-PATH tests may run it instead of the one under test"
fi

# gui_commits REPO: with PATH=/usr/bin:/bin a clean commit and a checkout
# work, and a duplicate is refused.
gui_commits() {
  add_item "$1" DEMO-TSK-0005 $(uid_n 1) a &&
  env PATH=$gui_path git -C "$1" commit -qm a >/dev/null 2>&1 &&
  env PATH=$gui_path git -C "$1" checkout -qb gui 2>err && test_must_fail grep "not found" err &&
  add_item "$1" DEMO-TSK-0005 $(uid_n 2) b &&
  test_must_fail env PATH=$gui_path git -C "$1" commit -qm b >out 2>&1 && grep "commit refused" out &&
  git -C "$1" reset -q && rm "$1/$(item_path DEMO-TSK-0005 b)"
}

for tool in pre-commit prek; do
  test_expect_success "$tool under a short PATH: the manifest's entry finds ~/.local/bin/kabsd-guard" "
    new_repo gui-$tool &&
    printf 'default_install_hook_types: [$FW_TYPES]\nrepos:\n  - repo: %s\n    rev: %s\n    hooks:\n      - id: kabsd-guard\n' \
      '$TRASH/hooks-repo' $HOOKS_REV >gui-$tool/.pre-commit-config.yaml &&
    git -C gui-$tool add .pre-commit-config.yaml && git -C gui-$tool commit -qm fw &&
    (cd gui-$tool && $tool install) >/dev/null 2>&1 &&
    gui_commits gui-$tool
  "
done

test_expect_success 'lefthook under a short PATH: the documented PATH line' '
  new_repo gui-lh &&
  documented_lefthook_yml | sed "s|run: kabsd-guard|run: PATH=\"\$PATH:/usr/local/bin:\$HOME/.local/bin\" kabsd-guard|" >gui-lh/lefthook.yml &&
  git -C gui-lh add lefthook.yml && git -C gui-lh commit -qm lh &&
  (cd gui-lh && lefthook install) >/dev/null 2>&1 &&
  gui_commits gui-lh
'

test_expect_success 'husky under a short PATH: the documented PATH line' '
  new_repo gui-hu && (cd gui-hu && husky) >/dev/null &&
  for h in $ALL_HOOKS; do
    printf "PATH=\"\$PATH:/usr/local/bin:\$HOME/.local/bin\" kabsd-guard hook %s \"\$@\"\n" $h >gui-hu/.husky/$h || return 1
  done &&
  gui_commits gui-hu
'

test_expect_success 'simple-git-hooks under a short PATH: the documented PATH line' '
  new_repo gui-sg && sgh_config gui-sg $ALL_HOOKS &&
  sed -i "s|\"kabsd-guard hook|\"PATH=\\\\\"\$PATH:/usr/local/bin:\$HOME/.local/bin\\\\\" kabsd-guard hook|" gui-sg/package.json &&
  (cd gui-sg && simple-git-hooks) >/dev/null 2>&1 &&
  grep -q "PATH=" gui-sg/.git/hooks/pre-commit &&
  gui_commits gui-sg
'

test_done
