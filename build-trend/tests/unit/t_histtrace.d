build-trend/tests/unit/t_histtrace: tests/unit/t_histtrace.c \
 analyzer/model/hist.h include/perfshim_hist.h include/perfshim_trace.h \
 analyzer/input/reader.h analyzer/input/module.h analyzer/input/replay.h \
 analyzer/hashtab.h analyzer/input/reader.h analyzer/input/symbols.h \
 analyzer/input/tee.h tests/unit/tap.h tests/unit/tracebuf.h
analyzer/model/hist.h:
include/perfshim_hist.h:
include/perfshim_trace.h:
analyzer/input/reader.h:
analyzer/input/module.h:
analyzer/input/replay.h:
analyzer/hashtab.h:
analyzer/input/reader.h:
analyzer/input/symbols.h:
analyzer/input/tee.h:
tests/unit/tap.h:
tests/unit/tracebuf.h:
