# End-to-end test library, in the style of git's own test suite: each test
# script sources this, runs `test_expect_success 'what' 'commands'` blocks
# against throwaway repositories made with the real git binary, and ends
# with `test_done`.
#
# Environment: KG_BINARY (the kabsd-guard under test), KG_SOURCE_DIR (this
# checkout, for hooks/ and .pre-commit-hooks.yaml). KG_TEST_KEEP=1 keeps the
# trash folder.
set -u

KG=${KG_BINARY:?KG_BINARY must name the kabsd-guard binary}
SRC=${KG_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
TRASH=$(mktemp -d "${TMPDIR:-/tmp}/kg-e2e.XXXXXX")
export HOME="$TRASH/home"
mkdir -p "$HOME"
export GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=Tester GIT_AUTHOR_EMAIL=t@example.com
export GIT_COMMITTER_NAME=Tester GIT_COMMITTER_EMAIL=t@example.com
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE KABSD_GUARD_SKIP NO_COLOR
git config --global init.defaultBranch main
git config --global advice.detachedHead false
# The binary's folder first on PATH, so that hooks find `kabsd-guard`.
mkdir -p "$TRASH/bin"
ln -sf "$KG" "$TRASH/bin/kabsd-guard"
export PATH="$TRASH/bin:$PATH"
cd "$TRASH" || exit 1

test_count=0
test_failed=0

# test_expect_success 'what' 'body': the body is one && chain, as in git's
# own t/. Two guards keep a failure from being swallowed:
# - the chain lint (git's): the body runs behind "(exit 117) &&"; a chain
#   that is whole stops there with 117, a broken one runs on past the break
#   and is a bug of the test, reported as such;
# - the body runs in a subshell under `set -e` that is not itself the
#   condition of an `if` or part of an && list: bash ignores `set -e`
#   there, so no failed command inside would stop the body. A loop ends
#   its steps with `|| return 1`, as in git's t/.
# A function, so that a loop in a body can stop it with `|| return 1`.
test_eval_() { eval "$1"; }

test_expect_success() {
  local desc=$1 body=$2 rc
  test_count=$((test_count + 1))
  local log="$TRASH/test-$test_count.log"
  (cd "$TRASH" || exit 1; test_eval_ "(exit 117) && $body") >"$log" 2>&1
  rc=$?
  if [ "$rc" -ne 117 ]; then
    test_failed=$((test_failed + 1))
    echo "not ok $test_count - $desc"
    echo "#   broken &&-chain in the test body (the lint ran past its first command; exit $rc)"
    return
  fi
  (cd "$TRASH" || exit 1; set -e; test_eval_ "$body") >"$log" 2>&1
  rc=$?
  if [ "$rc" -eq 0 ]; then
    echo "ok $test_count - $desc"
  else
    test_failed=$((test_failed + 1))
    echo "not ok $test_count - $desc"
    sed 's/^/#   /' "$log"
  fi
}

test_done() {
  echo "$((test_count - test_failed)) passed, $test_failed failed"
  if [ "$test_failed" -eq 0 ] && [ "${KG_TEST_KEEP:-0}" != 1 ]; then
    chmod -R u+w "$TRASH" 2>/dev/null
    rm -rf "$TRASH"
  else
    echo "# trash kept in $TRASH"
  fi
  [ "$test_failed" -eq 0 ]
  exit
}

# A UUIDv7 whose time is 2025 plus N milliseconds: deterministic, ordered.
uid_n() { printf '01960000-0000-7000-8000-%012x' "$1"; }

# new_repo DIR [PREFIX] [PRODUCT]: a repository with one configured product.
new_repo() {
  local dir=$1 prefix=${2:-DEMO} product=${3:-demo}
  git init -q "$dir" &&
  mkdir -p "$dir/.kano" &&
  cat >"$dir/.kano/backlog_config.toml" <<EOT &&
[products.$product]
name = "$product"
prefix = "$prefix"
backlog_root = "_kano/backlog/products/$product"
EOT
  printf '.kano/cache/\n' >"$dir/.gitignore" &&
  git -C "$dir" add .kano/backlog_config.toml .gitignore &&
  git -C "$dir" commit -qm init
}

# item_path ID [SLUG] [PRODUCT]: where an item lives, by the layout rules.
item_path() {
  local id=$1 slug=${2:-item} product=${3:-demo}
  local code=${id#*-}; code=${code%-*}
  local n=$((10#${id##*-}))
  local folder
  case $code in
    TSK) folder=task ;; FTR) folder=feature ;; USR) folder=userstory ;;
    EPIC) folder=epic ;; BUG) folder=bug ;;
  esac
  if [ "${id%%-*}" = ADR ]; then
    printf '_kano/backlog/products/%s/decisions/%s_%s.md' "$product" "$id" "$slug"
  else
    printf '_kano/backlog/products/%s/items/%s/%04d/%s_%s.md' "$product" "$folder" $((n / 100 * 100)) "$id" "$slug"
  fi
}

# write_item FILE ID UID [TITLE]: an item file as the Python tool writes it.
write_item() {
  local file=$1 id=$2 uid=$3 title=${4:-Item $2}
  mkdir -p "$(dirname "$file")"
  cat >"$file" <<EOT
---
id: $id
uid: $uid
type: Task
title: "$title"
state: Proposed
priority: P2
parent: null
owner: None
created: 2025-01-01
updated: '2025-01-02'
---

# Context

Something to do.

# Worklog

2025-01-01 10:00 [agent=tester] Created item
EOT
}

# add_item REPO ID UID [SLUG]: write an item at its layout path and stage it.
add_item() {
  local repo=$1 id=$2 uid=$3 slug=${4:-item}
  local path
  path=$(item_path "$id" "$slug")
  write_item "$repo/$path" "$id" "$uid" &&
  git -C "$repo" add "$path"
}

test_must_fail() {
  if "$@"; then echo "expected failure: $*" >&2; return 1; fi
  return 0
}

# test_expect_code N CMD...: CMD exits with exactly N.
test_expect_code() {
  local want=$1 got=0
  shift
  "$@" || got=$?
  [ "$got" = "$want" ] && return 0
  echo "test_expect_code: exit $got, not $want: $*" >&2
  return 1
}

# skip_unless CMD...: ends the test here, as passed, when CMD fails (a
# prerequisite this machine lacks); the log says so.
skip_unless() {
  "$@" >/dev/null 2>&1 && return 0
  echo "# skipped: no $*"
  exit 0
}

# install_guard REPO: the real hooks, installed the way a user does.
install_guard() {
  kabsd-guard -C "$1" install >/dev/null
}

# claimant REPO ID UID SLUG: write (not stage) one more file claiming ID.
claimant() {
  write_item "$1/$(item_path "$2" "$4")" "$2" "$3"
}

# need_hook_managers: puts the pinned npm hook managers (prek, lefthook,
# husky, simple-git-hooks) on PATH, installing them into the cache folder
# ($KG_HOOK_MANAGERS, default build/hook-managers of the checkout) when they
# are not there yet. Fails, saying why, only when npm is missing or the
# install failed.
need_hook_managers() {
  . "$SRC/tests/e2e/hook-managers.sh"
  HOOK_MANAGERS=${KG_HOOK_MANAGERS:-$SRC/build/hook-managers}
  hook_managers_install "$HOOK_MANAGERS" || return 1
  PATH="$HOOK_MANAGERS/node_modules/.bin:$PATH"
}
