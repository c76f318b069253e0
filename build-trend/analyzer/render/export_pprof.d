build-trend/analyzer/render/export_pprof.o: \
 analyzer/render/export_pprof.c analyzer/render/export.h \
 analyzer/render/export_pb.h
analyzer/render/export.h:
analyzer/render/export_pb.h:
