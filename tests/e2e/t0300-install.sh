#!/usr/bin/env bash
# kabsd-guard install / uninstall with real git and the real hooks.
. "$(dirname "$0")/lib.sh"

HOOKS="pre-commit pre-merge-commit pre-push post-merge post-checkout post-rewrite post-commit pre-applypatch"

# snapshot DIR: every file in DIR with its type, mode and content hash (or
# link target), one per line, to compare states byte for byte.
snapshot() {
  (cd "$1" && find . -mindepth 1 | LC_ALL=C sort | while read -r f; do
    if [ -L "$f" ]; then echo "$f link $(readlink "$f")"
    elif [ -d "$f" ]; then echo "$f dir $(stat -c %a "$f")"
    else echo "$f $(stat -c %a "$f") $(sha256sum <"$f" | cut -c1-64)"; fi
  done)
}

test_cmp_files() { diff -u "$1" "$2"; }

# dup_stage REPO: stage a second claimant of DEMO-TSK-0005 (REPO has the first).
dup_stage() { add_item "$1" DEMO-TSK-0005 $(uid_n 99) dup; }

# with_items REPO: DEMO-TSK-0005 committed.
with_items() { add_item "$1" DEMO-TSK-0005 $(uid_n 1) first && git -C "$1" commit -qm first --no-verify; }

test_expect_success 'install writes the eight hooks into .git/hooks, as in hooks/' '
  new_repo r && with_items r &&
  kabsd-guard -C r install >out &&
  for h in $HOOKS; do
    test -x r/.git/hooks/$h &&
    grep -q "^# kabsd-guard-managed-hook$" r/.git/hooks/$h &&
    grep -q "^fallback=./" r/.git/hooks/$h &&
    sed "s|^fallback=.*|fallback=\x27\x27|" r/.git/hooks/$h | cmp - "$SRC/hooks/$h" &&
    grep "$h .*installed" out || return 1
  done &&
  grep "hooks: $TRASH/r/.git/hooks" out &&
  test -e r/.git/hooks/pre-commit.sample
'

test_expect_success 'the hook scripts are POSIX sh' '
  for h in $HOOKS; do dash -n "$SRC/hooks/$h" || return 1; done &&
  if command -v shellcheck >/dev/null; then shellcheck -s sh $(for h in $HOOKS; do echo "$SRC/hooks/$h"; done); fi
'

test_expect_success 'install twice changes nothing, byte for byte' '
  snapshot r/.git/hooks >before &&
  kabsd-guard -C r install >out &&
  snapshot r/.git/hooks >after &&
  test_cmp_files before after &&
  for h in $HOOKS; do grep "$h .*unchanged" out || return 1; done
'

test_expect_success 'the report: hooks, products with prefix and root, synced sequences, duplicates' '
  grep "product demo  prefix DEMO  root _kano/backlog/products/demo" out &&
  grep "DEMO *TSK *stored *5  in use *5" out &&
  grep "duplicates: none" out &&
  kabsd-guard -C r status --check
'

test_expect_success 'the installed pre-commit refuses a duplicate; skip and --no-verify bypass' '
  dup_stage r &&
  test_must_fail git -C r commit -qm dup 2>err && grep "DEMO-TSK-0005" err &&
  KABSD_GUARD_SKIP=1 git -C r commit -qm skipped &&
  git -C r reset -q --hard HEAD~1 &&
  dup_stage r && git -C r commit -qm no-verify --no-verify &&
  git -C r reset -q --hard HEAD~1
'

test_expect_success 'existing duplicates are reported as warnings with the renumber hint' '
  new_repo d && with_items d &&
  dup_stage d && git -C d commit -qm dup --no-verify &&
  kabsd-guard -C d install >out &&
  grep "warning: duplicate ID DEMO-TSK-0005: keep $(item_path DEMO-TSK-0005 first)" out &&
  grep "kabsd-guard renumber $(item_path DEMO-TSK-0005 dup)" out &&
  kabsd-guard -C d install --json >out.json &&
  python3 - <<PY
import json
o = json.load(open("out.json"))
assert [d["id"] for d in o["duplicates"]] == ["DEMO-TSK-0005"], o["duplicates"]
d = o["duplicates"][0]
assert d["renumber"] == ["$(item_path DEMO-TSK-0005 dup)"] and d["hints"][0].startswith("kabsd-guard renumber "), d
assert o["backlog"] is True and o["synced"] is True, o
[p] = o["products"]
assert p["key"] == "demo" and p["prefix"] == "DEMO" and p["root"] == "_kano/backlog/products/demo", p
assert {"prefix": "DEMO", "type_code": "TSK", "stored": 5, "in_use": 5} in p["sequences"], p
[h] = o["hooks"]
assert h["dir"].endswith("/d/.git/hooks") and h["source"] == "default", h
assert [x["name"] for x in h["hooks"]] == "$HOOKS".split(), h
assert all(x["action"] == "unchanged" for x in h["hooks"]), h
PY
'

test_expect_success 'no backlog: hooks installed, the report says so; --no-sync writes no database' '
  git init -q plain && kabsd-guard -C plain install >out &&
  test -x plain/.git/hooks/pre-commit && grep "no backlog yet" out &&
  new_repo nosync && add_item nosync DEMO-TSK-0003 $(uid_n 1) &&
  kabsd-guard -C nosync install --no-sync >out &&
  grep "not synced" out && test ! -e nosync/.kano/cache/backlog/backlog.demo.chunks.v1.db
'

test_expect_success 'uninstall removes exactly what install added' '
  git init -q u && snapshot u/.git/hooks >before &&
  kabsd-guard -C u install >/dev/null && kabsd-guard -C u uninstall >out &&
  snapshot u/.git/hooks >after && test_cmp_files before after &&
  for h in $HOOKS; do grep "$h .*removed" out || return 1; done &&
  kabsd-guard -C u uninstall >out && grep "pre-commit .*not-installed" out
'

# A user hook that logs its arguments and stdin, and fails when asked to.
user_hook() { # user_hook FILE NAME
  cat >"$1" <<EOT
#!/bin/sh
echo "user $2 \$*" >>"\$(git rev-parse --git-common-dir)/user-hook.log"
case "$2" in pre-push|post-rewrite) cat >>"\$(git rev-parse --git-common-dir)/user-hook.stdin" ;; esac
test ! -e "\$(git rev-parse --git-common-dir)/user-hook-fail"
EOT
  chmod 755 "$1"
}

test_expect_success 'install over existing hooks chains them: both run' '
  new_repo c && with_items c &&
  for h in $HOOKS; do user_hook c/.git/hooks/$h $h || return 1; done &&
  snapshot c/.git/hooks >before &&
  kabsd-guard -C c install >out &&
  for h in $HOOKS; do
    grep "$h .*chained" out && test -x c/.git/hooks/$h.kabsd-guard-chained &&
    grep -q kabsd-guard-managed-hook c/.git/hooks/$h || return 1
  done &&
  echo a >c/a && git -C c add a && git -C c commit -qm a &&
  grep "user pre-commit" c/.git/user-hook.log &&
  dup_stage c &&
  test_must_fail git -C c commit -qm dup 2>err && grep "DEMO-TSK-0005" err &&
  test "$(grep -c "user pre-commit" c/.git/user-hook.log)" = 2 &&
  git -C c reset -q --hard
'

test_expect_success 'a failing user pre-commit still blocks; post-* keep its exit status' '
  touch c/.git/user-hook-fail &&
  echo b >c/b && git -C c add b &&
  test_must_fail git -C c commit -qm b &&
  test_must_fail git -C c checkout -q -b other &&
  rm c/.git/user-hook-fail && git -C c checkout -q main &&
  git -C c commit -qm b
'

test_expect_success 'chained pre-push and post-rewrite get the same stdin as kabsd-guard' '
  git init -q --bare c-remote.git &&
  git -C c remote add origin ../c-remote.git &&
  git -C c push -q origin main &&
  grep "user pre-push origin .*c-remote.git" c/.git/user-hook.log &&
  grep "^refs/heads/main $(git -C c rev-parse main) refs/heads/main 0000000000000000000000000000000000000000$" c/.git/user-hook.stdin &&
  old=$(git -C c rev-parse HEAD) &&
  git -C c commit -q --amend -m amended &&
  grep "user post-rewrite amend" c/.git/user-hook.log &&
  grep "^$old $(git -C c rev-parse HEAD)" c/.git/user-hook.stdin &&
  git -C c push -qf origin main &&
  dup_stage c && git -C c commit -qm dup --no-verify &&
  test_must_fail git -C c push -q origin main 2>err && grep "DEMO-TSK-0005" err &&
  git -C c reset -q --hard HEAD~1
'

test_expect_success 'uninstall restores the chained hooks byte for byte and executable' '
  kabsd-guard -C c install >/dev/null &&
  kabsd-guard -C c uninstall >out &&
  for h in $HOOKS; do grep "$h .*restored" out || return 1; done &&
  snapshot c/.git/hooks >after && test_cmp_files before after
'

test_expect_success 'a non-executable hook stays unrun; a symlinked hook stays a symlink' '
  new_repo n && with_items n &&
  printf "#!/bin/sh\necho ran >>\"\$(git rev-parse --git-dir)/noexec.log\"\nexit 1\n" >n/.git/hooks/pre-commit &&
  chmod 644 n/.git/hooks/pre-commit &&
  mkdir n/.git/myhooks && user_hook n/.git/myhooks/pm pre-merge-commit &&
  ln -s ../myhooks/pm n/.git/hooks/pre-merge-commit &&
  ln -s nowhere n/.git/hooks/post-merge &&
  snapshot n/.git/hooks >before &&
  kabsd-guard -C n install >out &&
  test -L n/.git/hooks/pre-merge-commit.kabsd-guard-chained &&
  test -L n/.git/hooks/post-merge.kabsd-guard-chained &&
  echo x >n/x && git -C n add x && git -C n commit -qm x &&
  test ! -e n/.git/noexec.log &&
  git -C n checkout -qb side && echo y >n/y && git -C n add y && git -C n commit -qm y &&
  git -C n checkout -q main && echo z >n/z && git -C n add z && git -C n commit -qm z &&
  git -C n merge -q --no-edit side &&
  grep "user pre-merge-commit" n/.git/user-hook.log &&
  kabsd-guard -C n uninstall >/dev/null &&
  snapshot n/.git/hooks >after && test_cmp_files before after &&
  test "$(stat -c %a n/.git/hooks/pre-commit)" = 644
'

test_expect_success 'a taken chained slot: that hook fails with exit 3, the others install' '
  git init -q taken && user_hook taken/.git/hooks/pre-commit pre-commit &&
  echo old >taken/.git/hooks/pre-commit.kabsd-guard-chained &&
  test_expect_code 3 kabsd-guard -C taken install >out 2>err &&
  grep "pre-commit .*failed" out && grep "exists already" err &&
  grep -q "user pre-commit" taken/.git/hooks/pre-commit &&
  grep -q kabsd-guard-managed-hook taken/.git/hooks/pre-push
'

test_expect_success 'hooks of managers that dispatch on the file name (husky) are not chained' '
  git init -q husky && mkdir -p husky/.husky/_ &&
  printf "#!/usr/bin/env sh\nn=\$(basename \"\$0\")\n" >husky/.husky/_/h &&
  printf "#!/usr/bin/env sh\n. \"\$(dirname \"\$0\")/h\"\n" >husky/.husky/_/pre-commit &&
  chmod 755 husky/.husky/_/h husky/.husky/_/pre-commit &&
  git -C husky config core.hooksPath .husky/_ &&
  snapshot husky/.husky/_ >before &&
  test_expect_code 3 kabsd-guard -C husky install >out 2>err &&
  grep "pre-commit .*failed" out && grep "belongs to husky" err &&
  grep "kabsd-guard hook pre-commit" err &&
  kabsd-guard -C husky uninstall >/dev/null &&
  snapshot husky/.husky/_ >after && test_cmp_files before after
'

test_expect_success 'core.hooksPath, relative: one folder per worktree, hooks run in each' '
  new_repo rel && with_items rel &&
  git -C rel worktree add -q ../rel-wt -b wt &&
  git -C rel config core.hooksPath .githooks &&
  kabsd-guard -C rel install >out &&
  grep "hooks: $TRASH/rel/.githooks (core.hooksPath)" out &&
  grep "hooks: $TRASH/rel-wt/.githooks (core.hooksPath)" out &&
  test -x rel/.githooks/pre-commit && test -x rel-wt/.githooks/pre-commit &&
  test ! -e rel/.git/hooks/pre-commit &&
  dup_stage rel-wt && test_must_fail git -C rel-wt commit -qm dup &&
  git -C rel-wt reset -q --hard &&
  dup_stage rel && test_must_fail git -C rel commit -qm dup && git -C rel reset -q --hard &&
  kabsd-guard -C rel-wt uninstall >/dev/null &&
  test ! -e rel/.githooks/pre-commit && test ! -e rel-wt/.githooks/pre-commit
'

test_expect_success 'core.hooksPath, absolute and with ~: hooks go there, linked worktrees use them' '
  new_repo abs && with_items abs &&
  git -C abs config core.hooksPath "$TRASH/shared-hooks" &&
  kabsd-guard -C abs install >/dev/null &&
  test -x shared-hooks/pre-commit && test ! -e abs/.git/hooks/pre-commit &&
  git -C abs worktree add -q ../abs-wt -b wt &&
  dup_stage abs-wt && test_must_fail git -C abs-wt commit -qm dup &&
  new_repo tilde && git -C tilde config core.hooksPath "~/tilde-hooks" &&
  kabsd-guard -C tilde install >out &&
  test -x "$HOME/tilde-hooks/post-merge" && grep "hooks: $HOME/tilde-hooks" out
'

test_expect_success 'install from a linked worktree writes the shared hooks folder' '
  new_repo lw && with_items lw &&
  git -C lw worktree add -q ../lw-wt -b wt &&
  kabsd-guard -C lw-wt install >out &&
  grep "hooks: $TRASH/lw/.git/hooks" out && test -x lw/.git/hooks/pre-commit &&
  dup_stage lw && test_must_fail git -C lw commit -qm dup &&
  git -C lw reset -q --hard && dup_stage lw-wt && test_must_fail git -C lw-wt commit -qm dup
'

test_expect_success 'a bare repository: the server hooks in its own folder, no sync' '
  new_repo src && with_items src &&
  git clone -q --bare src bare.git &&
  kabsd-guard -C bare.git install >out 2>err &&
  test -x bare.git/hooks/pre-receive && test -x bare.git/hooks/update &&
  for h in $HOOKS; do test ! -e bare.git/hooks/$h || return 1; done &&
  grep "a server.s hooks need none" out &&
  grep "product demo" out &&
  test ! -s err
'

test_expect_success '-C with a relative path from elsewhere, as install.sh REPO does' '
  new_repo far && mkdir -p elsewhere/deeper &&
  (cd elsewhere/deeper && kabsd-guard -C ../../far install >/dev/null) &&
  test -x far/.git/hooks/pre-commit &&
  (cd far/.kano && kabsd-guard install >/dev/null)
'

test_expect_success 'without kabsd-guard on PATH: the recorded binary, else fail closed' '
  new_repo gui && with_items gui &&
  mkdir -p kept && cp "$KG" kept/kabsd-guard &&
  kept/kabsd-guard -C gui install >/dev/null &&
  grep "^fallback=.$TRASH/kept/kabsd-guard.$" gui/.git/hooks/pre-commit &&
  dup_stage gui &&
  test_must_fail env PATH=/usr/bin:/bin git -C gui commit -qm dup 2>err &&
  grep "DEMO-TSK-0005" err &&
  rm -r kept &&
  test_must_fail env PATH=/usr/bin:/bin git -C gui commit -qm dup 2>err &&
  grep "kabsd-guard is not on PATH" err && grep "KABSD_GUARD_SKIP=1" err &&
  grep "git commit --no-verify" err &&
  env PATH=/usr/bin:/bin git -C gui commit -qm dup --no-verify &&
  env PATH=/usr/bin:/bin git -C gui checkout -q -b x 2>err &&
  grep "warning: kabsd-guard is not on PATH" err
'

test_done
