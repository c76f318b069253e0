/* t_hugepages - when perfanalyze starts itself again for huge pages. */
#include <string.h>

#include "hugepages.h"
#include "tap.h"

#define MADVISE "always [madvise] never\n"

int main(void)
{
	char out[64];

	plan(10);
	ok(hugepages_wanted(MADVISE, NULL, NULL, NULL, out, sizeof(out)),
	   "madvise, nothing set: again");
	is_str(out, "glibc.malloc.hugetlb=1", "the tunable alone");
	ok(hugepages_wanted(MADVISE, "glibc.malloc.arena_max=2", NULL, NULL,
			    out, sizeof(out)) &&
		   !strcmp(out,
			   "glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1"),
	   "the user's tunables kept, ours after them: %s", out);
	ok(hugepages_wanted(MADVISE, "", NULL, "1", out, sizeof(out)) &&
		   !strcmp(out, "glibc.malloc.hugetlb=1"),
	   "an empty GLIBC_TUNABLES: no separator");
	ok(!hugepages_wanted("[always] madvise never\n", NULL, NULL, NULL, out,
			     sizeof(out)),
	   "always: the heap has huge pages already");
	ok(!hugepages_wanted("always madvise [never]\n", NULL, NULL, NULL, out,
			     sizeof(out)) &&
		   !hugepages_wanted(NULL, NULL, NULL, NULL, out, sizeof(out)),
	   "never, or not known: no");
	ok(!hugepages_wanted(MADVISE, "glibc.malloc.hugetlb=0", NULL, NULL, out,
			     sizeof(out)),
	   "the user set the tunable: theirs stands");
	ok(!hugepages_wanted(
		   MADVISE, NULL,
		   "/usr/libexec/valgrind/vgpreload_core-amd64-linux.so", NULL,
		   out, sizeof(out)),
	   "under valgrind: no (the new process would run outside it)");
	ok(!hugepages_wanted(MADVISE, NULL, NULL, "0", out, sizeof(out)),
	   "PERFANALYZE_HUGEPAGES=0: no");
	ok(!hugepages_wanted(MADVISE, "glibc.malloc.arena_max=2", NULL, NULL,
			     out, 20),
	   "no room for the value: no");
	return exit_status();
}
