build-trend/shim/stop.o: shim/stop.c shim/mem.h shim/compiler.h \
 shim/shim.h shim/clock.h shim/ring.h shim/stop.h
shim/mem.h:
shim/compiler.h:
shim/shim.h:
shim/clock.h:
shim/ring.h:
shim/stop.h:
