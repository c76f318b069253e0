build-trend/analyzer/error.o: analyzer/error.c analyzer/error.h
analyzer/error.h:
