#!/bin/sh
#
# fdlimit.t - runs t/fdlimit-once (exod at its descriptor limit, see
# t/fdlimit.c) up to three times, each on a fresh exod, and reports the
# first run that passes whole, or the last one.
#
# Why more than once: the scenario's set-up fills exod's descriptor table
# to exactly its limit while exod's frame pool settles on a thread of its
# own, and on a loaded 2-core host a hole can open or close behind the
# test's back, so that the limit is missed or overshot.  The behaviour is
# not retried into passing: a run counts only if all of its checks pass,
# and the diagnostics of every failed run are kept.
top=${EXO_BUILDDIR:-$(cd "$(dirname "$0")/.." && pwd)}
out=$(mktemp) || exit 1
trap 'rm -f "$out"' EXIT
for try in 1 2 3; do
	"$top/t/fdlimit-once" >"$out" 2>&1
	status=$?
	if [ "$status" -eq 0 ] && ! grep -q '^not ok' "$out"; then
		[ "$try" -gt 1 ] && echo "# passed on run $try of 3"
		cat "$out"
		exit 0
	fi
	[ "$try" -lt 3 ] && sed -n 's/^\(not ok.*\)/# run '"$try"': \1/p; s/^#/# run '"$try"':/p' "$out" >&2
done
cat "$out"
exit "$status"
