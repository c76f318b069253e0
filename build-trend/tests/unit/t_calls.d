build-trend/tests/unit/t_calls: tests/unit/t_calls.c \
 include/perfshim_trace.h analyzer/input/reader.h analyzer/input/module.h \
 tests/unit/tap.h tests/unit/tracebuf.h
include/perfshim_trace.h:
analyzer/input/reader.h:
analyzer/input/module.h:
tests/unit/tap.h:
tests/unit/tracebuf.h:
