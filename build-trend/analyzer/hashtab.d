build-trend/analyzer/hashtab.o: analyzer/hashtab.c analyzer/error.h \
 analyzer/hashtab.h
analyzer/error.h:
analyzer/hashtab.h:
