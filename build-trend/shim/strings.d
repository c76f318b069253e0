build-trend/shim/strings.o: shim/strings.c shim/encode.h shim/compiler.h \
 shim/mem.h include/perfshim_trace.h shim/shim.h shim/clock.h shim/ring.h
shim/encode.h:
shim/compiler.h:
shim/mem.h:
include/perfshim_trace.h:
shim/shim.h:
shim/clock.h:
shim/ring.h:
