build-trend/tests/unit/t_classify: tests/unit/t_classify.c \
 analyzer/verdict/classify.h analyzer/hashtab.h analyzer/input/reader.h \
 analyzer/input/module.h analyzer/input/replay.h analyzer/input/reader.h \
 analyzer/verdict/leaks.h analyzer/verdict/classify.h \
 analyzer/input/frames.h analyzer/render/json.h analyzer/input/replay.h \
 analyzer/input/symbols.h analyzer/verdict/suppress.h \
 analyzer/input/symbols.h include/perfshim_trace.h tests/unit/tap.h \
 tests/unit/tracebuf.h analyzer/input/tee.h
analyzer/verdict/classify.h:
analyzer/hashtab.h:
analyzer/input/reader.h:
analyzer/input/module.h:
analyzer/input/replay.h:
analyzer/input/reader.h:
analyzer/verdict/leaks.h:
analyzer/verdict/classify.h:
analyzer/input/frames.h:
analyzer/render/json.h:
analyzer/input/replay.h:
analyzer/input/symbols.h:
analyzer/verdict/suppress.h:
analyzer/input/symbols.h:
include/perfshim_trace.h:
tests/unit/tap.h:
tests/unit/tracebuf.h:
analyzer/input/tee.h:
