#!/usr/bin/perl
#
# web.t - the live views of exod: exoctl web (its page, its JSON, which
# agrees with exoctl status --json, its PNG of the display, its refusals),
# exoctl top in a pseudo-terminal (script(1)) until q, and the page in a
# headless Chromium: it must load, update itself, and show the display,
# the slot vector and the libOSes (skipped, saying so, where Chromium is
# not installed).
#
# A private exod with -F 200x100 runs libos-rt --display (tiles) and
# t/hold (frames); everything is on 127.0.0.1 with a port the kernel picks.

use strict;
use warnings;
use File::Temp qw(tempdir);
use HTTP::Tiny;
use IPC::Open2;
use JSON::PP;
use POSIX qw(:sys_wait_h);
use Time::HiRes qw(sleep time);

my $top = $ENV{EXO_BUILDDIR} // do {
	my $d = $0; $d =~ s{/[^/]*$}{}; "$d/..";
};
my $EXOD = "$top/exod/exod";
my $EXOCTL = "$top/exod/exoctl";
my $RT = "$top/libos-rt/libos-rt";
my $HOLD = "$top/t/hold";

my $n = 0;
my $failed = 0;
sub ok {
	my ($c, $what) = @_;
	$n++;
	print(($c ? "ok" : "not ok") . " $n - $what\n");
	$failed++ unless $c;
	return $c;
}
sub diag { print map { "# $_\n" } split /\n/, join('', @_); }
sub skip { my ($k, $why) = @_; for (1 .. $k) { $n++; print "ok $n # skip $why\n"; } }

my $dir = tempdir("exo-web.XXXXXX", TMPDIR => 1, CLEANUP => !$ENV{EXO_TEST_KEEP});
my $sock = "$dir/sock";
my @pids;
sub cleanup {
	for my $p (reverse @pids) {
		kill 'TERM', $p;
	}
	for my $p (reverse @pids) {
		my $t0 = time;
		while (waitpid($p, WNOHANG) == 0) {
			if (time - $t0 > 5) { kill 'KILL', $p; waitpid($p, 0); last; }
			sleep 0.02;
		}
	}
	@pids = ();
}
END { my $st = $?; cleanup(); $? = $st; }
$SIG{INT} = $SIG{TERM} = sub { cleanup(); exit 1 };

sub spawn {
	my ($out, @cmd) = @_;
	my $pid = fork // die "fork: $!";
	if ($pid == 0) {
		open STDIN, '<', '/dev/null';
		open STDOUT, '>', $out or die;
		open STDERR, '>&', \*STDOUT;
		exec @cmd or die "exec $cmd[0]: $!";
	}
	push @pids, $pid;
	return $pid;
}

sub wait_for {
	my ($what, $timeout, $cond) = @_;
	my $t0 = time;
	while (time - $t0 < $timeout) {
		my $r = $cond->();
		return $r if $r;
		sleep 0.05;
	}
	diag("waited ${timeout}s for $what");
	return undef;
}

sub exoctl_json {
	my $out = `'$EXOCTL' -S '$sock' @_ 2>/dev/null`;
	return undef if $? != 0;
	return eval { decode_json($out) };
}

print "1..40\n";

my $exod = spawn("$dir/exod.log", $EXOD, '-f', '-S', $sock, '-F', '200x100',
    '-m', '4M', '-P', '64');
ok(wait_for("exod", 10, sub { exoctl_json('status', '--json') }),
    "exod -F 200x100 answers");
spawn("$dir/rt.log", $RT, '-S', $sock, '--display', '-d', '60',
    'a:period=20ms,budget=2ms', 'b:period=40ms,budget=4ms');
open my $hold_in, '|-', "'$HOLD' '$sock' web-hold 3 > '$dir/hold.log'"
    or die "hold: $!";
my $st = wait_for("the libOSes", 15, sub {
	my $s = exoctl_json('status', '--json') or return undef;
	my %by = map { $_->{name} => $_ } @{$s->{libos}};
	return ($by{'libos-rt'} && $by{'libos-rt'}{tiles} > 0 &&
	    $by{'web-hold'}) ? $s : undef;
});
ok($st, "libos-rt draws in its tiles, t/hold holds its frames");

# --- exoctl web -----------------------------------------------------------
my $web = spawn("$dir/web.log", $EXOCTL, '-S', $sock, 'web', '-l',
    '127.0.0.1:0');
my $url = wait_for("exoctl web", 10, sub {
	open my $f, '<', "$dir/web.log" or return undef;
	local $/;
	my $s = <$f> // '';
	return $s =~ m{serving (http://127\.0\.0\.1:\d+/)} ? $1 : undef;
});
ok($url, "exoctl web says where it serves: " . ($url // 'nowhere'));
$url //= "http://127.0.0.1:1/";
my $http = HTTP::Tiny->new(timeout => 10);

my $r = $http->get($url);
ok($r->{success} && $r->{headers}{'content-type'} =~ m{^text/html},
    "GET / is an HTML page");
ok($r->{content} =~ /slot vector/ && $r->{content} =~ /id="display"/ &&
    $r->{content} =~ m{/view\.json}, "it has the display, the slot vector, "
    . "and fetches /view.json");

$r = $http->get("${url}view.json");
ok($r->{success} && $r->{headers}{'content-type'} eq 'application/json',
    "GET /view.json is JSON");
my $v = eval { decode_json($r->{content}) };
ok($v, "JSON::PP parses it") or diag($@);
my $s = exoctl_json('status', '--json');
ok($s, "exoctl status --json parses too");
$v //= {};
$s //= {};
ok($v->{status}{frames_total} == $s->{frames_total} &&
    $v->{status}{frame_size} == $s->{frame_size},
    "the totals agree with exoctl status --json");
my @ids_v = sort map { $_->{id} } @{$v->{status}{libos} // []};
my @ids_s = sort map { $_->{id} } @{$s->{libos} // []};
ok("@ids_v" eq "@ids_s" && @ids_v == 2, "so do the libOSes (@ids_v)");
my %sv = map { $_->{id} => $_ } @{$v->{status}{libos} // []};
my $same = 1;
for my $l (@{$s->{libos} // []}) {
	for my $k (qw(name pid uid frames slots blocks tiles entries)) {
		next if ($sv{$l->{id}}{$k} // '') eq $l->{$k};
		diag("libOS $l->{id} $k: web $sv{$l->{id}}{$k}, status $l->{$k}");
		$same = 0;
	}
	for my $k (qw(state quanta tlb revocations aborts)) {
		$same = 0 unless exists $sv{$l->{id}}{$k};
	}
}
ok($same, "each libOS's name, pid, frames, slots, blocks, tiles agree, "
    . "and its counters are there");
my ($rtv) = grep { $_->{name} eq 'libos-rt' } @{$v->{status}{libos} // []};
# 7 tiles across (all the display has) by one down holds two bars.
ok($rtv && $rtv->{tiles} == 7 && $rtv->{slots} > 0,
    "libos-rt: 7 tiles, its slots");
my $sl = $v->{slots} // {};
ok($sl->{nslots} && @{$sl->{owner}} == $sl->{nslots} &&
    (grep { $_ == ($rtv->{id} // -1) } @{$sl->{owner}}) == $rtv->{slots},
    "the slot vector names libos-rt's slots");
ok(exists $sl->{running} && $sl->{current} < $sl->{nslots},
    "and the slot now, and who runs");
ok(($v->{display}{width} // 0) == 200 && $v->{display}{height} == 100 &&
    $v->{display}{tiles_free} == 28 - 7, "the display: 200x100, 21 of 28 "
    . "tiles free");
ok(ref $v->{history} eq 'ARRAY', "a history of revocations and calls");

# A revocation shows up in the history.
my $rt_id = $rtv->{id} // 0;
my $out = `'$EXOCTL' -S '$sock' revoke $rt_id tile 0 2>&1`;
ok($? == 0 && $out =~ /revoked 1/, "exoctl revoke $rt_id tile 0") or diag($out);
$r = $http->get("${url}view.json");
$v = eval { decode_json($r->{content}) } // {};
ok((grep { $_->{kind} eq 'revoke' && $_->{res} eq 'tile' &&
    $_->{to} == $rt_id } @{$v->{history} // []}),
    "the view lists the tile's revocation");
($rtv) = grep { $_->{name} eq 'libos-rt' } @{$v->{status}{libos} // []};
ok($rtv && $rtv->{tiles} == 6 && $rtv->{revocations} == 1,
    "libos-rt lost the tile: 6 tiles, one revocation");

$r = $http->get("${url}display.png?owners=1");
ok($r->{success} && $r->{headers}{'content-type'} eq 'image/png' &&
    substr($r->{content}, 0, 8) eq "\x89PNG\r\n\x1a\n",
    "GET /display.png is a PNG");
my ($pw, $ph) = unpack('NN', substr($r->{content}, 16, 8));
ok(($pw // 0) == 200 && ($ph // 0) == 100, "of the whole display, 200x100");

$r = $http->request('POST', $url, { content => 'x' });
ok($r->{status} == 501, "POST is refused (501): the view only reads") or
    diag("status $r->{status}");
$r = $http->get("${url}etc/passwd");
ok($r->{status} == 404, "anything else is not there (404)");

$out = `'$EXOCTL' -S '$sock' web -l not-an-address 2>&1`;
ok($? >> 8 == 1 && $out =~ /not an IPv4 address/, "web -l nonsense: exit 1");
`'$EXOCTL' -S '$sock' web extra args 2>/dev/null`;
ok($? >> 8 == 2, "web with stray arguments: usage, exit 2");

# --- exoctl top, in a pseudo-terminal ---------------------------------------
my ($top_out, $top_in);
my $top_pid = open2($top_out, $top_in, 'script', '-qfec',
    "'$EXOCTL' -S '$sock' top -d 0.1", '/dev/null');
push @pids, $top_pid;
my $screen = '';
my $seen = wait_for("exoctl top's screen", 10, sub {
	my $rin = '';
	vec($rin, fileno($top_out), 1) = 1;
	while (select(my $rout = $rin, undef, undef, 0) > 0) {
		sysread($top_out, my $buf, 65536) or last;
		$screen .= $buf;
	}
	return ($screen =~ /LIBOS/ && $screen =~ /libos-rt/ &&
	    $screen =~ /web-hold/ && $screen =~ /display: 200x100/) ? 1 : undef;
});
ok($seen, "exoctl top shows the libOSes and the display");
my $frames = () = $screen =~ /\e\[H/g;
ok($frames >= 2, "and redraws itself ($frames screens so far)");
ok($screen =~ /slots:/ && $screen =~ /running:/, "with the slot vector");
print $top_in "q";
close $top_in;
my $gone = wait_for("top to quit", 10, sub { waitpid($top_pid, WNOHANG) > 0 });
ok($gone && $? == 0, "q quits it, exit 0");
@pids = grep { $_ != $top_pid } @pids;
`'$EXOCTL' -S '$sock' top -d 0 2>/dev/null </dev/null`;
ok($? >> 8 == 1, "top -d 0: exit 1");

# --- the page in a headless browser -------------------------------------------
# Chromium in a process group of its own, all of which goes when it is
# done: helpers that outlive it must not go on asking the server.
sub chromium {
	my ($c, @args) = @_;
	pipe(my $rd, my $wr) or die "pipe: $!";
	my $pid = fork // die "fork: $!";
	if ($pid == 0) {
		setpgrp(0, 0);
		close $rd;
		open STDOUT, '>&', $wr;
		open STDERR, '>>', "$dir/chromium.log";
		exec @$c, @args or die "exec: $!";
	}
	close $wr;
	local $/;
	my $out = <$rd> // '';
	waitpid($pid, 0);
	my $st = $?;
	kill 'KILL', -$pid;
	$? = $st;
	return $out;
}

my ($chromium) = grep { -x $_ } map { "$_/chromium" } split /:/, $ENV{PATH};
if (!$chromium) {
	skip(8, "chromium is not installed (Debian: apt-get install chromium)");
} else {
	# At the lowest priority: the browser is heavy, and the CPU tests
	# running beside this one measure shares of the CPU.
	my @c = ('nice', '-n', '19', 'timeout', '-k', '5', '90', $chromium,
	    '--headless=new',
	    '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
	    '--no-first-run', "--user-data-dir=$dir/chromium",
	    '--window-size=1000,1200', '--virtual-time-budget=4000');
	my $dom = chromium(\@c, '--dump-dom', $url);
	ok($dom =~ /<html/, "chromium loads the page") or
	    diag(`tail -5 '$dir/chromium.log'`);
	my ($updates) = $dom =~ /updates: (\d+)/;
	ok(($updates // 0) >= 2, "it updates itself (" . ($updates // 0) .
	    " updates)");
	my ($pics) = $dom =~ /display 200x100, picture (\d+)/;
	ok(($pics // 0) >= 1, "it shows the display's picture, 200x100");
	ok($dom =~ /slot \d+ now; running: (nobody|libOS \d+)/,
	    "it shows the slot now and who runs");
	my $cells = () = $dom =~ /<span[^>]*title="slot \d+"/g;
	ok($cells == $sl->{nslots}, "one cell per slot ($cells)");
	ok($dom =~ /<td class="name">libos-rt<\/td>/ &&
	    $dom =~ /<td class="name">web-hold<\/td>/,
	    "and a row per libOS");
	ok($dom =~ /exod revokes 1 tile of libOS $rt_id/,
	    "and the revocation in the history");
	chromium(\@c, "--screenshot=$dir/page.png", $url);
	ok(-s "$dir/page.png", "it takes a screenshot of the page ($dir/page.png)");
	if ($ENV{EXO_WEB_SHOT}) {
		system('cp', "$dir/page.png", $ENV{EXO_WEB_SHOT});
	}
}

# --- when exod goes away ---------------------------------------------------------
close $hold_in;
kill 'TERM', $exod;
waitpid($exod, 0);
@pids = grep { $_ != $exod } @pids;
$r = $http->get("${url}view.json");
ok($r->{status} == 503, "with exod gone the view answers 503") or
    diag("status $r->{status} $r->{content}");
$gone = wait_for("exoctl web to stop", 10, sub {
	waitpid($web, WNOHANG) > 0 ? 1 : undef });
ok($gone && $? >> 8 == 1, "and exoctl web stops, exit 1");
@pids = grep { $_ != $web } @pids;

exit($failed ? 1 : 0);
