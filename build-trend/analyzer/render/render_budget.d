build-trend/analyzer/render/render_budget.o: \
 analyzer/render/render_budget.c analyzer/error.h analyzer/render/json.h \
 analyzer/render/render.h analyzer/verdict/budget_check.h \
 analyzer/verdict/budget.h analyzer/model/metrics.h analyzer/hashtab.h \
 analyzer/input/symbols.h analyzer/input/module.h analyzer/verdict/diff.h \
 analyzer/verdict/gate.h analyzer/verdict/growth.h \
 analyzer/input/frames.h analyzer/render/json.h analyzer/input/replay.h \
 analyzer/input/reader.h analyzer/input/symbols.h analyzer/input/reader.h \
 analyzer/input/replay.h analyzer/verdict/stats.h \
 analyzer/verdict/leaks.h analyzer/verdict/classify.h \
 analyzer/verdict/suppress.h analyzer/verdict/growth.h \
 analyzer/model/hotspots.h analyzer/model/hist.h include/perfshim_hist.h \
 analyzer/verdict/leaks.h analyzer/model/model.h \
 analyzer/model/hotspots.h analyzer/model/metrics.h \
 analyzer/verdict/trends.h
analyzer/error.h:
analyzer/render/json.h:
analyzer/render/render.h:
analyzer/verdict/budget_check.h:
analyzer/verdict/budget.h:
analyzer/model/metrics.h:
analyzer/hashtab.h:
analyzer/input/symbols.h:
analyzer/input/module.h:
analyzer/verdict/diff.h:
analyzer/verdict/gate.h:
analyzer/verdict/growth.h:
analyzer/input/frames.h:
analyzer/render/json.h:
analyzer/input/replay.h:
analyzer/input/reader.h:
analyzer/input/symbols.h:
analyzer/input/reader.h:
analyzer/input/replay.h:
analyzer/verdict/stats.h:
analyzer/verdict/leaks.h:
analyzer/verdict/classify.h:
analyzer/verdict/suppress.h:
analyzer/verdict/growth.h:
analyzer/model/hotspots.h:
analyzer/model/hist.h:
include/perfshim_hist.h:
analyzer/verdict/leaks.h:
analyzer/model/model.h:
analyzer/model/hotspots.h:
analyzer/model/metrics.h:
analyzer/verdict/trends.h:
