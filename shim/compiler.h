/*
 * compiler.h - the shim's attributes and branch hints; nothing else.
 * Every shim module may include it: it declares no function and no data.
 */
#ifndef PERFSHIM_COMPILER_H
#define PERFSHIM_COMPILER_H

#define HIDDEN __attribute__((visibility("hidden")))
#define EXPORT __attribute__((visibility("default")))
#define LIKELY(x) __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)

/* Add to a counter only this thread writes: a plain load and store. */
#define OWN_ADD(field, v)                                                   \
	atomic_store_explicit(                                              \
		&(field),                                                   \
		atomic_load_explicit(&(field), memory_order_relaxed) + (v), \
		memory_order_relaxed)

#endif
