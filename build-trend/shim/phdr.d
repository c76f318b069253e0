build-trend/shim/phdr.o: shim/phdr.c shim/shim.h shim/clock.h \
 shim/compiler.h shim/ring.h
shim/shim.h:
shim/clock.h:
shim/compiler.h:
shim/ring.h:
