#!/usr/bin/env bash
# Many creators at the same moment: processes, linked worktrees and the
# Python tool's own SQL, all against one clone.
. "$(dirname "$0")/lib.sh"

# reserve_loop DIR N OUT: N reservations of one type, one process each.
reserve_loop() {
  local i
  for i in $(seq "$2"); do kabsd-guard -C "$1" reserve -t task || echo FAILED; done >"$3" 2>"$3.err"
}

# The Python tool's exact reservation SQL, run N times by the sqlite3 CLI.
python_sql_loop() {
  local db=$1 n=$2 out=$3 i
  for i in $(seq "$n"); do
    sqlite3 -cmd ".timeout 60000" "$db" \
      "BEGIN IMMEDIATE;
       CREATE TABLE IF NOT EXISTS id_sequences (prefix TEXT NOT NULL, type_code TEXT NOT NULL, next_number INTEGER NOT NULL DEFAULT 1, PRIMARY KEY (prefix, type_code));
       INSERT INTO id_sequences (prefix, type_code, next_number) VALUES ('DEMO', 'TSK', 1)
         ON CONFLICT(prefix, type_code) DO UPDATE SET next_number = next_number + 1;
       SELECT next_number FROM id_sequences WHERE prefix = 'DEMO' AND type_code = 'TSK';
       COMMIT;" || echo FAILED
  done >"$out" 2>"$out.err"
}

# Under ASan/UBSan (KG_SANITIZED=1) a process starts several times slower:
# the same 16 racing processes, fewer rounds each.
per=200
if test "${KG_SANITIZED:-}" = 1; then per=50; fi
total=$((16 * per))

test_expect_success "16 processes x $per reservations: $total distinct numbers, one contiguous range" '
  new_repo many &&
  { for p in $(seq 16); do reserve_loop many $per out.$p & done; wait; } &&
  ! grep -h FAILED out.* && ! grep -h "locked" out.*.err &&
  cat out.[0-9]* | sort >all &&
  test "$(wc -l <all)" = $total &&
  test "$(sort -u all | wc -l)" = $total &&
  test "$(head -1 all)" = DEMO-TSK-0001 &&
  test "$(tail -1 all)" = "$(printf "DEMO-TSK-%04d" $total)"
'

test_expect_success 'the Python tool SQL (sqlite3 CLI) concurrently with kabsd-guard: all distinct' '
  new_repo interop &&
  kabsd-guard -C interop sync >/dev/null &&
  db=interop/.kano/cache/backlog/backlog.demo.chunks.v1.db &&
  {
    reserve_loop interop 150 ours.1 & reserve_loop interop 150 ours.2 &
    python_sql_loop "$db" 150 theirs.1 & python_sql_loop "$db" 150 theirs.2 &
    wait
  } &&
  ! grep -h FAILED ours.* theirs.* &&
  { sed "s/DEMO-TSK-0*//" ours.1 ours.2; cat theirs.1 theirs.2; } | sort -n >all &&
  test "$(wc -l <all)" = 600 &&
  test "$(sort -un all | wc -l)" = 600 &&
  test "$(tail -1 all)" = 600
'

test_expect_success 'two linked worktrees reserving concurrently: all distinct' '
  new_repo main &&
  git -C main worktree add -q ../linked -b linked &&
  {
    reserve_loop main 150 a & reserve_loop linked 150 b & reserve_loop main 100 c & reserve_loop linked 100 d &
    wait
  } &&
  ! grep -h FAILED a b c d &&
  cat a b c d | sort >all &&
  test "$(wc -l <all)" = 500 &&
  test "$(sort -u all | wc -l)" = 500
'

test_done
