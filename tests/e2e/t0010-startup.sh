#!/usr/bin/env bash
# What a run costs before it does anything: every hook is a process start.
# A static build (KG_STATIC_DEPS) loads no shared library beyond libc and
# libm, and libgit2's network parts are left out (src/git/offline): no
# Kerberos libraries, no parse of the system CA bundle. A shared build
# (the sanitizer build) has nothing to check here.
. "$(dirname "$0")/lib.sh"

static_build() { ! ldd "$KG" | grep -q libgit2; }

test_expect_success 'a static build loads only libc and libm' '
  skip_unless static_build &&
  ldd "$KG" >libs.txt &&
  grep -q "libc.so" libs.txt &&
  ! grep -E "gssapi|krb5|libgit2|libsqlite|libyaml|libstdc|libssl|libcrypto" libs.txt
'

test_expect_success 'a static build opens no CA bundle' '
  skip_unless static_build && skip_unless strace -f -o /dev/null true &&
  new_repo r &&
  add_item r DEMO-TSK-0001 $(uid_n 1) a &&
  strace -f -e trace=open,openat -o trace.txt kabsd-guard -C r hook pre-commit &&
  grep -q "r/.git/config" trace.txt &&
  ! grep -E "ssl/certs|ca-certificates|\.crt\"" trace.txt
'

test_done
