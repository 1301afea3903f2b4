#!/bin/bash
#
# cli.t - every exo program answers the command line the same way:
# -V and --version print "NAME VERSION" on stdout and exit 0; -h and
# --help print the usage on stdout and exit 0; a usage error (an unknown
# option, a missing argument, a bad value) prints the usage on stderr and
# exits 2, and every message names the program, not the path it was run
# by.  exoctl checks a command's arguments before it connects, so a bad
# one is a usage error even with no exod to reach.

top=${EXO_BUILDDIR:-$(cd "$(dirname "$0")/.." && pwd)}

n=0
failed=0
ok() {			# ok STATUS DESCRIPTION: STATUS 0 passes
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
	fi
}

d=$(mktemp -d "${TMPDIR:-/tmp}/cli-t.XXXXXX") || exit 1
trap 'rm -rf "$d"' EXIT
trap 'exit 1' INT TERM HUP

version=$(sed -n 's/^#define PACKAGE_VERSION "\(.*\)"$/\1/p' "$top/config.h")
progs="exod/exod exod/exoctl libos-rt/libos-rt bench/exobench
    bench/exobench-cpu bench/exobench-vm bench/exobench-disk bench/exobench-fs
    bench/exobench-net bench/exobench-unixnet"
for p in $progs; do
	[ -x "$top/$p" ] || { echo "1..0 # SKIP $p not built in $top"; exit 0; }
done

# run PROG ARGS...: status in $st, output in $d/out and $d/err.
run() {
	local p=$1
	shift
	timeout 20 "$top/$p" "$@" >"$d/out" 2>"$d/err" </dev/null
	st=$?
}

echo "1..$((9 * 10 + 4))"
for p in $progs; do
	name=${p##*/}
	for v in -V --version; do
		run "$p" "$v"
		[ $st -eq 0 ] && [ "$(cat "$d/out")" = "$name $version" ] &&
		    [ ! -s "$d/err" ]
		ok $? "$name $v: \"$name $version\" on stdout, exit 0 (seen $st: $(head -c 80 "$d/out"))"
	done
	for h in -h --help; do
		run "$p" "$h"
		[ $st -eq 0 ] && grep -q "^usage: $name " "$d/out" &&
		    [ ! -s "$d/err" ]
		ok $? "$name $h: the usage on stdout, exit 0 (seen $st)"
	done
	run "$p" --no-such-option
	[ $st -eq 2 ] && grep -q "usage: $name " "$d/err" && [ ! -s "$d/out" ]
	ok $? "$name --no-such-option: the usage on stderr, exit 2 (seen $st)"
	run "$p" -Z
	[ $st -eq 2 ] && grep -q "usage: $name " "$d/err"
	ok $? "$name -Z: exit 2 (seen $st)"
	# Every line of the complaint names the program, none the path.
	! grep -q -e "$top" -e '\.libs' -e 'lt-' "$d/err" &&
	    ! grep -v -e "^$name: " -e '^usage: ' -e '^  *' -e '^commands: ' \
	    "$d/err" | grep -q .
	ok $? "$name: its messages name $name, not a path"
	sed 's/^/#   /' "$d/err" | head -n 3
	case $name in
	exod)	run "$p" -m 12345 ;;		# not whole frames
	exoctl)	run "$p" -S "$d/none" status --no ;;
	libos-rt) run "$p" -d soon 'a:period=40ms,budget=1ms' ;;
	exobench) run "$p" --exod ;;		# a missing argument
	*)	run "$p" extra ;;
	esac
	[ $st -eq 2 ] && grep -q "usage: $name " "$d/err"
	ok $? "$name: a bad argument is a usage error, exit 2 (seen $st)"
	run "$p" -x -V
	[ $st -eq 2 ]
	ok $? "$name -x -V: the bad option wins, exit 2 (seen $st)"
done

# exoctl: the arguments are checked before connecting (no exod here).
for args in "revoke 1 frames" "revoke 0 frames 1" "revoke 1 pages 1" \
    "status extra"; do
	run exod/exoctl -S "$d/none" $args
	[ $st -eq 2 ] && grep -q "usage: exoctl" "$d/err" &&
	    ! grep -q "$d/none" "$d/err"
	ok $? "exoctl $args: usage error before connecting, exit 2 (seen $st)"
done
[ $failed -eq 0 ]
