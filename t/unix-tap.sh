# unix-tap.sh - what the TAP scripts that run libos-unix on exods of their
# own share (t/unix-mmap.t, t/unix-mprotect.t, t/unix-vm.t): the paths,
# ok and is, the temporary directory and its cleanup, starting an exod
# and asking it what a libOS holds.  A script sources it, then calls
#
#	unix_tap_begin NAME PROGRAM...
#
# which skips the whole script unless exod, libos-unix, perl's JSON::PP
# and the named user programs are built, makes $d (removed on exit, with
# every process in $pids killed), $err (stderr of the last step) and
# changes into $d.

top=${EXO_BUILDDIR:-$(cd "$(dirname "$0")/.." && pwd)}
EXOD=$top/exod/exod
EXOCTL=$top/exod/exoctl
UNIX=$top/libos-unix/libos-unix
PROGS=$top/libos-unix/user

n=0
pids=()
d=
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

unix_tap_begin() {
	local name=$1 p
	shift
	for p in "$EXOD" "$UNIX"; do
		[ -x "$p" ] && continue
		echo "1..0 # SKIP exod, libos-unix or its programs are not built"
		exit 0
	done
	for p in "$@"; do
		[ -f "$PROGS/$p" ] && continue
		echo "1..0 # SKIP exod, libos-unix or its programs are not built"
		exit 0
	done
	if ! perl -MJSON::PP -e 1 2>/dev/null; then
		echo "1..0 # SKIP perl's JSON::PP not installed"
		exit 0
	fi
	d=$(mktemp -d "${TMPDIR:-/tmp}/$name.XXXXXX") || exit 1
	trap cleanup EXIT
	trap 'exit 1' INT TERM HUP
	err=$d/stderr
	: >"$err"
	cd "$d" || exit 1
}

# Start an exod of 64 MiB on socket $1, with the arguments that follow;
# fails if it does not answer within 10 s.
start_exod() {
	local s=$1 i
	shift
	"$EXOD" -f -S "$s" -m 64M "$@" >"$s.log" 2>&1 &
	pids+=($!)
	for i in $(seq 1 500); do
		"$EXOCTL" -S "$s" status >/dev/null 2>&1 && return 0
		sleep 0.02
	done
	return 1
}
# exod's view: the frames the libOS named $2 holds on socket $1.
held() {
	"$EXOCTL" -S "$1" status --json 2>/dev/null | perl -MJSON::PP -e '
		local $/; my $j = JSON::PP->new->decode(<STDIN>);
		my $s = 0;
		$s += $_->{frames} for grep { $_->{name} eq $ARGV[0] }
		    @{$j->{libos}};
		print $s;' "$2"
}
# The id of the libOS named $2 on socket $1 once it holds more than $3
# frames; empty after 30 s.
libos_id() {
	local i
	for i in $(seq 1 1500); do
		"$EXOCTL" -S "$1" status --json 2>/dev/null | perl -MJSON::PP -e '
			local $/; my $j = JSON::PP->new->decode(<STDIN>);
			for (@{$j->{libos}}) {
				print $_->{id} if $_->{name} eq $ARGV[0] &&
				    $_->{frames} > $ARGV[1];
			}' "$2" "$3" | grep . && return 0
		sleep 0.02
	done
}
# The value of key=N in the last "all:" line of vmstat's output in $1.
vmfield() {
	sed -n "s/^all:.* $2=\([0-9]*\).*/\1/p" "$1" | tail -1
}
