build-trend/tests/unit/t_cli: tests/unit/t_cli.c analyzer/cli.h \
 analyzer/verdict/diff.h analyzer/model/metrics.h analyzer/hashtab.h \
 analyzer/input/symbols.h analyzer/input/module.h \
 analyzer/verdict/growth.h analyzer/input/frames.h analyzer/render/json.h \
 analyzer/input/replay.h analyzer/input/reader.h analyzer/input/symbols.h \
 analyzer/input/reader.h analyzer/input/replay.h analyzer/verdict/stats.h \
 analyzer/model/hotspots.h analyzer/model/hist.h include/perfshim_hist.h \
 analyzer/verdict/leaks.h analyzer/verdict/classify.h \
 analyzer/verdict/suppress.h analyzer/verdict/suppress.h \
 analyzer/verdict/trends.h tests/unit/tap.h
analyzer/cli.h:
analyzer/verdict/diff.h:
analyzer/model/metrics.h:
analyzer/hashtab.h:
analyzer/input/symbols.h:
analyzer/input/module.h:
analyzer/verdict/growth.h:
analyzer/input/frames.h:
analyzer/render/json.h:
analyzer/input/replay.h:
analyzer/input/reader.h:
analyzer/input/symbols.h:
analyzer/input/reader.h:
analyzer/input/replay.h:
analyzer/verdict/stats.h:
analyzer/model/hotspots.h:
analyzer/model/hist.h:
include/perfshim_hist.h:
analyzer/verdict/leaks.h:
analyzer/verdict/classify.h:
analyzer/verdict/suppress.h:
analyzer/verdict/suppress.h:
analyzer/verdict/trends.h:
tests/unit/tap.h:
