#!/bin/sh

test_description='make install and uninstall: a library with a SONAME, the header, pkg-config, man pages, the version'

. "$(dirname "$0")/test-lib.sh"

# (test-lib.sh clears every PERFSHIM_* variable, PERFSHIM_ROOT too.)
ROOT=$(cd "$TEST_DIRECTORY/../.." && pwd)

VERSION=$(sed -n 's/^VERSION := //p' "$ROOT/Makefile")
FORMAT=$(sed -n 's/^#define PERFSHIM_FORMAT_MAJOR \([0-9]*\).*/\1/p' \
	"$ROOT/include/perfshim_trace.h").$(sed -n \
	's/^#define PERFSHIM_FORMAT_MINOR \([0-9]*\).*/\1/p' \
	"$ROOT/include/perfshim_trace.h")
SOMAJOR=${VERSION%%.*}

# mk ARGS... - make in the source tree, on the build under test; not with
# the flags and variables of a make that runs the tests.
mk () {
	timeout 600 env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
		make -s -C "$ROOT" B="$PERFSHIM_BUILD" "$@"
}

# files DIR - every file and link under DIR (not directories), sorted.
files () {
	(cd "$1" && find . ! -type d | sed 's|^\./||' | LC_ALL=C sort)
}

cat >expect-files <<EOF
bin/perfanalyze
bin/perfshim
include/perfshim.h
include/perfshim_trace.h
lib/libperfshim.so
lib/libperfshim.so.$SOMAJOR
lib/libperfshim.so.$VERSION
lib/pkgconfig/perfshim.pc
share/man/man1/perfanalyze.1
share/man/man1/perfshim.1
share/man/man3/perfshim.3
EOF

test_expect_success 'the version is x.y.z, set once in the Makefile' '
	echo "$VERSION" | grep -Ex "[0-9]+\.[0-9]+\.[0-9]+" &&
	echo "$FORMAT" | grep -Ex "[0-9]+\.[0-9]+"
'

test_expect_success 'perfanalyze --version: the project version and the trace format' '
	"$ANALYZE" --version >out &&
	echo "perfanalyze $VERSION (trace format $FORMAT)" >expect &&
	test_cmp expect out
'

test_expect_success 'the built library has the SONAME libperfshim.so.MAJOR' '
	readelf -d "$SHIM" >dyn &&
	grep "(SONAME)" dyn >soname &&
	grep -F "[libperfshim.so.$SOMAJOR]" soname
'

P="$TRASH_DIRECTORY/pre fix"
test_expect_success 'make install into a prefix with a space: every file, nothing else' '
	mk install PREFIX="$P" >log 2>&1 &&
	files "$P" >actual &&
	test_cmp expect-files actual
'

test_expect_success 'the library: versioned file, SONAME link, development link' '
	test -f "$P/lib/libperfshim.so.$VERSION" &&
	! test -L "$P/lib/libperfshim.so.$VERSION" &&
	test_cmp_str "SONAME link" "libperfshim.so.$VERSION" \
		"$(readlink "$P/lib/libperfshim.so.$SOMAJOR")" &&
	test_cmp_str "dev link" "libperfshim.so.$SOMAJOR" \
		"$(readlink "$P/lib/libperfshim.so")" &&
	cmp "$SHIM" "$P/lib/libperfshim.so.$VERSION"
'

test_expect_success 'LD_PRELOAD=libperfshim.so (the bare name) preloads from the library path' '
	mkdir traces &&
	{
		LD_LIBRARY_PATH="$P/lib" LD_PRELOAD=libperfshim.so \
			PERFSHIM_OUTPUT="$TRASH_DIRECTORY/traces/%p.zst" \
			"$PROGS/exit_status" exit 3 >out 2>err
		echo $? >code
	} &&
	test_cmp_str "exit status" 3 "$(cat code)" &&
	! grep "cannot be preloaded" err &&
	t=$(only_trace traces) &&
	"$ANALYZE" "$t" >summary &&
	grep "exit status 3" summary
'

# ldconfig -r works in a root of our own (a chroot, so as root): nothing
# of the system's is touched.
test_lazy_prereq ROOT 'test "$(id -u)" = 0'

test_expect_success ROOT 'ldconfig knows the library by its SONAME' '
	mk install DESTDIR="$TRASH_DIRECTORY/ldroot" PREFIX=/p >log 2>&1 &&
	mkdir -p ldroot/etc &&
	echo /p/lib >ldroot/etc/ld.conf &&
	ldconfig -X -r ldroot -f /etc/ld.conf -C /etc/ld.cache &&
	ldconfig -p -C ldroot/etc/ld.cache >cache.txt &&
	grep -F "libperfshim.so.$SOMAJOR (libc6,x86-64) => /p/lib/libperfshim.so.$SOMAJOR" cache.txt
'

test_expect_success 'make install runs ldconfig for a system prefix, and only there' '
	mk -n install PREFIX=/usr/local >n-system &&
	grep -x "ldconfig" n-system &&
	mk -n install PREFIX=/usr >n-usr &&
	grep -x "ldconfig" n-usr &&
	mk -n install PREFIX=/usr/local DESTDIR=/tmp/stage >n-destdir &&
	! grep -x "ldconfig" n-destdir &&
	mk -n install PREFIX="$TRASH_DIRECTORY/x" >n-private &&
	! grep -x "ldconfig" n-private
'

test_expect_success 'pkg-config --cflags --libs perfshim builds a program with perfshim.h' '
	cat >app.c <<-\EOF &&
	#include <perfshim.h>
	#include <stdio.h>
	#include <stdlib.h>
	int main(void)
	{
		for (int i = 0; i < 3; i++) {
			perfshim_mark("iteration");
			free(malloc(10));
		}
		printf("%d\n", perfshim_leak_check());
		return 0;
	}
	EOF
	flags=$(PKG_CONFIG_PATH="$P/lib/pkgconfig" pkg-config --cflags --libs perfshim) &&
	eval "set -- $flags" &&
	test_cmp_str "pkg-config --cflags --libs" "1 -I$P/include" "$# $1" &&
	eval "cc -std=gnu11 -Wall -Werror $flags -o app app.c" &&
	./app >native &&
	echo -1 >expect &&
	test_cmp expect native &&
	mkdir t2 &&
	LD_LIBRARY_PATH="$P/lib" LD_PRELOAD=libperfshim.so \
		PERFSHIM_OUTPUT="$TRASH_DIRECTORY/t2/%p.zst" ./app >traced &&
	echo 0 >expect &&
	test_cmp expect traced &&
	test_cmp_str modversion "$VERSION" \
		"$(PKG_CONFIG_PATH="$P/lib/pkgconfig" pkg-config --modversion perfshim)" &&
	test_cmp_str preload "$P/lib/libperfshim.so" \
		"$(PKG_CONFIG_PATH="$P/lib/pkgconfig" pkg-config --variable=preload perfshim)"
'

test_expect_success 'the installed perfanalyze and perfshim print the version' '
	"$P/bin/perfanalyze" --version >out &&
	"$P/bin/perfshim" --version >>out &&
	cat >expect <<-EOF &&
	perfanalyze $VERSION (trace format $FORMAT)
	perfshim $VERSION (trace format $FORMAT)
	EOF
	test_cmp expect out
'

test_expect_success 'the installed wrapper traces with the installed library' '
	{
		"$P/bin/perfshim" -o "w out" --fail-on-leak "$PROGS/gate" alpha \
			>out 2>err
		echo $? >code
	} &&
	test_cmp_str "exit status" 1 "$(cat code)" &&
	grep "^300 B in 1 block (definite)" err
'

# man_ok PAGE - man renders PAGE without a warning; its text in PAGE.txt.
man_ok () {
	MANWIDTH=80 man --warnings -l "$1" >"${1##*/}.txt" 2>"${1##*/}.warn" &&
	test_must_be_empty "${1##*/}.warn" &&
	grep -q "^NAME" "${1##*/}.txt" &&
	! grep -F "@VERSION@" "${1##*/}.txt" &&
	grep -F "perfshim $VERSION" "${1##*/}.txt"
}

# every_option TEXT HELP - each --option in HELP is in TEXT.
every_option () {
	grep -o -- "--[a-z][a-z-]*" "$2" | sort -u >opts &&
	test_file_not_empty opts &&
	sed "s/‐//g; s/-$//" "$1" | tr -d "\n" >flat &&
	while read -r o
	do
		grep -q -F -- "$o" flat || {
			echo >&2 "$1 does not mention $o"
			return 1
		}
	done <opts
}

test_expect_success 'man perfanalyze(1): renders, and names every option of --help' '
	man_ok "$P/share/man/man1/perfanalyze.1" &&
	"$ANALYZE" --help >help &&
	every_option perfanalyze.1.txt help
'

test_expect_success 'man perfshim(1): renders, and names every option of --help' '
	man_ok "$P/share/man/man1/perfshim.1" &&
	"$P/bin/perfshim" --help >help &&
	every_option perfshim.1.txt help &&
	grep "^EXIT STATUS" perfshim.1.txt
'

test_expect_success 'man perfshim(3): renders, the API and every environment variable' '
	man_ok "$P/share/man/man3/perfshim.3" &&
	for f in perfshim_zone_begin perfshim_zone_end PERFSHIM_ZONE \
		perfshim_mark perfshim_leak_check
	do
		grep -q "$f" perfshim.3.txt || return 1
	done &&
	sed -n "s/^| \`\(PERFSHIM_[A-Z_]*\)\`.*/\1/p" "$ROOT/README.md" >vars &&
	test_file_not_empty vars &&
	sed "s/‐//g" perfshim.3.txt | tr -d "\n" >flat &&
	while read -r v
	do
		grep -q "$v" flat || { echo >&2 "perfshim.3 lacks $v"; return 1; }
	done <vars
'

test_expect_success 'make uninstall removes every installed file' '
	mk uninstall PREFIX="$P" >log 2>&1 &&
	files "$P" >left &&
	test_must_be_empty left
'

test_expect_success 'DESTDIR: install stages under it, uninstall leaves nothing' '
	mk install DESTDIR="$TRASH_DIRECTORY/st age" PREFIX=/usr/local >log 2>&1 &&
	files "$TRASH_DIRECTORY/st age/usr/local" >actual &&
	test_cmp expect-files actual &&
	files "$TRASH_DIRECTORY/st age" >all &&
	sed "s|^|usr/local/|" expect-files >expect-all &&
	test_cmp expect-all all &&
	mk uninstall DESTDIR="$TRASH_DIRECTORY/st age" PREFIX=/usr/local >log 2>&1 &&
	files "$TRASH_DIRECTORY/st age" >left &&
	test_must_be_empty left
'

test_done
