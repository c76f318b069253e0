build-trend/shim/alloc.o: shim/alloc.c include/perfshim_trace.h \
 shim/shim.h shim/clock.h shim/compiler.h shim/ring.h
include/perfshim_trace.h:
shim/shim.h:
shim/clock.h:
shim/compiler.h:
shim/ring.h:
