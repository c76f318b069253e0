build-trend/analyzer/verdict/trends.o: analyzer/verdict/trends.c \
 analyzer/error.h analyzer/hashtab.h analyzer/model/label.h \
 analyzer/verdict/stats.h analyzer/verdict/teststat.h \
 analyzer/verdict/trends.h analyzer/model/metrics.h \
 analyzer/input/symbols.h analyzer/input/module.h
analyzer/error.h:
analyzer/hashtab.h:
analyzer/model/label.h:
analyzer/verdict/stats.h:
analyzer/verdict/teststat.h:
analyzer/verdict/trends.h:
analyzer/model/metrics.h:
analyzer/input/symbols.h:
analyzer/input/module.h:
