# sdk: the block header, its pkg-config file, and the axon-block tool, all
# installed by `make install`.
axonincludedir = $(includedir)/axon
axoninclude_HEADERS = sdk/include/axon/block.h
pkgconfigdir = $(libdir)/pkgconfig
pkgconfig_DATA = sdk/axon-block.pc

bin_PROGRAMS += axon-block
axon_block_SOURCES = sdk/axon-block.c sdk/scaffold.c sdk/scaffold.h
axon_block_LDADD = $(AXON_LIBS)

dist_man_MANS += docs/man/axon-block.1 docs/man/axon_block.3
EXTRA_DIST += sdk/README.md sdk/ABI-CHANGES.md
