# dictlist.py - dict and list churn for the bench; N = sys.argv[1].
# bench/run.sh runs it as: python3 -c "exec(open('bench/dictlist.py').read())" N
import sys
n = int(sys.argv[1])
d = {}
tot = 0
for i in range(n):
    k = 'key%d' % (i % 3000)
    lst = d.get(k)
    if lst is None or len(lst) > 100:
        lst = d[k] = []
    lst.append((i, 'v' * (i % 1500), [i] * (i % 90)))
    if i % 2000 == 0:
        tot += sum(len(v) for v in d.values())
        d = {k: v[: len(v) // 2] for k, v in sorted(d.items())[::2]}
print(tot, len(d), sum(len(v) for v in d.values()))
