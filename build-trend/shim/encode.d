build-trend/shim/encode.o: shim/encode.c shim/encode.h shim/compiler.h \
 include/perfshim_trace.h
shim/encode.h:
shim/compiler.h:
include/perfshim_trace.h:
