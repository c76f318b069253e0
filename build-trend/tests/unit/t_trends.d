build-trend/tests/unit/t_trends: tests/unit/t_trends.c tests/unit/tap.h \
 analyzer/verdict/trends.h analyzer/model/metrics.h analyzer/hashtab.h \
 analyzer/input/symbols.h analyzer/input/module.h
tests/unit/tap.h:
analyzer/verdict/trends.h:
analyzer/model/metrics.h:
analyzer/hashtab.h:
analyzer/input/symbols.h:
analyzer/input/module.h:
