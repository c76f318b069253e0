build-trend/asan/analyzer/render/export.o: analyzer/render/export.c \
 analyzer/render/export.h
analyzer/render/export.h:
