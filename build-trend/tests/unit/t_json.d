build-trend/tests/unit/t_json: tests/unit/t_json.c analyzer/render/json.h \
 tests/unit/tap.h
analyzer/render/json.h:
tests/unit/tap.h:
