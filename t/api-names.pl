#!/usr/bin/perl
#
# api-names.pl - read preprocessed C (cc -E) on stdin and print, sorted,
# one a line, the names of the functions and variables it declares whose
# names begin with exo_: the public API of the headers that were
# preprocessed.  Types, struct members, function-pointer typedefs and
# static functions are not part of a library's symbol table and are left
# out.

use strict;
use warnings;

local $/;
my $text = <STDIN>;
$text =~ s/^\s*#.*$//mg;		# line markers, pragmas
1 while $text =~ s/\{[^{}]*\}/ /g;	# bodies: struct, union, enum, inline
my %names;
for my $decl (split /;/, $text) {
	next if $decl =~ /\b(typedef|static)\b/;
	# The declared name is the first exo_ name followed by "(" that
	# is not "(*name)(", a pointer to a function.
	my $fn;
	while ($decl =~ /(\(\s*\*\s*)?\b(exo_\w+)\s*\(/g) {
		if (!defined $1) {
			$fn = $2;
			last;
		}
	}
	if (defined $fn) {
		$names{$fn} = 1;		# a function
	} elsif ($decl =~ /\bextern\b.*\b(exo_\w+)\s*(\[[^\]]*\]\s*)?$/s) {
		$names{$1} = 1;			# a variable
	}
}
print "$_\n" for sort keys %names;
