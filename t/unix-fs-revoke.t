#!/bin/bash
#
# unix-fs-revoke.t - exod revokes the buffer cache's frames from a running
# libos-unix while a checksum workload (kt_cksum) writes and reads files
# through it: half of the cache's frames, named one by one with exoctl
# revoke (libos-unix -v says which frames the cache holds), eight
# revocations at a time.  First with a deadline long enough to answer
# (the polite path: the frames are given back), then with one of a
# microsecond (the abort path: exod takes them by force).  Either way
# the workload finishes with every checksum right, fsck is clean, and
# after libos-unix has stopped the files hold the last round's bytes:
# nothing was lost.

top=${EXO_BUILDDIR:-$(cd "$(dirname "$0")/.." && pwd)}
EXOD=$top/exod/exod
EXOCTL=$top/exod/exoctl
UNIX=$top/libos-unix/libos-unix
PROGS=$top/libos-unix/user
ROUNDS=24		# kt_cksum: rounds of 4 files of 256 KiB
PAR=8			# revocations at once

n=0
ok() {			# ok STATUS DESCRIPTION: STATUS 0 passes
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		sed 's/^/# stderr: /' "$err" | cut -c1-200 | head -20
	fi
}

if [ ! -x "$UNIX" ] || [ ! -x "$EXOD" ] || [ ! -f "$PROGS/kt_cksum" ]; then
	echo "1..0 # SKIP libos-unix, exod or the programs are not built"
	exit 0
fi
d=$(mktemp -d "${TMPDIR:-/tmp}/unix-fs-revoke.XXXXXX") || exit 1
exod_pid=
bg=
cleanup() {
	[ -n "$bg" ] && kill -KILL "$bg" 2>/dev/null
	[ -n "$exod_pid" ] && kill -KILL "$exod_pid" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$d"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
err=$d/stderr
: >"$err"
cd "$d" || exit 1
sock=$d/sock

exod_start() {		# exod_start DEADLINE_MS
	local i
	"$EXOD" -f -S "$sock" -m 64M -D 64M -R "$1" >>"$d/exod.log" 2>&1 &
	exod_pid=$!
	for i in $(seq 1 500); do
		timeout 10 "$EXOCTL" -S "$sock" status >/dev/null 2>&1 &&
		    return 0
		sleep 0.02
	done
	return 1
}
exod_stop() {
	kill -TERM "$exod_pid" 2>/dev/null
	wait "$exod_pid" 2>/dev/null
	exod_pid=
}

# Every frame number of the -v line "frames: a-b c ...", one a line.
expand() {
	sed -n 's/.*cache: .* frames: //p' "$1" | head -n 1 | tr ' ' '\n' |
	    while IFS=- read -r lo hi; do
		[ -z "$lo" ] && continue
		[ -z "$hi" ] && hi=$lo
		if [ "$lo" -le "$hi" ]; then seq "$lo" "$hi"
		else seq "$lo" -1 "$hi"; fi
	done
}

# run PATH-NAME: the workload under revocation; sets given, forced,
# landed (exoctl's sums), st (the workload's status) and log (its stderr).
run() {
	local libos= t ids k f
	log=$d/$1.err
	timeout -k 5 300 "$UNIX" -v -b 1M -S "$sock" -n rv \
	    -c "kt_cksum $ROUNDS 4 256" >"$d/$1.out" 2>"$log" &
	bg=$!
	for t in $(seq 1 300); do
		libos=$("$EXOCTL" -S "$sock" status 2>/dev/null |
		    awk '$NF == "rv" { print $1 }')
		[ -n "$libos" ] && grep -q start "$d/$1.out" && break
		sleep 0.1
	done
	# Every other frame of the cache: half of it.
	ids=$(expand "$log" | awk 'NR % 2 == 1')
	k=0
	pids=
	for f in $ids; do
		"$EXOCTL" -S "$sock" revoke "$libos" frame "$f" \
		    >>"$d/$1.rev" 2>&1 &
		pids="$pids $!"
		k=$((k + 1))
		[ $((k % PAR)) -eq 0 ] && wait_revokes
	done
	wait_revokes
	# A revocation in flight when the workload ends is answered by the
	# libOS's exit, not by its cache: at most the last batch.
	late=0
	kill -0 "$bg" 2>/dev/null || late=$PAR
	wait "$bg"
	st=$?
	bg=
	landed=$(grep -c '^revoked 1 from' "$d/$1.rev")
	given=$(grep -c ': 1 given back' "$d/$1.rev")
	forced=$(grep -c ', 1 taken by force' "$d/$1.rev")
	err=$log
}
wait_revokes() {	# the batch's exoctl processes
	local p
	for p in $pids; do
		wait "$p"
	done
	pids=
}
cache_line() {		# the libOS's own account, at its shutdown
	grep 'cache: .* given back when revoked' "$log" | tail -n 1
}

echo "1..16"
exod_start 2000 || { echo "Bail out! exod does not start"; exit 1; }
"$UNIX" -S "$sock" -n rv --mkfs >/dev/null 2>"$err"
ok $? "a file system for the workload"

# --- the polite path ------------------------------------------------------
run polite
ok $([ "$st" -eq 0 ] && grep -q "kt_cksum: ok $ROUNDS rounds" \
    "$d/polite.out"; echo $?) \
    "while half the cache is revoked, every checksum is right (status $st)"
ok $([ "$(expand "$log" | wc -l)" -ge 192 ]; echo $?) \
    "libos-unix -v names the cache's frames"
ok $([ "$landed" -ge 64 ]; echo $?) \
    "$landed frames revoked from the cache while the workload ran"
ok $([ $((4 * given)) -ge $((3 * landed)) ]; echo $?) \
    "with a deadline of 2 s, most are given back ($given given back, $forced taken)"
line=$(cache_line)
g=$(printf '%s' "$line" | sed -n 's/.*cache: \([0-9]*\) frames given.*/\1/p')
ok $([ "${g:-0}" -ge $((given - late)) ]; echo $?) \
    "the cache counts them given back too, all but $late at its exit (${line#*cache: })"
out=$("$UNIX" -S "$sock" -n rv --fsck 2>"$err")
ok $? "fsck is clean after the polite revocations ($out)"
out=$("$UNIX" -S "$sock" -n rv -c "kt_cksum -v $((ROUNDS - 1)) 4 256" \
    2>"$err")
ok $([[ "$out" == *"intact"* ]]; echo $?) \
    "after a restart, the files hold the last round's bytes ($out)"

# --- the abort path -------------------------------------------------------
exod_stop
exod_start 0.001 || { echo "Bail out! exod does not restart"; exit 1; }
run abort
ok $([ "$st" -eq 0 ] && grep -q "kt_cksum: ok $ROUNDS rounds" \
    "$d/abort.out"; echo $?) \
    "while half the cache is taken by force, every checksum is right (status $st)"
ok $([ "$landed" -ge 64 ]; echo $?) \
    "$landed frames revoked from the cache while the workload ran"
ok $([ $((4 * forced)) -ge $((3 * landed)) ]; echo $?) \
    "with a deadline of 1 us, most are taken by force ($forced taken, $given given back)"
line=$(cache_line)
g=$(printf '%s' "$line" |
    sed -n 's/.*); \([0-9]*\) taken by force in all.*/\1/p')
ok $([ "${g:-0}" -ge "$forced" ]; echo $?) \
    "the cache knows each one was taken (${line#*cache: })"
ok $(! grep -q -i -E 'panic|broken|cannot' "$log"; echo $?) \
    "no panic, no transaction refused"
out=$("$UNIX" -S "$sock" -n rv --fsck 2>"$err")
ok $? "fsck is clean after the aborts ($out)"
out=$("$UNIX" -S "$sock" -n rv -c "kt_cksum -v $((ROUNDS - 1)) 4 256" \
    2>"$err")
ok $([[ "$out" == *"intact"* ]]; echo $?) \
    "after a restart, the files hold the last round's bytes ($out)"
out=$("$EXOCTL" -S "$sock" status 2>"$err" | grep -c ' rv$')
ok $([ "$out" -eq 0 ]; echo $?) "libos-unix ended and let go of its frames"
