#!/bin/bash
# The code blocks in a real workflow, through real nginx and real sandboxes:
# webhook -> json.set (adds a tag) -> code.lua, data.jq or code.js (sums an array) ->
# the synchronous reply. The code holds {{ of its own, which the engine must
# leave alone, while the block's vars get the trigger's data filled in; a
# failing line of code shows in the run's step.
# shellcheck source=lib.sh
. "$top_srcdir/tests/integration/lib.sh"
it_init
it_start nginx "plugin_dirs = $(it_plugin_dir)"
it_setup_owner "code test pw"
check_eq "$?" 0 "first-run setup signs the owner in"
it_api_token code
JAR=

# hook TYPE CODE: a webhook workflow webhook -> json.set -> TYPE (named after
# TYPE and a number: names are unique); sets HOOK.
hooks=0
hook() {
	hooks=$((hooks + 1))
	local def
	def=$(jq -n --arg type "$1" --arg code "$2" '{format: 1, trigger: {type: "webhook", reply: "code.out"},
	  blocks: [{id: "tag", type: "json.set", config: {set: {tag: "bench"}}},
	           {id: "code", type: $type, config: {code: $code, vars: {who: "{{ trigger.query.who | default: \"\" }}"}}}],
	  edges: [{from: "tag.out", to: "code.in"}]}')
	req POST /workflows "${API[@]}" -H 'Content-Type: application/json' \
		--data "$(jq -n --arg n "$1 sum $hooks" --argjson d "$def" '{name: $n, definition: $d}')"
	check_status 201 "create the $1 workflow"
	WF=$(jqb .workflow.id)
	req GET "/workflows/$WF" "${API[@]}"
	check_json '.problems | length' 0 "$1: the {{ in the code are not taken for placeholders"
	req POST "/workflows/$WF/webhook" "${API[@]}" --data action=create
	HOOK=$(jqb .path)
}

LUA='local sum = 0
for _, v in ipairs(input.body.values) do sum = sum + v end
local shape = {{sum = sum}} -- a {{ of the code'"'"'s own
return {sum = shape[1].sum, count = #input.body.values, tag = input.tag, who = vars.who}'
hook code.lua "$LUA"
req POST "$HOOK?who=ada" -H 'Content-Type: application/json' --data '{"values": [1, 2, 3, 4, 5]}'
check_status 200 "code.lua: the webhook answers"
check_eq "$(jq -cS . "$BODY")" '{"count":5,"sum":15,"tag":"bench","who":"ada"}' "code.lua: the reply is the code's return value"

# shellcheck disable=SC2016 # $vars is jq's
hook data.jq '{sum: (.body.values | add), count: (.body.values | length), tag, who: $vars.who, note: "{{ kept }}"}'
req POST "$HOOK?who=bo" -H 'Content-Type: application/json' --data '{"values": [1, 2, 3, 4, 5]}'
check_status 200 "data.jq: the webhook answers"
check_eq "$(jq -cS . "$BODY")" '{"count":5,"note":"{{ kept }}","sum":15,"tag":"bench","who":"bo"}' "data.jq: the reply is the filter's result"
req POST "$HOOK?who=cid" -H 'Content-Type: application/json' --data '{"values": [2, 3]}'
check_eq "$(jq -cS . "$BODY")" '{"count":2,"note":"{{ kept }}","sum":5,"tag":"bench","who":"cid"}' \
	"data.jq: the next run of the same filter (kept compiled by the worker) gets its own input and vars"
hook data.jq 'if .body.stop then "stopped here" | halt_error(1) else .body.n end'
req POST "$HOOK" -H 'Content-Type: application/json' --data '{"stop": true}'
check_eq "$(sql "SELECT error FROM steps WHERE run_id = (SELECT max(id) FROM runs) AND block = 'code'")" "stopped here" \
	"data.jq: halt_error fails the run"
req POST "$HOOK" -H 'Content-Type: application/json' --data '{"n": 7}'
check_eq "$(cat "$BODY")" 7 "... and leaves nothing to the next run on the same kept filter"

# shellcheck disable=SC2016 # a JavaScript template literal
hook code.js 'const {values} = input.body;
const sum = values.reduce((a, b) => a + b, 0);
const shape = {a: {sum}}; // {{ and }} of the code'"'"'s own, and later syntax compiled to ES5
return {sum: shape.a.sum, count: values.length, tag: `${input.tag}`, who: vars.who};'
req POST "$HOOK?who=cy" -H 'Content-Type: application/json' --data '{"values": [1, 2, 3, 4, 5]}'
check_status 200 "code.js: the webhook answers"
check_eq "$(jq -cS . "$BODY")" '{"count":5,"sum":15,"tag":"bench","who":"cy"}' "code.js: the reply is the code's return value"

hook code.lua 'local values = input.body.values
return values.total.sum'
req POST "$HOOK" -H 'Content-Type: application/json' --data '{"values": [1]}'
check_eq "$(sql "SELECT status || ': ' || error FROM steps WHERE run_id = (SELECT max(id) FROM runs) AND block = 'code'")" \
	"failed: line 2: attempt to index a nil value (field 'total')" "a failing line of code is named in the run's step"

# An endless loop ends at the code's own time limit, with its line, in Lua and
# JavaScript; jq has no hook: the sandbox's wall clock stops it.
for lang in code.lua code.js; do
	case $lang in
	code.lua) loop='local n = 0
while true do n = n + 1 end' ;;
	code.js) loop='var n = 0;
while (true) { n++; }' ;;
	esac
	HOOK=$(it_webhook_workflow "$lang loop" "$(jq -n --arg type "$lang" --arg code "$loop" '{format: 1,
		trigger: {type: "webhook", reply: "code.out"}, blocks: [{id: "code", type: $type, config: {code: $code, time_limit_ms: 300}}]}')")
	req POST "$HOOK" -H 'Content-Type: application/json' --data '{}'
	check_eq "$(sql "SELECT status || ': ' || substr(error, 1, 67) FROM steps WHERE run_id = (SELECT max(id) FROM runs) AND block = 'code'")" \
		"failed: timeout: the code ran longer than its time limit of 300 ms (line 2)" "$lang: an endless loop ends at the code's time limit, with its line"
done
it_done
