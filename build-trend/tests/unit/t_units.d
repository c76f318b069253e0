build-trend/tests/unit/t_units: tests/unit/t_units.c tests/unit/tap.h \
 analyzer/render/units.h
tests/unit/tap.h:
analyzer/render/units.h:
