#!/bin/bash
#
# trend.t - exobench --trend: the table and the JSON of one run agree
# figure by figure; every column of every row is measured or says why
# not, and every server process of the microkernel column measures its
# cell; --save and --load give the same figures back; a part's broken
# output leaves its rows saying why instead of taking a wrong figure; a
# figure a part starts printing under a row's name is picked up; the
# code-size table is counted or says why; --plot draws a PNG.  Speed is
# not judged here (bench/exobench --trend does that, in its goal column).

top=${EXO_BUILDDIR:-$(cd "$(dirname "$0")/.." && pwd)}
bench=$top/bench/exobench

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

[ -x "$bench" ] || { echo "1..0 # SKIP bench/exobench not built"; exit 0; }
command -v perl >/dev/null || { echo "1..0 # SKIP no perl"; exit 0; }
perl -MJSON::PP -e 1 2>/dev/null || { echo "1..0 # SKIP no JSON::PP"; exit 0; }

d=$(mktemp -d "${TMPDIR:-/tmp}/trend-t.XXXXXX") || exit 1
trap 'rm -rf "$d"' EXIT
trap 'exit 1' INT TERM HUP

# check JSON TABLE: the table against the JSON, and every row's columns
# measured or explained.  Prints a diagnostic per disagreement; exits 1
# on any.
check() {
	perl -MJSON::PP -e '
	use strict;
	my ($jf, $tf) = @ARGV;
	local $/;
	open(my $fh, "<", $jf) or die "$jf: $!";
	my $j = decode_json(<$fh>);
	open($fh, "<", $tf) or die "$tf: $!";
	my @lines = split /\n/, <$fh>;
	my $bad = 0;
	sub bad { print "# $_[0]\n"; $bad++ }
	sub fmt {
		my $v = shift;
		return sprintf("%.0f", $v) if $v >= 100;
		return sprintf("%.1f", $v) if $v >= 10;
		return sprintf("%.2f", $v) if $v >= 1;
		return sprintf("%.3g", $v);
	}
	# the table rounds the figure, the JSON too (6 decimals): agree to
	# half the last digit the table shows
	sub same {
		my ($tok, $v) = @_;
		return 0 unless $tok =~ /^-?[0-9.]+(e[-+]?[0-9]+)?$/;
		my $d = $tok =~ /\.([0-9]+)/ ? length $1 : 0;
		my $tol = 0.5 * 10 ** -$d * 1.001;
		$tol = 0.006 * abs($v) if $tok =~ /e/;
		return abs($tok - $v) <= $tol + 1e-9;
	}
	my @cols = qw(monolithic microkernel exokernel);
	bad("no rows") unless @{$j->{rows}} >= 18;
	for my $r (@{$j->{rows}}) {
		my $l = $r->{label};
		my ($line) = grep { index($_, "$l ") == 0 } @lines;
		if (!defined $line) { bad("$l: not in the table"); next }
		my @t = split " ", substr($line, length $l);
		bad("$l: unit $t[0], not $r->{unit}") if $t[0] ne $r->{unit};
		for my $i (0 .. 2) {
			my $c = $r->{$cols[$i]};
			if (exists $c->{median}) {
				bad("$l $cols[$i]: table $t[$i + 1], JSON " .
				    fmt($c->{median}))
				    unless same($t[$i + 1], $c->{median});
				bad("$l $cols[$i]: median outside its range")
				    unless $c->{min} <= $c->{median} &&
				    $c->{median} <= $c->{max} &&
				    $c->{min} > 0 && $c->{trials} >= 1;
			} elsif (defined $c->{why} && $c->{why} =~ /^not /) {
				bad("$l $cols[$i]: not n/m in the table")
				    if $t[$i + 1] ne "n/m";
				bad("$l $cols[$i]: why not in the table")
				    unless grep { $_ eq "  $l, $cols[$i]: " .
				    $c->{why} } @lines;
			} else {
				bad("$l $cols[$i]: neither measured nor why");
			}
		}
		for my $k ([4, "micro_over_exo", 1, 2], [5, "exo_over_mono",
		    2, 0]) {
			my ($ti, $key, $a, $b) = @$k;
			my $q = $r->{$key};
			if (!exists $q->{median}) {
				bad("$l $key: not n/m") if $t[$ti] ne "n/m";
				next;
			}
			my $want = fmt($q->{median});
			bad("$l $key: table $t[$ti], JSON $want")
			    unless $t[$ti] =~ /^(.*)\(\d+%\)$/ &&
			    same($1, $q->{median});
			# the per-trial ratio lies within the columns ranges
			my ($x, $y) = ($r->{$cols[$a]}, $r->{$cols[$b]});
			bad("$l $key: $q->{median} not within the columns")
			    unless $q->{median} >= $x->{min} / $y->{max} * 0.999
			    && $q->{median} <= $x->{max} / $y->{min} * 1.001;
		}
	}
	for my $z (@{$j->{size}}) {
		my $l = $z->{label};
		my ($line) = grep { index($_, "$l ") == 0 } @lines;
		if (!defined $line) { bad("size $l: not in the table"); next }
		if (exists $z->{lines}) {
			my @t = split " ", substr($line, length $l);
			bad("size $l: table @t[0,1], JSON $z->{files} " .
			    "$z->{lines}") if $t[0] != $z->{files} ||
			    $t[1] != $z->{lines} || $z->{lines} <= 0;
		} elsif (!defined $z->{why} ||
		    index($line, $z->{why}) < 0) {
			bad("size $l: neither counted nor why");
		}
	}
	exit($bad != 0);
	' "$1" "$2"
}

# row JSON KEY COLUMN: that column's median, or "why: ..."
row() {
	perl -MJSON::PP -e '
	local $/; open(my $f, "<", $ARGV[0]) or die; my $j = decode_json(<$f>);
	for my $r (@{$j->{rows}}) {
		next unless $r->{key} eq $ARGV[1];
		my $c = $r->{$ARGV[2]};
		print exists $c->{median} ? $c->{median} : "why: $c->{why}";
	}' "$@"
}

"$bench" --trend --quick --trials 2 --json --save "$d/s" >"$d/j" \
    2>"$d/err"
st=$?
[ $st -eq 0 ] || echo "# a part failed (exit $st): $(grep failed "$d/err")"
perl -MJSON::PP -e 'local $/; decode_json(<STDIN>)' <"$d/j" 2>/dev/null
ok $? "--trend --json prints one JSON object"
"$bench" --trend --load "$d/s" >"$d/table" 2>"$d/err2"
ok $(( $? != st )) "--load exits as the run it loads did ($st)"
"$bench" --trend --load "$d/s" --json >"$d/j2" 2>>"$d/err2"
cmp -s "$d/j" "$d/j2"
ok $? "--load gives the figures of the run --save kept"
check "$d/j" "$d/table"
ok $? "table and JSON agree; every column is measured or says why"

# The parts these rows come from are the project's own: they must run.
for k in null_call exception; do
	for c in monolithic microkernel exokernel; do
		v=$(row "$d/j" $k $c)
		case $v in why:*|"") r=1 ;; *) r=0 ;; esac
		ok $r "$k, $c: measured ($v)"
	done
done
# Each server process the microkernel column needs is built (userver.c).
for k in cow_fault fork pipe_mib fs_create demux1 demux256 disk_write \
    disk_read; do
	v=$(row "$d/j" $k microkernel)
	case $v in why:*|"") r=1 ;; *) r=0 ;; esac
	ok $r "$k, microkernel: a server process measured it ($v)"
done
grep -q '^exokernel: exod  *[0-9][0-9]*  *[0-9][0-9][0-9][0-9]' "$d/table"
ok $? "the size table counts exod"

# A broken part's output: its rows say why, no figure is made up.
cp -r "$d/s" "$d/broken"
for f in "$d/broken"/memory.*; do head -c 200 "$f" >"$f.cut"; mv "$f.cut" "$f"; done
"$bench" --trend --load "$d/broken" --json >"$d/jb" 2>/dev/null
v=$(row "$d/jb" appel2 exokernel)
case $v in why:*"gives no"*) r=0 ;; *) r=1 ;; esac
ok $r "a cut part's rows say why ($v)"
"$bench" --trend --load "$d/broken" >"$d/tb" 2>/dev/null
check "$d/jb" "$d/tb"
ok $? "table and JSON agree on the broken run too"

# Hostile outputs: nested past any sane depth, a member cut in its
# string, a number where an object belongs.  Rows say why; no crash.
cp -r "$d/s" "$d/hostile"
for f in "$d/hostile"/unix.*; do
	perl -e 'print "{\"deep\":" . ("[" x 100000) . "], \"unix_getpid\":{\"exo\":1}}"' >"$f"
done
for f in "$d/hostile"/cpu.*; do
	printf '{"call_rtt":{"exo":1,"base":"2' >"$f"
done
for f in "$d/hostile"/memory.*; do printf '{"appel_li":7}' >"$f"; done
"$bench" --trend --load "$d/hostile" --json >"$d/jh" 2>/dev/null
st=$?
ok $(( st != 0 && st != 1 )) "hostile part outputs: no crash ($st)"
v=$(row "$d/jh" null_call exokernel)
case $v in why:*) r=0 ;; *) r=1 ;; esac
ok $r "a part nested too deep says why ($v)"
"$bench" --trend --load "$d/hostile" >"$d/th" 2>/dev/null
check "$d/jh" "$d/th"
ok $? "table and JSON agree on hostile outputs"

# The page fault row: libos-unix's zero-fill fault, measured in all three
# columns; a unix part that gives no such figure leaves the row saying
# why rather than taking another.
for c in monolithic microkernel exokernel; do
	v=$(row "$d/j" page_fault $c)
	case $v in why:*|"") r=1 ;; *) r=0 ;; esac
	ok $r "page_fault, $c: measured ($v)"
done
cp -r "$d/s" "$d/less"
for f in "$d/less"/unix.*; do
	sed 's/"unix_zero_fault/"unix_zero_gone/g' "$f" >"$f.x"
	mv "$f.x" "$f"
done
"$bench" --trend --load "$d/less" --json >"$d/jl" 2>/dev/null
v=$(row "$d/jl" page_fault exokernel)
case $v in why:*) r=0 ;; *) r=1 ;; esac
ok $r "without the unix part's figure the page fault row says why ($v)"

if command -v gnuplot >/dev/null; then
	"$bench" --trend --load "$d/s" --plot "$d/t.png" >/dev/null 2>&1
	st=$?
	[ "$(head -c 4 "$d/t.png" 2>/dev/null | od -An -c | tr -d ' ')" = \
	    '211PNG' ]
	ok $(( $? || st > 1 )) "--plot draws a PNG"
else
	n=$((n + 1)); echo "ok $n # SKIP no gnuplot"
fi

"$bench" --trend --trials 0 >/dev/null 2>"$d/e"
ok $(( $? != 2 )) "--trials 0 is a usage error"
"$bench" --trend --load "$d/nothing" >/dev/null 2>"$d/e"
st=$?
grep -q '^exobench: ' "$d/e"
ok $(( $? || st != 1 )) "--load of nothing fails and names exobench"

echo "1..$n"
exit $((failed != 0))
