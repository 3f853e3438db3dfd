#!/usr/bin/env bash
# The harness itself: a broken && chain, a failing step in a loop and a
# wrong exit code are failures, never swallowed.
. "$(dirname "$0")/lib.sh"

test_expect_success 'the harness reports broken chains and failures inside bodies' '
  cat >inner.sh <<EOT &&
. "$SRC/tests/e2e/lib.sh"
test_expect_success "broken chain" "
  true
  false &&
  true
"
test_expect_success "a failing step of a loop" "
  for i in 1 2; do test \\\$i = 1 || return 1; done
"
test_expect_success "set -e holds inside braces" "
  { false; true; }
"
test_expect_success "a wrong exit code" "
  test_expect_code 3 sh -c \\"exit 4\\"
"
test_expect_success "a whole chain" "
  true && { false || :; } && test_expect_code 3 sh -c \\"exit 3\\"
"
test_done
EOT
  test_expect_code 1 env TMPDIR="$TRASH" KG_TEST_KEEP=0 bash inner.sh >out &&
  cat out &&
  grep "^not ok 1 - broken chain" out &&
  grep "broken &&-chain" out &&
  grep "^not ok 2 - a failing step of a loop" out &&
  grep "^not ok 3 - set -e holds inside braces" out &&
  grep "^not ok 4 - a wrong exit code" out &&
  grep "exit 4, not 3" out &&
  grep "^ok 5 - a whole chain" out &&
  grep "^1 passed, 4 failed" out
'

test_done
