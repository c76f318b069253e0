build-trend/tests/unit/t_inversion: tests/unit/t_inversion.c \
 include/perfshim_trace.h analyzer/input/reader.h analyzer/input/module.h \
 analyzer/input/replay.h analyzer/hashtab.h analyzer/input/reader.h \
 tests/unit/tap.h tests/unit/tracebuf.h
include/perfshim_trace.h:
analyzer/input/reader.h:
analyzer/input/module.h:
analyzer/input/replay.h:
analyzer/hashtab.h:
analyzer/input/reader.h:
tests/unit/tap.h:
tests/unit/tracebuf.h:
