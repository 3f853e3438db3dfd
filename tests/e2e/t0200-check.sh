#!/usr/bin/env bash
# kabsd-guard check: every mode, the duplicate rule, output and exit codes.
. "$(dirname "$0")/lib.sh"

test_expect_success 'no kano backlog: exit 0 and silent' '
  git init -q nothing && echo hi >nothing/README && git -C nothing add README &&
  kabsd-guard -C nothing check >out 2>err && test ! -s out && test ! -s err
'

test_expect_success 'staged: a second claimant is an error naming both files, uids, fix and next ID' '
  new_repo r &&
  add_item r DEMO-TSK-0005 $(uid_n 1) first && git -C r commit -qm one &&
  add_item r DEMO-TSK-0005 $(uid_n 2) second &&
  test_expect_code 1 kabsd-guard -C r check >out &&
  grep "duplicate ID DEMO-TSK-0005 introduced" out &&
  grep "DEMO-TSK-0005_first.md" out && grep "DEMO-TSK-0005_second.md" out &&
  grep "$(uid_n 1)" out && grep "$(uid_n 2)" out &&
  grep "created 2025-" out &&
  grep "oldest: keeps the ID" out &&
  grep "fix: kabsd-guard renumber _kano/backlog/products/demo/items/task/0000/DEMO-TSK-0005_second.md" out &&
  grep "next free ID: DEMO-TSK-0006" out
'

test_expect_success '--json follows docs/json.md' '
  test_expect_code 1 kabsd-guard -C r check --json >out.json &&
  python3 - <<PY
import json
d = json.load(open("out.json"))
assert d["version"] == 1
[f] = [f for f in d["findings"] if f["kind"] == "duplicate-id"]
assert f["severity"] == "error" and f["introduced"] is True and f["id"] == "DEMO-TSK-0005"
assert {i["uid"] for i in f["items"]} == {"$(uid_n 1)", "$(uid_n 2)"}
assert all(set(i) >= {"path", "uid", "filename_id"} for i in f["items"])
assert f["suggested_id"] == "DEMO-TSK-0006"
assert d["summary"]["errors"] == 1 and d["summary"]["items_scanned"] == 2
PY
'

test_expect_success 'canonical comparison: kabsd-tsk-5 is DEMO-TSK-0005' '
  new_repo canon &&
  add_item canon DEMO-TSK-0005 $(uid_n 1) a && git -C canon commit -qm one &&
  write_item canon/$(item_path DEMO-TSK-0005 b) demo-tsk-5 $(uid_n 2) && git -C canon add -A &&
  test_must_fail kabsd-guard -C canon check
'

test_expect_success 'existing duplicates warn but never block; --strict makes them errors' '
  new_repo old &&
  add_item old DEMO-TSK-0001 $(uid_n 1) a && add_item old DEMO-TSK-0001 $(uid_n 2) b &&
  git -C old commit -qm dup &&
  echo "2025-02-02 10:00 [agent=x] more" >>old/$(item_path DEMO-TSK-0001 a) && git -C old add -A &&
  kabsd-guard -C old check >out && grep "already present" out &&
  test_must_fail kabsd-guard -C old check --strict &&
  git -C old mv $(item_path DEMO-TSK-0001 b) $(dirname $(item_path DEMO-TSK-0001 b))/DEMO-TSK-0001_renamed.md &&
  kabsd-guard -C old check &&
  add_item old DEMO-TSK-0001 $(uid_n 3) c &&
  test_must_fail kabsd-guard -C old check
'

test_expect_success 'a uid-less claimant of an old duplicate may be renamed' '
  new_repo noid &&
  add_item noid DEMO-BUG-0002 $(uid_n 1) a &&
  mkdir -p noid/$(dirname $(item_path DEMO-BUG-0002)) &&
  printf -- "---\nid: DEMO-BUG-0002\ntitle: no uid\n---\nbody\n" >noid/$(item_path DEMO-BUG-0002 b) &&
  git -C noid add -A && git -C noid commit -qm dup &&
  git -C noid mv $(item_path DEMO-BUG-0002 b) $(dirname $(item_path DEMO-BUG-0002))/DEMO-BUG-0002_moved.md &&
  kabsd-guard -C noid check
'

test_expect_success 'duplicate uid (a copied file) is an error when introduced' '
  new_repo copy &&
  add_item copy DEMO-TSK-0001 $(uid_n 1) a && git -C copy commit -qm one &&
  write_item copy/$(item_path DEMO-TSK-0002 copy) DEMO-TSK-0002 $(uid_n 1) && git -C copy add -A &&
  test_expect_code 1 kabsd-guard -C copy check >out && grep "duplicate uid $(uid_n 1)" out
'

test_expect_success 'ADRs: same number in two products is fine, in one product a duplicate' '
  new_repo adr &&
  cat >>adr/.kano/backlog_config.toml <<EOT &&
[products.other]
prefix = "OTH"
backlog_root = "_kano/backlog/products/other"
EOT
  write_item adr/$(item_path ADR-0001 a) ADR-0001 $(uid_n 1) &&
  write_item adr/$(item_path ADR-0001 b other) ADR-0001 $(uid_n 2) && git -C adr add -A &&
  kabsd-guard -C adr check &&
  write_item adr/$(item_path ADR-0001 c) ADR-0001 $(uid_n 3) && git -C adr add -A &&
  test_must_fail kabsd-guard -C adr check
'

test_expect_success 'quirks are warnings naming file and line, and never stop the scan' '
  new_repo quirks &&
  d=quirks/_kano/backlog/products/demo/items/task/0000 && mkdir -p $d &&
  printf -- "---\nid: DEMO-TSK-0001\ntitle: [unclosed\n---\n" >$d/DEMO-TSK-0001_bad.md &&
  printf -- "---\nid: null\nuid: $(uid_n 1)\n---\n" >$d/DEMO-TSK-0002_null.md &&
  printf "\357\273\277---\r\nid: DEMO-TSK-0003\r\nuid: $(uid_n 2)\r\n---\r\nno newline" >$d/DEMO-TSK-0003_crlf.md &&
  printf -- "---\nid: DEMO-TSK-0004\nuid: 6f1c2a54-3b1e-4a8e-9b1a-2d3c4e5f6a7b\n---\n" >$d/DEMO-TSK-0004_v4.md &&
  printf -- "---\nid: DEMO-TSK-0005\n\000\001binary\n---\n" >$d/DEMO-TSK-0005_bin.md &&
  printf "\000\001binary" >$d/DEMO-TSK-0008_doc.md &&
  printf -- "---\ntype: Index\n---\n" >$d/task.index.md && echo "# readme" >$d/README.md &&
  ln -s DEMO-TSK-0003_crlf.md $d/DEMO-TSK-0006_link.md &&
  write_item quirks/$(item_path DEMO-TSK-0007 dup) DEMO-TSK-0003 $(uid_n 3) &&
  git -C quirks add -A &&
  test_expect_code 1 kabsd-guard -C quirks check >out &&
  grep "DEMO-TSK-0001_bad.md:[34]: unparseable-frontmatter" out &&
  grep "DEMO-TSK-0002_null.md:2: missing-id" out &&
  grep "DEMO-TSK-0004_v4.md: invalid-uid" out &&
  grep "DEMO-TSK-0005_bin.md: unparseable-frontmatter: .*binary" out &&
  grep "DEMO-TSK-0008_doc.md: not-an-item: .*DEMO-TSK-0008" out &&
  grep "DEMO-TSK-0006_link.md: symlink" out &&
  grep "duplicate ID DEMO-TSK-0003 introduced" out &&
  grep "DEMO-TSK-0007_dup.md:2: id-filename-mismatch" out &&
  ! grep "index.md\|README" out
'

test_expect_success 'non-UTF-8 file names and a huge file do not stop the check' '
  new_repo odd &&
  d=odd/_kano/backlog/products/demo/items/task/0000 && mkdir -p $d &&
  write_item "$d/DEMO-TSK-0001_caf$(printf "\351").md" DEMO-TSK-0001 $(uid_n 1) &&
  { printf -- "---\nid: DEMO-TSK-0002\nuid: $(uid_n 2)\n---\n"; head -c 3000000 /dev/zero | tr "\0" x; } >$d/DEMO-TSK-0002_huge.md &&
  write_item $d/DEMO-TSK-0001_again.md DEMO-TSK-0001 $(uid_n 3) &&
  git -C odd add -A &&
  test_expect_code 1 kabsd-guard -C odd check >out && grep "DEMO-TSK-0001 introduced" out
'

test_expect_success '--worktree sees unstaged files; --staged does not' '
  new_repo wt &&
  add_item wt DEMO-TSK-0001 $(uid_n 1) a && git -C wt commit -qm one &&
  claimant wt DEMO-TSK-0001 $(uid_n 2) b &&
  kabsd-guard -C wt check --staged &&
  test_must_fail kabsd-guard -C wt check --worktree
'

test_expect_success '--tree, --baseline, --range and --against' '
  new_repo modes &&
  add_item modes DEMO-TSK-0001 $(uid_n 1) a && git -C modes commit -qm base &&
  git -C modes branch feature &&
  add_item modes DEMO-TSK-0002 $(uid_n 2) main-side && git -C modes commit -qm main2 &&
  git -C modes checkout -q feature &&
  add_item modes DEMO-TSK-0002 $(uid_n 3) feature-side && git -C modes commit -qm feat2 &&
  kabsd-guard -C modes check --tree HEAD &&
  kabsd-guard -C modes check --range main...feature &&
  test_must_fail kabsd-guard -C modes check --against main &&
  git -C modes status --porcelain >st && test ! -s st &&
  kabsd-guard -C modes check --tree feature --baseline feature~1
'

test_expect_success 'check --tree on a bare repository' '
  git clone -q --bare modes bare.git &&
  kabsd-guard -C bare.git check --tree main &&
  kabsd-guard -C bare.git check --range main...feature --json >out.json &&
  test "$(git -C bare.git symbolic-ref HEAD)" = refs/heads/feature &&
  test_expect_code 1 kabsd-guard -C bare.git check --against main &&
  test_expect_code 2 kabsd-guard -C bare.git check 2>err && grep "bare repository" err
'

test_expect_success 'usage errors exit 2' '
  test_expect_code 2 kabsd-guard -C modes check --tree nosuchrev 2>err && grep "unknown revision" err &&
  test_expect_code 2 kabsd-guard -C modes check --tree HEAD --worktree 2>err &&
  test_expect_code 2 kabsd-guard -C modes check --range nodots 2>err &&
  test_expect_code 2 kabsd-guard -C modes check --nosuch 2>err
'

test_expect_success 'NO_COLOR and no terminal: no escape codes' '
  test_expect_code 1 kabsd-guard -C r check >out && test_expect_code 1 env NO_COLOR=1 kabsd-guard -C r check >out2 &&
  ! grep -q "$(printf "\033")" out && ! grep -q "$(printf "\033")" out2
'

test_done
