build-trend/analyzer/model/model.o: analyzer/model/model.c \
 analyzer/error.h analyzer/model/model.h analyzer/verdict/gate.h \
 analyzer/verdict/growth.h analyzer/input/frames.h analyzer/render/json.h \
 analyzer/input/replay.h analyzer/input/module.h analyzer/hashtab.h \
 analyzer/input/reader.h analyzer/input/symbols.h analyzer/input/reader.h \
 analyzer/input/replay.h analyzer/verdict/stats.h \
 analyzer/input/symbols.h analyzer/verdict/leaks.h \
 analyzer/verdict/classify.h analyzer/verdict/suppress.h \
 analyzer/verdict/growth.h analyzer/model/hotspots.h \
 analyzer/model/hist.h include/perfshim_hist.h analyzer/verdict/leaks.h \
 analyzer/model/metrics.h include/perfshim_trace.h
analyzer/error.h:
analyzer/model/model.h:
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
analyzer/verdict/growth.h:
analyzer/model/hotspots.h:
analyzer/model/hist.h:
include/perfshim_hist.h:
analyzer/verdict/leaks.h:
analyzer/model/metrics.h:
include/perfshim_trace.h:
