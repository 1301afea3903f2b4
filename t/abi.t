#!/bin/bash
#
# abi.t - libexo's ABI as installed: libexo.so exports exactly the
# functions the installed public headers declare (derived from the
# headers, so a new function is covered without editing this test); every
# global name in libexo.a lies in the namespace libexo(3) reserves (exo_);
# and a libOS that defines the names libexo used to export (mem_get,
# mem_trap, ...) links and runs both dynamically and statically.

. "${EXO_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}/t/inst.sh"

if ! command -v nm >/dev/null 2>&1; then
	echo "1..0 # SKIP nm not installed"
	exit 0
fi
inst_install
echo "1..9"

so=$inst_libdir/libexo.so
a=$inst_libdir/libexo.a
inst_api >"$inst_tmp/api"
[ -s "$inst_tmp/api" ]
ok $? "the installed headers declare functions ($(wc -l <"$inst_tmp/api"))"

if [ -e "$so" ]; then
	nm -D --defined-only "$so" | awk '{ print $3 }' | sort -u \
	    >"$inst_tmp/exported"
	extra=$(comm -13 "$inst_tmp/api" "$inst_tmp/exported")
	missing=$(comm -23 "$inst_tmp/api" "$inst_tmp/exported")
	[ -z "$extra" ]
	ok $? "libexo.so exports nothing the headers do not declare"
	[ -n "$extra" ] && diag "exported, not declared:" $extra
	[ -z "$missing" ]
	ok $? "libexo.so exports every function the headers declare"
	[ -n "$missing" ] && diag "declared, not exported:" $missing
	soname=$(objdump -p "$so" 2>/dev/null | awk '$1 == "SONAME" { print $2 }')
	case $soname in
	libexo.so.[0-9]*) ok 0 "libexo.so has a versioned SONAME ($soname)" ;;
	*) ok 1 "libexo.so has a versioned SONAME (seen: '$soname')" ;;
	esac
else
	for i in 1 2 3; do
		echo "ok $((n + 1)) # SKIP built without shared libraries"
		n=$((n + 1))
	done
fi

if [ -e "$a" ]; then
	nm -g --defined-only "$a" 2>/dev/null | awk 'NF == 3 { print $3 }' |
	    sort -u >"$inst_tmp/static"
	# "__" names are the compiler's (a sanitizer build's runtime hooks),
	# which no conforming libOS defines.
	outside=$(grep -v -e '^exo_' -e '^__' "$inst_tmp/static")
	[ -s "$inst_tmp/static" ] && [ -z "$outside" ]
	ok $? "every global name in libexo.a begins with exo_"
	[ -n "$outside" ] && diag "outside the reserved namespace:" $outside
else
	echo "ok $((n + 1)) # SKIP built without static libraries"
	n=$((n + 1))
fi

# A libOS with names of its own that libexo once exported.  If libexo
# still defined them, the dynamic link would bind libexo's calls to these
# (exo_as_create() called mem_get()) and the static link would fail with
# duplicate symbols.
inst_exod -m 256K
ok $? "a private exod listens"
cat >"$inst_tmp/mine.c" <<'CEOF'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <exo/exo.h>

int mem_get_called;
void *mem_get(void *);
int mem_trap(int);
int mem_enter(void);
void *mem_get(void *p) { mem_get_called++; return p; }
int mem_trap(int x) { return x + 1; }
int mem_enter(void) { return -1; }
int
main(int argc, char **argv)
{
	struct exo	*e;
	void		*base;
	int		 error;

	if (argc != 2)
		return (1);
	/* exo_as_create() is where libexo reaches its memory layer. */
	if ((error = exo_connect(argv[1], "abi", &e)) != 0 ||
	    (error = exo_as_create(e, 1 << 20, &base)) != 0) {
		fprintf(stderr, "%s\n", exo_strerror(error));
		return (1);
	}
	exo_disconnect(e);
	printf("%d %d\n", mem_get_called, mem_trap(1));
	return (0);
}
CEOF
cc="${CC:-cc} $inst_san"
if [ -e "$so" ]; then
	$cc -o "$inst_tmp/mine-dyn" "$inst_tmp/mine.c" -I"$inst_includedir" \
	    -L"$inst_libdir" -Wl,-rpath,"$inst_libdir" -lexo \
	    >"$inst_tmp/cc.log" 2>&1
	ok $? "a libOS defining mem_get, mem_trap, mem_enter links against libexo.so"
	sed 's/^/# /' "$inst_tmp/cc.log"
	out=$("$inst_tmp/mine-dyn" "$inst_tmp/exod.sock" 2>&1)
	[ "$out" = "0 2" ]
	ok $? "and runs with libexo's calls kept inside libexo (seen: $out)"
else
	for i in 1 2; do
		echo "ok $((n + 1)) # SKIP built without shared libraries"
		n=$((n + 1))
	done
fi
if [ -e "$a" ]; then
	$cc -o "$inst_tmp/mine-static" "$inst_tmp/mine.c" \
	    -I"$inst_includedir" "$a" >"$inst_tmp/cc.log" 2>&1 &&
	    [ "$("$inst_tmp/mine-static" "$inst_tmp/exod.sock")" = "0 2" ]
	ok $? "the same libOS links statically against libexo.a and runs"
	sed 's/^/# /' "$inst_tmp/cc.log"
else
	echo "ok $((n + 1)) # SKIP built without static libraries"
	n=$((n + 1))
fi
[ $failed -eq 0 ]
