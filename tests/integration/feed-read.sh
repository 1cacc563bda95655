#!/bin/bash
# feed.read in workflows, through real nginx and axonctl, against the local
# stand-in server's feeds (tests/sandbox/http_server.py): an Atom feed's
# entries through a webhook, an RSS feed's items through axonctl, a page that
# is not a feed refused with the reason.
# shellcheck source=lib.sh
. "$top_srcdir/tests/integration/lib.sh"
it_init
CTL=$top_builddir/axonctl
[ -x "$CTL" ] || it_skip "$CTL is not built"
it_start_http_server || it_skip "the test HTTP server did not start (python3 missing?)"
it_start nginx "egress_allow_loopback = yes"
it_setup_owner "feed read pw"
check_eq "$?" 0 "first-run setup signs the owner in"
it_api_token feed
SERVER=http://127.0.0.1:$HTTP_PORT

echo "# an Atom feed through a webhook"
DEF=$(jq -n --arg u "$SERVER/feed/{{ trigger.body.feed }}" '{format: 1, trigger: {type: "webhook", reply: "read.feed"},
	blocks: [{id: "read", type: "feed.read", config: {url: $u}}]}')
it_webhook_workflow "Feed" "$DEF" >"$IT_TMP/hook-path" || it_fail "the workflow and its hook are made" "$(it_answer)"
HOOK=$(cat "$IT_TMP/hook-path")
req POST "$HOOK" -H 'Content-Type: application/json' --data '{"feed": "atom"}'
check_status 200 "the webhook answers with the feed"
check_eq "$(jq -c '[.format, .title, (.items | length), .items[0].title, .items[0].published, .items[0].author]' "$BODY")" \
	'["atom","Changes",1,"Café opens","2026-12-02T01:30:00Z","Bea"]' "... its entry, the date in UTC"
req POST "$HOOK" -H 'Content-Type: application/json' --data '{"feed": "html"}'
check_status 502 "a page that is not a feed fails the run"
check_body_contains "the answer is XML but not a feed: its root is <html>" "... saying why"

echo "# an RSS feed through axonctl"
jq -n --arg u "$SERVER/feed/rss" '{format: 1, trigger: {type: "manual"},
	blocks: [{id: "read", type: "feed.read", config: {url: $u, max_items: 5}}]}' >"$IT_TMP/rss.json"
"$CTL" -c "$IT_TMP/axon.conf" run "$IT_TMP/rss.json" >"$IT_TMP/ctl.out" 2>"$IT_TMP/ctl.err"
check_eq "$?" 0 "axonctl reads the feed"
check_eq "$(jq -c '.steps[0].outputs.feed.items | map([.id, .published])' "$IT_TMP/ctl.out")" \
	'[["news-12","2026-12-02T08:30:00Z"],["https://example.org/news/11","2026-11-01T08:00:00Z"]]' "... every item, with its id and date"
it_done
