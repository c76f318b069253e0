build-trend/analyzer/main.o: analyzer/main.c analyzer/input/builds.h \
 analyzer/model/metrics.h analyzer/hashtab.h analyzer/input/symbols.h \
 analyzer/input/module.h analyzer/verdict/classify.h \
 analyzer/input/reader.h analyzer/input/replay.h analyzer/input/reader.h \
 analyzer/verdict/baseline.h analyzer/verdict/leaks.h \
 analyzer/verdict/classify.h analyzer/input/frames.h \
 analyzer/render/json.h analyzer/input/replay.h analyzer/input/symbols.h \
 analyzer/verdict/suppress.h analyzer/verdict/budget_check.h \
 analyzer/verdict/budget.h analyzer/cli.h analyzer/verdict/diff.h \
 analyzer/verdict/growth.h analyzer/verdict/stats.h \
 analyzer/model/hotspots.h analyzer/model/hist.h include/perfshim_hist.h \
 analyzer/verdict/leaks.h analyzer/verdict/suppress.h \
 analyzer/verdict/trends.h analyzer/error.h \
 analyzer/model/export_collect.h analyzer/render/export.h \
 analyzer/verdict/gate.h analyzer/verdict/growth.h analyzer/render/html.h \
 analyzer/model/page.h analyzer/model/hotspots.h analyzer/model/model.h \
 analyzer/model/metrics.h analyzer/model/model.h analyzer/render/render.h \
 analyzer/render/json.h analyzer/input/tee.h
analyzer/input/builds.h:
analyzer/model/metrics.h:
analyzer/hashtab.h:
analyzer/input/symbols.h:
analyzer/input/module.h:
analyzer/verdict/classify.h:
analyzer/input/reader.h:
analyzer/input/replay.h:
analyzer/input/reader.h:
analyzer/verdict/baseline.h:
analyzer/verdict/leaks.h:
analyzer/verdict/classify.h:
analyzer/input/frames.h:
analyzer/render/json.h:
analyzer/input/replay.h:
analyzer/input/symbols.h:
analyzer/verdict/suppress.h:
analyzer/verdict/budget_check.h:
analyzer/verdict/budget.h:
analyzer/cli.h:
analyzer/verdict/diff.h:
analyzer/verdict/growth.h:
analyzer/verdict/stats.h:
analyzer/model/hotspots.h:
analyzer/model/hist.h:
include/perfshim_hist.h:
analyzer/verdict/leaks.h:
analyzer/verdict/suppress.h:
analyzer/verdict/trends.h:
analyzer/error.h:
analyzer/model/export_collect.h:
analyzer/render/export.h:
analyzer/verdict/gate.h:
analyzer/verdict/growth.h:
analyzer/render/html.h:
analyzer/model/page.h:
analyzer/model/hotspots.h:
analyzer/model/model.h:
analyzer/model/metrics.h:
analyzer/model/model.h:
analyzer/render/render.h:
analyzer/render/json.h:
analyzer/input/tee.h:
