#!/bin/bash
# sweep.sh - run real programs (nobody here wrote them) natively and under
# the shim, and report every case where the shim changed what they did or
# hung them: the gate's "trust" check (issue 11) beyond our own probes.
#
#   tools/sweep.sh [-j JOBS] [-t SECS] [-s SETTINGS] [-o DIR] [-l] [PATTERN...]
#
#   -j JOBS      cases run at once (default 2)
#   -t SECS      time limit of each run (default 30); over it is a hang
#   -s SETTINGS  comma list of shim settings (default: all of them):
#                  default  no PERFSHIM_* variable but the output
#                  hz10k    PERFSHIM_SAMPLE_HZ=10000
#                  dwarf    PERFSHIM_UNWIND=dwarf
#                  fp       PERFSHIM_UNWIND=fp
#   -o DIR       keep everything in DIR (default: a new directory in /tmp,
#                removed when every case was the same)
#   -l           list the cases and exit
#   -R           report only: print the table of an earlier run kept in
#                the -o DIR, running nothing
#   PATTERN      run only the cases whose name matches a shell pattern
#
# Each case is a bash command line (see CASES below) run in a fresh
# directory of its own, with ./fix a link to shared fixtures (text, a
# small make project, scripts, a C++ program). It runs once natively and
# once per setting with LD_PRELOAD=build/libperfshim.so and
# PERFSHIM_OUTPUT=DIR/%p.zst (so every process of the command line is
# traced), each under `timeout`. A shim run is "same" when its stdout,
# its exit status (128+N for a signal) and its stderr (without the lines
# that start with "perfshim:") equal the native run's, and every trace it
# wrote analyzes: `perfanalyze TRACE` and `perfanalyze TRACE --leaks`
# exit 0 and neither says the trace was cut short. Otherwise it is
# "DIFF" (output or status; the native run is repeated once, and a case
# whose native runs differ is "nondet", not the shim's fault), "HANG"
# (over the time limit) or "TRACE" (a trace that does not analyze).
#
# Output: one table row per case (its result under each setting), the
# differences of each non-"same" cell, and the exit status 0 when every
# cell is "same" (or nondet), 1 otherwise. Run it from the top of the
# tree after `make all`, and do not rebuild while it runs. Time, on two
# cores at load 7-8: 14.5 min for all settings (most of it the analyzer,
# ~0.4 s a trace, on ~350 traces), 3-4 min for `-s default`. The cases
# fd-budget and proc-fd differ on main (see tests/programs/pending).
set -u

JOBS=2
TLIMIT=${TLIMIT:-30}
CASE_ONLY=
if test "${1:-}" = --case; then
	# internal: one case, from the xargs below (settings in the environment)
	CASE_ONLY=$3
	OUT=$2
	set --
fi
SETTINGS=${SETTINGS:-default,hz10k,dwarf,fp}
OUT=${OUT:-}
LIST=
REPORT_ONLY=
while getopts j:t:s:o:lR opt; do
	case $opt in
	j) JOBS=$OPTARG ;;
	t) TLIMIT=$OPTARG ;;
	s) SETTINGS=$OPTARG ;;
	o) OUT=$OPTARG ;;
	l) LIST=1 ;;
	R) REPORT_ONLY=1 ;;
	*) sed -n '5,22p' "$0" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))

TOP=$(cd "$(dirname "$0")/.." && pwd)
SHIM=$TOP/build/libperfshim.so
ANALYZE=$TOP/build/perfanalyze
# The real interpreter: a pyenv shim script would add processes of its own.
PY=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null || echo python3)

# name|command line (bash, run in the case's directory; ./fix = fixtures)
CASES=$(cat <<'EOF'
ls-R|ls -laR /usr/share/doc | head -300
sort|sort -k2,2 -k1,1n fix/words.txt | sha256sum
sort-par|sort --parallel=2 -S 64K -T . fix/words.txt | sha256sum
uniq|sort fix/words.txt | cut -d' ' -f2 | uniq -c | sort -k1,1nr -k2 | head
wc|wc fix/words.txt; wc -l < fix/words.txt
tr|tr a-z A-Z < fix/words.txt | tail -3
sed|sed -n 's/w\([0-9]*\)$/<\1>/p' fix/words.txt | sha256sum
awk|awk '{s[$2] += $1; n++} END {k = 0; for (w in s) k++; print n, k, s["w7"]}' fix/words.txt
find|find /usr/share/doc -name '*.gz' | sort | head -40; find fix/ -type f | sort
xargs-P4|find /usr/share/doc -type f | sort | head -120 | xargs -P4 -n30 sha256sum | sort | sha256sum
split|split -l 997 fix/words.txt part. && ls part.* | wc -l && cat part.* | cmp - fix/words.txt && echo same
tar-gzip|(cd /usr/share/doc && tar -cf - [a-f]*) | gzip -1 | gzip -dc | tar -tf - | sort | sha256sum
tar-xz|(cd /usr/share/doc && tar -cf - [a-f]*) | xz -T2 -0 | xz -dc | tar -tf - | sort | sha256sum
tar-zstd|(cd /usr/share/doc && tar -cf - [a-f]*) | zstd -q -T2 -3 | zstd -q -dc | tar -tf - | sort | sha256sum
xz-T2|xz -T2 -3 -c fix/big.txt | xz -dc | sha256sum
zstd-T2|zstd -q -T2 -c fix/big.txt | zstd -q -dc | sha256sum
sha256sum|sha256sum fix/words.txt fix/big.txt
date|date -u -d @1234567890 '+%F %T %A %j'; TZ=America/New_York date -d @0
env|env -u HOME printenv TZ LC_ALL; env X=1 sh -c 'echo $X'
timeout|timeout 0.3 sleep 5; echo $?; timeout -s INT 0.3 sleep 5; echo $?; timeout 5 true; echo $?
nohup|nohup sh -c 'echo hi; exit 3' > out 2>/dev/null; echo $?; cat out
stdbuf|stdbuf -oL tr a-z A-Z < fix/words.txt | head -3; stdbuf -o0 -e0 echo ok
yes-head|yes abc | head -2; echo "${PIPESTATUS[@]}"
bash-script|bash fix/script.sh
sh-script|sh fix/script.sh
bash-trap|trap 'echo got USR1' USR1; kill -USR1 $$; echo after; trap 'echo on exit' EXIT; exit 3
bash-selfkill|echo before; kill -TERM $$; echo not reached
bash-wait|for i in 3 1 2; do (sleep 0.$i; exit $i) & p[$i]=$!; done; for i in 1 2 3; do wait ${p[$i]}; echo "$i: $?"; done
bash-nomon|set +m; sleep 0.2 & sleep 0.1 & wait; echo all done; (trap 'echo sub exit' EXIT; exit 5); echo $?
perl-hash|perl -e 'my %h; $h{$_ % 1000} .= "x" for 1..200000; print scalar(keys %h), " ", length($h{7}), "\n"'
perl-fork|perl -e 'for my $i (1..4) { my $p = fork; if (!$p) { my @a = map { "x" x $_ } 1..2000; exit $i } waitpid($p, 0); print "child ", $? >> 8, "\n" }'
perl-alarm|perl -e '$SIG{ALRM} = sub { print "alarm\n"; exit 4 }; alarm 1; my $x = 0; while (1) { $x++ }'
perl-sig|perl -e '$SIG{USR1} = sub { print "usr1\n" }; kill "USR1", $$; select(undef, undef, undef, 0.1); print "ok\n"; kill "TERM", $$; sleep 1'
py-threads|PY fix/threads.py
py-mp|PY fix/mp.py
py-subprocess|PY -c 'import subprocess; r = subprocess.run(["sh", "-c", "echo out; echo err >&2; exit 7"], capture_output=True); print(r.returncode, r.stdout, r.stderr); print(subprocess.check_output(["sort"], input=b"b\na\n"))'
py-signal|PY fix/sig.py
py-fork|PY -c 'import os; pid = os.fork()
if pid == 0:
    l = [str(i) * 10 for i in range(10000)]; os._exit(9)
print(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))'
py-select|PY fix/sel.py
py-socket|PY fix/sock.py
py-dlopen|PY -c 'import ctypes, decimal, sqlite3, zlib, hashlib, json, _ctypes, array, math; print(decimal.Decimal(1) / 7, zlib.crc32(b"abc"), hashlib.sha256(b"x").hexdigest()[:8], ctypes.CDLL("libm.so.6").labs(-3), sqlite3.connect(":memory:").execute("select 6*7").fetchone())'
make-j2|cp -r fix/proj p && make -s -j2 -C p && p/app
gcc|gcc -O2 -Wall -o h fix/hello.c && ./h; echo $?
g++|g++ -O1 -o s fix/small.cpp && ./s; echo $?
cxx-exc|fix/exc
git|export HOME=$PWD; git init -q r && cd r && git config user.email a@b && git config user.name A && seq 300 > f && git add f && git commit -qm one && seq 2 301 > f && git commit -qam two && git log --format='%s %an %ae' && git gc -q && git count-objects -v | grep -c . && git diff HEAD~1 --stat
sqlite3|sqlite3 :memory: < fix/q.sql
fd-budget|ulimit -n 40; PY -c 'import os
n = 0
try:
    while True: os.open("/dev/null", 0); n += 1
