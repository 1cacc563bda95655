#!/bin/bash
# A poll trigger with feed.read, through real nginx, against a feed of the
# local stand-in server that changes: the first round only learns the items
# there; each item added later starts one run with the item as its trigger
# data, oldest first; what was seen is remembered across a restart of axond,
# so no item starts a second run.
# shellcheck source=lib.sh
. "$top_srcdir/tests/integration/lib.sh"
it_init
it_start_http_server || it_skip "the test HTTP server did not start (python3 missing?)"
it_start nginx "egress_allow_loopback = yes"
it_setup_owner "poll trigger pw"
check_eq "$?" 0 "first-run setup signs the owner in"
it_api_token poll
SERVER=http://127.0.0.1:$HTTP_PORT

# feed ID...: the stand-in's feed "news" now has these items, the newest first.
feed() {
	local items="" id
	for id in "$@"; do
		items+="<item><title>Item $id</title><guid>news-$id</guid><pubDate>Wed, 02 Dec 2026 09:0$id:00 GMT</pubDate></item>"
	done
	curl -s -o /dev/null -X POST -H 'Content-Type: application/rss+xml' \
		--data "<rss version=\"2.0\"><channel><title>News</title>$items</channel></rss>" "$SERVER/feed-set/news"
}

# runs: the poll runs' titles, in the order they were made.
runs() {
	sql "SELECT group_concat(json_extract(input, '$.title'), ', ') FROM (SELECT input FROM runs WHERE trigger = 'poll' ORDER BY id) AS r"
}

feed 2 1
it_create_workflow "News poll" "$(jq -n --arg u "$SERVER/feed/news" '{format: 1,
	trigger: {type: "poll", every_s: 1, block: "feed.read", config: {url: $u}, items: "feed.items", key: "id"},
	blocks: [{id: "note", type: "text.template", config: {template: "New: {{ trigger.title }} ({{ trigger.published }})"}}]}')"
check_status 201 "a workflow with a poll trigger is made"
WF_ID=$WF
req GET "/workflows/$WF_ID" "${API[@]}"
check_json '.problems | length' 0 "... without problems"
it_wait_sql "SELECT count(*) FROM poll_seen WHERE workflow_id = $WF_ID" 2 || it_fail "the first round learns the two items"
check_eq "$(sql "SELECT count(*) FROM runs WHERE workflow_id = $WF_ID")" 0 "... and starts no run for them"

feed 4 3 2 1
it_wait_sql "SELECT count(*) FROM runs WHERE trigger = 'poll' AND status = 'succeeded'" 2 || it_fail "two new items start two runs"
check_eq "$(runs)" "Item 3, Item 4" "... one each, the oldest first"
check_eq "$(sql "SELECT json_extract(outputs, '$.text') FROM steps WHERE block = 'note' ORDER BY run_id LIMIT 1")" \
	"New: Item 3 (2026-12-02T09:03:00Z)" "... with the item as the trigger's data"

echo "# across a restart"
it_stop_axond || it_fail "axond stops"
feed 5 4 3 2 1
it_start_axond || exit 1
it_wait_sql "SELECT count(*) FROM runs WHERE trigger = 'poll' AND status = 'succeeded'" 3 || it_fail "after a restart, the new item starts a run"
# two more rounds, which must start nothing
fired=$(sql "SELECT last_fire FROM schedule_ticks WHERE workflow_id = $WF_ID")
it_wait_sql "SELECT last_fire >= $fired + 2 FROM schedule_ticks WHERE workflow_id = $WF_ID" 1 || it_fail "the polls go on"
check_eq "$(runs)" "Item 3, Item 4, Item 5" "... and no item seen before starts another"

echo "# a bad poll trigger is a problem of the definition"
it_create_workflow "Bad poll" '{"format": 1, "trigger": {"type": "poll", "block": "no.such", "items": "items", "every_s": 0},
	"blocks": [{"id": "a", "type": "json.set"}]}'
req GET "/workflows/$WF" "${API[@]}"
check_json '[.problems[].message] | join(" | ")' \
	"trigger: unknown block type 'no.such': no loaded plugin provides it (see the blocks page) | a poll trigger needs \"items\": where the list of items is in the block's outputs, \"port.path\" (such as \"feed.items\") | trigger: \"every_s\" must be a whole number from 1 to 86400" \
	"each problem named"
it_done
