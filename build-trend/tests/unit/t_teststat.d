build-trend/tests/unit/t_teststat: tests/unit/t_teststat.c \
 analyzer/verdict/stats.h analyzer/verdict/teststat.h tests/unit/tap.h
analyzer/verdict/stats.h:
analyzer/verdict/teststat.h:
tests/unit/tap.h:
