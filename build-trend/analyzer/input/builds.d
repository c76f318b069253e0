build-trend/analyzer/input/builds.o: analyzer/input/builds.c \
 analyzer/input/builds.h analyzer/model/metrics.h analyzer/hashtab.h \
 analyzer/input/symbols.h analyzer/input/module.h analyzer/error.h \
 analyzer/input/summary_read.h
analyzer/input/builds.h:
analyzer/model/metrics.h:
analyzer/hashtab.h:
analyzer/input/symbols.h:
analyzer/input/module.h:
analyzer/error.h:
analyzer/input/summary_read.h:
