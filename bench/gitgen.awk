# gitgen.awk - a git fast-import stream for the `git log -p` workload: a
# history made here, the same on every machine.
#
#   awk -v commits=N -f bench/gitgen.awk | git --git-dir=REPO fast-import
#
# 20 text files of 200 lines; each of N commits rewrites a few lines of
# 1 to 3 files (a fixed-seed LCG chooses), with fixed authors and dates.
function rnd(n) { seed = (seed * 1103515245 + 12345) % 2147483648; return int(seed / 65536) % n }
function word(   s, k, i) {
	s = ""
	k = 3 + rnd(8)
	for (i = 0; i < k; i++)
		s = s substr("abcdefghijklmnopqrstuvwxyz", 1 + rnd(26), 1)
	return s
}
function line(f, l,   s, i) {
	s = sprintf("%s %d:", f, l)
	for (i = 0; i < 4 + rnd(8); i++)
		s = s " " word()
	return s
}
function emit(f,   body, l) {
	body = ""
	for (l = 0; l < LINES; l++)
		body = body text[f, l] "\n"
	printf "M 100644 inline src/file%02d.txt\ndata %d\n%s\n", f, length(body), body
}
BEGIN {
	if (commits == "") commits = 600
	FILES = 20; LINES = 200; seed = 7
	for (f = 0; f < FILES; f++)
		for (l = 0; l < LINES; l++)
			text[f, l] = line(f, l)
	for (c = 0; c < commits; c++) {
		msg = sprintf("Change %d: %s %s\n", c, word(), word())
		printf "commit refs/heads/main\n"
		printf "author A U Thor%d <author%d@example.com> %d +0000\n", c % 5, c % 5, 1700000000 + c * 3600
		printf "committer C O Mitter <committer@example.com> %d +0000\n", 1700000000 + c * 3600
		printf "data %d\n%s", length(msg), msg
		nf = c == 0 ? FILES : 1 + rnd(3)
		for (i = 0; i < nf; i++) {
			f = c == 0 ? i : rnd(FILES)
			if (c > 0)
				for (k = 0; k < 1 + rnd(6); k++)
					text[f, rnd(LINES)] = line(f, c)
			emit(f)
		}
		printf "\n"
	}
}
