#!/usr/bin/env bash
# The hook managers the e2e tests run, from npm, at exact versions, into a
# cache folder (default: build/hook-managers of this checkout):
#
#   tests/e2e/hook-managers.sh [DIR]    install them (./install.sh --test does)
#
# Sourced by lib.sh's need_hook_managers. Install scripts are not run
# (--ignore-scripts): lefthook's and simple-git-hooks' would install hooks
# into the repository around the folder. pre-commit itself comes from Debian.
KG_NPM_PACKAGES="@j178/prek@0.5.3 lefthook@2.2.1 husky@9.1.7 simple-git-hooks@2.14.0"

# hook_managers_install DIR: installs (or keeps) the pinned packages in DIR;
# prints why when it cannot.
hook_managers_install() {
  local dir=$1 want
  want=$(printf '%s\n' $KG_NPM_PACKAGES | sort | tr '\n' ' ')
  if [ -f "$dir/.installed" ] && [ "$(cat "$dir/.installed")" = "$want" ]; then return 0; fi
  command -v npm >/dev/null || { echo "npm is not installed"; return 1; }
  mkdir -p "$dir" &&
  (
    # Two test runs (cache and nocache) may want them at once.
    exec 9>"$dir/.lock"
    flock 9
    if [ -f "$dir/.installed" ] && [ "$(cat "$dir/.installed")" = "$want" ]; then exit 0; fi
    cd "$dir" &&
    LEFTHOOK=0 SKIP_INSTALL_SIMPLE_GIT_HOOKS=1 HUSKY=0 \
      npm install --prefix "$dir" --save-exact --ignore-scripts --no-audit --no-fund --loglevel=error \
      $KG_NPM_PACKAGES >"$dir/npm.log" 2>&1 || { echo "npm install failed (see $dir/npm.log)"; exit 1; }
    echo "$want" >"$dir/.installed"
  )
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  here=$(cd "$(dirname "$0")/../.." && pwd)
  dir=${1:-$here/build/hook-managers}
  hook_managers_install "$dir" && echo "hook managers in $dir/node_modules/.bin: $(ls "$dir/node_modules/.bin" | tr '\n' ' ')"
fi
