build-trend/analyzer/input/tee.o: analyzer/input/tee.c \
 analyzer/input/tee.h analyzer/input/reader.h analyzer/input/module.h
analyzer/input/tee.h:
analyzer/input/reader.h:
analyzer/input/module.h:
