build-trend/tests/unit/t_end_totals: tests/unit/t_end_totals.c \
 include/perfshim_trace.h analyzer/input/reader.h analyzer/input/module.h \
 tests/unit/tap.h tests/unit/tracebuf.h
include/perfshim_trace.h:
analyzer/input/reader.h:
analyzer/input/module.h:
tests/unit/tap.h:
tests/unit/tracebuf.h:
