#!/bin/bash
#
# exoctl.t - exoctl(1): the status table and its JSON form, with no libOS
# and with libOSes holding frames (t/hold), and the exit statuses: 1 when
# exod cannot be reached, 2 on a usage error.
#
# Binaries come from $EXO_BUILDDIR (make check) or from the directory
# above this script (prove -r t/ from the top of an in-tree build).

top=${EXO_BUILDDIR:-$(cd "$(dirname "$0")/.." && pwd)}
EXOD=$top/exod/exod
EXOCTL=$top/exod/exoctl
HOLD=$top/t/hold
PLAN=40

n=0
pids=()

ok() {			# ok STATUS DESCRIPTION: STATUS 0 passes
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
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
	exec 7>&- 8>&- 2>/dev/null
	for p in "${pids[@]}"; do
		kill -KILL "$p" 2>/dev/null
	done
	[ -n "$d" ] && rm -rf "$d"
}

# Wait up to 10 s for an exod to answer on $1.
wait_ready() {
	local i
	for i in $(seq 1 500); do
		timeout 10 "$EXOCTL" -S "$1" status >/dev/null 2>&1 && return 0
		sleep 0.02
	done
	return 1
}

# Wait up to 10 s for file $1 to hold a line starting with "ready".
wait_line() {
	local i
	for i in $(seq 1 500); do
		grep -q '^ready' "$1" 2>/dev/null && return 0
		sleep 0.02
	done
	return 1
}

# Wait up to 10 s until the status summary line is $2.
wait_summary() {
	local i
	for i in $(seq 1 500); do
		[ "$("$EXOCTL" -S "$1" status 2>/dev/null | tail -n 1)" = "$2" ] &&
		    return 0
		sleep 0.02
	done
	return 1
}

# Row $2 of the status table in file $1, as "id pid uid frames name",
# whatever other columns the table has (found by the header's names).
row() {
	awk -v want="$2" '
		NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		NR == want {
			print $col["LIBOS"], $col["PID"], $col["UID"],
			    $col["FRAMES"], $col["NAME"]
		}' "$1"
}

# Check a JSON text with a perl expression over $j, the value JSON::PP
# decoded from it (strictly: one UTF-8 JSON value, nothing else).
json_check() {		# json_check FILE PERL-EXPR
	perl -MJSON::PP -e '
		local $/; my $t = <STDIN>;
		my $j = eval { JSON::PP->new->utf8->decode($t) };
		exit 2 unless ref $j eq "HASH";
		exit((eval $ARGV[0]) ? 0 : 1);' "$2" <"$1"
}

if [ ! -x "$EXOD" ] || [ ! -x "$EXOCTL" ]; then
	echo "1..0 # SKIP exod or exoctl not built in $top"
	exit 0
fi
if ! perl -MJSON::PP -e 1 2>/dev/null; then
	echo "1..0 # SKIP perl's JSON::PP not installed"
	exit 0
fi

d=$(mktemp -d "${TMPDIR:-/tmp}/exoctl-t.XXXXXX") || exit 1
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

echo "1..$PLAN"
uid=$(id -u)

"$EXOD" -f -S "$d/s" -m 64K 2>"$d/exod.log" &
epid=$!
pids+=("$epid")
wait_ready "$d/s"
ok $? "exod answers"

# --- no libOS -------------------------------------------------------------
"$EXOCTL" -S "$d/s" status >"$d/st.out" 2>"$d/st.err"
is 0 $? "exoctl status exits 0"
head -n 1 "$d/st.out" | grep -Eq '^ *LIBOS +PID +UID +FRAMES( +[A-Z_]+)* +NAME *$'
ok $? "status starts with the table header"
is "frames: 0 bound, 16 free, 16 total (4096 bytes each)" \
    "$(tail -n 1 "$d/st.out")" "the frames line matches -m 64K"
is 2 "$(wc -l <"$d/st.out")" "no libOS rows (exoctl itself is not listed)"
[ ! -s "$d/st.err" ]
ok $? "nothing on stderr"

"$EXOCTL" -S "$d/s" status --json >"$d/j.out" 2>"$d/j.err"
is 0 $? "exoctl status --json exits 0"
is 1 "$(wc -l <"$d/j.out")" "the JSON is one line"
json_check "$d/j.out" \
    '$j->{frames_total} == 16 && $j->{frames_free} == 16 &&
     $j->{frame_size} == 4096 && ref $j->{libos} eq "ARRAY" &&
     @{$j->{libos}} == 0'
ok $? "JSON parses: 16 total, 16 free, 4096 bytes, no libOS"

EXOD_SOCKET=$d/s "$EXOCTL" status >/dev/null 2>&1
is 0 $? "exoctl finds exod through \$EXOD_SOCKET"

# --- libOSes holding frames -----------------------------------------------
if [ -x "$HOLD" ]; then
	mkfifo "$d/a.in" "$d/b.in"
	"$HOLD" "$d/s" demo-a 5 <"$d/a.in" >"$d/a.out" 2>"$d/a.err" &
	apid=$!
	pids+=("$apid")
	exec 7>"$d/a.in"
	wait_line "$d/a.out"
	ok $? "libOS demo-a holds 5 frames"
	# demo-b must not inherit the writing end of demo-a's fifo (fd 7).
	"$HOLD" "$d/s" demo-b 3 <"$d/b.in" >"$d/b.out" 2>"$d/b.err" 7>&- &
	bpid=$!
	pids+=("$bpid")
	exec 8>"$d/b.in"
	wait_line "$d/b.out"
	ok $? "libOS demo-b holds 3 frames"
	read -r _ aid _ <"$d/a.out"
	read -r _ bid _ <"$d/b.out"

	"$EXOCTL" -S "$d/s" status >"$d/st.out" 2>&1
	is 0 $? "exoctl status exits 0"
	sed 's/^/#   /' "$d/st.out"
	is 4 "$(wc -l <"$d/st.out")" "header, two rows, frames line"
	is "$aid $apid $uid 5 demo-a" \
	    "$(row "$d/st.out" 2)" \
	    "row 1: demo-a's id, pid, uid, frames, name"
	is "$bid $bpid $uid 3 demo-b" \
	    "$(row "$d/st.out" 3)" \
	    "row 2: demo-b's, in connection order"
	is "frames: 8 bound, 8 free, 16 total (4096 bytes each)" \
	    "$(tail -n 1 "$d/st.out")" "the frames line counts 8 bound"

	"$EXOCTL" -S "$d/s" status --json >"$d/j.out" 2>&1
	is 0 $? "exoctl status --json exits 0"
	json_check "$d/j.out" \
	    "\$j->{frames_free} == 8 && @{\$j->{libos}} == 2 &&
	     \$j->{libos}[0]{id} == $aid && \$j->{libos}[0]{pid} == $apid &&
	     \$j->{libos}[0]{uid} == $uid && \$j->{libos}[0]{frames} == 5 &&
	     \$j->{libos}[0]{name} eq 'demo-a' &&
	     \$j->{libos}[1]{id} == $bid && \$j->{libos}[1]{pid} == $bpid &&
	     \$j->{libos}[1]{frames} == 3 && \$j->{libos}[1]{name} eq 'demo-b'"
	ok $? "JSON lists both libOSes with their ids, pids, uid, frames, names"
	json_check "$d/j.out" \
	    '$j->{frames_total} == 16 && $j->{frame_size} == 4096'
	ok $? "JSON totals"

	exec 7>&-
	reap "$apid"
	is 0 $? "demo-a exits"
	sed 's/^/#   /' "$d/a.err"
	wait_summary "$d/s" "frames: 3 bound, 13 free, 16 total (4096 bytes each)"
	ok $? "its frames are reclaimed"
	"$EXOCTL" -S "$d/s" status >"$d/st.out" 2>&1
	is "$bid $bpid $uid 3 demo-b" \
	    "$(row "$d/st.out" 2)" \
	    "only demo-b is listed"
	exec 8>&-
	reap "$bpid"
	is 0 $? "demo-b exits"
	sed 's/^/#   /' "$d/b.err"
	wait_summary "$d/s" "frames: 0 bound, 16 free, 16 total (4096 bytes each)"
	ok $? "all frames free again"
else
	skip 15 "t/hold not built"
fi

# --- errors ----------------------------------------------------------------
timeout 10 "$EXOCTL" -S "$d/none" status >"$d/e.out" 2>"$d/e.err"
is 1 $? "no exod on the socket: exit 1"
grep -q 'no connection to exod' "$d/e.err"
ok $? "... with exo_strerror's message on stderr"
sed 's/^/#   /' "$d/e.err"
[ ! -s "$d/e.out" ]
ok $? "... and nothing on stdout"
echo "not a socket" >"$d/file"
timeout 10 "$EXOCTL" -S "$d/file" status >/dev/null 2>"$d/e.err"
is 1 $? "a regular file as the socket: exit 1"
[ -s "$d/e.err" ]
ok $? "... with a message"

timeout 10 "$EXOCTL" -S "$d/s" frobnicate >"$d/u.out" 2>"$d/u.err"
is 2 $? "unknown command: exit 2"
grep -qi 'usage' "$d/u.err"
ok $? "... with the usage on stderr"
timeout 10 "$EXOCTL" -S >/dev/null 2>"$d/u.err"
is 2 $? "-S without its argument: exit 2"
[ -s "$d/u.err" ]
ok $? "... with a message"
timeout 10 "$EXOCTL" -S "$d/s" >/dev/null 2>/dev/null
is 2 $? "no command: exit 2"
timeout 10 "$EXOCTL" -S "$d/s" status --bogus >/dev/null 2>/dev/null
is 2 $? "status --bogus: exit 2"
timeout 10 "$EXOCTL" -S "$d/s" status --json extra >/dev/null 2>/dev/null
is 2 $? "status with an extra argument: exit 2"
timeout 10 "$EXOCTL" -Q status >/dev/null 2>/dev/null
is 2 $? "unknown option: exit 2"
timeout 10 "$EXOCTL" -S "$d/$(printf 'x%.0s' $(seq 1 120))" status \
    >/dev/null 2>/dev/null
ok $(( $? == 0 )) "a socket path longer than sun_path fails"

kill -TERM "$epid"
reap "$epid"
is 0 $? "exod stops cleanly"

[ "$n" -eq "$PLAN" ] || echo "# ran $n tests, planned $PLAN"
exit 0
