build-trend/asan/analyzer/verdict/stats.o: analyzer/verdict/stats.c \
 analyzer/verdict/stats.h
analyzer/verdict/stats.h:
