build-trend/analyzer/input/symbols.o: analyzer/input/symbols.c \
 analyzer/error.h analyzer/hashtab.h analyzer/input/symbols.h \
 analyzer/input/module.h
analyzer/error.h:
analyzer/hashtab.h:
analyzer/input/symbols.h:
analyzer/input/module.h:
