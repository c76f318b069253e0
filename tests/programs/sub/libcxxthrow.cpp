/*
 * libcxxthrow - a C++ plugin for probe_cxx_plugin: throws and catches one
 * exception, and names the library that its calls to the unwinder
 * (_Unwind_RaiseException, as libstdc++'s __cxa_throw makes them) bind to.
 */
#include <dlfcn.h>
#include <string.h>

#include <stdexcept>

extern "C" int _Unwind_RaiseException(void *);

extern "C" const char *cxxthrow_unwinder(void)
{
	Dl_info info;
	void *fn = (void *)&_Unwind_RaiseException;

	if (!dladdr(fn, &info) || !info.dli_fname)
		return "unknown";
	const char *slash = strrchr(info.dli_fname, '/');

	return slash ? slash + 1 : info.dli_fname;
}

extern "C" int cxxthrow_catch(int v)
{
	try {
		throw std::runtime_error("plugin");
	} catch (const std::exception &) {
		return v + 1;
	}
	return 0;
}
