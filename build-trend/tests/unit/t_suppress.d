build-trend/tests/unit/t_suppress: tests/unit/t_suppress.c \
 analyzer/verdict/suppress.h analyzer/input/symbols.h \
 analyzer/input/module.h tests/unit/tap.h
analyzer/verdict/suppress.h:
analyzer/input/symbols.h:
analyzer/input/module.h:
tests/unit/tap.h:
