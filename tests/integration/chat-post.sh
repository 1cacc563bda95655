#!/bin/bash
# chat.post against local stand-ins of Slack (Web API and incoming webhook),
# Discord, Mattermost and Telegram (tests/integration/chat-standins.py), the
# fixed addresses of Slack's and Telegram's APIs pointed at the stand-in by
# egress_test_base_url: each through a webhook, Telegram also through
# axonctl. Each token and webhook address is a credential of its chat's type
# (axonctl credentials add), the chat told by the type. What each API
# received is read back; a refusal is the provider's reason; no token and no
# webhook address is anywhere in what Axon keeps.
# shellcheck source=lib.sh
. "$top_srcdir/tests/integration/lib.sh"
it_init
CTL=$top_builddir/axonctl
[ -x "$CTL" ] || it_skip "$CTL is not built"
command -v python3 >/dev/null || it_skip "python3 is not installed"

SLACK_TOKEN=xoxb-test-1234567890
TELEGRAM_TOKEN=123456:ABC-test-token
python3 "$top_srcdir/tests/integration/chat-standins.py" "$SLACK_TOKEN" "$TELEGRAM_TOKEN" >"$IT_TMP/chat-port" &
IT_PIDS+=($!)
for ((i = 0; i < 50; i++)); do [ -s "$IT_TMP/chat-port" ] && break; sleep 0.1; done
STANDIN=http://127.0.0.1:$(cat "$IT_TMP/chat-port")
it_start nginx "egress_allow_loopback = yes" "egress_test_base_url = $STANDIN"
it_setup_owner "chat post pw"
check_eq "$?" 0 "first-run setup signs the owner in"
it_api_token chat

# credential NAME TYPE FIELD VALUE: a credential added by axonctl for the owner.
credential() {
	jq -n --arg f "$3" --arg v "$4" '{($f): $v}' >"$IT_TMP/cred.json"
	"$CTL" -c "$IT_TMP/axon.conf" credentials add "$1" --type "$2" --fields "@$IT_TMP/cred.json" \
		>/dev/null 2>"$IT_TMP/cred.err" || it_fail "the credential $1 is added" "$(cat "$IT_TMP/cred.err")"
	rm -f "$IT_TMP/cred.json"
}
credential slack_bot slack_bot token "$SLACK_TOKEN"
credential slack_hook slack_webhook url "$STANDIN/services/T0001/B0002/hooksecret1"
credential discord_hook discord_webhook url "$STANDIN/api/webhooks/42/hooksecret2"
credential mattermost_hook mattermost_webhook url "$STANDIN/hooks/hooksecret3"
credential telegram_bot telegram_bot token "$TELEGRAM_TOKEN"
credential telegram_wrong telegram_bot token "999:not-the-token"

# post NAME CONFIG: a webhook workflow posting with CONFIG (the text from the
# delivery), delivered once with {"text": "Deploy 42 done ✅"}; the answer in BODY.
post() {
	local def
	def=$(jq -n --argjson c "$2" '{format: 1, trigger: {type: "webhook", reply: "post.posted"},
		blocks: [{id: "post", type: "chat.post", config: ($c + {text: "{{ trigger.body.text }}"})}]}')
	it_webhook_workflow "$1" "$def" >"$IT_TMP/hook-path" || it_fail "the workflow $1 and its hook are made" "$(it_answer)"
	req POST "$(cat "$IT_TMP/hook-path")" -H 'Content-Type: application/json' --data '{"text": "Deploy 42 done ✅"}'
}

# seen N: what the stand-in received Nth (from 1), as compact JSON.
seen() {
	curl -s "$STANDIN/seen" | jq -c ".[$(($1 - 1))]"
}

echo "# Slack, with a bot token"
post "Slack bot" '{"credential": "slack_bot", "channel": "C0123456789", "thread": "1699999999.000200"}'
check_status 200 "posted"
check_eq "$(jq -c . "$BODY")" '{"provider":"slack","id":"1700000000.000100","channel":"C0123456789"}' "... with the message's ts and channel"
check_eq "$(seen 1)" "{\"path\":\"/api/chat.postMessage\",\"authorization\":\"Bearer $SLACK_TOKEN\",\"content_type\":\"application/json; charset=utf-8\",\"body\":{\"channel\":\"C0123456789\",\"text\":\"Deploy 42 done ✅\",\"thread_ts\":\"1699999999.000200\"}}" \
	"chat.postMessage got the token as a bearer, the channel, the text and the thread"

echo "# Slack, with an incoming webhook"
post "Slack hook" '{"credential": "slack_hook"}'
check_status 200 "posted"
check_eq "$(jq -c . "$BODY")" '{"provider":"slack_webhook"}' "... nothing more to say"
check_eq "$(seen 2 | jq -c '[.path, .body]')" '["/services/T0001/B0002/hooksecret1",{"text":"Deploy 42 done ✅"}]' "the webhook got the text"

echo "# Discord"
post "Discord" '{"credential": "discord_hook", "username": "Axon"}'
check_status 200 "posted"
check_eq "$(jq -c . "$BODY")" '{"provider":"discord","id":"1180000000000000001","channel":"1170000000000000002"}' "... with the message's id"
check_eq "$(seen 3 | jq -c '[.path, .body]')" '["/api/webhooks/42/hooksecret2?wait=true",{"content":"Deploy 42 done ✅","username":"Axon"}]' \
	"the webhook got the content and the name, asked to answer with the message"

echo "# Mattermost"
post "Mattermost" '{"credential": "mattermost_hook", "channel": "town-square"}'
check_status 200 "posted"
check_eq "$(seen 4 | jq -c '[.path, .body]')" '["/hooks/hooksecret3",{"text":"Deploy 42 done ✅","channel":"town-square"}]' "the webhook got the text and the channel"

echo "# Telegram"
post "Telegram" '{"credential": "telegram_bot", "channel": "-1001234567890", "format": "HTML"}'
check_status 200 "posted"
check_eq "$(jq -c . "$BODY")" '{"provider":"telegram","id":7,"channel":"-1001234567890"}' "... with the message's id"
check_eq "$(seen 5 | jq -c '[.path, .body]')" "[\"/bot$TELEGRAM_TOKEN/sendMessage\",{\"chat_id\":\"-1001234567890\",\"text\":\"Deploy 42 done ✅\",\"parse_mode\":\"HTML\"}]" \
	"sendMessage got the token in its path, the chat, the text and the format"

echo "# refusals"
post "Slack elsewhere" '{"credential": "slack_bot", "channel": "C999"}'
check_status 502 "a Slack refusal fails the run"
check_body_contains "Slack refused the message: channel_not_found" "... with Slack's reason"
jq -n '{format: 1, trigger: {type: "manual"}, blocks: [{id: "post", type: "chat.post",
	config: {credential: "{{ trigger.bot }}", channel: "42", text: "hi"}}]}' >"$IT_TMP/tg.json"
"$CTL" -c "$IT_TMP/axon.conf" run "$IT_TMP/tg.json" --input '{"bot": "telegram_bot"}' >"$IT_TMP/ctl.out" 2>"$IT_TMP/ctl.err"
check_eq "$?" 0 "axonctl posts to Telegram"
check_eq "$(jq -c .steps[0].outputs.posted "$IT_TMP/ctl.out")" '{"provider":"telegram","id":7,"channel":"42"}' "... and prints the message's id"
"$CTL" -c "$IT_TMP/axon.conf" run "$IT_TMP/tg.json" --input '{"bot": "telegram_wrong"}' >"$IT_TMP/ctl.out" 2>"$IT_TMP/ctl.err"
check_eq "$?" 1 "a wrong token fails the run"
check_eq "$(jq -r .steps[0].error "$IT_TMP/ctl.out")" "Telegram refused the message: Unauthorized" "... with Telegram's reason"
post "Slack nowhere" '{"credential": "slack_bot"}'
check_status 502 "a Slack bot needs a channel"
check_body_contains 'slack needs a \"channel\"' "... saying so"
post "Discord as Slack" '{"credential": "discord_hook", "channel": "C0123456789"}'
check_status 502 "a Discord webhook cannot be sent a Slack channel"
check_body_contains "a discord webhook posts to its own channel" "... the chat is the credential's type"

echo "# no token, no webhook address kept"
check_eq "$(grep -rlF -e "$SLACK_TOKEN" -e "$TELEGRAM_TOKEN" -e hooksecret -e not-the-token "$IT_TMP/ctl.out" "$IT_TMP/axond.log" "$IT_TMP/data" | wc -l)" 0 \
	"in the database, the log or axonctl's output"
it_done
