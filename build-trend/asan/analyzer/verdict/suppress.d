build-trend/asan/analyzer/verdict/suppress.o: analyzer/verdict/suppress.c \
 analyzer/error.h analyzer/verdict/suppress.h analyzer/input/symbols.h \
 analyzer/input/module.h
analyzer/error.h:
analyzer/verdict/suppress.h:
analyzer/input/symbols.h:
analyzer/input/module.h:
