build-trend/shim/sampler.o: shim/sampler.c shim/encode.h shim/compiler.h \
 shim/live.h shim/shim.h shim/clock.h shim/ring.h \
 include/perfshim_trace.h
shim/encode.h:
shim/compiler.h:
shim/live.h:
shim/shim.h:
shim/clock.h:
shim/ring.h:
include/perfshim_trace.h:
