#!/bin/bash
#
# unix-vm.t - libos-unix's virtual memory, on a private exod: lazy
# allocation of the heap (a huge sbrk binds no frame until its pages are
# touched; they come zero-filled; a negative sbrk gives them back), and a
# touch outside every valid range kills only the process that made it.
# Swap (-M): a process touching 4x the limit reads every byte back, so do
# two at once, and a fork of a partly swapped process with copy-on-write;
# a swap area that fills kills the process that asked, and the others go
# on; kill -9 of libos-unix in the middle of paging gives every frame and
# every swap block back to exod.  Revocation: exoctl revoke of most of
# libos-unix's frames while a checksum workload runs, with time to answer:
# every frame is given back and the workload's bytes are all right; with
# a deadline too short to answer (the abort path), no process ever sees a
# wrong byte: the one whose pages were taken is killed with a message.

src=$(cd "${EXO_SRCDIR:-$(dirname "$0")/..}" && pwd)
. "$src/t/unix-tap.sh"
unix_tap_begin unix-vm lazy pagetest
sock=$d/sock
start_exod "$sock"

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
		v=$(held "$sock" "$1")
		[ "$v" -le "$2" ] && break
		sleep 0.02
	done
	echo "$v"
}

echo "1..32"

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
touched=$(held "$sock" lazybig)
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

# --- swap -------------------------------------------------------------------
# exod's view of its disk: the free blocks.
blocks_free() {
	"$EXOCTL" -S "$1" disk --json 2>/dev/null | perl -MJSON::PP -e '
		local $/; print JSON::PP->new->decode(<STDIN>)->{blocks_free};'
}
frames_free() {
	"$EXOCTL" -S "$1" status --json 2>/dev/null | perl -MJSON::PP -e '
		local $/; print JSON::PP->new->decode(<STDIN>)->{frames_free};'
}

# -M 4M is 1,024 frames; 16 MiB is 4,096 pages.
out=$(timeout -k 5 120 "$UNIX" -S "$sock" -n swap1 -M 4M \
    -c 'pagetest fill 16 1 3; vmstat' "$PROGS" 2>"$err")
printf '%s\n' "$out" >"$d/swap1.out"
ok $(grep -q '^pagetest: 16 MiB seed 1 checked 3 times ok$' "$d/swap1.out"
    echo $?) "a process touching 4x -M reads every byte back, three times"
ok $([ "$(vmfield "$d/swap1.out" pageouts)" -ge 3072 ] &&
    [ "$(vmfield "$d/swap1.out" pageins)" -ge 3072 ]; echo $?) \
    "it was paged out and in ($(vmfield "$d/swap1.out" pageouts) out, $(vmfield "$d/swap1.out" pageins) in)"
is "1024 1024" "$(vmfield "$d/swap1.out" limit) $(vmfield "$d/swap1.out" peak)" \
    "libos-unix never held more frames for user memory than -M"
ok $([ "$(vmfield "$d/swap1.out" reclaims)" -gt 0 ]; echo $?) \
    "pages read back and not written again were dropped without a write ($(vmfield "$d/swap1.out" reclaims))"
ok $(grep -q '^PID	RES	SWAP	SHR	FAULTS	PGIN	PGOUT	NAME$' "$d/swap1.out" &&
    grep -q '^[0-9]*	[0-9]*	[0-9]*	[0-9]*	[0-9]*	0	0	vmstat$' \
    "$d/swap1.out"; echo $?) "vmstat shows each process's pages"

out=$(timeout -k 5 120 "$UNIX" -S "$sock" -n swap1 -M 4M \
    -c 'pagetest par 2 12' "$PROGS" 2>"$err")
is "pagetest: 12 MiB seed 100 checked 2 times ok
pagetest: 12 MiB seed 101 checked 2 times ok
pagetest: 2 processes of 12 MiB ok" "$(printf '%s\n' "$out" | sort)" \
    "two processes of 3x -M at once, every byte right"

out=$(timeout -k 5 120 "$UNIX" -S "$sock" -n swap1 -M 4M \
    -c 'pagetest fork 12 3; vmstat' "$PROGS" 2>"$err")
ok $(printf '%s\n' "$out" | grep -q '^pagetest: fork of 12 MiB ok$'; echo $?) \
    "fork of a partly swapped process: the child sees the parent's bytes, its writes stay its own"

# A full swap area: exod's disk of 3,072 blocks holds the file system's
# 2,048 and room for 1,024 pages of swap.
"$EXOD" -f -S "$d/sock2" -m 64M -D 12M >"$d/exod2.log" 2>&1 &
pids+=($!)
for i in $(seq 1 500); do
	"$EXOCTL" -S "$d/sock2" status >/dev/null 2>&1 && break
	sleep 0.02
done
out=$(timeout -k 5 120 "$UNIX" -S "$d/sock2" -M 1M \
    -c 'pagetest full 64; vmstat' "$PROGS" 2>"$err")
printf '%s\n' "$out" >"$d/full.out"
ok $(grep -q '^pagetest: the hog died (-1), the rest ok$' "$d/full.out"
    echo $?) "a full swap area kills the process that asked; the others keep every byte and go on"
ok $(grep -q '(pagetest): out of memory at .*: killed' "$err"; echo $?) \
    "with a message naming it"
ok $([ "$(vmfield "$d/full.out" oom)" -ge 1 ]; echo $?) "vmstat counts the refusal"
is 1024 "$(blocks_free "$d/sock2")" "its swap blocks went back to exod when it exited"

# kill -9 in the middle of paging.
timeout -k 5 60 "$UNIX" -S "$sock" -n swapkill -c 'echo' "$PROGS" \
    >/dev/null 2>"$err"	# its file system, made once
b0=$(blocks_free "$sock")
f0=$(frames_free "$sock")
"$UNIX" -S "$sock" -n swapkill -M 1M -c 'pagetest fill 32 5 1000' \
    "$PROGS" >"$d/kill.out" 2>"$err" &
victim=$!
pids+=($victim)
for i in $(seq 1 1000); do
	b=$(blocks_free "$sock")
	[ "$b" -lt $((b0 - 2048)) ] && break
	sleep 0.02
done
ok $([ "$b" -lt $((b0 - 2048)) ]; echo $?) \
    "a process of 32x -M pages through $((b0 - b)) swap blocks"
kill -KILL "$victim"
wait "$victim" 2>/dev/null
for i in $(seq 1 500); do
	[ "$(blocks_free "$sock")" -eq "$b0" ] &&
	    [ "$(frames_free "$sock")" -eq "$f0" ] && break
	sleep 0.02
done
is "$b0 $f0" "$(blocks_free "$sock") $(frames_free "$sock")" \
    "kill -9 mid-paging gives every swap block and every frame back to exod"
ok $([ ! -s "$d/kill.out" ]; echo $?) "and it had not finished"

# -M's usage errors.
"$UNIX" -S "$sock" -M 16K -c echo "$PROGS" >/dev/null 2>"$d/usage.err"
st=$?
ok $([ "$st" -eq 2 ] && grep -q 'libos-unix: -M 16K: not a memory size' \
    "$d/usage.err"; echo $?) "-M below 256K is a usage error (exit 2)"
"$UNIX" -S "$sock" -M lots -c echo "$PROGS" >/dev/null 2>"$d/usage.err"
is 2 "$?" "-M with no number is one too"
"$UNIX" -S "$sock" --fsck -M 1M >/dev/null 2>"$d/usage.err"
is 2 "$?" "-M with --fsck is one too"

# --- revocation answered by paging out --------------------------------------
# Sum of field $2 (revoked, given, taken, autosaved) over exoctl's lines in $1.
revsum() {
	perl -ne 'BEGIN { $k = shift }
		/^revoked (\d+) from libOS \d+: (\d+) given back, (\d+) taken by force.*, (\d+) autosaved/ or next;
		my %f = (revoked => $1, given => $2, taken => $3, autosaved => $4);
		$s += $f{$k}; END { print $s + 0 }' "$2" <"$1"
}

# With time to answer (-R 2000): 8 vectors of 253 frames, about four in
# five of what libos-unix holds under -M 8M while pagetest pages 16 MiB.
start_exod "$d/rv1" -R 2000
"$UNIX" -S "$d/rv1" -n rv -M 8M -c 'pagetest fill 16 5 60; vmstat' \
    "$PROGS" >"$d/rv1.out" 2>"$d/rv1.err" &
rvp=$!
pids+=($rvp)
id=$(libos_id "$d/rv1" rv 1500)
: >"$d/rv1.revoke"
for i in 1 2 3 4 5 6 7 8; do
	[ -n "$id" ] && "$EXOCTL" -S "$d/rv1" revoke "$id" frames 253 \
	    >>"$d/rv1.revoke" 2>&1
done
wait "$rvp"
st=$?
sed 's/^/# /' "$d/rv1.revoke"
ok $(grep -q '^pagetest: 16 MiB seed 5 checked 60 times ok$' "$d/rv1.out" &&
    [ "$st" -eq 0 ]; echo $?) \
    "exoctl revoke of most of its frames mid-workload: every byte still right"
is 2024 "$(revsum "$d/rv1.revoke" revoked)" "8 vectors, 2,024 frames revoked"
# The buffer cache's frames among them are the file system's to answer.
ok $([ "$(vmfield "$d/rv1.out" revoked)" -ge 1000 ] &&
    [ "$(vmfield "$d/rv1.out" lost)" -eq 0 ]; echo $?) \
    "every user frame among them paged out and given back before the deadline ($(vmfield "$d/rv1.out" revoked) given, $(vmfield "$d/rv1.out" lost) taken)"
ok $([ "$(vmfield "$d/rv1.out" pageins)" -gt 0 ]; echo $?) \
    "and the workload faulted them back in"

# The abort path (-R 0.001): the deadline passes before libos-unix can do
# anything; whatever it held is taken.  A page with a clean copy in swap
# survives; any other is lost, and its process dies with a message.
start_exod "$d/rv2" -R 0.001
"$UNIX" -S "$d/rv2" -n rv -M 48M -c 'pagetest fill 16 6 60; vmstat' \
    "$PROGS" >"$d/rv2.out" 2>"$d/rv2.err" &
rvp=$!
pids+=($rvp)
id=$(libos_id "$d/rv2" rv 3000)
: >"$d/rv2.revoke"
for i in 1 2 3 4; do
	[ -n "$id" ] && "$EXOCTL" -S "$d/rv2" revoke "$id" frames 253 \
	    >>"$d/rv2.revoke" 2>&1
done
wait "$rvp"
st=$?
sed 's/^/# /' "$d/rv2.revoke"
ok $([ "$(revsum "$d/rv2.revoke" taken)" -gt 0 ]; echo $?) \
    "a deadline of 1 us: frames are taken by force ($(revsum "$d/rv2.revoke" taken))"
ok $(! grep -q 'wrong' "$d/rv2.out"; echo $?) "no process ever reads a wrong byte"
# Any process may have had a page among them, sh (the first) included:
# each one that died was killed for it, with the message, and libos-unix
# itself ended as its first process did (sh's status), not by a crash.
ok $( { grep -q '^pagetest: 16 MiB seed 6 checked 60 times ok$' "$d/rv2.out" ||
    grep -q 'was taken by exod before it could be saved: killed' \
    "$d/rv2.err"; } &&
    ! grep -v 'was taken by exod before it could be saved: killed$' \
    "$d/rv2.err" | grep -q . && { [ "$st" -eq 0 ] || [ "$st" -eq 255 ]; }
    echo $?) "the processes that lost a page are killed with a message, nothing else happens (status $st)"
echo "# $(grep -c 'before it could be saved: killed$' "$d/rv2.err") pages lost; any other message:"
grep -v 'was taken by exod before it could be saved: killed$' "$d/rv2.err" |
    sed 's/^/# stderr: /' | head -20
