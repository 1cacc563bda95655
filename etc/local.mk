# etc/: the default configuration, the web server site files and the systemd
# unit. The unit in the source names the paths of a package built with
# --prefix=/usr --sysconfdir=/etc; the installed copy gets this build's paths.
axonconfdir = $(sysconfdir)/axon
dist_axonconf_DATA = etc/axon.conf
axonnginxdir = $(axonconfdir)/nginx
dist_axonnginx_DATA = etc/nginx/axon.conf
axonapachedir = $(axonconfdir)/apache
dist_axonapache_DATA = etc/apache/axon.conf

systemdunitdir = $(prefix)/lib/systemd/system
systemdunit_DATA = etc/axond.service etc/axon-backup.service etc/axon-backup.timer
CLEANFILES += etc/axond.service etc/axon-backup.service etc/axon-backup.timer
EXTRA_DIST += etc/systemd/axond.service etc/systemd/axon-backup.service etc/systemd/axon-backup.timer

etc/axond.service etc/axon-backup.service etc/axon-backup.timer: etc/%: etc/systemd/% Makefile
	$(AM_V_GEN)$(MKDIR_P) etc && sed -e 's|/usr/sbin/axond|$(sbindir)/axond|g' \
		-e 's|/usr/bin/axonctl|$(bindir)/axonctl|g' \
		-e 's|/etc/axon/|$(axonconfdir)/|g' $(srcdir)/etc/systemd/$* >$@
