# report.awk - turn bench/run.sh's raw.tsv into the Markdown results.
# Input columns: workload size tool run cpu wall rss_kib status output
# events bytes allocs.  Variables from run.sh: sizes, order (workload list),
# machine and notes (files to include), quick, runs.
# Ratios are ratios of medians; no figure is an absolute-time verdict.

function median(list,    a, n, i, j, t) {
	n = split(list, a, " ")
	if (n == 0)
		return ""
	for (i = 2; i <= n; i++) {
		t = a[i] + 0
		for (j = i - 1; j >= 1 && a[j] + 0 > t; j--)
			a[j + 1] = a[j]
		a[j + 1] = t
	}
	return n % 2 ? a[(n + 1) / 2] + 0 : (a[n / 2] + a[n / 2 + 1]) / 2
}
function add(arr, key, v) { arr[key] = (key in arr) ? arr[key] " " v : v }
function f2(x) { return x == "" ? "–" : sprintf("%.2f", x) }
function f1(x) { return x == "" ? "–" : sprintf("%.1f", x) }
function ratio(a, b) { return (a == "" || b == "" || b + 0 == 0) ? "" : a / b }
function mib(kib) { return kib / 1024 }
function x(r) { return r == "" ? "–" : sprintf("%.2f×", r) }
function verdict(ok) { return ok ? "**met**" : "**not met**" }
function cat_file(path,    line) {
	while ((getline line < path) > 0)
		print line
	close(path)
}
function sizes(wl, s) {
	if (wl == "churn-1t") return "`churn 1 " (s == "full" ? churn : churn_s) "`"
	if (wl == "churn-2t") return "`churn 2 " (s == "full" ? churn : churn_s) "`"
	if (wl == "churn-stacks") return "`churn 1 " (s == "full" ? stacks : stacks_s) " 16`"
	if (wl == "cxx") return "`cxx " (s == "full" ? cxx : cxx_s) "`"
	if (wl == "sqlite3") return (s == "full" ? sqlr : sqlr_s) " inserts, " \
		(s == "full" ? sqlq : sqlq_s) " queries/updates"
	if (wl == "python3") return "`dictlist.py " (s == "full" ? pyn : pyn_s) "`"
	if (wl == "exceptions") return "`exceptions " (s == "full" ? exc : exc_s) "`"
	if (wl == "perl") return "`perlwork.pl " (s == "full" ? perln : perln_s) "`"
	if (wl == "git") return "`git log -p -n " (s == "full" ? gitn : gitn_s) "` of " gitn " commits"
	if (wl == "cc1") return "`cc1 -O0` of " (s == "full" ? cc1n : cc1n_s) " generated functions"
	return ""
}

NR == 1 { next }
{
	wl = $1; size = $2; tool = $3; run = $4; k = wl SUBSEP size SUBSEP tool
	n[k]++
	add(cpu, k, $5); add(wall, k, $6); add(rss, k, $7)
	if ($9 == "DIFF") diff[k]++
	if ($9 == "FAILED") failed[k]++
	if (tool ~ /^perfshim/) {
		if (tool == "perfshim")
			ev[wl, run] = $10
		add(events, k, $10)
		add(bpe, k, $11 / $10)
	}
	if (tool == "heaptrack" && $11 != "-")
		hbytes[wl, run] = $11
	if ((tool == "perfshim" || tool == "heaptrack") && $12 != "-" && $12 != "")
		add(allocs, k, $12)
}
END {
	nw = split(order, wls, " ")
	# heaptrack's bytes per event use perfshim's event count of the same run.
	for (key in hbytes) {
		split(key, p, SUBSEP)
		if ((p[1], p[2]) in ev && ev[p[1], p[2]] > 0)
			add(bpe, p[1] SUBSEP "full" SUBSEP "heaptrack", hbytes[key] / ev[p[1], p[2]])
	}

	print "# perfshim benchmark results"
	print ""
	if (quick != "") {
		print "**QUICK MODE: small sizes, one run. A smoke check of the bench, not a measurement.**"
		print ""
	}
	cat_file(machine)
	print ""
	print "Workloads (full size): " \
		"churn: malloc/free pairs of 16 B–4 KiB through 1–10 frames, ring of 512 live blocks per thread; " \
		"churn-stacks: the same through 131072 distinct stacks 17 frames deep (heaptrack not run: its heaptrack_interpret dies of bad_alloc); " \
		"cxx: vector/string/map/unordered_map rounds; sqlite3: generated script on a fresh temporary database; " \
		"exceptions: threads throwing and catching C++ exceptions while the main thread starts and joins short threads; " \
		"python3: dict/list churn; perl: hash/array/regex text churn; git: `git log -p` of a generated history; " \
		"cc1: GCC's compiler proper at -O0 on a generated C file."
	print ""
	for (i = 1; i <= nw; i++)
		printf "- %s: %s (valgrind: %s)\n", wls[i], sizes(wls[i], "full"), sizes(wls[i], "small")
	print ""

	print "## Overhead"
	print ""
	print "Medians of " runs " run(s). CPU = user + sys of the whole process tree; ratios are against the native median;"
	print "RSS is the peak resident set of the largest process; events = allocation calls + frees (perfshim's count);"
	print "perfshim-fp is perfshim with PERFSHIM_UNWIND=fp (frame-pointer stacks; the bench programs have frame pointers);"
	print "on churn only, perfshim-nosample is perfshim with PERFSHIM_SAMPLE_HZ=0 (no CPU-time sampling) and perfshim-noscan is"
	print "perfshim with PERFSHIM_SCAN=0 (no live-block index, no exit scan): what those features cost;"
	print "heaptrack's bytes/event divide its file by perfshim's event count for the same workload and run."
	print ""
	print "| workload | tool | CPU s | wall s | CPU × native | wall × native | peak RSS MiB | RSS added MiB | events | trace B/event | output vs native |"
	print "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
	for (i = 1; i <= nw; i++) {
		wl = wls[i]
		kn = wl SUBSEP "full" SUBSEP "native"
		nc = median(cpu[kn]); nwall = median(wall[kn]); nr = median(rss[kn])
		nt = split("native perfshim perfshim-fp perfshim-nosample perfshim-noscan heaptrack", tools, " ")
		for (t = 1; t <= nt; t++) {
			k = wl SUBSEP "full" SUBSEP tools[t]
			if (!(k in n))
				continue
			c = median(cpu[k]); w = median(wall[k]); r = median(rss[k])
			out = tools[t] == "heaptrack" ? "not compared" : \
				(diff[k] ? "**differs in " diff[k] "/" n[k] "**" : "same " n[k] "/" n[k])
			if (failed[k])
				out = "**failed " failed[k] "/" n[k] "**"
			added = tools[t] == "native" ? "–" : sprintf("%+.1f", mib(r - nr))
			printf "| %s | %s | %.3f | %.3f | %s | %s | %.1f | %s | %s | %s | %s |\n", wl, tools[t], c, w,
				x(ratio(c, nc)), x(ratio(w, nwall)), mib(r), added,
				tools[t] ~ /^perfshim/ ? sprintf("%.0f", median(events[k])) : "–",
				tools[t] == "native" ? "–" : f2(median(bpe[k])), out
			if (tools[t] == "perfshim") {
				ps_cpu[wl] = ratio(c, nc); ps_added[wl] = mib(r - nr); ps_bpe[wl] = median(bpe[k])
			}
			if (tools[t] == "perfshim-fp") {
				fp_cpu[wl] = ratio(c, nc); fp_bpe[wl] = median(bpe[k])
			}
			if (tools[t] == "heaptrack" && !failed[k]) {
				ht_cpu[wl] = ratio(c, nc); ht_bpe[wl] = median(bpe[k])
			}
		}
	}
	print ""

	vg = 0
	for (i = 1; i <= nw; i++)
		if ((wls[i] SUBSEP "small" SUBSEP "valgrind") in n)
			vg = 1
	if (vg) {
		print "## valgrind memcheck (reduced size)"
		print ""
		print "`valgrind --tool=memcheck --leak-check=full`, on the reduced sizes listed above, against native runs of"
		print "that same reduced size (so startup weighs more here than in the table above)."
		print ""
		print "| workload | native CPU s | valgrind CPU s | CPU × native | wall × native | RSS added MiB | output vs native |"
		print "| --- | ---: | ---: | ---: | ---: | ---: | --- |"
		for (i = 1; i <= nw; i++) {
			wl = wls[i]
			kn = wl SUBSEP "small" SUBSEP "native"; k = wl SUBSEP "small" SUBSEP "valgrind"
			if (!(k in n))
				continue
			nc = median(cpu[kn]); c = median(cpu[k])
			printf "| %s | %.3f | %.3f | %s | %s | %+.1f | %s |\n", wl, nc, c, x(ratio(c, nc)),
				x(ratio(median(wall[k]), median(wall[kn]))), mib(median(rss[k]) - median(rss[kn])),
				diff[k] ? "**differs in " diff[k] "/" n[k] "**" : "same " n[k] "/" n[k]
		}
		print ""
	}

	print "## Analyzer"
	print ""
	print "`perfanalyze TRACE --leaks` on perfshim's trace against `heaptrack_print --print-leaks=1` on heaptrack's"
	print "file of the same workload; speedup = heaptrack_print's median time / perfanalyze's. Each time is the median"
	print "over the runs of the median of " anarep " analyses of the run's trace, for both tools. perfanalyze keeps plain"
	print "copies of compressed debug files and what symbolization found between runs (README); the bench empties that"
	print "cache at its start, so each workload's first analysis fills it, and \"no cache\" is `PERFSHIM_CACHE_DIR=off`,"
	print "every analysis inflating the debug files and reading DWARF again. `--growth` is timed on the same traces,"
	print "with the cache."
	print ""
	print "| workload | events | perfanalyze CPU s | perfanalyze wall s | no cache CPU s | --growth CPU s | heaptrack_print CPU s | heaptrack_print wall s | speedup (CPU) | speedup (wall) | speedup (CPU, no cache) |"
	print "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
	for (i = 1; i <= nw; i++) {
		wl = wls[i]
		ka = wl SUBSEP "full" SUBSEP "perfanalyze"; kh = wl SUBSEP "full" SUBSEP "heaptrack_print"
		kc = wl SUBSEP "full" SUBSEP "perfanalyze-nocache"; kg = wl SUBSEP "full" SUBSEP "perfanalyze-growth"
		if (!(ka in n))
			continue
		ac = median(cpu[ka]); aw = median(wall[ka])
		cc = (kc in n) ? median(cpu[kc]) : ""
		if (kg in n) {
			an_growth[wl] = median(cpu[kg]); an_leaks[wl] = ac
		}
		hc = (kh in n) ? median(cpu[kh]) : ""; hw = (kh in n) ? median(wall[kh]) : ""
		an_speed[wl] = ratio(hc, ac)
		printf "| %s | %.0f | %.3f | %.3f | %s | %s | %s | %s | %s | %s | %s |\n", wl,
			median(events[wl SUBSEP "full" SUBSEP "perfshim"]), ac, aw,
			cc == "" ? "–" : sprintf("%.3f", cc), (kg in n) ? sprintf("%.3f", an_growth[wl]) : "–",
			hc == "" ? "–" : sprintf("%.3f", hc), hw == "" ? "–" : sprintf("%.3f", hw),
			x(an_speed[wl]), x(ratio(hw, aw)), x(ratio(hc, cc))
	}
	print ""

	print "## Targets"
	print ""
	print "| target | workload | measured | met? |"
	print "| --- | --- | --- | --- |"
	met = 0; total = 0
	for (i = 1; i <= nw; i++) {
		wl = wls[i]
		if (wl !~ /^churn/ || !(wl in ps_cpu))
			continue
		total++; ok = ps_cpu[wl] <= 3; met += ok
		printf "| perfshim CPU ≤ 3× native | %s | %s | %s |\n", wl, x(ps_cpu[wl]), verdict(ok)
		if (wl in ht_cpu) {
			total++; ok = ps_cpu[wl] <= ht_cpu[wl] / 4; met += ok
			printf "| perfshim CPU ratio ≤ 1/4 of heaptrack's | %s | %s vs heaptrack %s (%.2f of it) | %s |\n",
				wl, x(ps_cpu[wl]), x(ht_cpu[wl]), ps_cpu[wl] / ht_cpu[wl], verdict(ok)
		} else {
			printf "| perfshim CPU ratio ≤ 1/4 of heaptrack's | %s | heaptrack not measured | – |\n", wl
		}
		if (!(wl in fp_cpu))
			continue
		total++; ok = fp_cpu[wl] <= 3; met += ok
		printf "| perfshim (PERFSHIM_UNWIND=fp) CPU ≤ 3× native | %s | %s | %s |\n", wl, x(fp_cpu[wl]), verdict(ok)
		if (wl in ht_cpu) {
			total++; ok = fp_cpu[wl] <= ht_cpu[wl] / 4; met += ok
			printf "| perfshim (PERFSHIM_UNWIND=fp) CPU ratio ≤ 1/4 of heaptrack's | %s | %s vs heaptrack %s (%.2f of it) | %s |\n",
				wl, x(fp_cpu[wl]), x(ht_cpu[wl]), fp_cpu[wl] / ht_cpu[wl], verdict(ok)
		} else {
			printf "| perfshim (PERFSHIM_UNWIND=fp) CPU ratio ≤ 1/4 of heaptrack's | %s | heaptrack not measured | – |\n", wl
		}
	}
	# Programs nobody here wrote, and the exception workload: <= 1.5x.
	for (i = 1; i <= nw; i++) {
		wl = wls[i]
		if (wl !~ /^(exceptions|sqlite3|perl|python3|git|cc1)$/ || !(wl in ps_cpu))
			continue
		total++; ok = ps_cpu[wl] <= 1.5; met += ok
		printf "| perfshim CPU ≤ 1.5× native | %s | %s | %s |\n", wl, x(ps_cpu[wl]), verdict(ok)
		if (wl in ht_cpu)
			printf "| (heaptrack, for comparison) | %s | %s | – |\n", wl, x(ht_cpu[wl])
	}
	for (i = 1; i <= nw; i++) {
		wl = wls[i]
		if (!(wl in ps_bpe))
			continue
		if (wl in ht_bpe) {
			total++; ok = ps_bpe[wl] <= ht_bpe[wl]; met += ok
			printf "| trace bytes per alloc+free pair ≤ heaptrack's | %s | %.1f vs heaptrack %.1f B/pair | %s |\n",
				wl, 2 * ps_bpe[wl], 2 * ht_bpe[wl], verdict(ok)
		} else {
			printf "| trace bytes per alloc+free pair ≤ heaptrack's | %s | %.1f B/pair, heaptrack not measured | – |\n",
				wl, 2 * ps_bpe[wl]
		}
		# The issue's own target for sqlite3's file is 2x heaptrack's
		# (its aim, 1x, is the row above).
		if (wl == "sqlite3" && (wl in ht_bpe)) {
			total++; ok = ps_bpe[wl] <= 2 * ht_bpe[wl]; met += ok
			printf "| trace bytes ≤ 2× heaptrack's | %s | %.2f× heaptrack's | %s |\n",
				wl, ps_bpe[wl] / ht_bpe[wl], verdict(ok)
		}
		if (!(wl in fp_bpe))
			continue
		if (wl in ht_bpe) {
			total++; ok = fp_bpe[wl] <= ht_bpe[wl]; met += ok
			printf "| perfshim (PERFSHIM_UNWIND=fp) trace bytes per alloc+free pair ≤ heaptrack's | %s | %.1f vs heaptrack %.1f B/pair | %s |\n",
				wl, 2 * fp_bpe[wl], 2 * ht_bpe[wl], verdict(ok)
		} else {
			printf "| perfshim (PERFSHIM_UNWIND=fp) trace bytes per alloc+free pair ≤ heaptrack's | %s | %.1f B/pair, heaptrack not measured | – |\n",
				wl, 2 * fp_bpe[wl]
		}
	}
	for (i = 1; i <= nw; i++) {
		wl = wls[i]
		if (!(wl in an_speed))
			continue
		if (an_speed[wl] != "") {
			total++; ok = an_speed[wl] >= 3; met += ok
			printf "| perfanalyze --leaks ≥ 3× faster than heaptrack_print (CPU) | %s | %s | %s |\n",
				wl, x(an_speed[wl]), verdict(ok)
		}
	}
	for (i = 1; i <= nw; i++) {
		wl = wls[i]
		if (!(wl in an_growth))
			continue
		total++; ok = an_growth[wl] <= an_leaks[wl]; met += ok
		printf "| perfanalyze --growth CPU ≤ --leaks CPU | %s | %.3f s vs %.3f s | %s |\n",
			wl, an_growth[wl], an_leaks[wl], verdict(ok)
	}
	for (i = 1; i <= nw; i++) {
		wl = wls[i]
		if (!(wl in ps_added))
			continue
		total++; ok = ps_added[wl] <= 32; met += ok
		printf "| peak RSS added ≤ 32 MiB | %s | %+.1f MiB | %s |\n", wl, ps_added[wl], verdict(ok)
	}
	print ""
	print met " of " total " targets met."
	print ""

	print "## Notes"
	print ""
	print "- heaptrack's CPU includes its `heaptrack_interpret` and `zstd` processes, which run beside the program"
	print "  (on 2 cores its wall ratio can be below its CPU ratio); its peak RSS is that of its largest process."
	print "  Its stdout carries heaptrack's own messages, so its output is not compared; its exit status is."
	print "- The output check of every perfshim row: stdout, stderr and exit status identical to the native run's."
	print "- The shim and analyzer were copied once at the start (sha256 above) so a rebuild during the run cannot mix versions."
	for (i = 1; i <= nw; i++) {
		wl = wls[i]
		ka = wl SUBSEP "full" SUBSEP "perfshim"; kh = wl SUBSEP "full" SUBSEP "heaptrack"
		if (!(ka in allocs) || !(kh in allocs))
			continue
		pa = median(allocs[ka]); ha = median(allocs[kh])
		d = pa > ha ? pa - ha : ha - pa
		if (d > 10 && d > ha / 1000)
			printf "- %s: allocation calls seen: perfshim %.0f, heaptrack %.0f (%+.2f%%).\n",
				wl, pa, ha, 100 * (pa - ha) / ha
	}
	while ((getline line < notes) > 0)
		print "- " line
	close(notes)
}
