build-trend/asan/analyzer/render/units.o: analyzer/render/units.c \
 analyzer/render/units.h
analyzer/render/units.h:
