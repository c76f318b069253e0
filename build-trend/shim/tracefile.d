build-trend/shim/tracefile.o: shim/tracefile.c shim/fds.h shim/compiler.h \
 shim/shim.h shim/clock.h shim/ring.h shim/tracefile.h
shim/fds.h:
shim/compiler.h:
shim/shim.h:
shim/clock.h:
shim/ring.h:
shim/tracefile.h:
