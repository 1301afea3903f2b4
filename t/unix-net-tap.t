#!/bin/bash
#
# unix-net-tap.t - libos-unix's network stack with Linux as its peer:
# exod -N tap: in a network namespace the test makes itself (unshare -n,
# with -r when not root), Linux at 10.9.0.1, libos-unix at 10.9.0.2.
# Linux's ping gets replies from libos-unix and libos-unix's ping from
# Linux; socat exchanges datagrams with libos-unix's udpecho, and
# libos-unix's nc -u with a socat echo server; 10,000 datagrams go from
# libos-unix's udpcheck to a Linux echo server and back, every byte
# checked, losses counted.  Skips, saying why, where a namespace or a
# TAP device cannot be made or a tool is missing.
#
top=${EXO_BUILDDIR:-$(cd "$(dirname "$0")/.." && pwd)}
UNIX=$top/libos-unix/libos-unix
PROGS=$top/libos-unix/user

if [ "$UNIX_NET_TAP_INNER" != 1 ]; then
	if [ ! -x "$UNIX" ] || [ ! -f "$PROGS/udpcheck" ]; then
		echo "1..0 # SKIP libos-unix or its network programs are not built"
		exit 0
	fi
	for t in unshare ping ip socat perl; do
		command -v $t >/dev/null 2>&1 || {
			echo "1..0 # SKIP no $t (quickstart installs it)"
			exit 0; }
	done
	if [ "$(id -u)" = 0 ]; then ns="-n"; else ns="-rn"; fi
	if ! unshare $ns true 2>/dev/null; then
		echo "1..0 # SKIP cannot make a network namespace (unshare $ns)"
		exit 0
	fi
	UNIX_NET_TAP_INNER=1 exec unshare $ns "$0"
fi

n=0
ok() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else
	echo "not ok $n - $2"; fi; }
d=$(mktemp -d "${TMPDIR:-/tmp}/exo-unix-net-tap.XXXXXX") || exit 1
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	rm -rf "$d"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

"$top/exod/exod" -f -S "$d/sock" -N tap:exotap0 </dev/null >/dev/null \
    2>"$d/exod.err" &
pids+=($!)
for ((i = 0; i < 50; i++)); do
	[ -S "$d/sock" ] && break
	sleep 0.1
done
if [ ! -S "$d/sock" ]; then
	echo "1..0 # SKIP cannot make a TAP device: $(head -1 "$d/exod.err")"
	exit 0
fi
echo "1..7"
ip link set lo up
ip link set exotap0 up && ip addr add 10.9.0.1/24 dev exotap0
run() {			# run CMD: a libos-unix at 10.9.0.3 to its end
	timeout -k 5 120 "$top/libos-unix/libos-unix" -S "$d/sock" -s 0 \
	    -n run -a 10.9.0.3/24 -g 10.9.0.1 -c "$1" "$PROGS" 2>&1 </dev/null
}
"$UNIX" -S "$d/sock" -s 0 -n srv -a 10.9.0.2/24 -c "udpecho 7" "$PROGS" \
    </dev/null >"$d/srv.out" 2>&1 &
pids+=($!)
sleep 1

ping -c 3 -W 3 10.9.0.2 >"$d/ping.out" 2>&1
ok $? "Linux's ping gets replies from libos-unix"
grep -q " 0% packet loss" "$d/ping.out" || sed 's/^/# /' "$d/ping.out"

out=$(run "ping -c 3 -i 100 10.9.0.1")
case $out in *"3 packets transmitted, 3 received"*) r=0 ;; *) r=1 ;; esac
ok $r "libos-unix's ping gets replies from Linux"
[ $r = 0 ] || echo "$out" | sed 's/^/# /'

out=$(printf 'from linux\n' | timeout 10 socat -T 3 - UDP:10.9.0.2:7 2>&1)
ok $([ "$out" = "from linux" ]; echo $?) \
    "socat's datagram to libos-unix's udpecho comes back ($out)"

socat UDP-RECVFROM:9000,bind=10.9.0.1,fork PIPE </dev/null \
    >/dev/null 2>&1 &
pids+=($!)
sleep 0.3
out=$(printf 'one\ntwo\n' | timeout -k 5 60 "$UNIX" -S "$d/sock" -s 0 \
    -a 10.9.0.3/24 -c "nc -u -w 1000 10.9.0.1 9000" "$PROGS" 2>&1)
ok $([ "$out" = "$(printf 'one\ntwo')" ]; echo $?) \
    "libos-unix's nc -u talks to a socat echo server on Linux ($out)"

perl -MIO::Socket::INET -e '
	my $s = IO::Socket::INET->new(LocalAddr => "10.9.0.1",
	    LocalPort => 9001, Proto => "udp") or die "bind: $!";
	my $b;
	while (my $p = $s->recv($b, 2048)) { $s->send($b, 0, $p) }' \
    </dev/null >/dev/null 2>&1 &
pids+=($!)
sleep 0.3
out=$(run "udpcheck -s 512 -w 1000 10.9.0.1 9001 10000")
set -- $(echo "$out" | sed -n 's/^udpcheck: sent \([0-9]*\) received \([0-9]*\) lost \([0-9]*\) bad \([0-9]*\)$/\1 \2 \3 \4/p')
ok $([ "$1" = 10000 ] && [ "$4" = 0 ] && [ $(($2 + $3)) = 10000 ]; echo $?) \
    "10,000 datagrams of 512 bytes to Linux and back, every byte checked ($out)"
ok $([ -n "$3" ] && [ "$3" -le 200 ]; echo $?) "at most 2% lost (${3:-?})"

out=$(run "ping -c 1 10.9.0.1; arp")
case $out in *"10.9.0.1 at "*"(valid)"*) r=0 ;; *) r=1 ;; esac
ok $r "libos-unix resolved Linux's address by ARP ($out)"
