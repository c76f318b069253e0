# sqlgen.awk - a deterministic SQL script for the sqlite3 bench workload:
# ROWS inserts in one transaction, two indexes, QUERIES point and range
# queries, joins and updates in a second transaction, a delete, a summary.
#   awk -v rows=ROWS -v queries=QUERIES -f sqlgen.awk > script.sql
# An LCG small enough to stay exact in awk's doubles (mawk and gawk alike).
function rnd() { seed = (seed * 69069 + 1) % 4294967296; return int(seed / 256) }
BEGIN {
	seed = 42
	print "CREATE TABLE g(grp INTEGER PRIMARY KEY, label TEXT);"
	print "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, grp INTEGER, val REAL, note TEXT);"
	print "BEGIN;"
	for (i = 0; i < 100; i++)
		printf "INSERT INTO g VALUES(%d, 'group-%d');\n", i, i % 17
	for (i = 1; i <= rows; i++) {
		n = rnd() % 60
		note = substr("the quick brown fox jumps over the lazy dog and keeps on running far away", 1, 10 + n)
		printf "INSERT INTO t(name, grp, val, note) VALUES('name%d', %d, %d.%02d, '%s %d');\n", rnd() % 10000, rnd() % 100, rnd() % 1000, rnd() % 100, note, i
	}
	print "COMMIT;"
	print "CREATE INDEX t_grp ON t(grp);"
	print "CREATE INDEX t_name ON t(name);"
	print "BEGIN;"
	for (i = 0; i < queries; i++) {
		q = i % 4
		if (q == 0)
			printf "SELECT count(*), sum(length(note)) FROM t WHERE name = 'name%d';\n", rnd() % 10000
		else if (q == 1) {
			a = rnd() % 99
			printf "SELECT grp, count(*), round(sum(val), 2) FROM t WHERE grp BETWEEN %d AND %d GROUP BY grp ORDER BY grp LIMIT 2;\n", a, a + 1
		}
		else if (q == 2)
			printf "SELECT g.label, count(*) FROM t JOIN g USING(grp) WHERE t.grp = %d GROUP BY g.label ORDER BY 2 DESC, 1 LIMIT 1;\n", rnd() % 100
		else
			printf "UPDATE t SET val = val + 1, note = note || 'x' WHERE id = %d;\n", 1 + rnd() % rows
	}
	print "COMMIT;"
	print "DELETE FROM t WHERE grp % 7 = 0;"
	print "SELECT count(*), round(sum(val), 2), max(length(note)) FROM t;"
	print "SELECT name, val FROM t ORDER BY val DESC, id LIMIT 3;"
}
