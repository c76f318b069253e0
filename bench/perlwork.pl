# perlwork.pl - the perl workload: hashes, arrays, strings and regexes
# built up and torn down in rounds, as a text-processing script would.
#
#   perl bench/perlwork.pl N
#
# N records, each a string split, matched, joined and counted in a hash
# of arrays; every 1000 records the oldest half of the hash is deleted.
# Deterministic (a fixed-seed LCG, sorted output); prints one checksum line.
use strict;
use warnings;

my $n = shift // 100000;
my $seed = 12345;
sub rnd { $seed = ($seed * 1103515245 + 12345) % 2147483648; return $seed >> 8 }

my @words = map { join '', map { chr(97 + rnd() % 26) } 1 .. 2 + $_ % 9 } 0 .. 499;
my (%index, %count, $sum);
for my $i (1 .. $n) {
	my $line = join ' ', map { $words[rnd() % @words] } 1 .. 3 + rnd() % 8;
	my @f = split / /, $line;
	for my $w (@f) {
		$count{$w}++;
		push @{ $index{ substr($w, 0, 2) } }, $i if $w =~ /^[a-m]/;
	}
	my $up = uc join '-', reverse @f;
	$sum += length($up) + ($line =~ tr/aeiou//);
	if ($i % 1000 == 0) {
		my @keys = sort keys %index;
		delete @index{ @keys[0 .. $#keys / 2] };
	}
}
my $keys = join ',', map { "$_=$count{$_}" } (sort keys %count)[0 .. 9];
printf "records %d words %d prefixes %d sum %d first %s\n", $n, scalar(keys %count),
	scalar(keys %index), $sum, $keys;
