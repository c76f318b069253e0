build-trend/shim/scan.o: shim/scan.c shim/encode.h shim/compiler.h \
 shim/live.h shim/shim.h shim/clock.h shim/ring.h shim/mem.h \
 include/perfshim.h include/perfshim_trace.h shim/stop.h
shim/encode.h:
shim/compiler.h:
shim/live.h:
shim/shim.h:
shim/clock.h:
shim/ring.h:
shim/mem.h:
include/perfshim.h:
include/perfshim_trace.h:
shim/stop.h:
