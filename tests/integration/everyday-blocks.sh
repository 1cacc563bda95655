#!/bin/bash
# The everyday blocks in a real run (axonctl's engine, real sandboxed
# children, the plugins of the build tree): CSV read, filtered loosely,
# summarised, routed by flow.switch (a silent case skips what hangs off it),
# joined, hashed, a date on a zone's clock; flow.merge after two branches
# and after one; then flow.stop failing a run with its message. Each block's own cases are its fixtures
# (tests/sandbox/core-blocks.sh); this shows them working together.
# shellcheck source=lib.sh
. "$top_srcdir/tests/integration/lib.sh"
it_init
CTL=$top_builddir/axonctl
[ -x "$CTL" ] || it_skip "$CTL is not built"
it_write_config "unix:$IT_TMP/axond.sock"
mkdir -p "$IT_TMP/data"
OUT=$IT_TMP/ctl.out
ERR=$IT_TMP/ctl.err

# run WANT WHAT FILE INPUT: axonctl run, checking its exit status.
run() {
	local rc
	"$top_builddir/axonctl" -c "$IT_TMP/axon.conf" run "$3" --input "$4" >"$OUT" 2>"$ERR"
	rc=$?
	if [ "$rc" = "$1" ]; then it_pass "$2 (exit $1)"; else it_fail "$2" "exit status $rc, want $1" "stderr: $(head -c 600 "$ERR")"; fi
}
jqo() {
	jq -r "$1" "$OUT" 2>&1
}

cat >"$IT_TMP/people.json" <<'JSON'
{"format": 1, "name": "People", "trigger": {"type": "manual"},
 "blocks": [
  {"id": "read", "type": "csv.parse", "config": {"path": "csv"}},
  {"id": "adults", "type": "data.filter", "config": {"field": "age", "op": "ge", "value": 18, "loose": true}},
  {"id": "count", "type": "data.aggregate", "config": {"group_by": "country", "aggregations": [{"op": "count"}]}},
  {"id": "route", "type": "flow.switch", "config": {"path": "0.country", "rules": [
     {"op": "eq", "value": "UK", "label": "uk"}, {"op": "eq", "value": "FR", "label": "fr"}]}},
  {"id": "uk", "type": "text.join", "config": {"field": "name", "separator": " & "}},
  {"id": "fr", "type": "text.join", "config": {"field": "name"}},
  {"id": "shout", "type": "text.case", "config": {"mode": "upper"}},
  {"id": "digest", "type": "crypto.hash", "config": {"algorithm": "md5"}},
  {"id": "when", "type": "date.format", "config": {"path": "at", "timezone": "Europe/Paris", "format": "%A %e %B %Y, %H:%M %Z"}}
 ],
 "edges": [
  {"from": "read.out", "to": "adults.in"}, {"from": "adults.out", "to": "count.in"},
  {"from": "adults.out", "to": "route.in"}, {"from": "route.case1", "to": "uk.in"},
  {"from": "route.case2", "to": "fr.in"}, {"from": "uk.text", "to": "shout.in"},
  {"from": "shout.text", "to": "digest.in"}
 ]}
JSON
INPUT='{"csv": "name,age,country\nAda,36,UK\nLin,17,FR\nBob,52,FR\nCy,40,UK\n", "at": "2026-12-02T09:30:00Z"}'
run 0 "a run of the everyday blocks" "$IT_TMP/people.json" "$INPUT"
check_eq "$(jqo .status)" succeeded "... succeeds"
check_eq "$(jqo '[.steps[] | .block + ":" + .status] | sort | join(" ")')" \
	"adults:ok count:ok digest:ok fr:skipped read:ok route:ok shout:ok uk:ok when:ok" \
	"... every block ran but the one on flow.switch's silent case"
check_eq "$(jqo '.steps[] | select(.block == "count") | .outputs.out | tostring')" \
	'[{"country":"UK","count":2},{"country":"FR","count":1}]' "csv.parse -> data.filter (\"17\" < 18 loosely) -> data.aggregate"
check_eq "$(jqo '.steps[] | select(.block == "route") | .outputs | keys | join(" ")')" "case1" "flow.switch emits on case1 only"
check_eq "$(jqo '.steps[] | select(.block == "shout") | .outputs.text')" "ADA & BOB & CY" "text.join -> text.case"
check_eq "$(jqo '.steps[] | select(.block == "digest") | .outputs.digest')" "$(printf 'ADA & BOB & CY' | md5sum | cut -d' ' -f1)" \
	"crypto.hash agrees with md5sum"
check_eq "$(jqo '.steps[] | select(.block == "when") | .outputs.text')" "Wednesday  2 December 2026, 10:30 Europe/Paris" \
	"date.format on Paris's clock, with the zone files read before confinement"

cat >"$IT_TMP/merge.json" <<'JSON'
{"format": 1, "name": "Merger", "trigger": {"type": "manual"},
 "blocks": [
  {"id": "order", "type": "json.set", "config": {"remove": ["vip"]}},
  {"id": "vip", "type": "flow.if", "config": {"path": "vip", "op": "truthy"}},
  {"id": "perks", "type": "json.set", "config": {"set": {"perk": "lounge"}}},
  {"id": "both", "type": "flow.merge", "config": {"keys": ["order", "perks"]}}
 ],
 "edges": [{"from": "vip.true", "to": "perks.in"}, {"from": "order.out", "to": "both.in1"},
           {"from": "perks.out", "to": "both.in2"}]}
JSON
run 0 "flow.merge after both branches" "$IT_TMP/merge.json" '{"id": 1, "vip": true}'
check_eq "$(jqo '.steps[] | select(.block == "both") | .outputs.out | tostring')" \
	'{"order":{"id":1},"perks":{"id":1,"vip":true,"perk":"lounge"}}' "... holds what each delivered"
run 0 "flow.merge when a branch is skipped" "$IT_TMP/merge.json" '{"id": 2, "vip": false}'
check_eq "$(jqo '[.steps[] | .block + ":" + .status] | sort | join(" ")')" "both:ok order:ok perks:skipped vip:ok" \
	"... still runs"
check_eq "$(jqo '.steps[] | select(.block == "both") | .outputs.out | tostring')" '{"order":{"id":2}}' \
	"... without the skipped branch"

cat >"$IT_TMP/stop.json" <<'JSON'
{"format": 1, "name": "Stopper", "trigger": {"type": "manual"},
 "blocks": [
  {"id": "check", "type": "flow.if", "config": {"path": "address", "op": "exists"}},
  {"id": "refuse", "type": "flow.stop", "config": {"message": "order {{ trigger.id }} has no address"}},
  {"id": "ship", "type": "json.set", "config": {"set": {"shipped": true}}}
 ],
 "edges": [{"from": "check.false", "to": "refuse.in"}, {"from": "check.true", "to": "ship.in"}]}
JSON
run 1 "flow.stop fails a run" "$IT_TMP/stop.json" '{"id": 42}'
check_eq "$(jqo '[.status, .failed_block] | join(" ")')" "failed refuse" "... at the stop block"
if grep -qF "order 42 has no address" "$ERR"; then it_pass "... with its message, placeholders filled"; else it_fail "... with its message" "stderr: $(head -c 600 "$ERR")"; fi
run 0 "... and not when the branch is not taken" "$IT_TMP/stop.json" '{"id": 43, "address": "x"}'
check_eq "$(jqo '[.steps[] | .block + ":" + .status] | sort | join(" ")')" "check:ok refuse:skipped ship:ok" "... where it is skipped"
it_done
