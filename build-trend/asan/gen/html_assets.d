build-trend/asan/gen/html_assets.o: build-trend/gen/html_assets.c \
 analyzer/render/html_assets.h
analyzer/render/html_assets.h:
