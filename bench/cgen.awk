# cgen.awk - a C translation unit for the cc1 workload: no #include, so
# cc1 compiles it without the driver's include paths.
#
#   awk -v funcs=N -f bench/cgen.awk > file.c
#
# N functions over a few structs: arithmetic, loops, a switch, calls to
# earlier functions, string literals; each different (fixed-seed LCG), so
# the compiler's tables grow as on real code.  Deterministic.
function rnd(n) { seed = (seed * 1103515245 + 12345) % 2147483648; return int(seed / 65536) % n }
BEGIN {
	if (funcs == "") funcs = 2000
	seed = 42
	print "typedef unsigned long size_t;"
	print "struct point { int x, y; double w; };"
	print "struct node { struct node *next; struct point p; char name[16]; long v[4]; };"
	print "static const char *names[] = { \"alpha\", \"beta\", \"gamma\", \"delta\" };"
	print "static long table[256];"
	for (i = 0; i < funcs; i++) {
		printf "long f%d(struct node *n, int k)\n{\n", i
		printf "\tlong acc = %d;\n\tstruct point q = { k, %d, %d.5 };\n", rnd(1000), rnd(100), rnd(10)
		printf "\tfor (int j = 0; j < k %% %d; j++) {\n", 3 + rnd(20)
		printf "\t\tacc += n->v[j & 3] * %d + table[(j + %d) & 255];\n", 1 + rnd(50), rnd(256)
		printf "\t\tif (acc > %d)\n\t\t\tacc -= q.x * %d;\n\t}\n", 1000 + rnd(100000), 1 + rnd(9)
		printf "\tswitch (k & 7) {\n"
		for (c = 0; c < 4; c++)
			printf "\tcase %d:\n\t\tacc ^= %d + n->name[%d];\n\t\tbreak;\n", c * 2, rnd(65536), rnd(16)
		printf "\tdefault:\n\t\tacc += (long)(q.w * %d);\n\t}\n", 1 + rnd(30)
		if (i > 0)
			printf "\tif (n->next && k > %d)\n\t\tacc += f%d(n->next, k - 1);\n", rnd(8), rnd(i)
		printf "\treturn acc + names[k & 3][%d];\n}\n\n", rnd(4)
	}
	printf "long run(struct node *n)\n{\n\tlong s = 0;\n"
	for (i = 0; i < funcs; i += 7)
		printf "\ts += f%d(n, %d);\n", i, rnd(12)
	print "\treturn s;\n}"
}
