#!/usr/bin/env bash
# The configuration matrix (issue 14): repositories set up the way real
# teams set them up. In each, every mode gives the right answer: `check
# --staged`, `check --worktree`, `check --tree`, the pre-commit hook and
# `reserve`. The suite runs twice, with the cache on and off.
. "$(dirname "$0")/lib.sh"

# seed DIR: a repository whose HEAD holds DEMO-TSK-0009 (uid 1), outside
# the task folder (items/archive/), and DEMO-TSK-0001 in it.
seed() {
  new_repo "$1" &&
  write_item "$1/_kano/backlog/products/demo/items/archive/DEMO-TSK-0009_first.md" DEMO-TSK-0009 $(uid_n 1) &&
  add_item "$1" DEMO-TSK-0001 $(uid_n 3) one &&
  git -C "$1" add -A &&
  git -C "$1" commit -qm seed
}

# guard_answers DIR [NEXT]: the guard is installed in DIR, whose HEAD holds
# DEMO-TSK-0009 and DEMO-TSK-0001 and nothing else numbered above NEXT-1.
# Clean: every mode passes, reserve hands out NEXT (default DEMO-TSK-0010).
# Then a second file claims DEMO-TSK-0009: the working tree, the index and
# the commit hook refuse it; committed anyway, the tree check finds it.
guard_answers() {
  local r=$1 next=${2:-DEMO-TSK-0010}
  install_guard "$r" &&
  kabsd-guard -C "$r" check --worktree &&
  kabsd-guard -C "$r" check --staged &&
  kabsd-guard -C "$r" check --tree HEAD &&
  test "$(kabsd-guard -C "$r" reserve -t task)" = "$next" &&
  claimant "$r" DEMO-TSK-0009 $(uid_n 2) second &&
  test_expect_code 1 kabsd-guard -C "$r" check --worktree &&
  git -C "$r" add "$(item_path DEMO-TSK-0009 second)" &&
  test_expect_code 1 kabsd-guard -C "$r" check --staged &&
  test_must_fail git -C "$r" commit -qm dup 2>err &&
  grep "duplicate ID DEMO-TSK-0009" err &&
  KABSD_GUARD_SKIP=1 git -C "$r" commit -qm dup &&
  test_expect_code 1 kabsd-guard -C "$r" check --tree HEAD
}

test_expect_success 'control: an ordinary clone' '
  seed plain && guard_answers plain
'

test_expect_success 'sparse checkout: a skip-worktree item absent on disk is unchanged, not deleted' '
  seed sparse &&
  git -C sparse sparse-checkout set --no-cone "/*" "!/_kano/backlog/products/demo/items/archive/" &&
  test ! -e sparse/_kano/backlog/products/demo/items/archive/DEMO-TSK-0009_first.md &&
  git -C sparse ls-files -t | grep "^S .*DEMO-TSK-0009_first.md" &&
  guard_answers sparse
'

test_expect_success 'sparse checkout: a product wholly outside the checkout still counts' '
  seed sparse2 &&
  git -C sparse2 sparse-checkout set --no-cone "/*" "!/_kano/" &&
  test ! -e sparse2/_kano &&
  kabsd-guard -C sparse2 check --worktree &&
  test "$(kabsd-guard -C sparse2 --db "$TRASH/sparse2.db" reserve -t task)" = DEMO-TSK-0010 &&
  claimant sparse2 DEMO-TSK-0009 $(uid_n 2) second &&
  test_expect_code 1 kabsd-guard -C sparse2 check --worktree >out &&
  grep "duplicate ID DEMO-TSK-0009" out &&
  grep "items/archive/DEMO-TSK-0009_first.md" out
'

test_expect_success 'split index (core.splitIndex): read by git, with the engine named under --verbose' '
  seed split &&
  git -C split config core.splitIndex true &&
  git -C split update-index --split-index &&
  ls split/.git/sharedindex.* &&
  kabsd-guard -C split --verbose check --staged 2>err &&
  grep "engine: git: index .*read by git" err &&
  guard_answers split
'

test_expect_success 'split index: renumber stages through git update-index' '
  seed splitrn &&
  git -C splitrn config core.splitIndex true &&
  claimant splitrn DEMO-TSK-0009 $(uid_n 2) second &&
  git -C splitrn add -A && KABSD_GUARD_SKIP=1 git -C splitrn commit -qm dup &&
  git -C splitrn update-index --split-index &&
  kabsd-guard -C splitrn renumber DEMO-TSK-0009 >out &&
  old=$(item_path DEMO-TSK-0009 second) && new=$(item_path DEMO-TSK-0010 second) &&
  test ! -e splitrn/$old && grep "^id: DEMO-TSK-0010$" splitrn/$new &&
  git -C splitrn diff --cached --no-renames --name-status >staged &&
  grep "^D	$old$" staged && grep "^A	$new$" staged &&
  test -z "$(git -C splitrn diff --name-only)" &&
  kabsd-guard -C splitrn check --staged
'

test_expect_success 'sparse index (sdir): read by git' '
  seed sdir &&
  git -C sdir sparse-checkout init --cone --sparse-index &&
  git -C sdir sparse-checkout set .kano _kano/backlog/products/demo/items/task &&
  test ! -e sdir/_kano/backlog/products/demo/items/archive &&
  git -C sdir ls-files --sparse -s | grep "^040000" &&
  guard_answers sdir
'

test_expect_success 'index v4 and feature.manyFiles' '
  seed v4 && git -C v4 update-index --index-version 4 && guard_answers v4 &&
  seed many && git -C many config feature.manyFiles true && git -C many add -A &&
  git -C many update-index --index-version 4 && guard_answers many
'

test_expect_success 'clone --shared and --reference (alternates)' '
  seed origin_alt &&
  git clone -q --shared origin_alt shared && test -s shared/.git/objects/info/alternates &&
  guard_answers shared &&
  git clone -q --reference origin_alt "file://$TRASH/origin_alt" referenced &&
  test -s referenced/.git/objects/info/alternates &&
  guard_answers referenced
'

test_expect_success 'a multi-pack-index' '
  seed midx && git -C midx repack -qad && echo more >midx/x && git -C midx add x &&
  git -C midx commit -qm x && git -C midx repack -q && git -C midx multi-pack-index write &&
  test -f midx/.git/objects/pack/multi-pack-index &&
  guard_answers midx
'

test_expect_success 'a shallow clone' '
  seed deep && echo more >deep/x && git -C deep add x && git -C deep commit -qm x &&
  git clone -q --depth 1 "file://$TRASH/deep" shallow && test -f shallow/.git/shallow &&
  guard_answers shallow
'

# A server for partial clones: main holds DEMO-TSK-0009; feat adds a second
# claimant of it and DEMO-TSK-0012.
test_expect_success 'partial clone (--filter=blob:none): missing blobs are fetched through git' '
  seed pc_src &&
  git -C pc_src checkout -qb feat &&
  add_item pc_src DEMO-TSK-0009 $(uid_n 2) feat &&
  add_item pc_src DEMO-TSK-0012 $(uid_n 4) twelve &&
  git -C pc_src commit -qm feat && git -C pc_src checkout -q main &&
  git clone -q --bare pc_src server.git &&
  git -C server.git config uploadpack.allowFilter true &&
  git -C server.git config uploadpack.allowAnySHA1InWant true &&
  git clone -q --filter=blob:none "file://$TRASH/server.git" partial &&
  test "$(git -C partial config remote.origin.promisor)" = true &&
  test_expect_code 1 kabsd-guard -C partial --verbose check --tree origin/feat >out 2>err &&
  grep "duplicate ID DEMO-TSK-0009" out &&
  grep "engine: git: a partial clone: .* fetched by git fetch from .origin." err &&
  guard_answers partial DEMO-TSK-0013
'

test_expect_success 'partial clone offline: an unreadable claimant fails closed, its file name still counts' '
  seed pc2_src &&
  git -C pc2_src checkout -qb feat &&
  add_item pc2_src DEMO-TSK-0009 $(uid_n 2) feat &&
  add_item pc2_src DEMO-TSK-0015 $(uid_n 4) fifteen &&
  git -C pc2_src commit -qm feat && git -C pc2_src checkout -q main &&
  git clone -q --bare pc2_src server2.git &&
  git -C server2.git config uploadpack.allowFilter true &&
  git -C server2.git config uploadpack.allowAnySHA1InWant true &&
  git clone -q --filter=blob:none "file://$TRASH/server2.git" offline &&
  mv server2.git server2-gone.git &&
  test_expect_code 3 kabsd-guard -C offline check --tree origin/feat 2>err &&
  grep "cannot read .*DEMO-TSK-0009_feat.md" err &&
  grep "may be a duplicate" err &&
  test "$(kabsd-guard -C offline reserve -t task)" = DEMO-TSK-0016
'

test_expect_success 'a sibling worktree on a detached HEAD with a sparse checkout' '
  seed sib &&
  git -C sib worktree add -q --detach "$TRASH/sib-wt" &&
  add_item sib-wt DEMO-TSK-0020 $(uid_n 5) twenty &&
  git -C sib-wt commit -qm twenty &&
  git -C sib-wt sparse-checkout set --no-cone "/.kano/" "/.gitignore" &&
  test ! -e sib-wt/$(item_path DEMO-TSK-0020 twenty) &&
  add_item sib DEMO-TSK-0002 $(uid_n 6) two &&
  test "$(kabsd-guard -C sib reserve -t task)" = DEMO-TSK-0021
'

test_expect_success 'a sibling worktree index counts: a staged item, deleted on disk' '
  seed sib2 &&
  git -C sib2 worktree add -q -b other "$TRASH/sib2-wt" &&
  add_item sib2-wt DEMO-TSK-0030 $(uid_n 7) thirty &&
  rm sib2-wt/$(item_path DEMO-TSK-0030 thirty) &&
  test "$(kabsd-guard -C sib2 reserve -t task)" = DEMO-TSK-0031
'

test_expect_success 'sha256: read by git through a SHA-1 mirror, every mode answers' '
  git init -q --object-format=sha256 sha && seed sha &&
  test "$(git -C sha rev-parse --show-object-format)" = sha256 &&
  kabsd-guard -C sha --verbose check 2>err &&
  grep "engine: git: sha256 repository" err &&
  guard_answers sha &&
  git -C sha checkout -q -b side HEAD~1 && git -C sha checkout -q - &&
  test_expect_code 1 kabsd-guard -C sha check --range HEAD~1..HEAD >out &&
  grep "duplicate ID DEMO-TSK-0009" out
'

test_expect_success 'sha256: pre-merge-commit refuses a merge that brings in a duplicate, passes a clean one' '
  git init -q --object-format=sha256 shm && seed shm && install_guard shm &&
  git -C shm checkout -qb feature &&
  add_item shm DEMO-TSK-0002 $(uid_n 12) from-feature && git -C shm commit -qm feat &&
  git -C shm checkout -qb clean main &&
  add_item shm DEMO-TSK-0003 $(uid_n 14) three && git -C shm commit -qm three &&
  git -C shm checkout -q main &&
  add_item shm DEMO-TSK-0002 $(uid_n 13) from-main && git -C shm commit -qm main &&
  test_must_fail git -C shm merge -q --no-edit feature 2>err &&
  grep "merge refused" err && grep "duplicate ID DEMO-TSK-0002" err &&
  grep "DEMO-TSK-0002_from-feature.md" err && grep "DEMO-TSK-0002_from-main.md" err &&
  test_must_fail git -C shm rev-parse -q --verify HEAD^2 &&
  git -C shm merge --abort &&
  git -C shm merge -q --no-edit clean &&
  git -C shm rev-parse -q --verify HEAD^2
'

test_expect_success 'sha256: pre-push refuses a duplicate (also in a commit on no ref), passes a clean push' '
  git init -q --bare --object-format=sha256 sha-remote.git &&
  git init -q --object-format=sha256 shp && seed shp && install_guard shp &&
  git -C shp remote add origin ../sha-remote.git && git -C shp push -q origin main &&
  git clone -q sha-remote.git shp2 && install_guard shp2 &&
  add_item shp2 DEMO-TSK-0002 $(uid_n 2) from-p2 && git -C shp2 commit -qm p2 && git -C shp2 push -q origin main &&
  add_item shp DEMO-TSK-0002 $(uid_n 5) from-p1 && git -C shp commit -qm p1 &&
  git -C shp fetch -q && git -C shp checkout -qb topic &&
  test_must_fail git -C shp push origin topic 2>err &&
  grep "push refused" err && grep "DEMO-TSK-0002_from-p1.md" err && grep "DEMO-TSK-0002_from-p2.md" err &&
  test_must_fail git -C sha-remote.git rev-parse -q --verify refs/heads/topic &&
  git -C shp checkout -q -b loose origin/main &&
  claimant shp DEMO-TSK-0009 $(uid_n 6) second && git -C shp add -A &&
  c=$(git -C shp commit-tree $(git -C shp write-tree) -p HEAD -m dup) && git -C shp reset -q --hard &&
  test_must_fail git -C shp push origin $c:refs/heads/loose 2>err &&
  grep "push refused" err && grep "DEMO-TSK-0009_second.md" err && grep "DEMO-TSK-0009_first.md" err &&
  test_must_fail git -C sha-remote.git rev-parse -q --verify refs/heads/loose &&
  add_item shp DEMO-TSK-0003 $(uid_n 7) three && git -C shp commit -qm three &&
  git -C shp push -q origin loose &&
  git -C sha-remote.git rev-parse -q --verify refs/heads/loose
'

test_expect_success 'sha256: renumber repairs a duplicate and stages the rename in the sha256 index' '
  git init -q --object-format=sha256 shr && seed shr &&
  claimant shr DEMO-TSK-0009 $(uid_n 2) second &&
  git -C shr add -A && KABSD_GUARD_SKIP=1 git -C shr commit -qm dup &&
  test_expect_code 1 kabsd-guard -C shr check --tree HEAD &&
  kabsd-guard -C shr renumber DEMO-TSK-0009 >out &&
  old=$(item_path DEMO-TSK-0009 second) && new=$(item_path DEMO-TSK-0010 second) &&
  test ! -e shr/$old && grep "^id: DEMO-TSK-0010$" shr/$new &&
  git -C shr diff --cached --no-renames --name-status >staged &&
  grep "^D	$old$" staged && grep "^A	$new$" staged &&
  test -z "$(git -C shr diff --name-only)" &&
  git -C shr fsck --no-progress &&
  kabsd-guard -C shr check --staged &&
  git -C shr commit -qm renumbered &&
  kabsd-guard -C shr check --tree HEAD &&
  test "$(kabsd-guard -C shr reserve -t task)" = DEMO-TSK-0011
'

test_expect_success 'sha256: the remote sequence ref is refused (exit 3) with the cause and the fix' '
  git init -q --object-format=sha256 shq && seed shq &&
  git -C shq remote add origin ../sha-remote.git &&
  test_expect_code 3 kabsd-guard -C shq reserve --remote -t task 2>err &&
  grep "not supported in a sha256 repository" err && grep -- "--no-remote" err &&
  git -C shq config kabsd-guard.reserveRemote true &&
  test_expect_code 3 kabsd-guard -C shq reserve -t task 2>err &&
  grep "kabsd-guard.reserveRemote" err &&
  test "$(kabsd-guard -C shq reserve --no-remote -t task)" = DEMO-TSK-0010
'

test_expect_success 'sha256: sibling worktrees count (a detached sparse HEAD, a staged item deleted on disk)' '
  git init -q --object-format=sha256 shs && seed shs &&
  git -C shs worktree add -q --detach "$TRASH/shs-wt" &&
  add_item shs-wt DEMO-TSK-0020 $(uid_n 5) twenty &&
  git -C shs-wt commit -qm twenty &&
  git -C shs-wt sparse-checkout set --no-cone "/.kano/" "/.gitignore" &&
  test ! -e shs-wt/$(item_path DEMO-TSK-0020 twenty) &&
  test "$(kabsd-guard -C shs --db "$TRASH/shs1.db" reserve -t task)" = DEMO-TSK-0021 &&
  git -C shs worktree add -q -b other "$TRASH/shs2-wt" &&
  add_item shs2-wt DEMO-TSK-0030 $(uid_n 7) thirty &&
  rm shs2-wt/$(item_path DEMO-TSK-0030 thirty) &&
  test "$(kabsd-guard -C shs --db "$TRASH/shs2.db" reserve -t task)" = DEMO-TSK-0031 &&
  add_item shs DEMO-TSK-0040 $(uid_n 8) forty &&
  test "$(kabsd-guard -C shs2-wt --db "$TRASH/shs3.db" reserve -t task)" = DEMO-TSK-0041
'

test_expect_success 'sha256: a gitlink (submodule entry) does not break the mirror' '
  git init -q --object-format=sha256 shg && seed shg && install_guard shg &&
  git -C shg update-index --add --cacheinfo 160000,$(git -C shg rev-parse HEAD),sub &&
  kabsd-guard -C shg check --staged &&
  git -C shg commit -qm submodule 2>err && ! grep "could not" err &&
  git -C shg ls-tree HEAD | grep "^160000 commit .*	sub$" &&
  guard_answers shg
'

if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
  test_expect_success 'another owner: git advice without safe.directory, accepted with safe.directory = *' '
    seed owned && install_guard owned &&
    chown -R nobody owned &&
    test_expect_code 3 kabsd-guard -C owned check 2>err &&
    grep "dubious ownership" err &&
    grep "git config --global --add safe.directory" err &&
    ! grep "not a git repository" err &&
    git config --global --add safe.directory "*" &&
    kabsd-guard -C owned check &&
    claimant owned DEMO-TSK-0009 $(uid_n 2) second &&
    git -C owned add "$(item_path DEMO-TSK-0009 second)" &&
    test_must_fail git -C owned commit -qm dup 2>err &&
    grep "duplicate ID DEMO-TSK-0009" err &&
    test "$(kabsd-guard -C owned --db "$TRASH/owned.db" reserve -t task)" = DEMO-TSK-0010
  '
fi

# Another process rewrites the index and the files while check runs: every
# answer is either right or an error that says what happened (never an
# empty reason, never "not a git repository").
test_expect_success 'git add/reset running beside check --worktree: retried, never an empty reason' '
  seed racy &&
  { ( for i in $(seq 1 150); do git -C racy add -A 2>/dev/null; git -C racy reset -q 2>/dev/null; done ) & } &&
  pid=$! &&
  for i in $(seq 1 20); do
    { kabsd-guard -C racy check --worktree >out 2>err || grep -q "kept changing\|index" err; } &&
    ! grep -q "hashing: *$" err &&
    ! grep -q "not a git repository" err || { kill $pid; cat err; return 1; }
  done &&
  wait $pid
'

test_expect_success 'sha256: from a subfolder the index is the whole index' '
  git init -q --object-format=sha256 shd && seed shd && install_guard shd &&
  claimant shd DEMO-TSK-0009 $(uid_n 2) second && git -C shd add -A &&
  (cd shd/_kano && test_must_fail kabsd-guard check --staged >../../out) &&
  grep "DEMO-TSK-0009_second.md" out &&
  (cd shd/_kano && test "$(kabsd-guard reserve -t task)" = DEMO-TSK-0010)
'

test_expect_success 'sha256: history rewritten and pruned, then a refused push and a clean one' '
  git init -q --object-format=sha256 shz && seed shz && install_guard shz &&
  add_item shz DEMO-TSK-0002 $(uid_n 4) two && git -C shz commit -qm two &&
  git -C shz commit -q --amend -m "two, amended" &&
  git -C shz reflog expire --expire=now --all && git -C shz gc -q --prune=now &&
  add_item shz DEMO-TSK-0003 $(uid_n 5) three && git -C shz commit -qm three &&
  kabsd-guard -C shz check --tree HEAD &&
  git init -q --bare --object-format=sha256 shz-server.git &&
  kabsd-guard install --server shz-server.git >/dev/null &&
  git -C shz push -q ../shz-server.git main &&
  git -C shz checkout -qb dup &&
  claimant shz DEMO-TSK-0003 $(uid_n 6) again && git -C shz add -A &&
  git -C shz commit -qm dup --no-verify &&
  test_must_fail git -C shz push -q ../shz-server.git dup 2>err &&
  grep "DEMO-TSK-0003" err &&
  git -C shz checkout -q main &&
  add_item shz DEMO-TSK-0004 $(uid_n 7) four && git -C shz commit -qm four &&
  git -C shz push -q ../shz-server.git main &&
  test "$(git -C shz-server.git rev-parse main)" = "$(git -C shz rev-parse main)" &&
  test -s shz-server.git/kabsd-guard/sha1-mirror/export-marks
'

# A run cut short after the mirror's marks were replaced (a kill, a crash)
# leaves the id map (oid-map) behind them: the commits must still map
# (they come from the marks), the blobs are read again.
test_expect_success 'sha256: the id map lost after a conversion (a run cut short): every mode answers' '
  git init -q --object-format=sha256 sho && seed sho &&
  kabsd-guard -C sho check --tree HEAD &&
  m=sho/.git/kabsd-guard/sha1-mirror &&
  test -s $m/export-marks && test -s $m/import-marks && rm $m/oid-map &&
  kabsd-guard -C sho check --tree HEAD &&
  : >$m/oid-map &&
  guard_answers sho &&
  rm $m/oid-map &&
  test_expect_code 1 kabsd-guard -C sho check --range HEAD~1..HEAD >out &&
  grep "duplicate ID DEMO-TSK-0009" out
'

# A line of the id map cut off (a crash while appending): what is appended
# next continues that line; the joined line is dropped, never read as an id.
test_expect_success 'sha256: a torn line in the id map is skipped' '
  git init -q --object-format=sha256 sht && seed sht &&
  kabsd-guard -C sht check --staged &&
  m=sht/.git/kabsd-guard/sha1-mirror &&
  blob=$(git -C sht rev-parse HEAD:$(item_path DEMO-TSK-0001 one)) &&
  printf "%s 0123456789abcdef0123" $blob >$m/oid-map &&
  add_item sht DEMO-TSK-0002 $(uid_n 4) two &&
  kabsd-guard -C sht check --staged &&
  grep "^$blob 0123456789abcdef0123" $m/oid-map &&
  kabsd-guard -C sht check --staged >out 2>&1 &&
  ! grep "unreadable" out &&
  guard_answers sht
'

test_done
