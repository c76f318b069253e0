build-trend/tests/unit/t_runtime: tests/unit/t_runtime.c \
 analyzer/verdict/leaks.h analyzer/verdict/classify.h analyzer/hashtab.h \
 analyzer/input/reader.h analyzer/input/module.h analyzer/input/replay.h \
 analyzer/input/reader.h analyzer/input/frames.h analyzer/render/json.h \
 analyzer/input/replay.h analyzer/input/symbols.h \
 analyzer/verdict/suppress.h analyzer/input/symbols.h tests/unit/tap.h
analyzer/verdict/leaks.h:
analyzer/verdict/classify.h:
analyzer/hashtab.h:
analyzer/input/reader.h:
analyzer/input/module.h:
analyzer/input/replay.h:
analyzer/input/reader.h:
analyzer/input/frames.h:
analyzer/render/json.h:
analyzer/input/replay.h:
analyzer/input/symbols.h:
analyzer/verdict/suppress.h:
analyzer/input/symbols.h:
tests/unit/tap.h:
