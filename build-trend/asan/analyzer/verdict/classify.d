build-trend/asan/analyzer/verdict/classify.o: analyzer/verdict/classify.c \
 analyzer/error.h analyzer/verdict/classify.h analyzer/hashtab.h \
 analyzer/input/reader.h analyzer/input/module.h analyzer/input/replay.h \
 analyzer/input/reader.h analyzer/verdict/leaks.h analyzer/input/frames.h \
 analyzer/render/json.h analyzer/input/replay.h analyzer/input/symbols.h \
 analyzer/verdict/suppress.h analyzer/input/symbols.h \
 include/perfshim_trace.h
analyzer/error.h:
analyzer/verdict/classify.h:
analyzer/hashtab.h:
analyzer/input/reader.h:
analyzer/input/module.h:
analyzer/input/replay.h:
analyzer/input/reader.h:
analyzer/verdict/leaks.h:
analyzer/input/frames.h:
analyzer/render/json.h:
analyzer/input/replay.h:
analyzer/input/symbols.h:
analyzer/verdict/suppress.h:
analyzer/input/symbols.h:
include/perfshim_trace.h:
