#!/bin/bash
#
# example.t - the installed skeleton libOS: share/doc/exo/examples holds
# skeleton.c and its Makefile; built from a copy with make and pkg-config
# against the installed tree (warnings as errors) and run against a
# private exod, it connects, takes its page faults, its end-of-quantum
# upcalls and a disk block's round trip, and leaves exod as it found it.

. "${EXO_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}/t/inst.sh"

for c in pkg-config make; do
	command -v $c >/dev/null 2>&1 ||
	    { echo "1..0 # SKIP $c not installed"; exit 0; }
done
inst_install
echo "1..9"

ex=$inst_docdir/examples
[ -f "$ex/skeleton.c" ] && [ -f "$ex/Makefile" ]
ok $? "skeleton.c and its Makefile are installed in ${ex#$INST/}"

cp -R "$ex" "$inst_tmp/ex"
PKG_CONFIG_PATH=$inst_libdir/pkgconfig env -u MAKEFLAGS -u MFLAGS \
    -u MAKELEVEL make -C "$inst_tmp/ex" \
    PKG_CONFIG="pkg-config --define-variable=prefix=$INST" \
    CFLAGS="-O2 -Wall -Wextra -Werror $inst_san" \
    LDFLAGS="-Wl,-rpath,$inst_libdir $inst_san" >"$inst_tmp/make.log" 2>&1
ok $? "its Makefile builds it with pkg-config, -Wall -Wextra -Werror"
sed 's/^/# /' "$inst_tmp/make.log" | grep -v '^# make' | head -n 20

ldd "$inst_tmp/ex/skeleton" 2>/dev/null | grep -q "$inst_libdir/libexo.so"
ok $? "it links the installed libexo.so (through its rpath)"

inst_exod -m 1M -n 4 -q 5 -D 1M
ok $? "a private exod listens (4 slots of 5 ms)"
EXOD_SOCKET=$inst_tmp/exod.sock timeout 60 "$inst_tmp/ex/skeleton" \
    >"$inst_tmp/out" 2>"$inst_tmp/err"
st=$?
[ $st -eq 0 ]
ok $? "the skeleton runs and exits 0 (seen $st)"
sed 's/^/#   /' "$inst_tmp/out" "$inst_tmp/err"
grep -q '^address space: 2 page faults' "$inst_tmp/out"
ok $? "its address space took two faults, one per page first touched"
grep -Eq '^CPU: [3-9][0-9]* end-of-quantum upcalls in slot [0-3]$' \
    "$inst_tmp/out"
ok $? "it took end-of-quantum upcalls in its slot"
grep -q '^disk: block [0-9]* written, flushed and read back: "hello, exokernel"$' \
    "$inst_tmp/out" && grep -q '^done: everything given back$' "$inst_tmp/out"
ok $? "its block came back as written, and it left cleanly"

"$top/exod/exoctl" -S "$inst_tmp/exod.sock" status >"$inst_tmp/st" 2>&1
grep -q '^frames: 0 bound, 256 free, 256 total' "$inst_tmp/st" &&
    [ "$(wc -l <"$inst_tmp/st")" -eq 2 ]
ok $? "exod holds nothing for it afterwards"
sed 's/^/#   /' "$inst_tmp/st"
[ $failed -eq 0 ]
