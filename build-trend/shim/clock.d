build-trend/shim/clock.o: shim/clock.c shim/clock.h shim/compiler.h
shim/clock.h:
shim/compiler.h:
