#!/bin/bash
#
# unix-kern.t - libos-unix itself, on a private exod: the user programs'
# cases (t/unix-cases.sh) run on the libOS; every system call's success
# and failure (kt_sys); exec of malformed programs; a raw host system
# call that reaches nothing and kills only its process; a process that
# reads or writes another's page; copy-on-write fork of a 16 MiB heap
# binding far fewer than 4,096 frames; forktest leaking no frame; a
# spinner not starving the shell; libos-rt meeting its deadlines beside
# a CPU-heavy pipeline; kill -9 of libos-unix returning everything; the
# program's options.

top=${EXO_BUILDDIR:-$(cd "$(dirname "$0")/.." && pwd)}
src=$(cd "${EXO_SRCDIR:-$(dirname "$0")/..}" && pwd)
EXOD=$top/exod/exod
EXOCTL=$top/exod/exoctl
UNIX=$top/libos-unix/libos-unix
RT=$top/libos-rt/libos-rt
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
skip() {		# skip COUNT REASON
	local i
	for i in $(seq 1 "$1"); do
		n=$((n + 1))
		echo "ok $n # skip $2"
	done
}
cleanup() {
	local p
	exec 7>&- 2>/dev/null
	for p in "${pids[@]}"; do
		kill -KILL "$p" 2>/dev/null
	done
	[ -n "$d" ] && rm -rf "$d"
}

if [ ! -x "$EXOD" ] || [ ! -x "$UNIX" ] || [ ! -f "$PROGS/sh" ] ||
    [ ! -f "$PROGS/kt_sys" ]; then
	echo "1..0 # SKIP exod, libos-unix or its programs are not built"
	exit 0
fi
if ! perl -MJSON::PP -e 1 2>/dev/null; then
	echo "1..0 # SKIP perl's JSON::PP not installed"
	exit 0
fi
d=$(mktemp -d "${TMPDIR:-/tmp}/unix-kern.XXXXXX") || exit 1
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

ush() {
	timeout -k 5 60 "$UNIX" -S "$sock" -c "$1" "$PROGS" 2>"$err"
}
ush_in() {
	timeout -k 5 60 "$UNIX" -S "$sock" "$PROGS" 2>"$err"
}
unix_files=no

