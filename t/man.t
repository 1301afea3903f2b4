#!/bin/bash
#
# man.t - the manual: every page passes mandoc -Tlint -Wwarning, names
# itself as its file is named, is installed by Makefile.am, and every
# function libexo/exo.h declares is documented (named in a NAME section
# with .Nm and shown with .Fn or .Fo).
#
# Sources come from $EXO_SRCDIR (make check) or the directory above this
# script.

src=${EXO_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}

if ! command -v mandoc >/dev/null 2>&1; then
	echo "1..0 # SKIP mandoc not installed"
	exit 0
fi

n=0
ok() {			# ok STATUS DESCRIPTION: STATUS 0 passes
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
	fi
}

shopt -s nullglob
pages=("$src"/man/*.[1-8])
funcs=($(grep -E '^[a-z].*[ *]exo_[a-z0-9_]+\(' "$src/libexo/exo.h" |
    sed -E 's/^[^(]*[ *](exo_[a-z0-9_]+)\(.*/\1/' | sort -u))
# The pages Makefile.am installs.
listed=($(sed -n '/^dist_man_MANS *=/,/^$/p' "$src/Makefile.am" |
    grep -oE 'man/[^ \\]+'))

if [ ${#pages[@]} -eq 0 ]; then
	echo "1..1"
	ok 1 "manual pages in $src/man"
	exit 0
fi
echo "1..$((2 * ${#pages[@]} + ${#funcs[@]} + 2))"

for p in "${pages[@]}"; do
	out=$(mandoc -Tlint -Wwarning "$p" 2>&1)
	[ -z "$out" ]
	ok $? "mandoc -Tlint -Wwarning ${p#$src/}"
	[ -n "$out" ] && printf '%s\n' "$out" | sed 's/^/#   /'

	# .Dt NAME SECTION agrees with the file name (case aside).
	base=${p##*/}
	read -r _ dtname dtsec _ < <(grep -m 1 '^\.Dt ' "$p")
	[ "${dtname,,}" = "${base%.*}" ] && [ "$dtsec" = "${base##*.}" ]
	ok $? "${base}: .Dt $dtname $dtsec names this file"
done

for f in "${funcs[@]}"; do
	named=no
	shown=no
	grep -Eq "^\.Nm +$f( |,|$)" "$src"/man/*.3 && named=yes
	grep -Eq "^\.(Fn|Fo) +$f( |$)" "$src"/man/*.3 && shown=yes
	[ $named = yes ] && [ $shown = yes ]
	ok $? "$f documented (.Nm: $named, .Fn/.Fo: $shown)"
done

missing=
for l in "${listed[@]}"; do
	[ -f "$src/$l" ] || missing="$missing $l"
done
[ -z "$missing" ]
ok $? "every page in dist_man_MANS exists${missing:+ (missing:$missing)}"

unlisted=
for p in "${pages[@]}"; do
	rel=${p#$src/}
	case " ${listed[*]} " in
	*" $rel "*) ;;
	*) unlisted="$unlisted $rel" ;;
	esac
done
[ -z "$unlisted" ]
ok $? "every page in man/ is in dist_man_MANS${unlisted:+ (not:$unlisted)}"
exit 0
