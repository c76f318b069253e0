build-trend/analyzer/render/export_pb.o: analyzer/render/export_pb.c \
 analyzer/render/export_pb.h analyzer/render/export.h
analyzer/render/export_pb.h:
analyzer/render/export.h:
