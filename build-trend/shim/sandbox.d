build-trend/shim/sandbox.o: shim/sandbox.c shim/shim.h shim/clock.h \
 shim/compiler.h shim/ring.h
shim/shim.h:
shim/clock.h:
shim/compiler.h:
shim/ring.h:
