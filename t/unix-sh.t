#!/bin/bash
#
# unix-sh.t - libos-unix's programs on libos-unix itself: the cases of
# t/unix-cases.sh (sh's pipes, redirection, ; & and parentheses; grep and
# wc's exact output; forktest, cowtest, the xv6-style programs), each run
# as libos-unix -c 'line' on a private exod; then what only the libOS can
# do: a raw host system call achieves nothing on the host and kills only
# its process, a write to another process's page kills the writer, a
# spinning process does not starve the shell, ps sees the processes.
# Skipped until the build has the libOS (libos-unix/libos-unix).

top=${EXO_BUILDDIR:-$(cd "$(dirname "$0")/.." && pwd)}
src=$(cd "${EXO_SRCDIR:-$(dirname "$0")/..}" && pwd)
EXOD=$top/exod/exod
EXOCTL=$top/exod/exoctl
UNIX=$top/libos-unix/libos-unix
PROGS=$top/libos-unix/user
MORE=12

n=0
ok() {			# ok STATUS DESCRIPTION: STATUS 0 passes
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		sed 's/^/# stderr: /' "$err"
	fi
}
is() {			# is WANTED SEEN DESCRIPTION
	if [ "$1" = "$2" ]; then
		ok 0 "$3"
	else
		ok 1 "$3"
		printf '%s\n' "wanted: $1" "  seen: $2" | sed 's/^/# /'
	fi
}
skip() {		# skip COUNT REASON
	local i
	for i in $(seq 1 "$1"); do
		n=$((n + 1))
		echo "ok $n # skip $2"
	done
}

if [ ! -x "$UNIX" ] || [ ! -x "$EXOD" ] || [ ! -f "$PROGS/sh" ]; then
	echo "1..0 # SKIP libos-unix, exod or the programs are not built"
	exit 0
fi
d=$(mktemp -d "${TMPDIR:-/tmp}/unix-sh.XXXXXX") || exit 1
exod_pid=
cleanup() {
	[ -n "$exod_pid" ] && kill -KILL "$exod_pid" 2>/dev/null
	rm -rf "$d"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
err=$d/stderr
: >"$err"
cd "$d" || exit 1

"$EXOD" -f -S "$d/sock" -m 64M >"$d/exod.log" 2>&1 &
exod_pid=$!
for i in $(seq 1 500); do
	timeout 10 "$EXOCTL" -S "$d/sock" status >/dev/null 2>&1 && break
	sleep 0.02
done

ush() {
	timeout -k 5 60 "$UNIX" -S "$d/sock" -c "$1" "$PROGS" 2>"$err"
}
ush_in() {
	timeout -k 5 60 "$UNIX" -S "$d/sock" "$PROGS" 2>"$err"
}
# Writing files needs part 2's file system; find out whether it is there.
unix_files=no
[ "$(ush 'echo yes > probe; cat probe' 2>/dev/null)" = yes ] && unix_files=yes

. "$src/t/unix-cases.sh"
echo "1..$((UNIX_CASES + MORE))"
unix_cases

# A raw host system call: trapped, nothing reaches the host, the process
# is killed and the shell goes on.
out=$(ush 'rawsys write; echo next')
is "next" "$out" "a raw host write(2) prints nothing and the next command runs"
ok $(grep -q 'RAWSYS\|survived' "$err"; [ $? -ne 0 ]; echo $?) \
    "nothing reached the host's descriptors"
ush "rawsys open $d/hostfile" >/dev/null
st=$?
ok $([ ! -e "$d/hostfile" ]; echo $?) "a raw host open(2) creates no host file"
ok $([ "$st" -ne 3 ] && [ "$st" -ne 0 ]; echo $?) \
    "and the process is killed (status $st)"
out=$(ush 'rawsys getpid')
ok $(said "$out" 'survived'; [ $? -ne 0 ]; echo $?) \
    "a raw getpid(2) does not return to the program"

# Another process's pages.
is "isolate: child killed" "$(ush 'isolate write' | grep '^isolate')" \
    "a child writing a page only its parent has is killed"

# Scheduling: a spinning process does not stop the shell.
out=$(ush '(spin) & sleep 10; echo woke; ps')
is "woke" "$(printf '%s\n' "$out" | sed -n 1p)" \
    "sh wakes from sleep beside a process that spins"
ok $(printf '%s\n' "$out" | grep -qE '^[0-9]+	[0-9]+	[a-z+]+	[0-9]+	spin$'
    echo $?) "ps lists the spinning process"
ok $(printf '%s\n' "$out" | grep -qE '^[0-9]+	[0-9]+	run	[0-9]+	ps$'
    echo $?) "ps sees itself running"
ush 'kill 99999' >/dev/null
is 1 $? "kill of no process: status 1"
is "25 50 221 " "$(ush 'primes 100 | wc')" "a sieve of 25 processes into wc"
is "pingpong: 1000 rounds" "$(ush 'pingpong 1000' | tail -n 1)" \
    "a thousand round trips between two processes"
