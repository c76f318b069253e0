build-trend/asan/analyzer/verdict/diff.o: analyzer/verdict/diff.c \
 analyzer/verdict/diff.h analyzer/model/metrics.h analyzer/hashtab.h \
 analyzer/input/symbols.h analyzer/input/module.h analyzer/error.h \
 analyzer/verdict/stats.h analyzer/verdict/teststat.h
analyzer/verdict/diff.h:
analyzer/model/metrics.h:
analyzer/hashtab.h:
analyzer/input/symbols.h:
analyzer/input/module.h:
analyzer/error.h:
analyzer/verdict/stats.h:
analyzer/verdict/teststat.h:
