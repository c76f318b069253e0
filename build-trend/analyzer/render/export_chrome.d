build-trend/analyzer/render/export_chrome.o: \
 analyzer/render/export_chrome.c analyzer/render/export.h \
 analyzer/render/json.h
analyzer/render/export.h:
analyzer/render/json.h:
