#!/bin/sh

test_description='real programs under the shim: same output and status, traces that analyze'

. "$(dirname "$0")/test-lib.sh"

# The real python binary: /usr/bin/python3 may be a wrapper script (pyenv)
# that would run many traced processes before python itself.
test_lazy_prereq PYTHON3 '
	command -v python3 &&
	python3 -c "import sys; print(sys.executable)" >"$TRASH_DIRECTORY/.python" &&
	test -x "$(cat "$TRASH_DIRECTORY/.python")"
'
test_lazy_prereq SQLITE3 'command -v sqlite3'
test_lazy_prereq GCC 'command -v gcc'

# every_trace_analyzes DIR - each trace in DIR (there is at least one)
# gives a summary and a JSON leak report with exit 0, and none is cut short.
every_trace_analyzes () {
	set -- "$1"/*
	test -f "$1" || {
		echo >&2 "no trace written"
		return 1
	}
	for t
	do
		analyze_status s "$t" &&
		test_cmp_str "perfanalyze $t" 0 "$(cat s.code)" &&
		analyze_status j "$t" --leaks --json &&
		test_cmp_str "perfanalyze $t --leaks --json" 0 "$(cat j.code)" &&
		jq -e ".summary.unclassified.bytes >= 0" j.out >/dev/null || return 1
		if grep "cut short" s.err
		then
			echo >&2 "$t was cut short"
			return 1
		fi
	done
}

PYPROG='
import json, sys
d = {str(i): list(range(i % 17)) for i in range(20000)}
s = json.dumps(d, sort_keys=True)
print(len(s), sum(len(v) for v in d.values()))
print("to stderr", file=sys.stderr)
class Node:
    def __init__(self, n): self.n = n; self.kids = []
root = Node(0)
for i in range(5000):
    root.kids.append(Node(i))
print(sum(k.n for k in root.kids))
sys.exit(3)
'

test_expect_success PYTHON3 'python3: same output and exit status' '
	py=$(cat .python) &&
	capture py.native "$py" -c "$PYPROG" &&
	mkdir tr-py &&
	capture_traced py.shim tr-py/py.%p.zst "$py" -c "$PYPROG" &&
	test_same_run py.native py.shim &&
	test_cmp_str status 3 "$(cat py.shim.code)" &&
	every_trace_analyzes tr-py
'

test_expect_success PYTHON3 'python3 running a subprocess: same output' '
	py=$(cat .python) &&
	prog="import subprocess; print(subprocess.run([\"echo\", \"hi\"], capture_output=True).stdout)" &&
	capture pysub.native "$py" -c "$prog" &&
	mkdir tr-pysub &&
	capture_traced pysub.shim tr-pysub/t.%p.zst "$py" -c "$prog" &&
	test_same_run pysub.native pysub.shim &&
	every_trace_analyzes tr-pysub
'

SQL="
create table t(a integer primary key, b text);
with recursive c(x) as (select 1 union all select x + 1 from c where x < 20000)
insert into t select x, printf('row %d', x) from c;
create index tb on t(b);
select count(*), sum(a), max(b) from t;
select b from t where a % 5000 = 0 order by a;
"

test_expect_success SQLITE3 'sqlite3: same output and exit status' '
	capture sql.native sqlite3 :memory: "$SQL" &&
	mkdir tr-sql &&
	capture_traced sql.shim tr-sql/sql.%p.zst sqlite3 :memory: "$SQL" &&
	test_same_run sql.native sql.shim &&
	test_cmp_str status 0 "$(cat sql.shim.code)" &&
	every_trace_analyzes tr-sql
'

test_expect_success SQLITE3 'sqlite3 with an SQL error: same message and status' '
	capture sqlerr.native sqlite3 :memory: "select * from no_such_table;" &&
	mkdir tr-sqlerr &&
	capture_traced sqlerr.shim tr-sqlerr/t.%p.zst sqlite3 :memory: "select * from no_such_table;" &&
	test_same_run sqlerr.native sqlerr.shim &&
	! test_cmp_str status 0 "$(cat sqlerr.shim.code)" 2>/dev/null &&
	every_trace_analyzes tr-sqlerr
'

test_expect_success GCC 'gcc -c: same output, the same object file' '
	cat >hello.c <<-\EOF &&
	#include <stdio.h>
	static int square(int x) { return x * x; }
	int main(void) { printf("%d\n", square(7)); return 0; }
	EOF
	capture gcc.native gcc -O1 -c hello.c -o native.o &&
	mkdir tr-gcc &&
	capture_traced gcc.shim tr-gcc/gcc.%p.zst gcc -O1 -c hello.c -o shim.o &&
	test_same_run gcc.native gcc.shim &&
	cmp native.o shim.o &&
	ls tr-gcc >gcc.ls &&
	test_line_count -ge 2 gcc.ls &&
	every_trace_analyzes tr-gcc
'

# The assembler keeps values such as -16 in rbp: a frame-pointer walk
# whose bounds check wrapped around read there and crashed it.
test_expect_success GCC 'gcc -c with PERFSHIM_UNWIND=fp and sampling: same output, same object' '
	mkdir tr-gcc-fp &&
	PERFSHIM_UNWIND=fp PERFSHIM_SAMPLE_HZ=10000 \
		capture_traced gcc.fp tr-gcc-fp/gcc.%p.zst gcc -O1 -c hello.c -o fp.o &&
	test_same_run gcc.native gcc.fp &&
	cmp native.o fp.o &&
	every_trace_analyzes tr-gcc-fp
'

test_expect_success GCC 'gcc with a compile error: same diagnostics and status' '
	printf "int main(void) { return undeclared; }\n" >bad.c &&
	capture gccbad.native gcc -c bad.c -o bad.o &&
	mkdir tr-gccbad &&
	capture_traced gccbad.shim tr-gccbad/t.%p.zst gcc -c bad.c -o bad.o &&
	test_same_run gccbad.native gccbad.shim &&
	test_cmp_str status 1 "$(cat gccbad.shim.code)"
'

test_expect_success 'sort: same output' '
	seq 1 30000 >nums &&
	capture sort.native sort -r -n nums &&
	mkdir tr-sort &&
	capture_traced sort.shim tr-sort/t.%p.zst sort -r -n nums &&
	test_same_run sort.native sort.shim &&
	every_trace_analyzes tr-sort
'

test_expect_success 'a shell pipeline, every process traced: same output' '
	script="for i in 1 2 3; do echo line \$i; done | tr a-z A-Z | sort -r" &&
	capture sh.native sh -c "$script" &&
	mkdir tr-sh &&
	capture_traced sh.shim tr-sh/t.%p.zst sh -c "$script" &&
	test_same_run sh.native sh.shim &&
	every_trace_analyzes tr-sh
'

test_done
