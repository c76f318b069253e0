build-trend/asan/analyzer/verdict/gate.o: analyzer/verdict/gate.c \
 analyzer/verdict/gate.h analyzer/verdict/growth.h \
 analyzer/input/frames.h analyzer/render/json.h analyzer/input/replay.h \
 analyzer/input/module.h analyzer/hashtab.h analyzer/input/reader.h \
 analyzer/input/symbols.h analyzer/input/reader.h analyzer/input/replay.h \
 analyzer/verdict/stats.h analyzer/input/symbols.h \
 analyzer/verdict/leaks.h analyzer/verdict/classify.h \
 analyzer/verdict/suppress.h
analyzer/verdict/gate.h:
analyzer/verdict/growth.h:
analyzer/input/frames.h:
analyzer/render/json.h:
analyzer/input/replay.h:
analyzer/input/module.h:
analyzer/hashtab.h:
analyzer/input/reader.h:
analyzer/input/symbols.h:
analyzer/input/reader.h:
analyzer/input/replay.h:
analyzer/verdict/stats.h:
analyzer/input/symbols.h:
analyzer/verdict/leaks.h:
analyzer/verdict/classify.h:
analyzer/verdict/suppress.h:
