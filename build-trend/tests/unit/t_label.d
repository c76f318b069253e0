build-trend/tests/unit/t_label: tests/unit/t_label.c \
 analyzer/model/label.h tests/unit/tap.h
analyzer/model/label.h:
tests/unit/tap.h:
