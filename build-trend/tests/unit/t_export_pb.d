build-trend/tests/unit/t_export_pb: tests/unit/t_export_pb.c \
 analyzer/render/export.h analyzer/render/export_pb.h \
 analyzer/render/export.h include/perfshim_trace.h tests/unit/tap.h
analyzer/render/export.h:
analyzer/render/export_pb.h:
analyzer/render/export.h:
include/perfshim_trace.h:
tests/unit/tap.h:
