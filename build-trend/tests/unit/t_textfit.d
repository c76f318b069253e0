build-trend/tests/unit/t_textfit: tests/unit/t_textfit.c tests/unit/tap.h \
 analyzer/render/textfit.h
tests/unit/tap.h:
analyzer/render/textfit.h:
