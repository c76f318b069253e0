build-trend/asan/analyzer/input/summary_read.o: \
 analyzer/input/summary_read.c analyzer/error.h \
 analyzer/input/summary_read.h analyzer/model/metrics.h \
 analyzer/hashtab.h analyzer/input/symbols.h analyzer/input/module.h
analyzer/error.h:
analyzer/input/summary_read.h:
analyzer/model/metrics.h:
analyzer/hashtab.h:
analyzer/input/symbols.h:
analyzer/input/module.h:
