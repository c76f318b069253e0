/*
 * perfshim.h - the API a program may use to tell perfshim more: named
 * timing zones, markers (iteration boundaries, phases), and an explicit
 * leak check. Header only; nothing to link.
 *
 * Every entry point is a weak reference to a function of libperfshim.so.
 * Without the shim preloaded the reference is null and each call below is
 * one predictable branch that does nothing, so a program built with this
 * header runs unchanged, untraced, anywhere. With the shim, the dynamic
 * loader binds the references at start.
 *
 * Strings passed in are copied (or interned) by the shim before the call
 * returns; the caller keeps ownership. Names longer than
 * PERFSHIM_MAX_STRING_LEN (255) bytes are cut there. All calls are
 * thread-safe and never allocate from the program's heap.
 */
#ifndef PERFSHIM_H
#define PERFSHIM_H

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The inline wrappers below are never instrumented: in a program built with
 * -finstrument-functions, a wrapper that called the function hooks would
 * open its zone inside its own frame, which then closes as it returns.
 */
#if defined(__GNUC__) || defined(__clang__)
#define PERFSHIM_API_INLINE_ \
	static inline __attribute__((no_instrument_function))
#else
#define PERFSHIM_API_INLINE_ static inline
#endif

/* The shim's implementations; use the inline wrappers below. */
void perfshim_api_zone_begin(const char *name) __attribute__((weak));
void perfshim_api_zone_end(const char *name) __attribute__((weak));
void perfshim_api_mark(const char *label) __attribute__((weak));
int perfshim_api_leak_check(void) __attribute__((weak));

/*
 * perfshim_zone_begin - open a timing zone called name on this thread.
 * Zones nest; each must be closed by perfshim_zone_end on the same thread,
 * innermost first. The report aggregates zones like functions: calls,
 * inclusive and self time, per call path of zones.
 */
PERFSHIM_API_INLINE_ void perfshim_zone_begin(const char *name)
{
	if (perfshim_api_zone_begin)
		perfshim_api_zone_begin(name);
}

/*
 * perfshim_zone_end - close the innermost open zone of this thread. name
 * must be the one it was opened with; a mismatch closes zones up to the
 * matching one (and the trace says so) rather than corrupting the rest.
 */
PERFSHIM_API_INLINE_ void perfshim_zone_end(const char *name)
{
	if (perfshim_api_zone_end)
		perfshim_api_zone_end(name);
}

/*
 * perfshim_mark - record a marker with label at this moment (for example
 * "iteration" at the top of a service's main loop). The growth verdict
 * measures the heap at each marker; the timeline shows them.
 */
PERFSHIM_API_INLINE_ void perfshim_mark(const char *label)
{
	if (perfshim_api_mark)
		perfshim_api_mark(label);
}

/*
 * perfshim_leak_check - classify every live block now (reachable,
 * definite, indirect, possible) and write the result into the trace.
 * Returns the number of bytes found definitely or indirectly lost, or -1
 * when the shim is not there or could not scan.
 */
PERFSHIM_API_INLINE_ int perfshim_leak_check(void)
{
	return perfshim_api_leak_check ? perfshim_api_leak_check() : -1;
}

#if defined(__GNUC__) || defined(__clang__)
struct perfshim_scope_ {
	const char *name;
};

PERFSHIM_API_INLINE_ void perfshim_scope_end_(struct perfshim_scope_ *s)
{
	perfshim_zone_end(s->name);
}

#define PERFSHIM_CAT2_(a, b) a##b
#define PERFSHIM_CAT_(a, b) PERFSHIM_CAT2_(a, b)
/*
 * PERFSHIM_ZONE(name) - a zone from here to the end of the enclosing
 * block, closed however the block is left (return, break, goto; also C++
 * exceptions with -fexceptions). GCC and Clang only.
 */
#define PERFSHIM_ZONE(name)                                                 \
	struct perfshim_scope_ PERFSHIM_CAT_(perfshim_zone_, __LINE__)      \
		__attribute__((cleanup(perfshim_scope_end_), unused)) = { ( \
			perfshim_zone_begin(name), (name)) }
#endif

#ifdef __cplusplus
}
#endif

#endif /* PERFSHIM_H */
