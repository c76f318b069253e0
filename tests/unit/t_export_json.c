/*
 * t_export_json.c - the speedscope and Chrome trace renderers on a
 * profile built by hand: exact output, timed calls included (which no
 * 1.x trace yields yet), and an empty profile still a valid file.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export.h"
#include "tap.h"

/* render(p) into a string the caller frees; NULL on failure. */
static char *rendered(int (*render)(const struct export_profile *, FILE *),
		      const struct export_profile *p)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	int rc = render(p, f);

	fclose(f);
	if (rc) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* The calls need a slot the builders do not offer yet: set them here. */
static struct export_call calls[] = {
	{ 0, 100, 1, 1 },  /* outer: 0..100 */
	{ 10, 20, 1, 2 },  /* inner: 10..30, in outer */
	{ 40, 10, 1, 2 },  /* inner: 40..50, in outer */
	{ 5, 1000, 2, 2 }, /* inner on the second thread */
};

static void build(struct export_profile *p)
{
	export_init(p);
	p->pid = 9;
	p->name = export_string(p, "prog");
	p->duration_ns = 2000;
	export_type_add(p, "cpu", "nanoseconds");
	struct export_function outer = { export_string(p, "outer"), 0,
					 export_string(p, "a.c"), 3 };
	struct export_function inner = { export_string(p, "inner"), 0, 0, 0 };
	uint32_t fo = export_function_add(p, &outer);
	uint32_t fi = export_function_add(p, &inner);
	struct export_line lines[2] = { { fi, 7 }, { fo, 4 } };
	uint32_t loc = export_location_add(p, 0x10, 0, lines, 2);
	int64_t v = 500;

	export_sample_add(p, &loc, 1, &v, 1);
	export_thread_set(p, 0, 5, "main");
	export_thread_set(p, 1, 6, NULL);
	uint32_t heap = export_counter_add(p, "heap");

	export_point_add(p, heap, 0, 0);
	export_point_add(p, heap, 1500, 64);
	export_marker_add(p, 20, 1, "tick");
	p->calls = calls;
	p->ncalls = sizeof(calls) / sizeof(calls[0]);
}

static void speedscope(void)
{
	struct export_profile p;
	char *got;

	build(&p);
	got = rendered(export_speedscope, &p);
	is_str(got,
	       "{\"$schema\":\"https://www.speedscope.app/"
	       "file-format-schema.json\",\"exporter\":"
	       "\"perfanalyze@" PERFSHIM_VERSION "\",\"name\":\"prog\","
	       "\"shared\":{\"frames\":"
	       "[{\"name\":\"outer\",\"file\":\"a.c\",\"line\":3},"
	       "{\"name\":\"inner\"}]},\"profiles\":["
	       "{\"type\":\"sampled\",\"name\":\"cpu\",\"unit\":"
	       "\"nanoseconds\",\"startValue\":0,\"samples\":[[0,1]],"
	       "\"weights\":[500],\"endValue\":500},"
	       "{\"type\":\"evented\",\"name\":\"main\",\"unit\":"
	       "\"nanoseconds\",\"startValue\":0,\"endValue\":2000,"
	       "\"events\":[{\"type\":\"O\",\"at\":0,\"frame\":0},"
	       "{\"type\":\"O\",\"at\":10,\"frame\":1},"
	       "{\"type\":\"C\",\"at\":30,\"frame\":1},"
	       "{\"type\":\"O\",\"at\":40,\"frame\":1},"
	       "{\"type\":\"C\",\"at\":50,\"frame\":1},"
	       "{\"type\":\"C\",\"at\":100,\"frame\":0}]},"
	       "{\"type\":\"evented\",\"name\":\"thread 1 (tid 6)\",\"unit\":"
	       "\"nanoseconds\",\"startValue\":0,\"endValue\":2000,"
	       "\"events\":[{\"type\":\"O\",\"at\":5,\"frame\":1},"
	       "{\"type\":\"C\",\"at\":1005,\"frame\":1}]}]}\n",
	       "speedscope: frames, a sampled stack root first with inlined "
	       "frames, balanced open/close events per thread");
	free(got);
	p.calls = NULL;
	p.ncalls = 0;
	export_release(&p);
}

static void chrome(void)
{
	struct export_profile p;
	char *got;

	build(&p);
	got = rendered(export_chrome, &p);
	is_str(got,
	       "{\"traceEvents\":["
	       "{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":9,"
	       "\"args\":{\"name\":\"prog\"}},"
	       "{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":9,\"tid\":5,"
	       "\"args\":{\"name\":\"main\"}},"
	       "{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":9,\"tid\":6,"
	       "\"args\":{\"name\":\"thread 1 (tid 6)\"}},"
	       "{\"name\":\"outer\",\"ph\":\"X\",\"pid\":9,\"tid\":5,"
	       "\"ts\":0,\"dur\":0.1},"
	       "{\"name\":\"inner\",\"ph\":\"X\",\"pid\":9,\"tid\":5,"
	       "\"ts\":0.01,\"dur\":0.02},"
	       "{\"name\":\"inner\",\"ph\":\"X\",\"pid\":9,\"tid\":5,"
	       "\"ts\":0.04,\"dur\":0.01},"
	       "{\"name\":\"inner\",\"ph\":\"X\",\"pid\":9,\"tid\":6,"
	       "\"ts\":0.005,\"dur\":1},"
	       "{\"name\":\"heap\",\"ph\":\"C\",\"pid\":9,\"ts\":0,"
	       "\"args\":{\"bytes\":0}},"
	       "{\"name\":\"heap\",\"ph\":\"C\",\"pid\":9,\"ts\":1.5,"
	       "\"args\":{\"bytes\":64}},"
	       "{\"name\":\"tick\",\"ph\":\"i\",\"pid\":9,\"tid\":5,"
	       "\"ts\":0.02,\"s\":\"p\"}],"
	       "\"displayTimeUnit\":\"ns\"}\n",
	       "chrome: thread names, complete events in us, counters, "
	       "instant markers");
	free(got);
	p.calls = NULL;
	p.ncalls = 0;
	export_release(&p);
}

static void empty(void)
{
	struct export_profile p;
	char *got;

	export_init(&p);
	got = rendered(export_chrome, &p);
	is_str(got, "{\"traceEvents\":[],\"displayTimeUnit\":\"ns\"}\n",
	       "chrome: an empty profile is an empty event list");
	free(got);
	got = rendered(export_speedscope, &p);
	ok(got && strstr(got, "\"shared\":{\"frames\":[]},\"profiles\":[]"),
	   "speedscope: an empty profile has no frames and no profiles");
	free(got);
	export_release(&p);
}

int main(void)
{
	speedscope();
	chrome();
	empty();
	done_testing();
	return exit_status();
}
