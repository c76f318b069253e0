build-trend/shim/columns.o: shim/columns.c shim/columns.h shim/compiler.h \
 shim/mem.h include/perfshim_trace.h
shim/columns.h:
shim/compiler.h:
shim/mem.h:
include/perfshim_trace.h:
