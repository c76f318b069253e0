/* t_hugepages - when perfanalyze starts itself again for huge pages. */
#include <string.h>

#include "hugepages.h"
#include "tap.h"

#define MADVISE "always [madvise] never\n"
#define OURS \
	":glibc.malloc.top_pad=67108864:glibc.malloc.mmap_threshold=33554432"

int main(void)
{
	char out[256];

	plan(12);
	ok(hugepages_wanted(MADVISE, NULL, NULL, NULL, out, sizeof(out)),
	   "madvise, nothing set: again");
	is_str(out, "glibc.malloc.hugetlb=1" OURS,
	       "the tunable, pad, threshold");
	ok(hugepages_wanted(MADVISE, "glibc.malloc.arena_max=2", NULL, NULL,
			    out, sizeof(out)) &&
		   !strcmp(out,
			   "glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1" OURS),
	   "the user's tunables kept, ours after them: %s", out);
	ok(hugepages_wanted(MADVISE, "", NULL, "1", out, sizeof(out)) &&
		   !strcmp(out, "glibc.malloc.hugetlb=1" OURS),
	   "an empty GLIBC_TUNABLES: no separator");
	ok(hugepages_wanted(MADVISE, "glibc.malloc.top_pad=0", NULL, NULL, out,
			    sizeof(out)) &&
		   !strcmp(out, "glibc.malloc.top_pad=0:glibc.malloc.hugetlb=1"
				":glibc.malloc.mmap_threshold=33554432"),
	   "the user's pad stands, no second one: %s", out);
	ok(hugepages_wanted(MADVISE, "glibc.malloc.mmap_threshold=4096", NULL,
			    NULL, out, sizeof(out)) &&
		   !strcmp(out, "glibc.malloc.mmap_threshold=4096:"
				"glibc.malloc.hugetlb=1:glibc.malloc.top_pad="
				"67108864"),
	   "the user's threshold stands, no second one: %s", out);
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
			     out, 60),
	   "no room for the value: no");
	return exit_status();
}
