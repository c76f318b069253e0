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
SHOT=${1:-$B/browser/report.png}
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
export CHROMIUM PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
out=$B/browser

skip () {
	echo "SKIP: test-browser: $*"
	exit 0
}

if ! test -x "$CHROMIUM"; then
	sudo=
	test "$(id -u)" = 0 || sudo=sudo
	$sudo apt-get install -y chromium >/dev/null 2>&1 ||
		{ $sudo apt-get update >/dev/null 2>&1 &&
		  $sudo apt-get install -y chromium >/dev/null 2>&1; } ||
		skip "cannot install Debian's chromium"
fi
command -v node >/dev/null && command -v npm >/dev/null ||
	skip "no node and npm to drive Chromium (apt-get install nodejs npm)"
if ! test -d tests/browser/node_modules/playwright-core; then
	(cd tests/browser && npm ci --no-audit --no-fund >/dev/null) ||
		skip "cannot install playwright-core from the npm registry"
fi

# Known truth: tools/demo-leaky.c leaks 12400 bytes in open_session
# (definite) and grows by 81.4 bytes per request marker: GROWING.
rm -rf "$out" && mkdir -p "$out" || exit 1
PERFSHIM_OUTPUT=$out/leaky.zst LD_PRELOAD=$PWD/$B/libperfshim.so \
	$B/demo/leaky >/dev/null || exit 1
$B/perfanalyze $out/leaky.zst --html -o $out/report.html || exit 1
PERFSHIM_OUTPUT=$out/true.zst LD_PRELOAD=$PWD/$B/libperfshim.so /bin/true ||
	exit 1
$B/perfanalyze $out/true.zst --html -o $out/empty.html 2>/dev/null || exit 1

rc=0
node tests/browser/check.js report $out/report.html "$SHOT" open_session \
	12400 GROWING || rc=1
node tests/browser/check.js empty $out/empty.html || rc=1
node tests/browser/check.js big $out/report.html 100000 || rc=1
test $rc = 0 && echo "test-browser: all passed; screenshot $SHOT"
exit $rc
