#!/bin/bash
#
# systemd.t - exod as a service: exod -p writes its pid file once it
# serves (before the daemon's parent returns, as Type=forking needs) and
# removes it when it stops; with sd_notify built in, exod says READY=1
# and STOPPING=1 on $NOTIFY_SOCKET; exod -v logs a request a handler
# refused; exod.service, pointed at the installed exod, passes
# systemd-analyze verify (skipped, saying why, where it is missing).

. "${EXO_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}/t/inst.sh"

EXOD=$top/exod/exod
echo "1..9"

# --- the pid file, in daemon mode ------------------------------------
d=$inst_tmp
"$EXOD" -S "$d/s" -m 64K -p "$d/exod.pid" 2>"$d/daemon.err"
st=$?
pid=$(cat "$d/exod.pid" 2>/dev/null)
[ $st -eq 0 ] && [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null &&
    [ "$(cat /proc/"$pid"/comm 2>/dev/null)" = exod ]
ok $? "exod -p: the daemon's pid is in the file when exod returns ($pid)"
"$top/exod/exoctl" -S "$d/s" status >/dev/null 2>&1
ok $? "and that daemon serves"
kill -TERM "$pid" 2>/dev/null
for i in $(seq 100); do
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.1
done
! kill -0 "$pid" 2>/dev/null && [ ! -e "$d/exod.pid" ]
ok $? "SIGTERM stops it and the pid file goes with it"

# --- sd_notify -------------------------------------------------------------
if grep -q '^#define HAVE_LIBSYSTEMD 1' "$top/config.h"; then
	perl -MIO::Socket::UNIX -MSocket -e '
		my $s = IO::Socket::UNIX->new(Type => SOCK_DGRAM,
		    Local => $ARGV[0]) or die "socket: $!";
		$| = 1;
		local $SIG{ALRM} = sub { exit 1 };
		alarm 20;
		while (defined $s->recv(my $m, 4096)) {
			print "$m\n";
			exit 0 if $m =~ /STOPPING=1/;
		}' "$d/notify" >"$d/notify.out" &
	np=$!
	for i in $(seq 50); do [ -S "$d/notify" ] && break; sleep 0.1; done
	NOTIFY_SOCKET=$d/notify "$EXOD" -f -S "$d/n" -m 64K 2>/dev/null &
	ep=$!
	for i in $(seq 100); do
		grep -q READY=1 "$d/notify.out" 2>/dev/null && break
		sleep 0.1
	done
	grep -q '^READY=1' "$d/notify.out" && [ -S "$d/n" ]
	ok $? "sd_notify: READY=1 once the socket listens"
	kill -TERM "$ep"
	wait "$ep"
	wait "$np"
	grep -q '^STOPPING=1' "$d/notify.out"
	ok $? "sd_notify: STOPPING=1 when it stops"
else
	echo "ok $((n + 1)) # SKIP built without libsystemd (Type=forking)"
	echo "ok $((n + 2)) # SKIP built without libsystemd (Type=forking)"
	n=$((n + 2))
fi

# --- -v logs a handler's refusal -----------------------------------------
"$EXOD" -f -v -S "$d/v" -m 64K 2>"$d/v.log" &
ep=$!
for i in $(seq 100); do [ -S "$d/v" ] && break; sleep 0.1; done
"$top/exod/exoctl" -S "$d/v" revoke 99 frames 1 >/dev/null 2>&1
kill -TERM "$ep"
wait "$ep"
grep -Eq 'request type 21 id [0-9]+ refused: ' "$d/v.log"
ok $? "exod -v logs a request its handler refused (REVOKE of no libOS)"

# --- the unit ----------------------------------------------------------
unit=$top/systemd/exod.service
[ -f "$unit" ] && grep -Eq '^Type=(notify|forking)$' "$unit"
ok $? "exod.service is built ($(grep '^Type=' "$unit" 2>/dev/null))"
if ! command -v systemd-analyze >/dev/null 2>&1; then
	echo "ok $((n + 1)) # SKIP systemd-analyze not installed (Debian: systemd)"
	echo "ok $((n + 2)) # SKIP systemd-analyze not installed"
	n=$((n + 2))
	exit $((failed > 0))
fi
inst_install
sed "s|^ExecStart=[^ ]*/exod |ExecStart=$INST/sbin/exod |" "$unit" \
    >"$d/exod.service"
grep -q "^ExecStart=$INST/sbin/exod " "$d/exod.service"
ok $? "the unit's ExecStart, pointed at the installed exod"
MANPATH=$inst_mandir systemd-analyze verify "$d/exod.service" \
    >"$d/verify.log" 2>&1
ok $? "systemd-analyze verify accepts it (its man: pages resolve too)"
sed 's/^/# /' "$d/verify.log"
[ $failed -eq 0 ]
