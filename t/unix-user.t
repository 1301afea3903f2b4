#!/bin/bash
#
# unix-user.t - libos-unix's user programs (sh, echo, cat, grep, wc and
# the test programs) give exactly the output they must, run on the host
# by t/unix-host, which answers their gate with the host's system calls.
# This tests the programs and the user library, not the libOS: the same
# cases (t/unix-cases.sh) run on libos-unix itself in the libOS's tests.

top=${EXO_BUILDDIR:-$(cd "$(dirname "$0")/.." && pwd)}
src=$(cd "${EXO_SRCDIR:-$(dirname "$0")/..}" && pwd)
HOST=$top/t/unix-host
PROGS=$top/libos-unix/user

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

if [ ! -x "$HOST" ] || [ ! -f "$PROGS/sh" ]; then
	echo "1..0 # SKIP t/unix-host or the programs are not built"
	exit 0
fi
d=$(mktemp -d "${TMPDIR:-/tmp}/unix-user.XXXXXX") || exit 1
trap 'rm -rf "$d"' EXIT
trap 'exit 1' INT TERM HUP
err=$d/stderr
cd "$d" || exit 1

ush() {
	timeout -k 5 60 "$HOST" "$PROGS" sh -c "$1" 2>"$err"
}
ush_in() {
	timeout -k 5 60 "$HOST" "$PROGS" sh 2>"$err"
}
unix_files=yes

. "$src/t/unix-cases.sh"
echo "1..$((UNIX_CASES + 1))"
: >"$err"
unix_cases
ok $([ "$n" -eq "$UNIX_CASES" ]; echo $?) "UNIX_CASES is the number of cases"
