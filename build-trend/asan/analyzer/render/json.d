build-trend/asan/analyzer/render/json.o: analyzer/render/json.c \
 analyzer/error.h analyzer/render/json.h
analyzer/error.h:
analyzer/render/json.h:
