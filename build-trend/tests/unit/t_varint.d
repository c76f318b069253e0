build-trend/tests/unit/t_varint: tests/unit/t_varint.c \
 include/perfshim_trace.h tests/unit/tap.h
include/perfshim_trace.h:
tests/unit/tap.h:
