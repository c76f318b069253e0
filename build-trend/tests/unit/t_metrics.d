build-trend/tests/unit/t_metrics: tests/unit/t_metrics.c analyzer/error.h \
 analyzer/model/metrics.h analyzer/hashtab.h analyzer/input/symbols.h \
 analyzer/input/module.h tests/unit/tap.h
analyzer/error.h:
analyzer/model/metrics.h:
analyzer/hashtab.h:
analyzer/input/symbols.h:
analyzer/input/module.h:
tests/unit/tap.h:
