build-trend/shim/writer.o: shim/writer.c shim/columns.h shim/compiler.h \
 shim/encode.h shim/fds.h shim/live.h shim/shim.h shim/clock.h \
 shim/ring.h shim/mem.h include/perfshim_trace.h shim/threads.h \
 shim/tracefile.h
shim/columns.h:
shim/compiler.h:
shim/encode.h:
shim/fds.h:
shim/live.h:
shim/shim.h:
shim/clock.h:
shim/ring.h:
shim/mem.h:
include/perfshim_trace.h:
shim/threads.h:
shim/tracefile.h:
