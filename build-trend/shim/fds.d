build-trend/shim/fds.o: shim/fds.c shim/fds.h shim/compiler.h shim/shim.h \
 shim/clock.h shim/ring.h shim/tracefile.h
shim/fds.h:
shim/compiler.h:
shim/shim.h:
shim/clock.h:
shim/ring.h:
shim/tracefile.h:
