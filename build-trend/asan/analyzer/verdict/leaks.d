build-trend/asan/analyzer/verdict/leaks.o: analyzer/verdict/leaks.c \
 analyzer/render/json.h analyzer/error.h analyzer/input/frames.h \
 analyzer/input/replay.h analyzer/input/module.h analyzer/hashtab.h \
 analyzer/input/reader.h analyzer/input/symbols.h \
 analyzer/verdict/leaks.h analyzer/verdict/classify.h \
 analyzer/input/reader.h analyzer/input/replay.h \
 analyzer/verdict/suppress.h analyzer/input/symbols.h \
 include/perfshim_trace.h
analyzer/render/json.h:
analyzer/error.h:
analyzer/input/frames.h:
analyzer/input/replay.h:
analyzer/input/module.h:
analyzer/hashtab.h:
analyzer/input/reader.h:
analyzer/input/symbols.h:
analyzer/verdict/leaks.h:
analyzer/verdict/classify.h:
analyzer/input/reader.h:
analyzer/input/replay.h:
analyzer/verdict/suppress.h:
analyzer/input/symbols.h:
include/perfshim_trace.h:
