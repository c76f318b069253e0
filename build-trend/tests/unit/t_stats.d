build-trend/tests/unit/t_stats: tests/unit/t_stats.c \
 analyzer/verdict/stats.h tests/unit/tap.h
analyzer/verdict/stats.h:
tests/unit/tap.h:
