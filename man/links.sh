#!/bin/sh
#
# links.sh - make "man NAME" find every name a page documents: for each
# name in a page's NAME section (its .Nm lines) other than the page's
# own, install (or uninstall) a one-line page that includes it with .so,
# as man(1) and mandoc(1) both follow.
#
#	links.sh install|uninstall MANDIR SRCDIR PAGE...
#
# MANDIR is where the pages are installed ($(DESTDIR)$(mandir)); each
# PAGE is a source page, SRCDIR/PAGE, named man/NAME.SECTION.

set -e
mode=$1
mandir=$2
srcdir=$3
shift 3

for page in "$@"; do
	base=${page##*/}
	sec=${base##*.}
	names=$(sed -n '/^\.Sh NAME/,/^\.Nd/s/^\.Nm  *\([^ ,]*\).*/\1/p' \
	    "$srcdir/$page")
	for name in $names; do
		[ "$name.$sec" = "$base" ] && continue
		link=$mandir/man$sec/$name.$sec
		case $mode in
		install)
			echo ".so man$sec/$base" >"$link"
			chmod 644 "$link" ;;
		uninstall)
			rm -f "$link" ;;
		*)	echo "usage: links.sh install|uninstall mandir srcdir page ..." >&2
			exit 2 ;;
		esac
	done
done