except OSError as e: print(n, e.strerror)'
proc-fd|ls /proc/self/fd | wc -l
EOF
)
CASES=${CASES//PY /$PY }

if test -n "$LIST"; then
	echo "$CASES" | grep -o '^[^|]*|' | tr -d '|'
	exit 0
fi

# fixtures DIR - what the cases read (deterministic, made natively).
fixtures() {
	mkdir -p "$1" && cd "$1" || exit 2
	seq 1 20000 | awk '{ print ($1 * 7919) % 10007, "w" ($1 % 97) }' >words.txt
	for i in 1 2 3 4 5 6 7 8; do cat words.txt; done >big.txt
	cat >script.sh <<'SH'
f() { echo "f $1"; return $(($1 % 3)); }
for i in 1 2 3; do f $i; echo "status $?"; done
x=$(echo sub | tr a-z A-Z); echo "$x"
(cd /; echo "in subshell $(pwd)"); echo "back ok"
echo a b c | while read a b c; do echo "$c $b $a"; done
trap 'echo trapped INT' INT; kill -INT $$; echo after trap
sleep 0.1 & p=$!; wait $p; echo "waited $?"
(exit 4) & wait $!; echo "bg status $?"
seq 5 | { read a; read b; echo "$a$b"; cat; } | tail -1
trap 'echo bye' EXIT
exit 2
SH
	cat >threads.py <<'PY'
import threading, queue
q = queue.Queue(); out = []; lk = threading.Lock()
def work(n):
    s = sum(i * i for i in range(20000 + n))
    with lk: out.append((n, s))
    q.put(n)
ts = [threading.Thread(target=work, args=(i,)) for i in range(8)]
for t in ts: t.start()
for t in ts: t.join()
print(sorted(out)[:2], sorted(q.get() for _ in range(8)))
ev = threading.Event(); print(ev.wait(0.05))
PY
	cat >mp.py <<'PY'
import multiprocessing as mp
def sq(x): return [x * x] * (x % 50)
if __name__ == "__main__":
    with mp.Pool(3) as p: r = p.map(sq, range(300))
    print(sum(len(v) for v in r), r[7])
    q = mp.Queue(); pr = mp.Process(target=q.put, args=("hi",)); pr.start()
    print(q.get()); pr.join(); print(pr.exitcode)
PY
	cat >sig.py <<'PY'
import signal, os, time, sys
got = []
signal.signal(signal.SIGUSR1, lambda s, f: got.append(s))
os.kill(os.getpid(), signal.SIGUSR1)
signal.signal(signal.SIGALRM, lambda s, f: got.append(s))
signal.setitimer(signal.ITIMER_REAL, 0.05)
time.sleep(0.3)
print(got)
print(signal.sigtimedwait([signal.SIGUSR2], 0.05))
signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGUSR2])
os.kill(os.getpid(), signal.SIGUSR2)
print(signal.sigwait([signal.SIGUSR2]))
sys.stdout.flush()
signal.signal(signal.SIGTERM, signal.SIG_DFL)
os.kill(os.getpid(), signal.SIGTERM)
PY
	cat >sel.py <<'PY'
import os, select, time
r, w = os.pipe()
print(select.select([r], [], [], 0.05))
p = select.poll(); p.register(r, select.POLLIN); print(p.poll(50))
e = select.epoll(); e.register(r, select.EPOLLIN); print(e.poll(0.05))
os.write(w, b"x"); print(select.select([r], [], [], 1)[0] == [r], p.poll(1000))
PY
	cat >sock.py <<'PY'
import socket, threading
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen()
def serve():
    c, _ = s.accept()
    with c:
        while d := c.recv(4096):
            c.sendall(d.upper())
t = threading.Thread(target=serve); t.start()
c = socket.create_connection(s.getsockname())
n = 0
for i in range(200):
    c.sendall(b"ab" * 100); m = b""
    while len(m) < 200: m += c.recv(4096)
    n += len(m)
c.close(); t.join(); print(n, m[:4])
a, b = socket.socketpair(); a.settimeout(0.05)
try: a.recv(1)
except socket.timeout: print("timeout")
PY
	cat >q.sql <<'SQL'
create table t(a integer primary key, b text);
with recursive c(x) as (select 1 union all select x + 1 from c where x < 5000)
insert into t select x, hex(x * 7919) from c;
create index tb on t(b);
select count(*), sum(a), min(b), max(b) from t;
select b from t where a % 1000 = 0 order by b;
.mode csv
select a, length(b) from t where a < 4;
SQL
	mkdir -p proj
	for i in 1 2; do
		printf 'int f%d(int x) { return x * %d + 1; }\n' $i $i >proj/f$i.c
	done
	printf '#include <stdio.h>\n%s\nint main(void) { printf("%%d\\n", %s); return 0; }\n' \
		"$(for i in 1 2; do printf 'int f%d(int);' $i; done)" \
		'f1(f2(1))' >proj/main.c
	printf 'OBJ = main.o f1.o f2.o\napp: $(OBJ)\n\t$(CC) -o $@ $(OBJ)\n' >proj/Makefile
	cat >hello.c <<'C'
#include <stdio.h>
#include <stdlib.h>
int main(void) { char *p = malloc(100); puts("hello"); free(p); return 3; }
C
	cat >small.cpp <<'CXX'
#include <cstdio>
#include <stdexcept>
int main(int argc, char **)
{
	try {
		if (argc)
			throw std::runtime_error("thrown");
	} catch (const std::exception &e) {
		std::puts(e.what());
	}
	return 4;
}
CXX
	cat >exc.cpp <<'CXX'
#include <cstdio>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>
#include <exception>
#include <atomic>
static std::atomic<int> caught;
static void work(int id, std::exception_ptr *out)
{
	for (int i = 0; i < 2000; i++) {
		try {
			if (i % 3 == 0)
				throw std::runtime_error("e" + std::to_string(i));
			std::vector<std::string> v(i % 7, "x");
		} catch (const std::exception &e) {
			caught++;
		}
	}
	try {
		throw std::out_of_range("thread " + std::to_string(id));
	} catch (...) {
		*out = std::current_exception();
	}
}
int main()
{
	std::vector<std::thread> ts;
	std::vector<std::exception_ptr> ex(4);
	for (int i = 0; i < 4; i++)
		ts.emplace_back(work, i, &ex[i]);
	for (auto &t : ts)
		t.join();
	for (auto &e : ex) {
		try {
			std::rethrow_exception(e);
		} catch (const std::out_of_range &r) {
			std::printf("%s\n", r.what());
		}
	}
	std::printf("caught %d\n", caught.load());
	return 0;
}
CXX
	g++ -O2 -pthread -o exc exc.cpp || exit 2
}

# setting_env NAME - the PERFSHIM_* assignments of a setting.
setting_env() {
	case $1 in
	default) ;;
	hz10k) echo PERFSHIM_SAMPLE_HZ=10000 ;;
	dwarf) echo PERFSHIM_UNWIND=dwarf ;;
	fp) echo PERFSHIM_UNWIND=fp ;;
	*) echo >&2 "sweep: unknown setting $1"; exit 2 ;;
	esac
}

# run_one CASE RUN [SETTING] - run a case in $OUT/CASE/RUN (.out .err .code,
# traces in RUN.tr).
run_one() {
	local name=$1 run=$2 dir=$OUT/$1/$2 cmd
	cmd=$(echo "$CASES" | awk -v n="$name" '
		index($0, n "|") == 1 { p = 1; print substr($0, length(n) + 2); next }
		p && /^[^|]*\|/ { exit }
		p { print }')
	rm -rf "$dir" "$dir.tr" && mkdir -p "$dir" "$dir.tr"
	ln -s "$OUT/fix" "$dir/fix"
	(
		cd "$dir" || exit 2
		if test $# = 3; then
			timeout -k 5 "$TLIMIT" env LD_PRELOAD="$SHIM" \
				PERFSHIM_OUTPUT="$dir.tr/%p.zst" \
				$(setting_env "$3") bash -c "$cmd"
		else
			timeout -k 5 "$TLIMIT" bash -c "$cmd"
		fi >"$dir.out" 2>"$dir.err0" </dev/null
		echo $? >"$dir.code"
	)
	grep -v '^perfshim:' "$dir.err0" >"$dir.err"
}

# traces_ok DIR - every trace in DIR analyzes; prints why not.
traces_ok() {
	local t ok=0
	for t in "$1"/*; do
		test -f "$t" || continue
		timeout 60 "$ANALYZE" "$t" >"$t.sum" 2>&1 ||
			{ echo "  $t: summary exit $?"; ok=1; }
		timeout 60 "$ANALYZE" "$t" --leaks >"$t.leaks" 2>&1 ||
			{ echo "  $t: --leaks exit $?"; ok=1; }
		if grep -q 'cut short' "$t.sum" "$t.leaks"; then
			echo "  $t: cut short"
			ok=1
		fi
	done
	return $ok
}

same_run() {
	cmp -s "$1.out" "$2.out" && cmp -s "$1.err" "$2.err" &&
		cmp -s "$1.code" "$2.code"
}

# sweep_case CASE - native run, one run per setting; writes CASE/result.
sweep_case() {
	local name=$1 s d res line=
	run_one "$name" native
	for s in ${SETTINGS//,/ }; do
		run_one "$name" "$s" "$s"
		d=$OUT/$name/$s
		read -r code <"$d.code"
		if test "$code" = 124 || test "$code" = 137; then
			read -r ncode <"$OUT/$name/native.code"
			if test "$ncode" = 124 || test "$ncode" = 137; then
				res=slow
			else
				res=HANG
			fi
		elif ! same_run "$OUT/$name/native" "$d"; then
			run_one "$name" native2
			if same_run "$OUT/$name/native" "$OUT/$name/native2"; then
				res=DIFF
			else
				res=nondet
			fi
		elif ! traces_ok "$d.tr" >"$d.why"; then
			res=TRACE
		else
			res=same
		fi
		line="$line $res"
	done
	echo "$line" >"$OUT/$name/result"
}

if test -n "$CASE_ONLY"; then
	sweep_case "$CASE_ONLY"
	exit 0
fi

test -x "$SHIM" && test -x "$ANALYZE" || {
	echo >&2 "sweep: build first (make all): $SHIM"
	exit 2
}
keep=
if test -n "$REPORT_ONLY" && test -z "$OUT"; then
	echo >&2 "sweep: -R needs the -o DIR of an earlier run"
	exit 2
fi
if test -n "$OUT"; then
	keep=1
	mkdir -p "$OUT"
else
	OUT=$(mktemp -d /tmp/sweep.XXXXXX)
fi
OUT=$(cd "$OUT" && pwd)
export TZ=UTC LC_ALL=C TLIMIT SETTINGS SHIM ANALYZE CASES
test -n "$REPORT_ONLY" || (fixtures "$OUT/fix") || exit 2

names=$(echo "$CASES" | grep -o '^[^| ]*|' | tr -d '|')
sel=
for n in $names; do
	if test $# = 0; then
		sel="$sel $n"
		continue
	fi
	for p; do
		# shellcheck disable=SC2254
		case $n in $p) sel="$sel $n"; break ;; esac
	done
done

start=$(date +%s)
test -n "$REPORT_ONLY" ||
	printf '%s\n' $sel | xargs -P "$JOBS" -I{} bash "$0" --case "$OUT" {}

status=0
printf '%-14s' case
for s in ${SETTINGS//,/ }; do printf ' %-7s' "$s"; done
echo
for n in $sel; do
	printf '%-14s' "$n"
	for r in $(cat "$OUT/$n/result" 2>/dev/null || echo missing); do
		printf ' %-7s' "$r"
		case $r in same | nondet | slow) ;; *) status=1 ;; esac
	done
	echo
done
for n in $sel; do
	for s in ${SETTINGS//,/ }; do
		d=$OUT/$n/$s
		test -f "$d.code" || continue
		read -r code <"$d.code"
		read -r ncode <"$OUT/$n/native.code"
		same_run "$OUT/$n/native" "$d" && ! test -s "$d.why" && continue
		echo "== $n [$s]: status $ncode native, $code under the shim"
		diff "$OUT/$n/native.out" "$d.out" | head -10
		diff "$OUT/$n/native.err" "$d.err" | sed 's/^/stderr /' | head -10
		test -s "$d.why" && head -5 "$d.why"
	done
done
echo "sweep: $(($(date +%s) - start)) s, results in $OUT"
test -z "$keep" && test $status = 0 && rm -rf "$OUT"
exit $status
