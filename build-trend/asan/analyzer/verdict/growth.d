build-trend/asan/analyzer/verdict/growth.o: analyzer/verdict/growth.c \
 analyzer/input/frames.h analyzer/render/json.h analyzer/input/replay.h \
 analyzer/input/module.h analyzer/hashtab.h analyzer/input/reader.h \
 analyzer/input/symbols.h analyzer/error.h analyzer/verdict/growth.h \
 analyzer/input/reader.h analyzer/input/replay.h analyzer/verdict/stats.h \
 analyzer/input/symbols.h analyzer/verdict/leaks.h \
 analyzer/verdict/classify.h analyzer/verdict/suppress.h \
 include/perfshim_trace.h analyzer/input/tee.h
analyzer/input/frames.h:
analyzer/render/json.h:
analyzer/input/replay.h:
analyzer/input/module.h:
analyzer/hashtab.h:
analyzer/input/reader.h:
analyzer/input/symbols.h:
analyzer/error.h:
analyzer/verdict/growth.h:
analyzer/input/reader.h:
analyzer/input/replay.h:
analyzer/verdict/stats.h:
analyzer/input/symbols.h:
analyzer/verdict/leaks.h:
analyzer/verdict/classify.h:
analyzer/verdict/suppress.h:
include/perfshim_trace.h:
analyzer/input/tee.h:
