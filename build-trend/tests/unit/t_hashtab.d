build-trend/tests/unit/t_hashtab: tests/unit/t_hashtab.c analyzer/error.h \
 analyzer/hashtab.h tests/unit/tap.h
analyzer/error.h:
analyzer/hashtab.h:
tests/unit/tap.h:
