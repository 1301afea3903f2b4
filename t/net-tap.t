#!/bin/sh
#
# net-tap.t - exod -N tap: in a network namespace the test makes itself
# (unshare -n, with -r when not root): Linux's own ping gets replies from
# the test libOS, which answers ARP and ICMP echo for 10.9.0.2, and
# tcpdump's view (exoctl capture) holds both directions.  Skips, saying
# why, where a namespace or a TAP device cannot be made or ping is absent.
#
top=${EXO_BUILDDIR:-$(cd "$(dirname "$0")/.." && pwd)}

if [ "$NET_TAP_INNER" != 1 ]; then
	command -v unshare >/dev/null 2>&1 || {
		echo "1..0 # SKIP no unshare(1)"; exit 0; }
	command -v ping >/dev/null 2>&1 || {
		echo "1..0 # SKIP no ping(8) (iputils-ping)"; exit 0; }
	command -v ip >/dev/null 2>&1 || {
		echo "1..0 # SKIP no ip(8) (iproute2)"; exit 0; }
	if [ "$(id -u)" = 0 ]; then ns="-n"; else ns="-rn"; fi
	if ! unshare $ns true 2>/dev/null; then
		echo "1..0 # SKIP cannot make a network namespace (unshare $ns)"
		exit 0
	fi
	NET_TAP_INNER=1 exec unshare $ns "$0"
fi

dir=$(mktemp -d /tmp/net-tap.XXXXXX) || exit 1
pids=
cleanup() {
	for p in $pids; do kill -9 "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM

"$top/exod/exod" -f -S "$dir/sock" -N tap:exotap0 </dev/null >/dev/null \
    2>"$dir/exod.err" &
pids="$pids $!"
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
	[ -S "$dir/sock" ] && break
	sleep 0.1
done
if [ ! -S "$dir/sock" ]; then
	echo "1..0 # SKIP cannot make a TAP device: $(head -1 "$dir/exod.err")"
	exit 0
fi
echo "1..4"
ip link set exotap0 up && ip addr add 10.9.0.1/24 dev exotap0
"$top/t/libos-net" -S "$dir/sock" -a 10.9.0.2 -f arp \
    -f "ip dst host 10.9.0.2" </dev/null >"$dir/libos.out" 2>&1 &
pids="$pids $!"
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
	grep -q running "$dir/libos.out" && break
	sleep 0.1
done
"$top/exod/exoctl" -S "$dir/sock" capture "$dir/cap.pcap" -c 4 \
    </dev/null >/dev/null 2>&1 &
cap=$!
pids="$pids $cap"
# Until exod copies frames to the capture, warm up with single pings (on a
# loaded host exoctl may connect late); they count towards its -c 4.
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
	c=$("$top/exod/exoctl" -S "$dir/sock" net --json 2>/dev/null |
	    sed -n 's/.*"captured": *\([0-9]*\).*/\1/p')
	[ "${c:-0}" -gt 0 ] && break
	ping -c 1 -W 1 10.9.0.2 >/dev/null 2>&1
done
if ping -c 3 -W 3 10.9.0.2 >"$dir/ping.out" 2>&1; then
	echo "ok 1 - Linux's ping gets replies from the test libOS"
else
	echo "not ok 1 - Linux's ping gets replies from the test libOS"
	sed 's/^/# /' "$dir/ping.out" "$dir/libos.out"
fi
# ping may see the last reply before the libOS has printed that it sent
# it: give its output a moment.
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
	n=$(grep -c "answered icmp .*status=0" "$dir/libos.out")
	[ "$n" -ge 3 ] && break
	sleep 0.1
done
if [ "$n" -ge 3 ]; then
	echo "ok 2 - the libOS answered every echo request ($n)"
else
	echo "not ok 2 - the libOS answered every echo request ($n)"
	sed 's/^/# /' "$dir/ping.out" "$dir/libos.out"
fi
if grep -q "answered arp status=0" "$dir/libos.out"; then
	echo "ok 3 - and Linux's ARP request"
else
	echo "not ok 3 - and Linux's ARP request"
fi
# -c 4 ends it; a capture that never started must not hang the test.
i=0
while kill -0 $cap 2>/dev/null && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
kill -9 $cap 2>/dev/null
wait $cap
st=$?
sz=$(wc -c <"$dir/cap.pcap" 2>/dev/null || echo 0)
if [ "$st" = 0 ] && [ "$sz" -gt 24 ]; then
	echo "ok 4 - exoctl capture wrote the traffic as pcap ($sz bytes)"
else
	echo "not ok 4 - exoctl capture wrote the traffic as pcap ($st, $sz)"
fi
