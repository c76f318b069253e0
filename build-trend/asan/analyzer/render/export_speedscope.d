build-trend/asan/analyzer/render/export_speedscope.o: \
 analyzer/render/export_speedscope.c analyzer/render/export.h \
 analyzer/render/json.h
analyzer/render/export.h:
analyzer/render/json.h:
