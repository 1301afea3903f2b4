#!/bin/bash
#
# unix-display.t - libos-unix offers exod's display to its programs as the
# device "display", and life(1) animates it: the canvas is bound as tiles
# of the libOS, the program's size is read from the device, generations
# are drawn, and the tiles go back when the libOS is killed.  Without a
# display (no exod -F) life says so and exits 1.  Skipped, saying why,
# where libos-unix or its programs were not built.

top=${EXO_BUILDDIR:-$(cd "$(dirname "$0")/.." && pwd)}
EXOD=$top/exod/exod
EXOCTL=$top/exod/exoctl
UNIX=$top/libos-unix/libos-unix
PROGS=$top/libos-unix/user

if [ ! -x "$UNIX" ] || [ ! -f "$PROGS/life" ]; then
	echo "1..0 # SKIP libos-unix or its program life is not built"
	exit 0
fi

n=0
ok() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else
	echo "not ok $n - $2"; fi; }
d=$(mktemp -d "${TMPDIR:-/tmp}/exo-unix-display.XXXXXX")
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	rm -rf "$d"
}
trap cleanup EXIT
echo "1..8"

start_exod() {		# start_exod SOCK ARGS...: started and answering
	local s=$1 i
	shift
	"$EXOD" -f -S "$s" "$@" 2>"$s.log" &
	pids+=($!)
	for ((i = 0; i < 100; i++)); do
		"$EXOCTL" -S "$s" status >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}
# tiles SOCK NAME: the tiles the libOS named NAME holds (JSON::PP).
tiles() {
	"$EXOCTL" -S "$1" status --json 2>/dev/null | perl -MJSON::PP -e '
	    my $s = decode_json(join "", <STDIN>);
	    my ($l) = grep { $_->{name} eq $ARGV[0] } @{$s->{libos}};
	    print $l ? $l->{tiles} : -1' "$2"
}

start_exod "$d/s" -F 200x100/32
ok $? "exod -F 200x100/32 answers"
out=$(timeout -k 5 60 "$UNIX" -S "$d/s" -c "life 3" "$PROGS" 2>"$d/err")
[ "$out" != "${out#life: 3 generations on 128x128}" ]
ok $? "life draws 3 generations on a canvas of 4x4 tiles, 128x128 ($out)"

# Not under timeout(1): the kill -9 below must reach the libOS itself
# (killing a timeout leaves its child running); cleanup kills it anyway.
"$UNIX" -S "$d/s" -n alife -c "life 100000" "$PROGS" >"$d/alife.out" 2>&1 &
apid=$!
pids+=($apid)
for ((i = 0; i < 100; i++)); do
	[ "$(tiles "$d/s" alife)" = 16 ] && break
	sleep 0.1
done
ok $([ "$(tiles "$d/s" alife)" = 16 ]; echo $?) "the libOS holds the 16 tiles of its canvas"
"$EXOCTL" -S "$d/s" screenshot "$d/a.png" && sleep 1.5 &&
    "$EXOCTL" -S "$d/s" screenshot "$d/b.png"
ok $? "two screenshots of it, 1.5 s apart"
! cmp -s "$d/a.png" "$d/b.png"
ok $? "they differ: life animates"
kill -KILL "$apid"
wait "$apid" 2>/dev/null
for ((i = 0; i < 100; i++)); do
	[ "$(tiles "$d/s" alife)" = -1 ] && break
	sleep 0.1
done
out=$(timeout -k 5 60 "$UNIX" -S "$d/s" -c "life 1" "$PROGS" 2>&1)
[ "$out" != "${out#life: 1 generations on 128x128}" ]
ok $? "kill -9 gave its tiles back: the same canvas binds again"

start_exod "$d/t"
ok $? "an exod without a display"
out=$(timeout -k 5 60 "$UNIX" -S "$d/t" -c "life 1; echo status \$?" \
    "$PROGS" 2>&1)
case $out in *"life: no display"*) true ;; *) false ;; esac
ok $? "life says there is no display"
