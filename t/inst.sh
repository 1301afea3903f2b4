# inst.sh - sourced by the tests that use exo as its users do: it installs
# the build tree into a private temporary prefix (make install
# prefix=...), and offers the TAP helpers those tests share.
#
# After inst_install: $INST is the prefix, $inst_tmp a scratch directory
# removed on exit, $inst_libdir, $inst_includedir, $inst_mandir and
# $inst_docdir where make put things, $inst_san the sanitizer flags the
# build used (programs linked against the installed libexo need them).  The prefix is refused (the test
# skips) if the build was configured with a directory outside it, so a
# test never writes outside its temporary directory.

top=${EXO_BUILDDIR:-$(cd "$(dirname "$0")/.." && pwd)}
src=${EXO_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}

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

diag() {		# diag TEXT...: each line as a TAP comment
	printf '%s\n' "$@" | sed 's/^/# /'
}

inst_tmp=$(mktemp -d "${TMPDIR:-/tmp}/exo-inst.XXXXXX") || exit 1
inst_exod_pid=
inst_cleanup() {
	if [ -n "$inst_exod_pid" ]; then
		kill -TERM "$inst_exod_pid" 2>/dev/null
		wait "$inst_exod_pid" 2>/dev/null
	fi
	rm -rf "$inst_tmp"
}
trap inst_cleanup EXIT
trap 'exit 1' INT TERM HUP
INST=$inst_tmp/prefix

# make, free of the make check that runs us: no jobserver, no variables
# from its command line.
inst_make() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL "${MAKE:-make}" -s \
	    --no-print-directory -C "$top" prefix="$INST" DESTDIR= \
	    systemdsystemunitdir="$INST/lib/systemd/system" \
	    tmpfilesdir="$INST/lib/tmpfiles.d" "$@"
}

inst_install() {
	local d dirs
	dirs=$(printf 'inst-dirs:\n\t@echo $(libdir) $(includedir) $(mandir) $(docdir) $(sbindir) $(bindir) $(systemdsystemunitdir) $(tmpfilesdir)\n' |
	    inst_make -f Makefile -f - inst-dirs) || {
		echo "1..0 # SKIP cannot ask make for the install directories"
		exit 0
	}
	for d in $dirs; do
		case $d in
		"$INST"/*) ;;
		*)	echo "1..0 # SKIP configured to install in $d," \
			    "outside the prefix"
			exit 0 ;;
		esac
	done
	set -- $dirs
	inst_libdir=$1 inst_includedir=$2 inst_mandir=$3 inst_docdir=$4
	# A sanitizer build's libexo needs its runtime in what links it.
	inst_san=$(printf 'inst-san:\n\t@echo $(EXO_SAN_CFLAGS)\n' |
	    inst_make -f Makefile -f - inst-san)
	if ! inst_make install >"$inst_tmp/install.log" 2>&1; then
		echo "1..1"
		ok 1 "make install prefix=$INST"
		sed 's/^/# /' "$inst_tmp/install.log" | tail -n 30
		exit 1
	fi
}

# Start a private exod from the build tree on $inst_tmp/exod.sock (its log
# in $inst_tmp/exod.log); returns 1 if it does not listen within 10 s.
inst_exod() {
	local i
	"$top/exod/exod" -f -S "$inst_tmp/exod.sock" "$@" \
	    2>"$inst_tmp/exod.log" &
	inst_exod_pid=$!
	for i in $(seq 100); do
		[ -S "$inst_tmp/exod.sock" ] && return 0
		kill -0 "$inst_exod_pid" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# The functions and variables the installed public headers declare, one
# a line, sorted: derived from the headers themselves, so that a
# function added to exo.h is covered without touching the tests.
inst_api() {
	local h
	for h in "$inst_includedir"/exo/*.h; do
		printf '#include <exo/%s>\n' "${h##*/}"
	done | "${CC:-cc}" -E -P -I"$inst_includedir" - |
	    perl "$src/t/api-names.pl"
}
