build-trend/shim/mem.o: shim/mem.c shim/mem.h shim/compiler.h
shim/mem.h:
shim/compiler.h:
