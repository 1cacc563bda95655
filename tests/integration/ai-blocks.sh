#!/bin/bash
# The ai blocks in real workflow runs, against two language model stand-ins
# on 127.0.0.1: @dwmkerr/mock-llm from npm (an OpenAI-compatible mock nobody
# here wrote) for the plain OpenAI path, and the scripted stand-in
# (tests/standins/scripted-llm/) for the rest. A run through axonctl, a
# synchronous webhook through nginx that classifies, extracts and answers,
# the key and the default model applied by the daemon from a credential of
# type llm made with the API (its key never stored in a step), and the
# tokens of each step on the run page and in its JSON twin.
# shellcheck source=lib.sh
. "$top_srcdir/tests/integration/lib.sh"
it_init
MOCK=$top_srcdir/tests/standins/mock-llm/node_modules/@dwmkerr/mock-llm/dist/main.js
command -v node >/dev/null || it_skip "node is not installed (./quickstart check installs it)"
[ -f "$MOCK" ] || it_skip "the mock-llm stand-in is not installed (npm ci in tests/standins/mock-llm, as ./quickstart does)"
command -v python3 >/dev/null || it_skip "python3 is not installed"

python3 "$top_srcdir/tests/standins/scripted-llm/llm_standin.py" sk-it-key-7 >"$IT_TMP/llm-port" &
IT_PIDS+=($!)
MOCK_PORT=$(free_port)
(cd "$IT_TMP" && HOST=127.0.0.1 PORT=$MOCK_PORT exec node "$MOCK" >"$IT_TMP/mock-llm.log" 2>&1) &
IT_PIDS+=($!)
it_wait_port "$MOCK_PORT" mock-llm "$IT_TMP/mock-llm.log" || exit 1
for ((i = 0; i < 50; i++)); do [ -s "$IT_TMP/llm-port" ] && break; sleep 0.1; done
LLM_PORT=$(cat "$IT_TMP/llm-port")
[ -n "$LLM_PORT" ] || { it_fail "the scripted stand-in starts"; exit 1; }

echo "# through axonctl: ai.chat against mock-llm (OpenAI's streamed chat completions)"
it_write_config "unix:$IT_TMP/axond.sock" "egress_allow_loopback = yes"
mkdir -p "$IT_TMP/data"
cat >"$IT_TMP/summary.json" <<JSON
{"format": 1, "name": "Summary", "trigger": {"type": "manual"},
 "blocks": [{"id": "ask", "type": "ai.chat", "config": {"base_url": "http://127.0.0.1:$MOCK_PORT/v1", "model": "gpt-4o-mini",
   "system": "You summarise.", "prompt": "Summarise: {{ in.text }}"}}]}
JSON
OUT=$IT_TMP/ctl.out
"$top_builddir/axonctl" -c "$IT_TMP/axon.conf" run "$IT_TMP/summary.json" --input '{"text": "Cells divide."}' >"$OUT" 2>"$IT_TMP/ctl.err"
check_eq "$?" 0 "axonctl runs a workflow with ai.chat"
check_eq "$(jq -r '.steps[0].outputs.answer.text' "$OUT")" "Summarise: Cells divide." "mock-llm's echo arrives whole through its stream"
check_eq "$(jq -r '.steps[0].outputs.answer.usage.model' "$OUT")" "gpt-4o-mini" "... with the model in the usage"
check_eq "$(jq -r '[.steps[0].logs[] | select(.progress != null) | .message] | join("")' "$OUT")" "Summarise: Cells divide." \
	"... and its text recorded as progress while it streamed"

echo "# through a webhook and nginx: classify, then extract or chat"
it_start nginx "egress_allow_loopback = yes"
it_setup_owner "ai blocks pw"
check_eq "$?" 0 "first-run setup signs the owner in"
it_api_token ai
JAR=
S="http://127.0.0.1:$LLM_PORT"
req POST /credentials "${API[@]}" -H 'Content-Type: application/json' --data "$(jq -n --arg s "$S" \
	'{name: "stand-in", type: "llm", fields: {base_url: $s, api_key: "sk-it-key-7", model: "auth", max_concurrent: 1,
	  requests_per_minute: 600}}')"
check_status 201 "an LLM provider credential made with the API: the stand-in's address, key and default model"
HOOK=$(it_webhook_workflow "Triage" "$(jq -n --arg s "$S" '{format: 1, trigger: {type: "webhook", reply: "reply.out"},
  blocks: [
    {id: "sort", type: "ai.classify", config: {base_url: ($s + "/v1"), model: "classify", categories: ["question", "notes"],
      prompt: "{{ in.body.text }}"}},
    {id: "answer", type: "ai.chat", config: {protocol: "ollama", credential: "stand-in",
      prompt: "Answer: {{ in.in.body.text }}"}},
    {id: "cards", type: "ai.extract", config: {base_url: ($s + "/v1"), model: "json-fix", prompt: "Cards from {{ in.in.body.text }}",
      schema: {type: "object", properties: {title: {type: "string"}, cards: {type: "integer"}}, required: ["title", "cards"]}}},
    {id: "reply", type: "flow.merge", config: {}}],
  edges: [{from: "sort.question", to: "answer.in"}, {from: "sort.notes", to: "cards.in"},
    {from: "answer.answer", to: "reply.in1"}, {from: "cards.data", to: "reply.in2"}]}')")
check_eq "$?" 0 "a webhook workflow with ai.classify, ai.chat and ai.extract"
TRIAGE=$(sql "SELECT id FROM workflows WHERE name = 'Triage'")
req GET "/workflows/$TRIAGE/edit" "${API[@]}"
check_json '[.outline.blocks[] | select(.id == "sort") | .outputs[].name] | join(" ")' "question notes" \
	"the editor gives ai.classify one output per category"
check_json '[.drawing.nodes[] | select(.id == "sort") | .outputs[].name] | join(" ")' "question notes" "... on the canvas too"
req POST "$HOOK" -H 'Content-Type: application/json' --data '{"text": "Here are my notes on cells"}'
check_status 200 "the webhook answers"
check_eq "$(jq -c .in2 "$BODY")" '{"title":"Cells","cards":2}' \
	"... with the data ai.extract got after telling the model its JSON was invalid"
RUN=$(sql "SELECT max(id) FROM runs")
check_eq "$(sql "SELECT group_concat(block || ':' || status, ' ') FROM (SELECT * FROM steps WHERE run_id = $RUN ORDER BY block) AS s")" \
	"answer:skipped cards:ok reply:ok sort:ok" "notes go on the output notes: ai.chat on question is skipped"
req POST "$HOOK" -H 'Content-Type: application/json' --data '{"text": "A question: why do cells divide?"}'
check_eq "$(jq -r .in1.text "$BODY")" "key ok" \
	"a question goes to ai.chat, whose provider got the credential's key and default model from the daemon"
RUN=$(sql "SELECT max(id) FROM runs")
check_eq "$(sql "SELECT count(*) FROM steps WHERE run_id = $RUN AND (inputs || outputs || logs) LIKE '%sk-it-key-7%'")" 0 \
	"... and the key is nowhere in the recorded steps"

echo "# tokens per step on the run page"
req GET "/runs/$RUN" "${API[@]}"
check_json '.run.steps[] | select(.block == "answer") | .tokens.text' "7 in, 1 out" "the JSON twin has the step's tokens"
check_json '.run.steps[] | select(.block == "sort") | .tokens.out' 1 "... for each step that asked a model"
check_json '[.run.steps[] | select(.block == "reply") | .tokens] | .[0]' null "... and none for a step that did not"
JAR=$IT_TMP/owner.jar req GET "/runs/$RUN"
check_body_contains '<dt>Tokens</dt><dd class="tokens">7 in, 1 out</dd>' "the run page shows them"

echo "# tokens per workflow and per day on the workflow page"
WF_ID=$(sql "SELECT workflow_id FROM runs WHERE id = $RUN")
STEPS_IN=0
for run_id in $(sql "SELECT id FROM runs WHERE workflow_id = $WF_ID"); do
	req GET "/runs/$run_id" "${API[@]}"
	STEPS_IN=$((STEPS_IN + $(jqb '[.run.steps[].tokens.in // 0] | add')))
done
req GET "/workflows/$WF_ID" "${API[@]}"
check_json '.tokens.days | length' 1 "the workflow page has today's tokens"
check_json .tokens.tokens_in "$STEPS_IN" "... which add up its runs' steps, read from the same logs another way"
check_json '.tokens.days[0].day' "$(date -u +%Y-%m-%d)" "... by day (UTC)"
JAR=$IT_TMP/owner.jar req GET "/workflows/$WF_ID"
check_body_contains "<td>$(date -u +%Y-%m-%d)</td><td>$STEPS_IN</td>" "the page shows them per day"

echo "# a daily token budget"
it_create_workflow "Budgeted" "$(jq -n --arg s "$S" '{format: 1, trigger: {type: "manual"}, settings: {daily_token_budget: 5},
  blocks: [{id: "first", type: "ai.chat", config: {base_url: ($s + "/v1"), model: "echo", prompt: "one two three four five six"}},
    {id: "second", type: "ai.chat", config: {base_url: ($s + "/v1"), model: "echo", prompt: "again"}}],
  edges: [{from: "first.answer", to: "second.in"}]}')"
check_status 201 "a workflow with a daily token budget of 5"
req POST "/workflows/$WF/run?wait=30" "${API[@]}" --data 'input={}'
check_json '[.run.steps[] | "\(.block):\(.status)"] | join(" ")' "first:ok second:failed" \
	"the step that spent the budget ran, the next did not"
check_json '.run.steps[] | select(.block == "second") | .error | startswith("the workflow'"'"'s daily token budget of 5 tokens is spent")' true \
	"... saying why"
req POST "/workflows/$WF/run?wait=30" "${API[@]}" --data 'input={}'
check_json '[.run.steps[] | "\(.block):\(.status)"] | join(" ")' "first:failed" "the next run does not start a step that day"

echo "# tokens by provider in /metrics"
req GET /metrics
tokens_in=$(sed -n "s|^axon_llm_tokens_total{provider=\"http://127.0.0.1:$LLM_PORT\",direction=\"in\"} ||p" "$BODY")
check_eq "$([ "${tokens_in:-0}" -gt 0 ] && echo counted)" counted "/metrics counts the tokens the scripted provider's calls used"
check_body_contains "axon_llm_tokens_total{provider=\"http://127.0.0.1:$LLM_PORT\",direction=\"out\"}" "... in and out"

echo "# ai.agent: a workflow as a tool, called through the flow.call path"
it_create_workflow "Weather look-up" '{"format": 1, "trigger": {"type": "manual", "description": "The weather in a city",
  "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}},
  "blocks": [{"id": "forecast", "type": "json.set", "config": {"set": {"city": "{{ trigger.city }}", "sky": "sunny"}}}]}'
check_status 201 "a tool workflow whose trigger says what it does and the data it takes"
TOOL_WF=$WF
agent_workflow() { # NAME MODEL [SETTINGS-JSON]: a workflow with one ai.agent offering the tool
	it_create_workflow "$1" "$(jq -n --arg s "$S" --arg m "$2" --argjson x "${3:-{\}}" '{format: 1, trigger: {type: "manual"},
	  blocks: [{id: "agent", type: "ai.agent", config: ({base_url: ($s + "/v1"), model: $m, prompt: "Weather in {{ in.city }}?",
	    tools: ["Weather look-up"]} + $x)}]}')"
}
agent_workflow "Agent" agent
check_status 201 "a workflow with ai.agent and the tool"
req POST "/workflows/$WF/run?wait=30" "${API[@]}" --data 'input={"city": "Lyon"}'
check_json .run.status succeeded "the agent's run succeeds"
AGENT_RUN=$(jqb .run.id)
check_json '.run.steps[0].outputs.answer.text' 'The tool said: {"forecast":{"out":{"city":"Lyon","sky":"sunny"}}}' \
	"the tool call's arguments, streamed in fragments, ran the workflow, and its result went back to the model"
check_json '.run.steps[0].outputs.answer.tool_calls[0].workflow' "Weather look-up" "the step's output records the tool call"
check_json '[.run.steps[0].outputs.answer.conversation[].role] | join(" ")' "user assistant tool assistant" \
	"... and the conversation"
check_json '.run.steps[0].outputs.answer.turns' 2 "... in two turns"
TOOL_RUN=$(jqb '.run.steps[0].outputs.answer.tool_calls[0].run_id')
check_eq "$(sql "SELECT workflow_id || ' ' || status || ' ' || trigger || ' ' || parent_run_id || ' ' || parent_block FROM runs WHERE id = $TOOL_RUN")" \
	"$TOOL_WF succeeded call $AGENT_RUN agent" "the tool call is its own recorded run, called by the agent's step"
check_eq "$(sql "SELECT json_extract(input, '$.city') FROM runs WHERE id = $TOOL_RUN")" Lyon "... with the model's arguments as its trigger data"
agent_workflow "Agent through Ollama" agent "$(jq -n --arg s "$S" '{protocol: "ollama", base_url: $s}')"
req POST "/workflows/$WF/run?wait=30" "${API[@]}" --data 'input={"city": "Lyon"}'
check_json '.run.steps[0].outputs.answer.text' 'The tool said: {"forecast":{"out":{"city":"Lyon","sky":"sunny"}}}' \
	"... and through Ollama's protocol, whose tool calls and answers take another form"
AGENT_HOOK=$(it_webhook_workflow "Agent hook" "$(jq -n --arg s "$S" '{format: 1, trigger: {type: "webhook", reply: "agent.answer"},
  blocks: [{id: "agent", type: "ai.agent", config: {base_url: ($s + "/v1"), model: "agent", prompt: "Weather in {{ in.body.city }}?",
    tools: ["Weather look-up"]}}]}')")
req POST "$AGENT_HOOK" -H 'Content-Type: application/json' --data '{"city": "Lyon"}'
check_json .text 'The tool said: {"forecast":{"out":{"city":"Lyon","sky":"sunny"}}}' \
	"... and in a synchronous webhook's run, driven by the request thread that waits for it"
tools_told=$(curl -s "$S/seen" | jq -c '[.[] | select(.model == "agent") | .tools] | unique')
check_eq "$tools_told" "[1]" "the model was told of the one tool each turn"

echo "# ai.agent: its limits and a tool it does not have"
agent_workflow "Agent loop" agent-loop '{"max_turns": 3}'
req POST "/workflows/$WF/run?wait=30" "${API[@]}" --data 'input={"city": "Lyon"}'
check_json '.run.error | contains("the model still asked for a tool after 3 turns (max_turns)")' true \
	"a model that never stops calling tools fails at max_turns, saying so"
check_eq "$(sql "SELECT count(*) FROM runs WHERE parent_run_id = $(jqb .run.id)")" 2 "... after two tool runs"
agent_workflow "Agent calls" agent-loop '{"max_turns": 10, "max_tool_calls": 1}'
req POST "/workflows/$WF/run?wait=30" "${API[@]}" --data 'input={"city": "Lyon"}'
check_json '.run.error | contains("more than 1 tool calls (max_tool_calls)")' true "... and at max_tool_calls"
agent_workflow "Agent stranger" agent-stranger
req POST "/workflows/$WF/run?wait=30" "${API[@]}" --data 'input={"city": "Lyon"}'
check_json .run.status succeeded "a call of a tool the agent does not have is refused, and the model told so"
check_json '.run.steps[0].outputs.answer.tool_calls[0].error' "there is no tool named 'no_such_tool': the tools are Weather_look-up" \
	"... naming the tools there are"
check_eq "$(sql "SELECT count(*) FROM runs WHERE parent_run_id = $(jqb .run.id)")" 0 "... and nothing ran"
it_done
