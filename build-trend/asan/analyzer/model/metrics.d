build-trend/asan/analyzer/model/metrics.o: analyzer/model/metrics.c \
 analyzer/verdict/classify.h analyzer/hashtab.h analyzer/input/reader.h \
 analyzer/input/module.h analyzer/input/replay.h analyzer/input/reader.h \
 analyzer/error.h analyzer/input/frames.h analyzer/render/json.h \
 analyzer/input/replay.h analyzer/input/symbols.h analyzer/verdict/gate.h \
 analyzer/verdict/growth.h analyzer/verdict/stats.h \
 analyzer/input/symbols.h analyzer/verdict/leaks.h \
 analyzer/verdict/classify.h analyzer/verdict/suppress.h \
 analyzer/model/hotspots.h analyzer/model/hist.h include/perfshim_hist.h \
 analyzer/verdict/leaks.h analyzer/model/metrics.h analyzer/model/model.h \
 analyzer/verdict/growth.h include/perfshim_trace.h analyzer/input/tee.h
analyzer/verdict/classify.h:
analyzer/hashtab.h:
analyzer/input/reader.h:
analyzer/input/module.h:
analyzer/input/replay.h:
analyzer/input/reader.h:
analyzer/error.h:
analyzer/input/frames.h:
analyzer/render/json.h:
analyzer/input/replay.h:
analyzer/input/symbols.h:
analyzer/verdict/gate.h:
analyzer/verdict/growth.h:
analyzer/verdict/stats.h:
analyzer/input/symbols.h:
analyzer/verdict/leaks.h:
analyzer/verdict/classify.h:
analyzer/verdict/suppress.h:
analyzer/model/hotspots.h:
analyzer/model/hist.h:
include/perfshim_hist.h:
analyzer/verdict/leaks.h:
analyzer/model/metrics.h:
analyzer/model/model.h:
analyzer/verdict/growth.h:
include/perfshim_trace.h:
analyzer/input/tee.h:
