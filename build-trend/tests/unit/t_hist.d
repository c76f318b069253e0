build-trend/tests/unit/t_hist: tests/unit/t_hist.c analyzer/model/hist.h \
 include/perfshim_hist.h tests/unit/tap.h
analyzer/model/hist.h:
include/perfshim_hist.h:
tests/unit/tap.h:
