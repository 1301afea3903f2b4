#!/bin/bash
#
# exod.t - exod(8) as a command: usage, the socket's life (another exod
# listening, a stale socket, a path that is not a socket), shutdown on
# SIGTERM and SIGINT, and daemon mode returning with the socket ready.
#
# Binaries come from $EXO_BUILDDIR (make check) or from the directory
# above this script (prove -r t/ from the top of an in-tree build).

top=${EXO_BUILDDIR:-$(cd "$(dirname "$0")/.." && pwd)}
EXOD=$top/exod/exod
EXOCTL=$top/exod/exoctl

n=0
failed=0
pids=()

ok() {			# ok STATUS DESCRIPTION: STATUS 0 passes
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
	fi
}

is() {			# is WANTED SEEN DESCRIPTION
	if [ "$1" = "$2" ]; then
		ok 0 "$3"
	else
		ok 1 "$3"
		echo "# wanted: $1"
		echo "#   seen: $2"
	fi
}

# Wait for background child $1, killing it if it is not gone in 10 s;
# returns its exit status (137 if it had to be killed).
reap() {
	local w st
	( sleep 10; kill -KILL "$1" ) >/dev/null 2>&1 &
	w=$!
	wait "$1"
	st=$?
	# SIGKILL: a TERM that reached the watchdog before it had reset the
	# traps it inherited would run our cleanup in it, and remove $d.
	kill -KILL "$w" 2>/dev/null
	wait "$w" 2>/dev/null
	forget "$1"
	return $st
}

# Take pid $1 off the list cleanup kills: it is gone.
forget() {
	local p keep=()
	for p in "${pids[@]}"; do
		[ "$p" = "$1" ] || keep+=("$p")
	done
	pids=("${keep[@]}")
}

cleanup() {
	local p
	for p in "${pids[@]}"; do
		kill -KILL "$p" 2>/dev/null
	done
	[ -n "$d" ] && rm -rf "$d"
}

# Does an exod answer on socket $1?
answers() {
	timeout 10 "$EXOCTL" -S "$1" status >/dev/null 2>&1
}

# Wait up to 10 s for an exod to answer on $1.
wait_ready() {
	local i
	for i in $(seq 1 500); do
		answers "$1" && return 0
		sleep 0.02
	done
	return 1
}

# Wait up to 10 s for path $1 to disappear.
wait_gone() {
	local i
	for i in $(seq 1 500); do
		[ -e "$1" ] || return 0
		sleep 0.02
	done
	return 1
}

# The pid of the exod whose arguments (after argv[0]) are exactly these.
# argv[0] may differ from $EXOD: a libtool wrapper execs .libs/exod.
pid_of_exod() {
	local want f got
	want=$(printf '%s\n' "$@")
	for f in /proc/[0-9]*/cmdline; do
		got=$({ tr '\0' '\n' <"$f"; } 2>/dev/null)
		case "${got%%$'\n'*}" in
		*/exod|*/lt-exod|exod) ;;
		*) continue ;;
		esac
		if [ "${got#*$'\n'}" = "$want" ]; then
			f=${f#/proc/}
			echo "${f%/cmdline}"
			return 0
		fi
	done
	return 1
}

if [ ! -x "$EXOD" ] || [ ! -x "$EXOCTL" ]; then
	echo "1..0 # SKIP exod or exoctl not built in $top"
	exit 0
fi

d=$(mktemp -d "${TMPDIR:-/tmp}/exod-t.XXXXXX") || exit 1
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

echo "1..25"

# -h
timeout 10 "$EXOD" -h >"$d/h.out" 2>"$d/h.err"
ok $? "exod -h exits 0"
grep -qi 'usage' "$d/h.out"
ok $? "exod -h prints its usage on stdout"

# A foreground exod.
"$EXOD" -f -S "$d/s" -m 64K 2>"$d/a.log" &
a=$!
pids+=("$a")
wait_ready "$d/s"
ok $? "exod -f answers on its socket"

# A second exod on the same socket.
timeout 10 "$EXOD" -f -S "$d/s" -m 64K 2>"$d/b.log"
is 1 $? "a second exod on the same socket exits 1"
grep -q 'listening' "$d/b.log"
ok $? "... saying another exod is listening"
sed 's/^/#   /' "$d/b.log"
answers "$d/s"
ok $? "the first exod still answers"

# kill -9 leaves a stale socket; the next exod replaces it.
kill -KILL "$a"
wait "$a" 2>/dev/null
forget "$a"
[ -S "$d/s" ]
ok $? "exod killed with SIGKILL leaves its socket file"
"$EXOD" -f -S "$d/s" -m 64K 2>"$d/c.log" &
c=$!
pids+=("$c")
wait_ready "$d/s"
ok $? "a new exod replaces the stale socket and answers"

# SIGTERM: clean shutdown.
kill -TERM "$c"
reap "$c"
is 0 $? "SIGTERM: exod exits 0"
[ ! -e "$d/s" ]
ok $? "SIGTERM: the socket is removed"

# SIGINT: the same.  (This shell starts background jobs with SIGINT
# ignored; exod installs its own handler.)
"$EXOD" -f -S "$d/i" -m 64K 2>"$d/i.log" &
i=$!
pids+=("$i")
wait_ready "$d/i"
kill -INT "$i"
reap "$i"
is 0 $? "SIGINT: exod exits 0"
[ ! -e "$d/i" ]
ok $? "SIGINT: the socket is removed"

# A path that exists and is not a socket.
echo "precious" >"$d/file"
timeout 10 "$EXOD" -f -S "$d/file" -m 64K 2>"$d/f.log"
is 1 $? "a regular file as the socket path: exit 1"
is "precious" "$(cat "$d/file")" "... and the file is left alone"
mkdir "$d/dir"
timeout 10 "$EXOD" -f -S "$d/dir" -m 64K 2>/dev/null
is 1 $? "a directory as the socket path: exit 1"

# A socket path in a directory that does not exist, and one too long.
timeout 10 "$EXOD" -f -S "$d/nowhere/s" -m 64K 2>/dev/null
is 1 $? "a socket path in a missing directory: exit 1"
long=$d/$(printf 'x%.0s' $(seq 1 120))
timeout 10 "$EXOD" -f -S "$long" -m 64K 2>"$d/long.log"
is 1 $? "a socket path longer than sun_path: exit 1"
[ -s "$d/long.log" ]
ok $? "... with a message"

# A bad option.
timeout 10 "$EXOD" -Z 2>/dev/null >/dev/null
is 2 $? "an unknown option: exit 2"

# $EXOD_SOCKET names the socket when -S is not given.
EXOD_SOCKET=$d/env "$EXOD" -f -m 64K 2>"$d/env.log" &
e=$!
pids+=("$e")
wait_ready "$d/env"
ok $? "\$EXOD_SOCKET names the socket"
kill -TERM "$e"
reap "$e"
is 0 $? "... and that exod stops with exit 0"

# Daemon mode: returns once the socket is ready.
timeout 10 "$EXOD" -S "$d/daemon" -m 64K >"$d/daemon.out" 2>&1
is 0 $? "exod without -f returns 0"
answers "$d/daemon"
ok $? "... and answers at once, without waiting"
dpid=$(pid_of_exod -S "$d/daemon" -m 64K)
if [ -n "$dpid" ]; then
	pids+=("$dpid")
	kill -TERM "$dpid"
	wait_gone "$d/daemon"
	ok $? "the daemon removes its socket on SIGTERM"
	for x in $(seq 1 500); do
		kill -0 "$dpid" 2>/dev/null || break
		sleep 0.02
	done
	kill -0 "$dpid" 2>/dev/null
	is 1 $? "the daemon is gone"
	kill -0 "$dpid" 2>/dev/null || forget "$dpid"
else
	ok 1 "the daemon's process was found"
	ok 1 "the daemon is gone"
fi

[ "$n" -eq 25 ] || echo "# ran $n tests, planned 25"
exit 0
