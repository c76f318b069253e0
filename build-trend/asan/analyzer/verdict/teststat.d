build-trend/asan/analyzer/verdict/teststat.o: analyzer/verdict/teststat.c \
 analyzer/verdict/stats.h analyzer/verdict/teststat.h
analyzer/verdict/stats.h:
analyzer/verdict/teststat.h:
