#!/bin/bash
#
# unix-vm.t - libos-unix's virtual memory, on a private exod: lazy
# allocation of the heap (a huge sbrk binds no frame until its pages are
# touched; they come zero-filled; a negative sbrk gives them back), and a
# touch outside every valid range kills only the process that made it.

top=${EXO_BUILDDIR:-$(cd "$(dirname "$0")/.." && pwd)}
EXOD=$top/exod/exod
EXOCTL=$top/exod/exoctl
UNIX=$top/libos-unix/libos-unix
PROGS=$top/libos-unix/user

n=0
pids=()
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
cleanup() {
	local p
	for p in "${pids[@]}"; do
		kill -KILL "$p" 2>/dev/null
	done
	[ -n "$d" ] && rm -rf "$d"
}

if [ ! -x "$EXOD" ] || [ ! -x "$UNIX" ] || [ ! -f "$PROGS/lazy" ]; then
	echo "1..0 # SKIP exod, libos-unix or its programs are not built"
	exit 0
fi
if ! perl -MJSON::PP -e 1 2>/dev/null; then
	echo "1..0 # SKIP perl's JSON::PP not installed"
	exit 0
fi
d=$(mktemp -d "${TMPDIR:-/tmp}/unix-vm.XXXXXX") || exit 1
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
err=$d/stderr
: >"$err"
sock=$d/sock
cd "$d" || exit 1

"$EXOD" -f -S "$sock" -m 64M >"$d/exod.log" 2>&1 &
pids+=($!)
for i in $(seq 1 500); do
	"$EXOCTL" -S "$sock" status >/dev/null 2>&1 && break
	sleep 0.02
done

# exod's view: the frames the libOS named $1 holds.
held() {
	"$EXOCTL" -S "$sock" status --json 2>/dev/null | perl -MJSON::PP -e '
		local $/; my $j = JSON::PP->new->decode(<STDIN>);
		my $s = 0;
		$s += $_->{frames} for grep { $_->{name} eq $ARGV[0] }
		    @{$j->{libos}};
		print $s;' "$1"
}
# Wait up to 20 s for file $1 to hold a line matching $2.
wait_for() {
	local i
	for i in $(seq 1 1000); do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.02
	done
	return 1
}
# Poll up to 10 s until the frames of $1 are at most $2; the last seen.
held_atmost() {
	local i v
	for i in $(seq 1 500); do
		v=$(held "$1")
		[ "$v" -le "$2" ] && break
		sleep 0.02
	done
	echo "$v"
}

echo "1..8"

# --- a touch outside the valid ranges -------------------------------------
out=$(timeout -k 5 60 "$UNIX" -S "$sock" -c 'lazy beyond' "$PROGS" \
    2>"$err")
is "lazy: beyond the break: killed
lazy: a page given back: killed
lazy: inside the break: fine
lazy: the parent goes on" "$out" \
    "a touch past the break or of a freed page kills that process alone"
ok $([ "$(grep -c '(lazy): segmentation fault at .*write.*killed' \
    "$err")" -eq 2 ]; echo $?) "each with a message naming the fault"

# --- a huge sbrk costs nothing until touched ------------------------------
# 512 MiB is 131,072 pages, eight times exod's 16,384 frames: an eager
# sbrk could not even be made.  One page in 64 is touched: 2,048 frames.
"$UNIX" -S "$sock" -n lazybig -c 'lazy big 512 64 200' "$PROGS" \
    >"$d/big.out" 2>"$err" &
big=$!
pids+=($big)
wait_for "$d/big.out" 'grew'
grew=$(held_atmost lazybig 1024)
ok $([ "$grew" -lt 1024 ]; echo $?) \
    "a 512 MiB sbrk binds almost nothing ($grew frames)"
wait_for "$d/big.out" 'touched'
sleep 0.5
touched=$(held lazybig)
ok $([ $((touched - grew)) -ge 2048 ] && [ $((touched - grew)) -le 2400 ]
    echo $?) "touching 2,048 of its pages binds about 2,048 ($((touched - grew)))"
wait_for "$d/big.out" 'shrunk'
shrunk=$(held_atmost lazybig $((grew + 64)))
ok $([ "$shrunk" -le $((grew + 64)) ]; echo $?) \
    "a negative sbrk gives them back ($shrunk frames)"
wait "$big"
st=$?
is "lazy: grew 512 MiB
lazy: touched 2048 pages, all zero
lazy: shrunk" "$(cat "$d/big.out")" "every touched page read as zero and kept its bytes"
is 0 "$st" "and it exited 0"
is 0 "$(held_atmost lazybig 0)" "its frames went back to exod"