# exod's view: what the libOSes named $1 hold of resource $2 (frames,
# slots), summed; "free" for the free frames.
held() {
	"$EXOCTL" -S "$sock" status --json 2>/dev/null | perl -MJSON::PP -e '
		local $/; my $j = JSON::PP->new->decode(<STDIN>);
		if ($ARGV[0] eq "free") { print $j->{frames_free}; exit 0 }
		my $s = 0;
		$s += $_->{$ARGV[1]} for grep { $_->{name} eq $ARGV[0] }
		    @{$j->{libos}};
		print $s;' "$@"
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
# Poll up to 10 s until held $1 $2 is $3; the last value seen.
held_until() {
	local i v
	for i in $(seq 1 500); do
		v=$(held "$1" "$2")
		[ "$v" = "$3" ] && break
		sleep 0.02
	done
	echo "$v"
}

. "$src/t/unix-cases.sh"
echo "1..$((UNIX_CASES + 39))"
unix_cases

# --- the system calls ---------------------------------------------------
is "kt_sys: ok" "$(ush kt_sys)" "every system call: success and failure"

# --- exec of malformed programs -----------------------------------------
bad=$d/bad
mkdir "$bad"
cp "$PROGS/sh" "$PROGS/echo" "$PROGS/kt_exec" "$bad/"
perl - "$PROGS/echo" "$bad" <<'PERL'
my ($good, $dir) = @ARGV;
open(my $f, "<:raw", $good) or die; local $/; my $e = <$f>; close $f;
sub out { open(my $o, ">:raw", "$dir/$_[0]") or die; print $o $_[1]; }
my ($phoff) = unpack("Q<", substr($e, 32, 8));
my $ph = sub { $phoff + 56 * $_[0] };	# program header i
my %b;
$b{trunc} = substr($e, 0, 100);
$b{trunchdr} = substr($e, 0, 40);
$b{empty} = "";
$b{garbage} = join("", map { chr(($_ * 131 + 7) % 256) } 0 .. 4095);
($b{class32} = $e) =~ s/^(\x7fELF)\x02/$1\x01/;
$b{machine} = $e; substr($b{machine}, 18, 2) = pack("v", 3);
$b{dyn} = $e; substr($b{dyn}, 16, 2) = pack("v", 3);	# ET_DYN
$b{outside} = $e; substr($b{outside}, $ph->(0) + 16, 8) = pack("Q<", 0x400000);
$b{stack} = $e; substr($b{stack}, $ph->(1) + 16, 8) =
    pack("Q<", 0x200000000000 + 0x40000000 - 0x1000);
$b{huge} = $e; substr($b{huge}, $ph->(1) + 40, 8) = pack("Q<", 1 << 40);
$b{wrap} = $e; substr($b{wrap}, $ph->(1) + 40, 8) = pack("Q<", -4096);
$b{filesz} = $e; substr($b{filesz}, $ph->(1) + 32, 8) = pack("Q<", 1 << 30);
$b{overlap} = $e; substr($b{overlap}, $ph->(1) + 16, 8) =
    substr($e, $ph->(0) + 16, 8);
$b{entry} = $e; substr($b{entry}, 24, 8) = pack("Q<", 0x200000011000);
$b{phnum} = $e; substr($b{phnum}, 56, 2) = pack("v", 60000);
$b{phoff} = $e; substr($b{phoff}, 32, 8) = pack("Q<", length($e) - 10);
$b{interp} = $e; substr($b{interp}, $ph->(2), 4) = pack("V", 3);
out($_, $b{$_}) for keys %b;
PERL
list="trunc trunchdr empty garbage class32 machine dyn outside stack huge
    wrap filesz overlap entry phnum phoff interp"
want=$(for b in $list; do echo "kt_exec: $b refused, intact"; done)
# A file system of their own, with the build's programs and these.
timeout -k 5 60 "$UNIX" -S "$sock" -n bad --mkfs "$bad" >/dev/null 2>"$err"
out=$(timeout -k 5 60 "$UNIX" -S "$sock" -n bad -c "kt_exec $(echo $list)" \
    2>"$err")
is "$want" "$out" "exec of 17 malformed programs fails, the caller intact"
out=$(timeout -k 5 60 "$UNIX" -S "$sock" -n bad -c "trunc; huge; echo after" \
    2>"$err")
is "after" "$out" "the shell goes on after a malformed program"

# --- the host kernel is out of reach ------------------------------------
: >"$d/hostfile"
rm -f "$d/hostfile"
out=$(ush "rawsys write; rawsys open $d/hostfile; rawsys getpid; echo after")
is "after" "$out" "raw host system calls: nothing written, the shell goes on"
ok $([ ! -e "$d/hostfile" ]; echo $?) "a raw open(2) created nothing"
ok $([ "$(grep -c 'host system call .*: killed' "$err")" -eq 3 ]; echo $?) \
    "each process was killed, with a message"
ok $(! grep -q survived "$err"; echo $?) "none of them survived"

# --- isolation ----------------------------------------------------------
is "isolate: child killed" "$(ush 'isolate write')" \
    "a child writing a page only its parent has is killed"
ok $(grep -q 'segmentation fault at .*write' "$err"; echo $?) \
    "with a message naming the fault"

# --- copy-on-write fork of a 16 MiB heap --------------------------------
"$UNIX" -S "$sock" -n cowfork -c 'bigheap 16 300' "$PROGS" \
    >"$d/big.out" 2>"$err" &
big=$!
pids+=($big)
wait_for "$d/big.out" 'written'
before=$(held cowfork frames)
sleep 1			# the child sleeps 300 ticks: it has forked
during=$(held cowfork frames)
wait "$big"
st=$?
ok $([ "$before" -ge 4096 ]; echo $?) "a 16 MiB heap holds 4,096 frames ($before)"
ok $([ $((during - before)) -lt 256 ]; echo $?) \
    "its fork binds far fewer new ones ($((during - before)))"
is "bigheap: 16 MiB written
bigheap: forked and reaped" "$(cat "$d/big.out")" "bigheap forked and reaped"
is 0 "$st" "and exited 0"
is 0 "$(held_until cowfork frames 0)" "its frames went back to exod"

# --- forktest leaks nothing ---------------------------------------------
mkfifo "$d/in"
"$UNIX" -S "$sock" -n forks "$PROGS" <"$d/in" >"$d/forks.out" 2>"$err" &
fk=$!
pids+=($fk)
exec 7>"$d/in"
echo "echo warm" >&7
wait_for "$d/forks.out" warm
sleep 0.5
f1=$(held forks frames)
echo "forktest" >&7
wait_for "$d/forks.out" 'all reaped'
echo "echo cold" >&7
wait_for "$d/forks.out" cold
f2=$(held_until forks frames "$f1")
is "$f1" "$f2" "forktest: the frames held after it are the ones before"
grep -q 'all reaped' "$d/forks.out"
ok $? "forktest reaped every child"
echo "ps" >&7
wait_for "$d/forks.out" 'ps$'
ok $([ "$(grep -cE '^[0-9]+' "$d/forks.out")" -ge 3 ]; echo $?) \
    "ps lists init, sh and itself"
exec 7>&-
wait "$fk"
is 0 $? "init and sh end at the end of input"

# --- scheduling ----------------------------------------------------------
t0=$(date +%s%N)
out=$(ush 'spin & spin & echo alive; sleep 20; echo still; kill 2; kill 3')
t1=$(date +%s%N)
is "alive
still" "$out" "two spinners do not starve the shell"
ok $([ $(( (t1 - t0) / 1000000 )) -lt 20000 ]; echo $?) \
    "and it ends ($(( (t1 - t0) / 1000000 )) ms)"
is "spin: done
1 1 6 " "$(ush 'spin 20; echo hello | cat | wc')" "a bounded spin ends"
t0=$(date +%s%N)
"$UNIX" -S "$sock" -n sleeper -c 'sleep 100' "$PROGS" 2>"$err" &
sl=$!
pids+=($sl)
wait "$sl"
st=$?
t1=$(date +%s%N)
ms=$(( (t1 - t0) / 1000000 ))
ok $([ "$st" -eq 0 ] && [ "$ms" -ge 900 ]; echo $?) "sleep 100 sleeps a second ($ms ms)"

# The sleeper's CPU as exod counts it: a process asleep costs nothing.
"$UNIX" -S "$sock" -n sleeper2 -s 0 -c 'sleep 150' "$PROGS" 2>"$err" &
sl=$!
pids+=($sl)
sleep 1
pid=$("$EXOCTL" -S "$sock" status --json | perl -MJSON::PP -e '
	local $/; my $j = JSON::PP->new->decode(<STDIN>);
	print map { $_->{pid} } grep { $_->{name} eq "sleeper2" } @{$j->{libos}};')
ticks=$(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 999)
wait "$sl"
ok $([ "$ticks" -lt 30 ]; echo $?) \
    "a sleeping libos-unix uses little CPU ($ticks host ticks in 1 s)"

# --- beside libos-rt -----------------------------------------------------
"$UNIX" -S "$sock" -n busy -c 'spin | spin | spin' "$PROGS" 2>"$err" &
busy=$!
pids+=($busy)
sleep 0.5
# As t/rt.t does: a host too busy to give exod and libos-rt a CPU when
# they need one (more than 5% of the run spent waiting) tests nothing.
# A run is run again, up to three times, since the load of a shared host
# comes and goes and a burst of it shorter than that 5% still costs a
# deadline: a run with every deadline met passes; three runs that miss
# fail, unless every one of them was loaded, when the check is skipped.
rt_verdict=
rt_failed=
for try in 1 2 3; do
	timeout -k 5 60 "$RT" --json -S "$sock" -d 3 \
	    "ctl:period=60ms,budget=1ms,work=control" \
	    "cpu:period=70ms,budget=4ms,work=spin" >"$d/rt.out" 2>"$d/rt.err"
	st=$?
	verdict=$(perl -MJSON::PP -e '
		local $/; my $j = eval { JSON::PP->new->decode(<STDIN>) };
		exit 0 unless ref $j;
		my $w = $j->{host_wait_ms}{libos_rt} + $j->{host_wait_ms}{exod};
		print $j->{total_misses} > 0 &&
		    $w > 0.05 * $j->{duration_s} * 1000 ?
		    "loaded $w" : "misses $j->{total_misses}";' <"$d/rt.out")
	echo "# rt beside libos-unix, run $try: status $st, $verdict"
	case $verdict in
	loaded*)
		rt_verdict=$verdict;;
	"misses 0")
		[ "$st" -eq 0 ] && { rt_verdict="0 misses 0"; break; }
		rt_failed="$st $verdict"
		cp "$d/rt.err" "$d/rt.fail";;
	*)
		rt_failed="$st $verdict"
		cp "$d/rt.err" "$d/rt.fail";;
	esac
done
# A run that missed on a host that was not loaded outweighs loaded ones.
[ "$rt_verdict" != "0 misses 0" ] && [ -n "$rt_failed" ] &&
    rt_verdict=$rt_failed
case $rt_verdict in
loaded*)
	skip 1 "libos-rt missed deadlines in 3 runs, but the host kept it\
 and exod waiting ${rt_verdict#loaded } ms of 3000: too loaded";;
*)
	is "0 misses 0" "$rt_verdict" \
	    "libos-rt beside a CPU-heavy pipeline: every deadline met"
	[ "$rt_verdict" = "0 misses 0" ] || sed 's/^/# rt: /' "$d/rt.fail";;
esac

# --- kill -9 returns everything -----------------------------------------
ok $([ "$(held busy frames)" -gt 0 ] && [ "$(held busy slots)" -gt 0 ]
    echo $?) "the busy libos-unix holds frames and slots"
kill -KILL "$busy"
wait "$busy" 2>/dev/null
is 0 "$(held_until busy frames 0)" "kill -9: its frames are back"
is 0 "$(held busy slots)" "and its slots"
is 16384 "$(held_until free x 16384)" "exod's free frames are all of them"

# --- the default share of slots -----------------------------------------
# Without -s, a fair share: the vector split among the libOSes connected
# and one more to come, never more than is free.  Nobody else is
# connected now.
nslots=$("$EXOCTL" -S "$sock" slots --json | perl -MJSON::PP -e '
	local $/; print JSON::PP->new->decode(<STDIN>)->{nslots};')
"$UNIX" -S "$sock" -n sleeper -c 'sleep 1000' "$PROGS" 2>"$err" &
pids+=($!)
f1=$(held_until sleeper slots $((nslots / 2)))
is $((nslots / 2)) "$f1" "alone, the default share is half the vector ($f1)"
"$UNIX" -S "$sock" -n sleeper2 -c 'sleep 1000' "$PROGS" 2>"$err" &
pids+=($!)
f2=$(held_until sleeper2 slots $((nslots / 3)))
is $((nslots / 3)) "$f2" "beside one libOS, a third ($f2)"
"$UNIX" -S "$sock" -n cowfork -s "$nslots" -c 'sleep 1000' "$PROGS" \
    2>"$err" &
pids+=($!)
f3=$(held_until cowfork slots $((nslots - f1 - f2)))
out=$(timeout -k 5 60 "$UNIX" -S "$sock" -n forks -c 'echo ran' "$PROGS" \
    2>"$err")
is "$((nslots - f1 - f2)) ran" "$f3 $out" \
    "with every slot taken, the default share is none, and it runs"
for p in sleeper sleeper2 cowfork; do
	kill "$("$EXOCTL" -S "$sock" status --json | perl -MJSON::PP -e '
	    local $/; my $j = JSON::PP->new->decode(<STDIN>);
	    print map { $_->{pid} } grep { $_->{name} eq $ARGV[0] }
	    @{$j->{libos}};' "$p")" 2>/dev/null
done
is 00 "$(held_until sleeper slots 0)$(held_until sleeper2 slots 0)" \
    "their slots went back"
held_until cowfork slots 0 >/dev/null

# --- the program ---------------------------------------------------------
out=$("$UNIX" -V); st=$?
ok $([ $st -eq 0 ] && [[ "$out" == "libos-unix "* ]]; echo $?) "-V"
out=$("$UNIX" -h); st=$?
ok $([ $st -eq 0 ] && [[ "$out" == usage:* ]]; echo $?) "-h"
"$UNIX" -x >/dev/null 2>"$err"; st=$?
ok $([ $st -eq 2 ] && grep -q usage "$err"; echo $?) "a usage error: 2"
"$UNIX" -S "$sock" -s 9999 -c true >/dev/null 2>"$err"; st=$?
ok $([ $st -eq 2 ]; echo $?) "-s out of range: 2"
"$UNIX" -S "$d/nosock" -c 'echo x' "$PROGS" >/dev/null 2>"$err"; st=$?
ok $([ $st -eq 1 ] && grep -q '^libos-unix: connect' "$err"; echo $?) \
    "no exod: a message and status 1"
"$UNIX" -S "$sock" -c 'echo x' "$d/nodir" >/dev/null 2>"$err"; st=$?
ok $([ $st -eq 1 ] && grep -q 'not a directory' "$err"; echo $?) \
    "no program directory: status 1"
is 3 "$(ush 'exit 3' >/dev/null; echo $?)" "-c: sh's status is the libOS's"
