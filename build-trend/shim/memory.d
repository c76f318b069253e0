build-trend/shim/memory.o: shim/memory.c shim/fds.h shim/compiler.h \
 include/perfshim_trace.h shim/shim.h shim/clock.h shim/ring.h
shim/fds.h:
shim/compiler.h:
include/perfshim_trace.h:
shim/shim.h:
shim/clock.h:
shim/ring.h:
