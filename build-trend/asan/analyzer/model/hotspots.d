build-trend/asan/analyzer/model/hotspots.o: analyzer/model/hotspots.c \
 analyzer/input/frames.h analyzer/render/json.h analyzer/input/replay.h \
 analyzer/input/module.h analyzer/hashtab.h analyzer/input/reader.h \
 analyzer/input/symbols.h analyzer/error.h analyzer/model/hist.h \
 include/perfshim_hist.h analyzer/model/hotspots.h \
 analyzer/input/reader.h analyzer/input/replay.h analyzer/input/symbols.h \
 include/perfshim_trace.h
analyzer/input/frames.h:
analyzer/render/json.h:
analyzer/input/replay.h:
analyzer/input/module.h:
analyzer/hashtab.h:
analyzer/input/reader.h:
analyzer/input/symbols.h:
analyzer/error.h:
analyzer/model/hist.h:
include/perfshim_hist.h:
analyzer/model/hotspots.h:
analyzer/input/reader.h:
analyzer/input/replay.h:
analyzer/input/symbols.h:
include/perfshim_trace.h:
