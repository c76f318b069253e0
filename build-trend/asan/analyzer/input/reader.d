build-trend/asan/analyzer/input/reader.o: analyzer/input/reader.c \
 include/perfshim_hist.h include/perfshim_trace.h analyzer/error.h \
 analyzer/input/reader.h analyzer/input/module.h
include/perfshim_hist.h:
include/perfshim_trace.h:
analyzer/error.h:
analyzer/input/reader.h:
analyzer/input/module.h:
