build-trend/analyzer/model/hist.o: analyzer/model/hist.c \
 analyzer/model/hist.h include/perfshim_hist.h
analyzer/model/hist.h:
include/perfshim_hist.h:
