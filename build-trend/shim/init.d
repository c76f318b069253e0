build-trend/shim/init.o: shim/init.c shim/live.h shim/shim.h shim/clock.h \
 shim/compiler.h shim/ring.h include/perfshim_trace.h
shim/live.h:
shim/shim.h:
shim/clock.h:
shim/compiler.h:
shim/ring.h:
include/perfshim_trace.h:
