build-trend/analyzer/model/export_collect.o: \
 analyzer/model/export_collect.c analyzer/model/export_collect.h \
 analyzer/render/export.h analyzer/input/reader.h analyzer/input/module.h \
 analyzer/input/replay.h analyzer/hashtab.h analyzer/input/reader.h \
 analyzer/input/symbols.h analyzer/input/frames.h analyzer/render/json.h \
 analyzer/input/replay.h analyzer/input/symbols.h \
 analyzer/model/metrics.h include/perfshim_trace.h analyzer/input/tee.h
analyzer/model/export_collect.h:
analyzer/render/export.h:
analyzer/input/reader.h:
analyzer/input/module.h:
analyzer/input/replay.h:
analyzer/hashtab.h:
analyzer/input/reader.h:
analyzer/input/symbols.h:
analyzer/input/frames.h:
analyzer/render/json.h:
analyzer/input/replay.h:
analyzer/input/symbols.h:
analyzer/model/metrics.h:
include/perfshim_trace.h:
analyzer/input/tee.h:
