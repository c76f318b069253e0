build-trend/shim/ring.o: shim/ring.c shim/ring.h shim/compiler.h
shim/ring.h:
shim/compiler.h:
