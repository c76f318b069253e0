build-trend/analyzer/input/frames.o: analyzer/input/frames.c \
 analyzer/input/frames.h analyzer/render/json.h analyzer/input/replay.h \
 analyzer/input/module.h analyzer/hashtab.h analyzer/input/reader.h \
 analyzer/input/symbols.h analyzer/render/textfit.h
analyzer/input/frames.h:
analyzer/render/json.h:
analyzer/input/replay.h:
analyzer/input/module.h:
analyzer/hashtab.h:
analyzer/input/reader.h:
analyzer/input/symbols.h:
analyzer/render/textfit.h:
