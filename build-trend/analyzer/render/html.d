build-trend/analyzer/render/html.o: analyzer/render/html.c \
 analyzer/error.h analyzer/render/html.h analyzer/model/page.h \
 analyzer/verdict/classify.h analyzer/hashtab.h analyzer/input/reader.h \
 analyzer/input/module.h analyzer/input/replay.h analyzer/input/reader.h \
 analyzer/verdict/growth.h analyzer/input/frames.h analyzer/render/json.h \
 analyzer/input/replay.h analyzer/input/symbols.h \
 analyzer/verdict/stats.h analyzer/input/symbols.h \
 analyzer/model/hotspots.h analyzer/model/hist.h include/perfshim_hist.h \
 analyzer/verdict/leaks.h analyzer/verdict/classify.h \
 analyzer/verdict/suppress.h analyzer/model/model.h \
 analyzer/verdict/gate.h analyzer/verdict/growth.h \
 analyzer/verdict/leaks.h analyzer/model/metrics.h \
 analyzer/render/html_assets.h analyzer/render/json.h \
 analyzer/render/render.h analyzer/verdict/budget_check.h \
 analyzer/verdict/budget.h analyzer/model/metrics.h \
 analyzer/verdict/diff.h analyzer/model/hotspots.h analyzer/model/model.h \
 analyzer/verdict/trends.h
analyzer/error.h:
analyzer/render/html.h:
analyzer/model/page.h:
analyzer/verdict/classify.h:
analyzer/hashtab.h:
analyzer/input/reader.h:
analyzer/input/module.h:
analyzer/input/replay.h:
analyzer/input/reader.h:
analyzer/verdict/growth.h:
analyzer/input/frames.h:
analyzer/render/json.h:
analyzer/input/replay.h:
analyzer/input/symbols.h:
analyzer/verdict/stats.h:
analyzer/input/symbols.h:
analyzer/model/hotspots.h:
analyzer/model/hist.h:
include/perfshim_hist.h:
analyzer/verdict/leaks.h:
analyzer/verdict/classify.h:
analyzer/verdict/suppress.h:
analyzer/model/model.h:
analyzer/verdict/gate.h:
analyzer/verdict/growth.h:
analyzer/verdict/leaks.h:
analyzer/model/metrics.h:
analyzer/render/html_assets.h:
analyzer/render/json.h:
analyzer/render/render.h:
analyzer/verdict/budget_check.h:
analyzer/verdict/budget.h:
analyzer/model/metrics.h:
analyzer/verdict/diff.h:
analyzer/model/hotspots.h:
analyzer/model/model.h:
analyzer/verdict/trends.h:
