# write_nginx_conf DIR PORT SOCKET ERROR-LOG [HTTP-DIRECTIVES]: a self-contained
# nginx configuration in DIR/nginx.conf around the shipped site file
# etc/nginx/axon.conf (listening on 127.0.0.1:PORT, passing to the unix socket
# SOCKET, or to several: a space-separated list, one server line each in the
# upstream), with its pid and temp files under DIR. Used by the tests and
# ./quickstart serve. Run "nginx -p DIR -c DIR/nginx.conf -e ERROR-LOG"; it
# stays in the foreground.
# As root the workers run as the owner of SOCKET's directory, who runs axond
# (or as root when that directory does not exist yet).
write_nginx_conf() {
	local dir=$1 port=$2 socket=${3%% *} error_log=$4 extra=${5:-} srcdir servers="" s
	srcdir=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
	mkdir -p "$dir/tmp"
	for s in $3; do
		servers="$servers\tserver unix:$s;\n"
	done
	sed -e "s|listen 127.0.0.1:8080;|listen 127.0.0.1:$port;|" \
		-e "s|^\tserver unix:/run/axon/axond.sock;|$servers|" \
		"$srcdir/etc/nginx/axon.conf" >"$dir/site.conf"
	{
		if [ "$(id -u)" = 0 ]; then
			echo "user $(stat -c '%U %G' "$(dirname "$socket")" 2>/dev/null || id -un);"
		fi
		cat <<-EOF
		daemon off;
		worker_processes 2;
		pid $dir/nginx.pid;
		error_log $error_log warn;
		events { worker_connections 1024; }
		http {
			access_log off;
			client_body_temp_path $dir/tmp/body;
			fastcgi_temp_path $dir/tmp/fastcgi;
			proxy_temp_path $dir/tmp/proxy;
			uwsgi_temp_path $dir/tmp/uwsgi;
			scgi_temp_path $dir/tmp/scgi;
			types { text/html html; application/json json; }
			$extra
			include $dir/site.conf;
		}
		EOF
	} >"$dir/nginx.conf"
}
