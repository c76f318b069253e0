build-trend/tests/unit/t_budget: tests/unit/t_budget.c \
 analyzer/verdict/budget.h tests/unit/tap.h
analyzer/verdict/budget.h:
tests/unit/tap.h:
