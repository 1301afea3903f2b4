#!/bin/bash
#
# man-install.t - "man FUNCTION" works for every public function, as
# installed: every function the installed headers declare (derived from
# them, so a new function is covered without editing this test) has a
# page of its name under the installed man3, either the page itself or a
# one-line .so page that includes one that exists; man(1) finds it with
# -M and renders the page with the function in its NAME section.  And
# make uninstall takes every page and link away again.

. "${EXO_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}/t/inst.sh"

inst_install
inst_api >"$inst_tmp/api"
nf=$(wc -l <"$inst_tmp/api")
have_man=no
command -v man >/dev/null 2>&1 && have_man=yes
echo "1..$((2 * nf + 2))"

while read -r f; do
	p=$inst_mandir/man3/$f.3
	target=$p
	if [ -f "$p" ] && head -n 1 "$p" | grep -q '^\.so '; then
		target=$inst_mandir/$(head -n 1 "$p" | sed 's/^\.so  *//')
	fi
	[ -f "$target" ] &&
	    sed -n '/^\.Sh NAME/,/^\.Nd/p' "$target" | grep -Eq "^\.Nm +$f( |,|$)"
	ok $? "$f: man3/$f.3 installed, naming it in NAME (${target#$inst_mandir/})"
	if [ $have_man = yes ]; then
		MANPATH= MANWIDTH=80 man -M "$inst_mandir" 3 "$f" 2>/dev/null |
		    sed -n '/^NAME/,/^SYNOPSIS/p' | grep -q "$f"
		ok $? "man -M ... 3 $f renders a page that names it"
	else
		echo "ok $((n + 1)) # SKIP man(1) not installed"
		n=$((n + 1))
	fi
done <"$inst_tmp/api"

# Every .so page points at an installed page.
bad=
for p in "$inst_mandir"/man*/*; do
	head -n 1 "$p" | grep -q '^\.so ' || continue
	[ -f "$inst_mandir/$(head -n 1 "$p" | sed 's/^\.so  *//')" ] ||
	    bad="$bad ${p#$inst_mandir/}"
done
[ -z "$bad" ]
ok $? "every .so page includes an installed page${bad:+ (not:$bad)}"

inst_make uninstall >"$inst_tmp/uninstall.log" 2>&1
left=$(find "$inst_mandir" -type f 2>/dev/null | head -n 5)
[ -z "$left" ]
ok $? "make uninstall removes every page and link${left:+ (left: $left)}"
[ $failed -eq 0 ]
