# metrics/: what /metrics counts as it happens (histograms and label tables
# with atomics, no lock), and the process's own figures.
src_libaxon_a_SOURCES += \
	src/metrics/metrics.c src/metrics/metrics.h \
	src/metrics/histogram.c src/metrics/histogram.h \
	src/metrics/label_table.c src/metrics/label_table.h \
	src/metrics/process.c src/metrics/process.h
