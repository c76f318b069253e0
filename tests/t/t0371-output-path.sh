#!/bin/sh

test_description='a relative trace name is the start directory'"'"'s, for forked and exec'"'"'d children too'

. "$(dirname "$0")/test-lib.sh"

# Known truth: a relative PERFSHIM_OUTPUT names a file in the directory
# where the process started; the program's children inherit it made
# absolute, so they write there too, whatever directory they run in.
# (probe_chdir_fork, in t0300, is the forked child that changed
# directory.)

test_expect_success 'exec after cd: the name the program passes on is absolute' '
	mkdir -p rel elsewhere &&
	run_traced rel/run.%p.zst sh -c "cd elsewhere && exec env" >env.out &&
	test_cmp_str "passed on" "PERFSHIM_OUTPUT=$PWD/rel/run.%p.zst" \
		"$(grep ^PERFSHIM_OUTPUT= env.out)" &&
	test_cmp_str "traces in rel/ (sh, then env after its exec)" 2 \
		"$(ls rel | wc -l)" &&
	test -z "$(ls elsewhere)"
'

test_expect_success 'each trace written there is whole' '
	for t in rel/*
	do
		analyze "$t" >s.out &&
		grep -E "^ended: +(cleanly|replaced by exec)" s.out || return 1
	done
'

test_expect_success 'an absolute name passes on as it is' '
	mkdir -p abs &&
	run_traced "$PWD/abs/%p.zst" sh -c "cd elsewhere && exec env" >env2.out &&
	test_cmp_str "passed on" "PERFSHIM_OUTPUT=$PWD/abs/%p.zst" \
		"$(grep ^PERFSHIM_OUTPUT= env2.out)"
'

test_done
