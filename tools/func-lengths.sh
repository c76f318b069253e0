#!/bin/sh
# func-lengths.sh - the longest functions of C files, in lines from the
# signature's first line to the closing brace (Linux style: both braces of
# a function body in column 0).
#
#   tools/func-lengths.sh [-n N] FILE...    (default: analyzer/ sources, 15)
n=15
if test "$1" = -n; then n=$2; shift 2; fi
if test $# = 0; then set -- $(find analyzer -name '*.c' | sort); fi
awk '
FNR == 1 { sig = ""; start = 0 }
/^[A-Za-z_].*\(/ && !/;[ \t]*$/ && !inbody { sig = $0; start = FNR }
/^\{/ && sig != "" { inbody = 1 }
/^\}/ && inbody {
	name = sig
	sub(/\(.*/, "", name)
	sub(/.*[ *]/, "", name)
	printf "%5d  %s:%d  %s\n", FNR - start + 1, FILENAME, start, name
	inbody = 0; sig = ""
}
' "$@" | sort -rn | head -n "$n"
