build-trend/tests/unit/t_hotspots: tests/unit/t_hotspots.c \
 analyzer/model/hotspots.h analyzer/input/frames.h analyzer/render/json.h \
 analyzer/input/replay.h analyzer/input/module.h analyzer/hashtab.h \
 analyzer/input/reader.h analyzer/input/symbols.h analyzer/model/hist.h \
 include/perfshim_hist.h analyzer/input/reader.h analyzer/input/replay.h \
 analyzer/input/symbols.h include/perfshim_trace.h \
 analyzer/render/render.h analyzer/verdict/budget_check.h \
 analyzer/verdict/budget.h analyzer/model/metrics.h \
 analyzer/verdict/diff.h analyzer/verdict/gate.h \
 analyzer/verdict/growth.h analyzer/verdict/stats.h \
 analyzer/verdict/leaks.h analyzer/verdict/classify.h \
 analyzer/verdict/suppress.h analyzer/verdict/growth.h \
 analyzer/render/json.h analyzer/verdict/leaks.h analyzer/model/model.h \
 analyzer/model/hotspots.h analyzer/model/metrics.h \
 analyzer/verdict/trends.h tests/unit/tap.h tests/unit/tracebuf.h \
 analyzer/input/tee.h
analyzer/model/hotspots.h:
analyzer/input/frames.h:
analyzer/render/json.h:
analyzer/input/replay.h:
analyzer/input/module.h:
analyzer/hashtab.h:
analyzer/input/reader.h:
analyzer/input/symbols.h:
analyzer/model/hist.h:
include/perfshim_hist.h:
analyzer/input/reader.h:
analyzer/input/replay.h:
analyzer/input/symbols.h:
include/perfshim_trace.h:
analyzer/render/render.h:
analyzer/verdict/budget_check.h:
analyzer/verdict/budget.h:
analyzer/model/metrics.h:
analyzer/verdict/diff.h:
analyzer/verdict/gate.h:
analyzer/verdict/growth.h:
analyzer/verdict/stats.h:
analyzer/verdict/leaks.h:
analyzer/verdict/classify.h:
analyzer/verdict/suppress.h:
analyzer/verdict/growth.h:
analyzer/render/json.h:
analyzer/verdict/leaks.h:
analyzer/model/model.h:
analyzer/model/hotspots.h:
analyzer/model/metrics.h:
analyzer/verdict/trends.h:
tests/unit/tap.h:
tests/unit/tracebuf.h:
analyzer/input/tee.h:
