#!/bin/bash
# What a webhook lets in, through real nginx: the body is parsed by its
# declared Content-Type and nothing else (JSON, forms with their files, text,
# binary data), a body that does not match its type is answered 400 with the
# parser's message and starts no run; a hook's own body limit (413) and its
# address ranges (403), IPv4 and IPv6, judged on the client address nginx
# passes (here from X-Forwarded-For, trusted from 127.0.0.1 by nginx's
# realip module, as behind a load balancer); the delivery log keeps the status
# each caller really got, and no refused delivery is a dead letter.
# shellcheck source=lib.sh
. "$top_srcdir/tests/integration/lib.sh"
it_init
IT_NGINX_HTTP_EXTRA='set_real_ip_from 127.0.0.1; real_ip_header X-Forwarded-For;'
it_start nginx
it_setup_owner "webhook guard pw"
check_eq "$?" 0 "first-run setup signs the owner in"
it_api_token guard

# Answers {"got": the body} (without the trigger's other fields, which would make an HTTP answer of it).
ECHO='"blocks": [{"id": "a", "type": "json.set", "config": {"set": {"got": "{{ trigger.body }}"},
	"remove": ["method", "query", "headers", "body"]}}]'

# hook NAME DEFINITION: a workflow with a webhook; sets WF and HOOK (its path).
hook() {
	it_webhook_workflow "$1" "$2" >"$IT_TMP/hook-path" || it_fail "the workflow $1 and its hook are made" "$(it_answer)"
	HOOK=$(cat "$IT_TMP/hook-path")
}

# deliver PATH [curl options...]: a POST to the hook; STATUS and BODY.
deliver() {
	local path=$1
	shift
	req POST "$path" "$@"
}

# last_delivery WF: "status message" of the newest delivery of workflow WF.
last_delivery() {
	sql "SELECT status || ' ' || coalesce(message, '') FROM deliveries WHERE workflow_id = $1 ORDER BY id DESC LIMIT 1"
}

counts() {
	sql "SELECT (SELECT count(*) FROM runs WHERE workflow_id = $1) || ' runs, ' ||
		(SELECT count(*) FROM dead_letters) || ' dead letters'"
}

echo "# the body by its declared type"
hook "Echo" "{\"format\": 1, \"trigger\": {\"type\": \"webhook\", \"reply\": \"a.out\"}, $ECHO}"
ECHO_WF=$WF
deliver "$HOOK" -H 'Content-Type: application/json' --data '{"name": "Ada", "n": [1, 2]}'
check_status 200 "a JSON body"
check_json '.got | tojson' '{"name":"Ada","n":[1,2]}' "... reaches the run as JSON"
deliver "$HOOK" -H 'Content-Type: application/vnd.api+json; charset=utf-8' --data '[true]'
check_json '.got | tojson' '[true]' "a +json type with parameters is JSON too"
deliver "$HOOK" --data 'a=1&b=two+words&a=3'
check_json '.got | tojson' '{"a":["1","3"],"b":"two words"}' "a form (curl's default type) is an object, a repeated field an array"
printf 'PNG\0\1\2' >"$IT_TMP/pic.png"
deliver "$HOOK" -F note=hello -F "pic=@$IT_TMP/pic.png;type=image/png"
check_json '.got.note | tojson' '"hello"' "a multipart field is text"
check_json '.got.pic | {filename, content_type, size} | tojson' '{"filename":"pic.png","content_type":"image/png","size":6}' \
	"... an uploaded file is binary data"
check_eq "$(jqb .got.pic.base64 | base64 -d | od -An -c | tr -s ' ')" "$(od -An -c "$IT_TMP/pic.png" | tr -s ' ')" \
	"... with its bytes in base64"
deliver "$HOOK" -H 'Content-Type: text/plain' --data '{"looks": "like JSON"}'
check_json '.got | tojson' '"{\"looks\": \"like JSON\"}"' "a text body is a string, whatever it looks like"
deliver "$HOOK" -H 'Content-Type: application/octet-stream' --data-binary @"$IT_TMP/pic.png"
check_json '.got | {base64, size, content_type} | tojson' '{"base64":"UE5HAAEC","size":6,"content_type":"application/octet-stream"}' \
	"a body of another type is binary data"
deliver "$HOOK"
check_json '.got | tojson' 'null' "no body is null"

echo "# a body that is not what it says"
before=$(counts "$ECHO_WF")
deliver "$HOOK" -H 'Content-Type: application/json' --data '{"name": "Ada",}'
check_status 400 "invalid JSON is refused"
check_json .error.message "The body is declared JSON but is not: string or '}' expected near '}' (line 1, column 16)." \
	"... with the parser's message"
check_eq "$(last_delivery "$ECHO_WF")" "400 The body is declared JSON but is not: string or '}' expected near '}' (line 1, column 16)." \
	"... logged as answered, with why"
deliver "$HOOK" -H 'Content-Type: application/json' --data '{"a": 1, "a": 2}'
check_status 400 "a JSON object with a key twice is refused"
check_body_contains "duplicate object key" "... saying so"
printf 'caf\xe9' >"$IT_TMP/latin1.txt"
deliver "$HOOK" -H 'Content-Type: text/plain' --data-binary @"$IT_TMP/latin1.txt"
check_status 400 "text that is not UTF-8 is refused"
check_json .error.message "The body is declared text (text/plain) but is not UTF-8 text: it is invalid UTF-8." "... saying so"
deliver "$HOOK" -H 'Content-Type: multipart/form-data; boundary=xyz' --data 'no parts here'
check_status 400 "a multipart body without its parts is refused"
check_body_contains "cannot be read as one" "... saying so"
check_eq "$(counts "$ECHO_WF")" "$before" "no refused delivery started a run or left a dead letter"

echo "# a hook's own body limit"
hook "Small" "{\"format\": 1, \"trigger\": {\"type\": \"webhook\", \"reply\": \"a.out\", \"max_body_bytes\": 16}, $ECHO}"
SMALL_WF=$WF
deliver "$HOOK" -H 'Content-Type: text/plain' --data '0123456789abcdef'
check_status 200 "a body of the limit's size is taken"
deliver "$HOOK" -H 'Content-Type: text/plain' --data '0123456789abcdefg'
check_status 413 "a byte more is refused"
check_json .error.message 'The body has 17 bytes; this webhook takes 16 at most (its "max_body_bytes").' "... saying why"
check_eq "$(last_delivery "$SMALL_WF")" '413 The body has 17 bytes; this webhook takes 16 at most (its "max_body_bytes").' "... logged"

echo "# address ranges"
hook "Ranged" "{\"format\": 1, \"trigger\": {\"type\": \"webhook\", \"reply\": \"a.out\",
	\"allow_from\": [\"192.0.2.0/24\", \"2001:db8::/32\", \"198.51.100.7\"]}, $ECHO}"
RANGED_WF=$WF
before=$(counts "$RANGED_WF")
for from in 192.0.2.1 192.0.2.254 198.51.100.7 2001:db8::1 2001:db8:ffff::9; do
	deliver "$HOOK" -H "X-Forwarded-For: $from" -H 'Content-Type: application/json' --data '1'
	check_status 200 "a delivery from $from, in the ranges, is taken"
done
for from in 192.0.3.1 198.51.100.8 2001:db9::1 ::1; do
	deliver "$HOOK" -H "X-Forwarded-For: $from" -H 'Content-Type: application/json' --data '1'
	check_status 403 "a delivery from $from is refused"
done
check_json .error.message 'This webhook takes deliveries from the addresses in its "allow_from" only, and ::1 is not one of them.' \
	"... naming the address"
deliver "$HOOK" -H 'Content-Type: application/json' --data '1'
check_status 403 "nginx's own client address (127.0.0.1) is not in the ranges either"
check_eq "$(last_delivery "$RANGED_WF")" '403 This webhook takes deliveries from the addresses in its "allow_from" only, and 127.0.0.1 is not one of them.' \
	"... logged"
check_eq "$(counts "$RANGED_WF")" "5 runs, ${before#* runs, }" \
	"only the five taken deliveries started runs, and no refused one is a dead letter"
req GET "/workflows/$RANGED_WF/webhook"
check_body_contains '<code>192.0.2.0/24</code> </span><span><code>2001:db8::/32</code>' "the webhook page lists the ranges"
req GET "/workflows/$RANGED_WF/webhook" "${API[@]}"
check_json '.allow_from | join(" ")' "192.0.2.0/24 2001:db8::/32 198.51.100.7" "... and so does its JSON"
check_json '[.deliveries[].status] | join(" ")' "403 403 403 403 403 200 200 200 200 200" "... whose delivery log has each status answered"

echo "# the webhook page's settings"
req GET "/workflows/$SMALL_WF/webhook"
check_body_contains "action=\"/workflows/$SMALL_WF/webhook/settings\"" "the webhook page has a form for who may deliver"
check_body_contains '<input id="max_body_bytes" name="max_body_bytes" inputmode="numeric" value="16">' "... with the body limit"
VERSION=$(sql "SELECT current_version FROM workflows WHERE id = $SMALL_WF")
req POST "/workflows/$SMALL_WF/webhook/settings" --data-urlencode "csrf=$CSRF" --data-urlencode "version=$VERSION" \
	--data-urlencode "allow_from=$(printf '198.51.100.0/24\n2001:db8::/32')" --data-urlencode max_body_bytes=
check_status 303 "the form saves the ranges and takes the limit off"
check_eq "$(sql "SELECT json_extract(v.definition, '$.trigger') FROM workflow_versions v JOIN workflows w ON w.id = v.workflow_id
	AND v.version = w.current_version WHERE w.id = $SMALL_WF")" \
	'{"type":"webhook","reply":"a.out","allow_from":["198.51.100.0/24","2001:db8::/32"]}' "... as a new version of the trigger"
req GET "/workflows/$SMALL_WF/webhook"
check_body_contains '<textarea id="allow_from" name="allow_from" rows="3">198.51.100.0/24
2001:db8::/32</textarea>' "... which the form shows"
HOOK=$(sql "SELECT '/hooks/' || token FROM webhooks WHERE workflow_id = $SMALL_WF")
deliver "$HOOK" -H 'X-Forwarded-For: 198.51.100.9' -H 'Content-Type: text/plain' --data '0123456789abcdefg'
check_status 200 "a delivery from the range, over the old limit, is taken"
deliver "$HOOK" -H 'X-Forwarded-For: 192.0.2.1' -H 'Content-Type: text/plain' --data 'x'
check_status 403 "one from elsewhere is refused"
req POST "/workflows/$SMALL_WF/webhook/settings" "${API[@]}" --data "version=$((VERSION + 1))" \
	--data-urlencode "allow_from=10.0.0.0/99" --data max_body_bytes=12
check_status 422 "a bad range is refused"
check_body_contains "allow_from[0]: '10.0.0.0/99' is not an address or range" "... saying why"
req POST "/workflows/$SMALL_WF/webhook/settings" "${API[@]}" --data "version=$((VERSION + 1))" --data max_body_bytes=lots
check_status 422 "a body limit that is not a number is refused"
req POST "/workflows/$SMALL_WF/webhook/settings" "${API[@]}" --data "version=$VERSION" --data allow_from=
check_status 409 "a form made from an older version is refused"
check_eq "$(sql "SELECT current_version FROM workflows WHERE id = $SMALL_WF")" "$((VERSION + 1))" "none of the refusals saved anything"

echo "# ranges and limits are problems of the definition"
it_create_workflow "Bad ranges" "{\"format\": 1, \"trigger\": {\"type\": \"webhook\", \"allow_from\": [\"10.0.0.0/33\", \"example.com\", \"\", 7]}, $ECHO}"
req GET "/workflows/$WF" "${API[@]}"
check_json '[.problems[].message] | join(" | ")' \
	"trigger: allow_from[0]: '10.0.0.0/33' is not an address or range such as 127.0.0.1, 10.0.0.0/8 or ::1/128 | trigger: allow_from[1]: 'example.com' is not an address or range such as 127.0.0.1, 10.0.0.0/8 or ::1/128 | trigger: allow_from[2]: an empty range: write an address or a range such as 192.0.2.0/24 | trigger: allow_from[3] must be a string such as \"192.0.2.0/24\"" \
	"bad ranges are problems, each named with why"
it_create_workflow "Bad limit" "{\"format\": 1, \"trigger\": {\"type\": \"webhook\", \"max_body_bytes\": 0}, $ECHO}"
req GET "/workflows/$WF" "${API[@]}"
check_json '.problems[0].message' 'trigger: "max_body_bytes" must be a whole number from 1 to 1073741824' \
	"a body limit of 0 is a problem"

echo "# the status the caller really got"
hook "Failing" "{\"format\": 1, \"trigger\": {\"type\": \"webhook\", \"reply\": \"a.out\"},
	\"blocks\": [{\"id\": \"a\", \"type\": \"json.set\", \"config\": {\"set\": {}}},
	             {\"id\": \"stop\", \"type\": \"flow.stop\", \"config\": {\"message\": \"no such order\"}}],
	\"edges\": [{\"from\": \"a.out\", \"to\": \"stop.in\"}]}"
deliver "$HOOK" -H 'Content-Type: application/json' --data '{}'
check_status 502 "a synchronous call whose run fails is answered 502"
want="502 The run failed: block 'stop' failed: no such order"
check_eq "$(last_delivery "$WF" | cut -c1-${#want})" "$want" "... and logged 502, with the run's error"
req GET "/workflows/$WF/webhook" "${API[@]}"
check_json '.deliveries[0].status' 502 "the webhook page's JSON says 502 too"
it_done
