# shellcheck shell=bash
# A real IMAP server for tests: Debian's Dovecot, started on loopback from a
# configuration written in the test's temp dir (users in a passwd-file,
# mail in a maildir there, a certificate made here), in the foreground so
# that it_cleanup stops it by its pid. Source after lib.sh and it_init.

# it_start_dovecot USER PASSWORD: sets IMAP_PORT (IMAP, STARTTLS offered),
# IMAPS_PORT (implicit TLS) and IMAP_CA (the certificate to trust); skips
# the test when Dovecot is not installed or does not start.
it_start_dovecot() {
	local dir=$IT_TMP/dovecot me uid gid
	command -v dovecot >/dev/null || [ -x /usr/sbin/dovecot ] ||
		it_skip "Dovecot is not installed (./quickstart check installs dovecot-imapd)"
	command -v openssl >/dev/null || it_skip "openssl is not installed (./quickstart check installs it)"
	mkdir -p "$dir/run" "$dir/mail"
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$dir/imap.key" -out "$dir/imap.pem" -days 2 \
		-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 2>/dev/null || it_fail "a certificate for Dovecot is made"
	# shellcheck disable=SC2034 # for the sourcing script
	IMAP_CA=$dir/imap.pem
	IMAP_PORT=$(free_port)
	IMAPS_PORT=$(free_port)
	me=$(id -un)
	if [ "$(id -u)" = 0 ]; then
		# As root, Dovecot reads mail as its own unprivileged user, who must reach the maildir.
		id dovecot >/dev/null 2>&1 || it_skip "Dovecot's user 'dovecot' is missing"
		uid=$(id -u dovecot) gid=$(id -g dovecot)
		chmod 711 "$IT_TMP" "$dir"
		chown -R dovecot: "$dir/mail"
	else
		uid=$(id -u) gid=$(id -g)
	fi
	printf '%s:{PLAIN}%s:%s:%s::%s/mail\n' "$1" "$2" "$uid" "$gid" "$dir" >"$dir/users"
	cat >"$dir/dovecot.conf" <<-CONF
	base_dir = $dir/run
	state_dir = $dir/run
	log_path = $dir/dovecot.log
	protocols = imap
	listen = 127.0.0.1
	ssl = yes
	ssl_cert = <$dir/imap.pem
	ssl_key = <$dir/imap.key
	disable_plaintext_auth = no
	auth_mechanisms = plain login
	first_valid_uid = 1
	mail_location = maildir:$dir/mail
	passdb {
	  driver = passwd-file
	  args = scheme=PLAIN $dir/users
	}
	userdb {
	  driver = passwd-file
	  args = $dir/users
	}
	service imap-login {
	  chroot =
	  inet_listener imap {
	    port = $IMAP_PORT
	  }
	  inet_listener imaps {
	    port = $IMAPS_PORT
	  }
	}
	service anvil {
	  chroot =
	}
	CONF
	if [ "$(id -u)" != 0 ]; then
		printf 'default_internal_user = %s\ndefault_login_user = %s\ndefault_internal_group = %s\n' \
			"$me" "$me" "$(id -gn)" >>"$dir/dovecot.conf"
	fi
	PATH=$PATH:/usr/sbin dovecot -F -c "$dir/dovecot.conf" 2>"$dir/dovecot.stderr" &
	IT_PIDS+=($!)
	it_wait_port "$IMAPS_PORT" Dovecot "$dir/dovecot.log" || { cat "$dir/dovecot.stderr"; it_fail "Dovecot starts"; }
	DOVECOT_USER=$1 DOVECOT_PASSWORD=$2
}

# it_deliver FILE: the message in FILE appended to the INBOX over IMAP.
it_deliver() {
	curl -sS "imap://127.0.0.1:$IMAP_PORT/INBOX" -u "$DOVECOT_USER:$DOVECOT_PASSWORD" -T "$1" ||
		it_fail "a message is delivered to Dovecot"
}
