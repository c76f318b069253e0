build-trend/asan/analyzer/model/label.o: analyzer/model/label.c \
 analyzer/model/label.h
analyzer/model/label.h:
