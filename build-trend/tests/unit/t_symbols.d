build-trend/tests/unit/t_symbols: tests/unit/t_symbols.c \
 analyzer/input/symbols.h analyzer/input/module.h
analyzer/input/symbols.h:
analyzer/input/module.h:
