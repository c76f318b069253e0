build-trend/analyzer/verdict/budget.o: analyzer/verdict/budget.c \
 analyzer/verdict/budget.h analyzer/error.h
analyzer/verdict/budget.h:
analyzer/error.h:
