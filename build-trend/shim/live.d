build-trend/shim/live.o: shim/live.c shim/live.h shim/shim.h shim/clock.h \
 shim/compiler.h shim/ring.h shim/mem.h include/perfshim_trace.h
shim/live.h:
shim/shim.h:
shim/clock.h:
shim/compiler.h:
shim/ring.h:
shim/mem.h:
include/perfshim_trace.h:
