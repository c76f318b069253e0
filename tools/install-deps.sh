#!/bin/sh
# install-deps.sh - install the Debian packages perfshim builds and tests with.
# Run by make when a dependency is missing; needs root (or sudo) and apt.
# Arguments: more packages to install (make test-exports: golang-go).
set -e
need=""
for p in "$@"; do need="$need $p"; done
have_pc() { pkg-config --exists "$1" 2>/dev/null; }
command -v pkg-config >/dev/null 2>&1 || need="$need pkg-config"
have_pc libunwind || need="$need libunwind-dev"
have_pc libdw || need="$need libdw-dev libelf-dev"
have_pc libzstd || need="$need libzstd-dev"
have_pc zlib || need="$need zlib1g-dev"
have_pc jansson || need="$need libjansson-dev"
command -v jq >/dev/null 2>&1 || need="$need jq"
command -v strace >/dev/null 2>&1 || need="$need strace"
command -v dwz >/dev/null 2>&1 || need="$need dwz"
command -v prove >/dev/null 2>&1 || need="$need perl"
command -v g++ >/dev/null 2>&1 || need="$need g++"
command -v clang-format >/dev/null 2>&1 || need="$need clang-format"
[ -n "$need" ] || exit 0
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
		echo "perfshim: missing packages:$need (run as root: apt-get install$need)" >&2
		exit 1
	fi
fi
echo "perfshim: installing$need" >&2
export DEBIAN_FRONTEND=noninteractive
# LLVM's libunwind-14-dev ships a conflicting libunwind.h: ours replaces it.
if dpkg -s libunwind-14-dev >/dev/null 2>&1; then
	${SUDO:-} apt-get remove -y -q libunwind-14-dev >&2
fi
${SUDO:-} apt-get update -q >&2 || true
${SUDO:-} apt-get install -y -q --no-install-recommends $need >&2
