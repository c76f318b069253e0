build-trend/analyzer/input/replay.o: analyzer/input/replay.c \
 include/perfshim_trace.h analyzer/error.h analyzer/hashtab.h \
 analyzer/input/replay.h analyzer/input/module.h analyzer/input/reader.h
include/perfshim_trace.h:
analyzer/error.h:
analyzer/hashtab.h:
analyzer/input/replay.h:
analyzer/input/module.h:
analyzer/input/reader.h:
