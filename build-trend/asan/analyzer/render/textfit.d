build-trend/asan/analyzer/render/textfit.o: analyzer/render/textfit.c \
 analyzer/error.h analyzer/render/textfit.h
analyzer/error.h:
analyzer/render/textfit.h:
