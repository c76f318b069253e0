build-trend/tests/unit/t_diff: tests/unit/t_diff.c \
 analyzer/verdict/diff.h analyzer/model/metrics.h analyzer/hashtab.h \
 analyzer/input/symbols.h analyzer/input/module.h tests/unit/tap.h
analyzer/verdict/diff.h:
analyzer/model/metrics.h:
analyzer/hashtab.h:
analyzer/input/symbols.h:
analyzer/input/module.h:
tests/unit/tap.h:
