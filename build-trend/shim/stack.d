build-trend/shim/stack.o: shim/stack.c shim/mem.h shim/compiler.h \
 include/perfshim_trace.h shim/shim.h shim/clock.h shim/ring.h
shim/mem.h:
shim/compiler.h:
include/perfshim_trace.h:
shim/shim.h:
shim/clock.h:
shim/ring.h:
