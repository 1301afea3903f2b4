#!/bin/bash
#
# unix-mmap.t - libos-unix's mappings of files and the application's
# paging hints, on private exods: mmaptest's cases (private and shared
# mappings, past the file's end, after close and unlink, across fork and
# exit, the kernel's own stores, offsets, protections and holes that kill
# only the process that touches them, every bad argument refused with
# -1), a shared mapping larger than -M shared with a child while it goes
# to swap and back, the same while exod revokes most of libos-unix's
# frames, and what the hints do: pins keep pages resident (fewer
# page-ins for the same work), every pin goes with its process, and a
# libOS's frames all go back to exod when it ends.

src=$(cd "${EXO_SRCDIR:-$(dirname "$0")/..}" && pwd)
. "$src/t/unix-tap.sh"
unix_tap_begin unix-mmap mmaptest hintbench
# Field $2 (pageins, pageouts) of hintbench's line for mode $3, hint $4
# in $1.
hbfield() {
	sed -n "s/^hintbench $3 .* hint=$4 .*$2=\([0-9]*\).*/\1/p" "$1" |
	    tail -1
}

echo "1..26"

start_exod "$d/s1"

# --- every case, with memory to spare ---------------------------------------
out=$(timeout -k 5 120 "$UNIX" -S "$d/s1" -n mm -c 'mmaptest' "$PROGS" \
    2>"$err")
st=$?
printf '%s\n' "$out" >"$d/all.out"
for c in private shared twofiles fork exit kernel offset kill bad layout \
    advise swap; do
	case $c in
	private) what="a private mapping shows the file, zero past its end; its stores stay its own" ;;
	shared) what="a shared one needs a descriptor that writes; munmap writes it back, never past the file's end" ;;
	twofiles) what="two files at once, each after close and unlink" ;;
	fork) what="a fork's child shares a shared mapping's stores, not a private one's" ;;
	exit) what="exit writes a shared mapping back" ;;
	kernel) what="read(2) into a shared mapping reaches the file" ;;
	offset) what="a mapping from an offset" ;;
	kill) what="a store to a read-only mapping, a hole, an unmapped page: the toucher dies" ;;
	bad) what="every bad argument of mmap, munmap and madvise gives -1" ;;
	layout) what="the heap does not grow into a mapping" ;;
	advise) what="MADV_DONTNEED, MADV_PIN, MADV_WILLNEED, MADV_NORMAL; too many pins refused" ;;
	swap) what="a shared 2 MiB across fork" ;;
	esac
	ok $(grep -qx "mmaptest: $c ok" "$d/all.out"; echo $?) "$c: $what"
done
is 0 "$st" "mmaptest exits 0"
is 3 "$(grep -c '(mmaptest): segmentation fault at .*: killed' "$err")" \
    "each process killed by a touch it may not make is named, with the fault"
ok $(! grep -v '(mmaptest): segmentation fault at .*: killed$' "$err" |
    grep -q .; echo $?) "and libos-unix says nothing else"

# --- a shared mapping larger than -M ----------------------------------------
out=$(timeout -k 5 120 "$UNIX" -S "$d/s1" -n mm -M 1M \
    -c 'mmaptest swap; vmstat' "$PROGS" 2>"$err")
printf '%s\n' "$out" >"$d/swap.out"
ok $(grep -qx 'mmaptest: swap ok' "$d/swap.out"; echo $?) \
    "2 MiB mapped shared under -M 1M, rewritten by a child: every word right, in memory and in the file"
ok $([ "$(vmfield "$d/swap.out" pageouts)" -ge 256 ] &&
    [ "$(vmfield "$d/swap.out" pageins)" -ge 256 ]; echo $?) \
    "its pages went to swap and came back ($(vmfield "$d/swap.out" pageouts) out, $(vmfield "$d/swap.out" pageins) in)"
is "256" "$(vmfield "$d/swap.out" peak)" "never more than -M held"

# --- exod revokes most of libos-unix's frames meanwhile -----------------------
start_exod "$d/rv" -R 2000
"$UNIX" -S "$d/rv" -n rv -M 8M -c 'mmaptest swap; mmaptest swap;
    mmaptest swap; mmaptest swap; mmaptest swap; mmaptest swap; vmstat' \
    "$PROGS" >"$d/rv.out" 2>"$d/rv.err" &
rvp=$!
pids+=($rvp)
id=$(libos_id "$d/rv" rv 600)
: >"$d/rv.revoke"
for i in 1 2 3; do
	[ -n "$id" ] && "$EXOCTL" -S "$d/rv" revoke "$id" frames 253 \
	    >>"$d/rv.revoke" 2>&1
done
wait "$rvp"
st=$?
sed 's/^/# /' "$d/rv.revoke"
is "6 0" "$(grep -cx 'mmaptest: swap ok' "$d/rv.out") $st" \
    "exoctl revoke of its frames while shared mappings are in use: every run right"
ok $([ "$(grep -c '^revoked 253 from libOS' "$d/rv.revoke")" -eq 3 ]
    echo $?) "three vectors of 253 frames revoked"
ok $([ "$(vmfield "$d/rv.out" revoked)" -gt 0 ] &&
    [ "$(vmfield "$d/rv.out" lost)" -eq 0 ]; echo $?) \
    "user frames among them paged out and given back in time ($(vmfield "$d/rv.out" revoked) given, $(vmfield "$d/rv.out" lost) taken)"

# --- the hints ---------------------------------------------------------------
out=$(timeout -k 5 180 "$UNIX" -S "$d/s1" -n hint -M 4M \
    -c 'hintbench seq 8 2 0; hintbench seq 8 2 1; hintbench rand 8 1 1; vmstat' \
    "$PROGS" 2>"$err")
printf '%s\n' "$out" >"$d/hint.out"
sed 's/^/# /' "$d/hint.out" | grep hintbench
ok $([ "$(grep -c '^hintbench .* ok$' "$d/hint.out")" -eq 3 ]; echo $?) \
    "hintbench at 2x -M, with and without hints: every counter right"
plain=$(hbfield "$d/hint.out" pageins seq 0)
hinted=$(hbfield "$d/hint.out" pageins seq 1)
ok $([ -n "$plain" ] && [ -n "$hinted" ] &&
    [ "$hinted" -lt $((plain * 95 / 100)) ]; echo $?) \
    "pins and dead ranges save page-ins for the same work ($hinted hinted, $plain plain)"
is 0 "$(vmfield "$d/hint.out" pinned)" "every pin went with its process"
is 0 "$(held "$d/s1" hint)" "and every frame back to exod"

# --- kill -9 of libos-unix with pages mapped and pinned ----------------------
"$UNIX" -S "$d/s1" -n k9 -M 4M -c 'hintbench seq 16 50 1' "$PROGS" \
    >/dev/null 2>"$err" &
k9=$!
pids+=($k9)
libos_id "$d/s1" k9 900 >/dev/null
kill -KILL "$k9"
wait "$k9" 2>/dev/null
for i in $(seq 1 250); do
	[ "$(held "$d/s1" k9)" -eq 0 ] && break
	sleep 0.02
done
is 0 "$(held "$d/s1" k9)" "kill -9 of libos-unix mid-paging with pins: every frame back to exod"
