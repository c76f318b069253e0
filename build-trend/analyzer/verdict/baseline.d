build-trend/analyzer/verdict/baseline.o: analyzer/verdict/baseline.c \
 analyzer/verdict/baseline.h analyzer/hashtab.h analyzer/verdict/leaks.h \
 analyzer/verdict/classify.h analyzer/input/reader.h \
 analyzer/input/module.h analyzer/input/replay.h analyzer/input/reader.h \
 analyzer/input/frames.h analyzer/render/json.h analyzer/input/replay.h \
 analyzer/input/symbols.h analyzer/verdict/suppress.h \
 analyzer/input/symbols.h analyzer/error.h analyzer/verdict/gate.h \
 analyzer/verdict/growth.h analyzer/verdict/stats.h \
 analyzer/model/metrics.h analyzer/input/tee.h
analyzer/verdict/baseline.h:
analyzer/hashtab.h:
analyzer/verdict/leaks.h:
analyzer/verdict/classify.h:
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
analyzer/error.h:
analyzer/verdict/gate.h:
analyzer/verdict/growth.h:
analyzer/verdict/stats.h:
analyzer/model/metrics.h:
analyzer/input/tee.h:
