#!/bin/sh
# run.sh - make test-browser: open perfanalyze's HTML report in headless
# Chromium (Debian's chromium, driven by playwright-core, no browser
# download) and check it (check.js). Installs what it needs; says SKIP
# only when chromium or the node packages truly cannot be installed.
#
#   B=build sh tests/browser/run.sh [SCREENSHOT]
set -u
cd "$(dirname "$0")/../.."
B=${B:-build}
case $B in
/*) lib=$B/libperfshim.so ;;
*) lib=$PWD/$B/libperfshim.so ;;
esac
SHOT=${1:-$B/browser/report.png}
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
export CHROMIUM PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
out=$B/browser

skip () {
	echo "SKIP: test-browser: $*"
	exit 0
}

# Debian's chromium, node and npm; apt-get as root (or through sudo).
need=
test -x "$CHROMIUM" || need="$need chromium"
command -v node >/dev/null 2>&1 || need="$need nodejs"
command -v npm >/dev/null 2>&1 || need="$need npm"
if test -n "$need"; then
	echo "test-browser: installing$need (apt-get)"
	tools/install-deps.sh $need || skip "cannot install$need"
	test -x "$CHROMIUM" || skip "no $CHROMIUM after installing chromium"
fi
# playwright-core as the committed lockfile pins it (no browser download).
if ! test -d tests/browser/node_modules/playwright-core; then
	echo "test-browser: npm ci (playwright-core)"
	(cd tests/browser && npm ci --no-audit --no-fund >/dev/null) ||
		skip "cannot install playwright-core from the npm registry"
fi

# Known truth: tools/demo-leaky.c leaks 12400 bytes in open_session
# (definite) and grows by 81.4 bytes per request marker: GROWING.
rm -rf "$out" && mkdir -p "$out" || exit 1
PERFSHIM_OUTPUT=$out/leaky.zst LD_PRELOAD=$lib \
	$B/demo/leaky >/dev/null || exit 1
$B/perfanalyze $out/leaky.zst --html -o $out/report.html || exit 1
PERFSHIM_OUTPUT=$out/true.zst LD_PRELOAD=$lib /bin/true ||
	exit 1
$B/perfanalyze $out/true.zst --html -o $out/empty.html 2>/dev/null || exit 1
PERFSHIM_OUTPUT=$out/zones.zst LD_PRELOAD=$lib $B/tests/programs/zones \
	>/dev/null || exit 1
$B/perfanalyze $out/zones.zst --html -o $out/zones.html 2>/dev/null || exit 1

# check MODE ARGS... - one check.js run (TAP), kept for the count.
check () {
	node tests/browser/check.js "$@" >"$out/tap.$1" 2>&1 || rc=1
	cat "$out/tap.$1"
}
rc=0
check report $out/report.html "$SHOT" open_session 12400 GROWING
check empty $out/empty.html
check zones $out/zones.html
check diff $out/report.html
check big $out/report.html 100000
pass=$(cat "$out"/tap.* | grep -c "^ok ")
fail=$(cat "$out"/tap.* | grep -c "^not ok")
test "$fail" = 0 || rc=1
test "$rc" = 0 || test "$fail" != 0 || fail=1 # a run that died untold
echo "screenshot: $SHOT"
echo "test-browser: $pass passed, $fail failed"
exit $rc
