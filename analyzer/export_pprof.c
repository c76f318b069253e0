/*
 * export_pprof.c - the pprof renderer: profile.proto (google/pprof's
 * proto/profile.proto, package perftools.profiles) encoded by hand, then
 * gzip-compressed with zlib, as `go tool pprof` reads it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "export.h"
#include "export_pb.h"

/* profile.proto's field numbers. */
enum {
	PROFILE_SAMPLE_TYPE = 1,
	PROFILE_SAMPLE = 2,
	PROFILE_MAPPING = 3,
	PROFILE_LOCATION = 4,
	PROFILE_FUNCTION = 5,
	PROFILE_STRING_TABLE = 6,
	PROFILE_TIME_NANOS = 9,
	PROFILE_DURATION_NANOS = 10,
	PROFILE_PERIOD_TYPE = 11,
	PROFILE_PERIOD = 12,
	PROFILE_DEFAULT_SAMPLE_TYPE = 14,
	VALUE_TYPE_TYPE = 1,
	VALUE_TYPE_UNIT = 2,
	SAMPLE_LOCATION_ID = 1,
	SAMPLE_VALUE = 2,
	SAMPLE_LABEL = 3,
	LABEL_KEY = 1,
	LABEL_STR = 2,
	LABEL_NUM = 3,
	MAPPING_ID = 1,
	MAPPING_MEMORY_START = 2,
	MAPPING_MEMORY_LIMIT = 3,
	MAPPING_FILE_OFFSET = 4,
	MAPPING_FILENAME = 5,
	MAPPING_BUILD_ID = 6,
	MAPPING_HAS_FUNCTIONS = 7,
	MAPPING_HAS_FILENAMES = 8,
	MAPPING_HAS_LINE_NUMBERS = 9,
	MAPPING_HAS_INLINE_FRAMES = 10,
	LOCATION_ID = 1,
	LOCATION_MAPPING_ID = 2,
	LOCATION_ADDRESS = 3,
	LOCATION_LINE = 4,
	LINE_FUNCTION_ID = 1,
	LINE_LINE = 2,
	FUNCTION_ID = 1,
	FUNCTION_NAME = 2,
	FUNCTION_SYSTEM_NAME = 3,
	FUNCTION_FILENAME = 4,
	FUNCTION_START_LINE = 5,
};

static void value_type(struct pb *out, struct pb *tmp, int field,
		       const struct export_value_type *t)
{
	pb_reset(tmp);
	pb_uint(tmp, VALUE_TYPE_TYPE, t->type);
	pb_uint(tmp, VALUE_TYPE_UNIT, t->unit);
	pb_message(out, field, tmp);
}

static void sample(struct pb *out, struct pb *tmp, struct pb *sub,
		   const struct export_profile *p,
		   const struct export_sample *s, uint32_t thread_key)
{
	pb_reset(tmp);
	pb_reset(sub);
	for (size_t i = 0; i < s->nlocs; i++)
		pb_varint(sub, s->locs[i]);
	pb_message(tmp, SAMPLE_LOCATION_ID, sub);
	pb_reset(sub);
	for (size_t i = 0; i < p->ntypes; i++)
		pb_varint(sub, (uint64_t)s->values[i]);
	pb_message(tmp, SAMPLE_VALUE, sub);
	if (s->thread && s->thread <= p->nthreads) {
		const struct export_thread *t = &p->threads[s->thread - 1];

		pb_reset(sub);
		pb_uint(sub, LABEL_KEY, thread_key);
		if (t->name)
			pb_uint(sub, LABEL_STR, t->name);
		else
			pb_uint(sub, LABEL_NUM, t->tid);
		pb_message(tmp, SAMPLE_LABEL, sub);
	}
	pb_message(out, PROFILE_SAMPLE, tmp);
}

static void mapping(struct pb *out, struct pb *tmp, uint64_t id,
		    const struct export_mapping *m)
{
	pb_reset(tmp);
	pb_uint(tmp, MAPPING_ID, id);
	pb_uint(tmp, MAPPING_MEMORY_START, m->start);
	pb_uint(tmp, MAPPING_MEMORY_LIMIT, m->limit);
	pb_uint(tmp, MAPPING_FILE_OFFSET, m->offset);
	pb_uint(tmp, MAPPING_FILENAME, m->file);
	pb_uint(tmp, MAPPING_BUILD_ID, m->build_id);
	/* Symbolized already: pprof must not look the addresses up again. */
	pb_uint(tmp, MAPPING_HAS_FUNCTIONS, 1);
	pb_uint(tmp, MAPPING_HAS_FILENAMES, 1);
	pb_uint(tmp, MAPPING_HAS_LINE_NUMBERS, 1);
	pb_uint(tmp, MAPPING_HAS_INLINE_FRAMES, 1);
	pb_message(out, PROFILE_MAPPING, tmp);
}

static void location(struct pb *out, struct pb *tmp, struct pb *sub,
		     uint64_t id, const struct export_location *l)
{
	pb_reset(tmp);
	pb_uint(tmp, LOCATION_ID, id);
	pb_uint(tmp, LOCATION_MAPPING_ID, l->mapping);
	pb_uint(tmp, LOCATION_ADDRESS, l->address);
	for (size_t i = 0; i < l->nlines; i++) {
		pb_reset(sub);
		pb_uint(sub, LINE_FUNCTION_ID, l->lines[i].function);
		pb_uint(sub, LINE_LINE, (uint64_t)l->lines[i].line);
		pb_message(tmp, LOCATION_LINE, sub);
	}
	pb_message(out, PROFILE_LOCATION, tmp);
}

static void function(struct pb *out, struct pb *tmp, uint64_t id,
		     const struct export_function *f)
{
	pb_reset(tmp);
	pb_uint(tmp, FUNCTION_ID, id);
	pb_uint(tmp, FUNCTION_NAME, f->name);
	pb_uint(tmp, FUNCTION_SYSTEM_NAME, f->system_name);
	pb_uint(tmp, FUNCTION_FILENAME, f->file);
	pb_uint(tmp, FUNCTION_START_LINE, (uint64_t)f->start_line);
	pb_message(out, PROFILE_FUNCTION, tmp);
}

int export_pprof_encode(const struct export_profile *p, struct pb *out)
{
	struct pb tmp, sub;
	/* The label key goes after the profile's own strings (0 is ""). */
	uint32_t thread_key = p->nstrings ? (uint32_t)p->nstrings : 1;

	pb_init(&tmp);
	pb_init(&sub);
	for (size_t i = 0; i < p->ntypes; i++)
		value_type(out, &tmp, PROFILE_SAMPLE_TYPE, &p->types[i]);
	for (size_t i = 0; i < p->nsamples; i++)
		sample(out, &tmp, &sub, p, &p->samples[i], thread_key);
	for (size_t i = 0; i < p->nmappings; i++)
		mapping(out, &tmp, i + 1, &p->mappings[i]);
	for (size_t i = 0; i < p->nlocations; i++)
		location(out, &tmp, &sub, i + 1, &p->locations[i]);
	for (size_t i = 0; i < p->nfunctions; i++)
		function(out, &tmp, i + 1, &p->functions[i]);
	if (!p->nstrings)
		pb_bytes(out, PROFILE_STRING_TABLE, "", 0);
	for (size_t i = 0; i < p->nstrings; i++)
		pb_bytes(out, PROFILE_STRING_TABLE, p->strings[i],
			 strlen(p->strings[i]));
	pb_bytes(out, PROFILE_STRING_TABLE, "thread", 6);
	pb_uint(out, PROFILE_TIME_NANOS, p->time_ns);
	pb_uint(out, PROFILE_DURATION_NANOS, p->duration_ns);
	if (p->period_type.type)
		value_type(out, &tmp, PROFILE_PERIOD_TYPE, &p->period_type);
	pb_uint(out, PROFILE_PERIOD, (uint64_t)p->period);
	pb_uint(out, PROFILE_DEFAULT_SAMPLE_TYPE, p->default_type);
	int err = out->err || tmp.err || sub.err;

	pb_release(&tmp);
	pb_release(&sub);
	if (err) {
		fputs("perfanalyze: out of memory\n", stderr);
		return -1;
	}
	return 0;
}

/* gzip data to out. */
static int gzip_to(const uint8_t *data, size_t len, FILE *out)
{
	z_stream zs;
	unsigned char buf[65536];
	int zr;

	memset(&zs, 0, sizeof(zs));
	/* 15 + 16: a gzip header and trailer around the deflate stream. */
	if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8,
			 Z_DEFAULT_STRATEGY) != Z_OK) {
		fputs("perfanalyze: cannot start gzip compression\n", stderr);
		return -1;
	}
	zs.next_in = (unsigned char *)data;
	zs.avail_in = (uInt)len;
	do {
		zs.next_out = buf;
		zs.avail_out = sizeof(buf);
		zr = deflate(&zs, Z_FINISH);
		if (zr == Z_STREAM_ERROR ||
		    fwrite(buf, 1, sizeof(buf) - zs.avail_out, out) !=
			    sizeof(buf) - zs.avail_out) {
			deflateEnd(&zs);
			fprintf(stderr,
				"perfanalyze: cannot write the pprof profile: "
				"%s\n",
				strerror(errno));
			return -1;
		}
	} while (zr != Z_STREAM_END);
	deflateEnd(&zs);
	return 0;
}

int export_pprof(const struct export_profile *p, FILE *out)
{
	struct pb b;
	int rc;

	pb_init(&b);
	rc = export_pprof_encode(p, &b);
	if (!rc && b.n > (uInt)-1) {
		fputs("perfanalyze: the pprof profile is over 4 GiB\n", stderr);
		rc = -1;
	}
	if (!rc)
		rc = gzip_to(b.b, b.n, out);
	if (!rc && fflush(out)) {
		fprintf(stderr,
			"perfanalyze: cannot write the pprof profile: %s\n",
			strerror(errno));
		rc = -1;
	}
	pb_release(&b);
	return rc;
}
