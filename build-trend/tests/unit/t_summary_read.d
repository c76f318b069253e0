build-trend/tests/unit/t_summary_read: tests/unit/t_summary_read.c \
 analyzer/error.h analyzer/model/metrics.h analyzer/hashtab.h \
 analyzer/input/symbols.h analyzer/input/module.h \
 analyzer/input/summary_read.h tests/unit/tap.h
analyzer/error.h:
analyzer/model/metrics.h:
analyzer/hashtab.h:
analyzer/input/symbols.h:
analyzer/input/module.h:
analyzer/input/summary_read.h:
tests/unit/tap.h:
