build-trend/asan/analyzer/verdict/budget_check.o: \
 analyzer/verdict/budget_check.c analyzer/verdict/budget_check.h \
 analyzer/verdict/budget.h analyzer/model/metrics.h analyzer/hashtab.h \
 analyzer/input/symbols.h analyzer/input/module.h analyzer/error.h
analyzer/verdict/budget_check.h:
analyzer/verdict/budget.h:
analyzer/model/metrics.h:
analyzer/hashtab.h:
analyzer/input/symbols.h:
analyzer/input/module.h:
analyzer/error.h:
