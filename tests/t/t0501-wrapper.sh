#!/bin/sh

test_description='the perfshim wrapper: options, gates, exit status, fresh trace directories, children, spaces, static programs'

. "$(dirname "$0")/test-lib.sh"

WRAP=$PERFSHIM_BUILD/perfshim
test -x "$WRAP" || {
	say "Bail out! $WRAP is not built (run make)"
	exit 1
}

# wrap PREFIX ARGS... - run the wrapper (under a time limit), its stdout,
# stderr and exit status in PREFIX.out, .err, .code. Fails only on a hang.
wrap () {
	wrap_p_=$1
	shift
	timeout 120 "$WRAP" "$@" >"$wrap_p_.out" 2>"$wrap_p_.err"
	echo $? >"$wrap_p_.code"
	test "$(cat "$wrap_p_.code")" != 124
}

# code_is PREFIX N - the run left exit status N.
code_is () {
	test_cmp_str "exit status (stderr: $(tail -n 3 "$1.err"))" "$2" "$(cat "$1.code")"
}

test_lazy_prereq STATIC '
	printf "#include <stdio.h>\nint main(void) { puts(\"ran\"); return 0; }\n" >s.c &&
	cc -static -o static-prog s.c
'

test_expect_success 'a gate option passes through: leaks fail the gate with status 1' '
	wrap r --fail-on-leak "$PROGS/gate" both &&
	code_is r 1 &&
	test_must_be_empty r.out &&
	grep "^300 B in 1 block (definite)" r.err &&
	grep "^200 B in 2 blocks (definite)" r.err
'

test_expect_success 'the gate passes: status 0' '
	wrap r --fail-on-leak "$PROGS/gate" none &&
	code_is r 0 &&
	grep "^No leaks" r.err
'

test_expect_success 'options with values pass through, in order, also as --opt=value' '
	wrap r --fail-on-leak --min-bytes 250 "$PROGS/gate" both &&
	code_is r 1 &&
	grep "^300 B in" r.err &&
	! grep "^200 B in" r.err &&
	wrap r2 --fail-on-leak --min-bytes=400 "$PROGS/gate" both &&
	code_is r2 0 &&
	wrap r3 --leak-kinds=indirect --fail-on-leak "$PROGS/gate" both &&
	code_is r3 0
'

# (exit_status ends its stderr without a newline: the wrapper's first
# line follows on the same line.)
test_expect_success 'without a gate: the program'"'"'s own status and stdout' '
	capture native "$PROGS/exit_status" exit 3 &&
	code_is native 3 &&
	wrap r "$PROGS/exit_status" exit 3 &&
	code_is r 3 &&
	test_cmp native.out r.out &&
	grep "perfshim: trace written to" r.err &&
	grep "exit status 3" r.err &&
	wrap r2 --fail-on-leak "$PROGS/exit_status" exit 5 &&
	code_is r2 5
'

test_expect_success 'a program killed by a signal: 128 + the signal' '
	wrap r sh -c "kill -TERM \$\$" &&
	code_is r 143 &&
	grep "killed by signal 15" r.err
'

test_expect_success '-o reused: the second run reports its own trace only' '
	mkdir out &&
	wrap r1 -o out --leaks "$PROGS/gate" alpha &&
	wrap r2 -o out --leaks "$PROGS/gate" beta &&
	grep "^300 B in" r1.err &&
	grep "^200 B in" r2.err &&
	! grep "^300 B in" r2.err &&
	ls out >dirs &&
	test_line_count = 2 dirs &&
	t1=$(sed -n "s/^perfshim: trace written to //p" r1.err) &&
	t2=$(sed -n "s/^perfshim: trace written to //p" r2.err) &&
	test -f "$t1" && test -f "$t2" &&
	test "$(dirname "$t1")" != "$(dirname "$t2")"
'

test_expect_success '-o names a directory to create; not a file' '
	wrap r -o new/deeper "$PROGS/gate" none &&
	code_is r 0 &&
	ls new/deeper/perfshim.gate.*/*.zst &&
	: >a-file &&
	wrap r2 -o a-file "$PROGS/exit_status" exit 0 &&
	code_is r2 2 &&
	test_must_be_empty r2.out &&
	grep "not a directory" r2.err
'

test_expect_success 'paths with spaces: the program, -o and a suppressions file' '
	mkdir "my dir" &&
	cp "$PROGS/gate" "my dir/my gate" &&
	echo "leak:gate_leak_alpha" >"my supp" &&
	wrap r -o "trace dir" --fail-on-leak --suppressions "my supp" \
		"my dir/my gate" both &&
	code_is r 1 &&
	! grep "^300 B in" r.err &&
	grep "^200 B in" r.err &&
	ls "trace dir"/perfshim.my_gate.*/*.zst
'

test_expect_success 'each process of the run is reported, the program first' '
	wrap r --leaks "$PROGS/fork" leak &&
	code_is r 0 &&
	parent=$(sed -n "s/^parent //p" r.out) &&
	child=$(sed -n "s/^child //p" r.out) &&
	grep "^perfshim: 2 traces written to" r.err &&
	grep -n "^== .*/$parent.zst (the program, pid $parent)\$" r.err >p &&
	grep -n "^== .*/$child.zst (pid $child)\$" r.err >c &&
	test "$(cut -d: -f1 p)" -lt "$(cut -d: -f1 c)" &&
	sed -n "$(cut -d: -f1 p),$(cut -d: -f1 c)p" r.err >parent.txt &&
	sed -n "$(cut -d: -f1 c),\$p" r.err >child.txt &&
	grep "^1.1 KiB in 1 block (definite)" parent.txt &&
	! grep "^444 B in" parent.txt &&
	grep "^444 B in 2 blocks (definite)" child.txt
'

test_expect_success 'a gate fails when only a child (through exec) leaks' '
	wrap r --fail-on-leak "$PROGS/fork" exec "$PROGS/gate" alpha &&
	code_is r 1 &&
	grep "^perfshim: 3 traces written to" r.err &&
	grep "^300 B in 1 block (definite)" r.err
'

test_expect_success STATIC 'a static program: a clear message, status 2, not run' '
	wrap r ./static-prog &&
	code_is r 2 &&
	test_must_be_empty r.out &&
	grep "^perfshim: ./static-prog is statically linked" r.err
'

test_expect_success STATIC 'exec of a static program: no trace of it, said; a gate fails with 2' '
	wrap r --fail-on-leak "$PROGS/fork" exec ./static-prog &&
	code_is r 2 &&
	grep "replaced by exec of a program that made no trace (a static or set-user-ID program" r.err &&
	grep "^perfshim: a gate was asked for, and a trace could not be checked: failing" r.err &&
	wrap r2 "$PROGS/fork" exec ./static-prog &&
	code_is r2 0
'

test_expect_success 'no trace: said; a gate then fails with 2, else the program'"'"'s status' '
	PERFSHIM_DISABLE=1 && export PERFSHIM_DISABLE &&
	wrap r --fail-on-leak "$PROGS/gate" none &&
	code_is r 2 &&
	grep "^perfshim: no trace of" r.err &&
	wrap r2 "$PROGS/exit_status" exit 4 &&
	code_is r2 4 &&
	grep "perfshim: no trace of" r2.err
'

# Run by root, a program that is set-user-ID to another user runs in the
# loader's secure mode, as for anyone else.
test_lazy_prereq SETUID '
	test "$(id -u)" = 0 &&
	cp "$(command -v id)" suid-id &&
	chown nobody suid-id &&
	chmod 4755 suid-id &&
	test "$(./suid-id -u)" != 0
'

test_expect_success SETUID 'a set-user-ID program: no trace, said why' '
	cp "$PROGS/exit_status" suid &&
	chown nobody suid &&
	chmod 4755 suid &&
	wrap r --fail-on-leak ./suid exit 0 &&
	code_is r 2 &&
	grep "perfshim: no trace of ./suid (pid [0-9]*): it is set-user-ID" r.err
'

test_expect_success 'usage errors: status 2 before the program runs' '
	wrap r --no-such-option "$PROGS/exit_status" exit 0 &&
	code_is r 2 &&
	test_must_be_empty r.out &&
	grep "unknown option" r.err &&
	wrap r2 --min-bytes lots "$PROGS/exit_status" exit 0 &&
	code_is r2 2 &&
	test_must_be_empty r2.out &&
	grep "min-bytes" r2.err &&
	wrap r3 --leaks &&
	code_is r3 2 &&
	grep "^usage: perfshim" r3.err &&
	wrap r4 -o &&
	code_is r4 2
'

test_expect_success 'a program not found: 127, and said' '
	wrap r no-such-program-here &&
	code_is r 127 &&
	grep "no-such-program-here: command not found" r.err
'

test_expect_success 'PROGRAM from PATH, and -- before a program that looks like an option' '
	mkdir bin &&
	cp "$PROGS/exit_status" bin/--odd &&
	PATH="$TRASH_DIRECTORY/bin:$PATH" &&
	cp "$PROGS/exit_status" bin/es &&
	wrap r es exit 6 &&
	code_is r 6 &&
	wrap r2 -- --odd exit 7 &&
	code_is r2 7
'

test_expect_success '--help and --version' '
	wrap r --help &&
	code_is r 0 &&
	grep "^usage: perfshim \[OPTIONS\] \[--\] PROGRAM \[ARGS...\]" r.out &&
	wrap r2 --version &&
	code_is r2 0 &&
	"$PERFSHIM_BUILD/perfanalyze" --version | sed "s/^perfanalyze/perfshim/" >expect &&
	test_cmp expect r2.out
'

test_done
