build-trend/tests/unit/t_export_json: tests/unit/t_export_json.c \
 analyzer/render/export.h tests/unit/tap.h
analyzer/render/export.h:
tests/unit/tap.h:
