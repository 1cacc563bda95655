#!/bin/bash
# A TLS client certificate applied by the broker: a real nginx that requires
# one (ssl_verify_client on) serves on loopback with certificates made here
# by openssl. http.request with a "client_certificate" credential (its
# certificate, its key and the server's CA, all PEM in the store) gets
# through; without it, or with a certificate of another authority, nginx's
# refusal comes back, clearly; a redirect is not followed with the
# certificate (it would be presented before the new origin could be
# refused) but given back. The credential's Test button (JSON twin)
# reaches the server too, and the key appears nowhere.
# shellcheck source=lib.sh
. "$top_srcdir/tests/integration/lib.sh"
it_init
CTL=$top_builddir/axonctl
[ -x "$CTL" ] || it_skip "$CTL is not built"
command -v openssl >/dev/null || it_skip "openssl is not installed (./quickstart check installs it)"

echo "# certificates: an authority, the server's, a client's, and a stranger's"
PKI=$IT_TMP/pki
mkdir -p "$PKI"
# cert NAME CN [ISSUER] [SAN]: NAME.key and NAME.pem, signed by ISSUER (or self-signed).
cert() {
	local ext=()
	[ -n "${4:-}" ] && ext=(-addext "subjectAltName=$4")
	if [ -z "${3:-}" ]; then
		openssl req -x509 -newkey rsa:2048 -nodes -keyout "$PKI/$1.key" -out "$PKI/$1.pem" -days 2 -subj "/CN=$2" \
			2>/dev/null
	else
		openssl req -newkey rsa:2048 -nodes -keyout "$PKI/$1.key" -out "$PKI/$1.csr" -subj "/CN=$2" "${ext[@]}" \
			2>/dev/null &&
			openssl x509 -req -in "$PKI/$1.csr" -CA "$PKI/$3.pem" -CAkey "$PKI/$3.key" -CAcreateserial -days 2 \
				-copy_extensions copy -out "$PKI/$1.pem" 2>/dev/null
	fi || it_fail "the certificate $1 is made"
}
cert ca "Test CA"
cert server 127.0.0.1 ca IP:127.0.0.1
cert client axon-client ca
cert stranger stranger

echo "# nginx asking for a client certificate of that authority"
MTLS=$IT_TMP/mtls
MTLS_PORT=$(free_port)
mkdir -p "$MTLS/tmp"
cat >"$MTLS/nginx.conf" <<CONF
daemon off;
worker_processes 1;
pid $MTLS/nginx.pid;
error_log $MTLS/error.log;
events { worker_connections 64; }
http {
	access_log off;
	client_body_temp_path $MTLS/tmp/body;
	proxy_temp_path $MTLS/tmp/proxy;
	fastcgi_temp_path $MTLS/tmp/fastcgi;
	uwsgi_temp_path $MTLS/tmp/uwsgi;
	scgi_temp_path $MTLS/tmp/scgi;
	server {
		listen 127.0.0.1:$MTLS_PORT ssl;
		ssl_certificate $PKI/server.pem;
		ssl_certificate_key $PKI/server.key;
		ssl_client_certificate $PKI/ca.pem;
		ssl_verify_client on;
		location / {
			default_type text/plain;
			return 200 "hello \$ssl_client_s_dn\n";
		}
		location = /moved {
			return 302 https://localhost:$MTLS_PORT/;
		}
	}
}
CONF
nginx -p "$MTLS" -c "$MTLS/nginx.conf" -e "$MTLS/error.log" &
IT_PIDS+=($!)
it_wait_port "$MTLS_PORT" nginx "$MTLS/error.log" || it_fail "the nginx that asks for a client certificate starts"
URL=https://127.0.0.1:$MTLS_PORT/
check_eq "$(curl -s --cacert "$PKI/ca.pem" --cert "$PKI/client.pem" --key "$PKI/client.key" "$URL")" "hello CN=axon-client" \
	"that server takes the client's certificate (checked with curl)"

it_start nginx "egress_allow_loopback = yes" "egress_ca_file = $PKI/ca.pem"
it_setup_owner "client cert pw"
check_eq "$?" 0 "first-run setup signs the owner in"
it_api_token certs

# credential NAME CERT: a client_certificate credential with NAME.pem and NAME.key.
credential() {
	jq -n --rawfile c "$PKI/$2.pem" --rawfile k "$PKI/$2.key" --rawfile ca "$PKI/ca.pem" --arg t "$URL" \
		'{certificate: $c, key: $k, ca: $ca, test_url: $t}' >"$IT_TMP/cred.json"
	"$CTL" -c "$IT_TMP/axon.conf" credentials add "$1" --type client_certificate --fields "@$IT_TMP/cred.json" \
		>/dev/null 2>"$IT_TMP/cred.err" || it_fail "the credential $1 is added" "$(cat "$IT_TMP/cred.err")"
	rm -f "$IT_TMP/cred.json"
}
credential mtls client
credential stranger stranger

# fetch CREDENTIAL: the workflow run by axonctl, its output in $IT_TMP/ctl.out.
fetch() {
	jq -n --arg u "$URL" --arg c "$1" '{format: 1, trigger: {type: "manual"},
		blocks: [{id: "get", type: "http.request", config: ({url: $u, fail_on_status: true} +
			(if $c == "" then {} else {credential: $c} end))}]}' >"$IT_TMP/get.json"
	"$CTL" -c "$IT_TMP/axon.conf" run "$IT_TMP/get.json" >"$IT_TMP/ctl.out" 2>"$IT_TMP/ctl.err"
}

echo "# with the credential"
fetch mtls
check_eq "$?" 0 "the run succeeds"
check_eq "$(jq -r '.steps[0].outputs.response | "\(.status) \(.body)"' "$IT_TMP/ctl.out")" "200 hello CN=axon-client" \
	"... the server saw the client's certificate"

jq '.blocks[0].config.url += "moved"' "$IT_TMP/get.json" >"$IT_TMP/moved.json"
"$CTL" -c "$IT_TMP/axon.conf" run "$IT_TMP/moved.json" >"$IT_TMP/ctl.out" 2>"$IT_TMP/ctl.err"
check_eq "$(jq -r '.steps[0].outputs.response | "\(.status) \(.headers.location)"' "$IT_TMP/ctl.out")" \
	"302 https://localhost:$MTLS_PORT/" "a redirect is given back, not followed with the certificate"

echo "# without it, or with another authority's"
fetch ""
check_eq "$?" 1 "without a certificate the run fails"
check_eq "$(jq -r .steps[0].error "$IT_TMP/ctl.out")" "$URL answered with HTTP status 400" "... with the server's status"
jq '.blocks[0].config.fail_on_status = false' "$IT_TMP/get.json" >"$IT_TMP/get-body.json"
"$CTL" -c "$IT_TMP/axon.conf" run "$IT_TMP/get-body.json" >"$IT_TMP/ctl.out" 2>"$IT_TMP/ctl.err"
check_contains "$(jq -r .steps[0].outputs.response.body "$IT_TMP/ctl.out")" "No required SSL certificate was sent" \
	"... and its answer says why"
fetch stranger
check_eq "$?" 1 "a certificate of another authority fails too"
jq '.blocks[0].config.fail_on_status = false' "$IT_TMP/get.json" >"$IT_TMP/get-body.json"
"$CTL" -c "$IT_TMP/axon.conf" run "$IT_TMP/get-body.json" >"$IT_TMP/ctl.out" 2>"$IT_TMP/ctl.err"
check_contains "$(jq -r .steps[0].outputs.response.body "$IT_TMP/ctl.out")" "The SSL certificate error" "... saying so"

echo "# the Test button"
ID=$(sql "SELECT id FROM credentials WHERE name = 'mtls'")
req POST "/credentials/$ID/test" "${API[@]}"
check_status 200 "the credential is tested"
check_json '[.status, .ok] | map(tostring) | join(" ")' "200 true" "... through the server that asks for it"

echo "# made on the web: PEM texts typed in text areas (sent with CRLF line ends, as a browser does)"
req GET "/credentials/new?type=client_certificate"
check_body_contains '<textarea class="code" rows="6" spellcheck="false" id="field-certificate" name="fields.certificate"' \
	"the form takes the certificate in a text area"
check_body_contains 'autocomplete="off" id="field-key" name="fields.key" required></textarea>' "... and the key in an empty one"
for f in client.pem client.key ca.pem; do sed 's/$/\r/' "$PKI/$f" >"$IT_TMP/crlf-$f"; done
req POST /credentials "${API[@]}" --data-urlencode name=webcert --data-urlencode type=client_certificate \
	--data-urlencode "fields.certificate@$IT_TMP/crlf-client.pem" --data-urlencode "fields.key@$IT_TMP/crlf-client.key" \
	--data-urlencode "fields.ca@$IT_TMP/crlf-ca.pem" --data-urlencode "fields.test_url=$URL"
check_status 201 "a client certificate credential is made from the form's fields"
req POST "/credentials/$(jqb .id)/test" "${API[@]}"
check_json '[.status, .ok] | map(tostring) | join(" ")' "200 true" "... and its test gets through"
rm -f "$IT_TMP"/crlf-*

echo "# the key stays secret"
check_eq "$(grep -rlF -e "$(sed -n 2p "$PKI/client.key")" "$IT_TMP/ctl.out" "$IT_TMP/axond.log" "${DATA_FILES[@]}" 2>/dev/null | wc -l)" 0 \
	"the private key is in no output, log or database in clear"
req GET "/credentials/$ID" "${API[@]}"
check_eq "$(jqb '.credential.fields | has("key")')" false "... nor shown back"
it_done
