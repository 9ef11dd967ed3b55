#!/usr/bin/env bash
# The suite on SQLite and on PostgreSQL at the same time (`make test`).
#
# Usage: tools/test_both.sh PYTEST PG_URL LOG_DIR [pytest arguments...]
#
# Each half writes its own log (LOG_DIR/sqlite.log, LOG_DIR/postgresql.log);
# while they run, a line every 30 s says how far each has got. At the end each
# half's outcome is printed under its name: the failures and errors pytest
# lists, then its summary line. The exit status is non-zero if either failed.
# Run together, the halves fill each other's idle time (one half's tests
# waiting on Chromium or PostgreSQL, each half's last slow tests running
# alone on one worker); docs/testing.md has the timings.
set -uo pipefail

pytest=$1 pg_url=$2 log_dir=$3
shift 3

mkdir -p "$log_dir"
sqlite_log=$log_dir/sqlite.log
pg_log=$log_dir/postgresql.log

start=$(date +%s)
env -u DATABASE_URL "$pytest" "$@" >"$sqlite_log" 2>&1 &
sqlite_pid=$!
DATABASE_URL=$pg_url "$pytest" "$@" >"$pg_log" 2>&1 &
pg_pid=$!
trap 'kill "$sqlite_pid" "$pg_pid" 2>/dev/null; exit 130' INT TERM

progress() {  # the last "[ NN%]" pytest printed, or what it is doing
    local last
    last=$(grep -o '\[ *[0-9]*%\]' "$1" 2>/dev/null | tail -n 1 | tr -d '[] ')
    echo "${last:-starting}"
}

running() { kill -0 "$1" 2>/dev/null; }

ticks=0
while running "$sqlite_pid" || running "$pg_pid"; do
    sleep 5
    ticks=$((ticks + 1))
    if [ $((ticks % 6)) -eq 0 ]; then
        echo "  $(($(date +%s) - start)) s: SQLite $(progress "$sqlite_log"), PostgreSQL $(progress "$pg_log")"
    fi
done

wait "$sqlite_pid"
sqlite_status=$?
wait "$pg_pid"
pg_status=$?

report() {  # name, log, status
    echo
    if [ "$3" -eq 0 ]; then
        echo "=== $1: passed ($2)"
        tail -n 1 "$2"
    else
        echo "=== $1: FAILED, exit status $3 (whole log: $2)"
        # pytest's tracebacks and its list of what failed, through its
        # summary line; if it never got that far, the log's end.
        if grep -qE '^=+ (ERRORS|FAILURES) =+$' "$2"; then
            sed -n -E '/^=+ (ERRORS|FAILURES) =+$/,$p' "$2"
        elif grep -q '^=* short test summary info =*$' "$2"; then
            sed -n '/^=* short test summary info =*$/,$p' "$2"
        else
            tail -n 40 "$2"
        fi
    fi
}

report SQLite "$sqlite_log" "$sqlite_status"
report PostgreSQL "$pg_log" "$pg_status"
echo
echo "Both halves took $(($(date +%s) - start)) s."
[ "$sqlite_status" -eq 0 ] && [ "$pg_status" -eq 0 ]
