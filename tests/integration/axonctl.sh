#!/bin/bash
# axonctl against a real database and real sandboxed blocks: accounts (the
# web's rules; the owner it creates then signs in on the web), workflow
# list/export/import in the web's format, runs of a file and of a stored
# workflow (printed JSON, exit statuses 0/1/2/64/65/66, rows in the
# database), a file with problems refused with each of them, the runs list,
# dead letters and their retry, a --timeout, and its engine leaving axond's
# unfinished runs alone (axond then resumes them).
# shellcheck source=lib.sh
. "$top_srcdir/tests/integration/lib.sh"
it_init
CTL=$top_builddir/axonctl
[ -x "$CTL" ] || it_skip "$CTL is not built"

it_write_config "unix:$IT_TMP/axond.sock" "egress_allow_loopback = yes"
mkdir -p "$IT_TMP/data"
W=$IT_TMP/wf
mkdir -p "$W"

# check_err TEXT WHAT / check_out TEXT WHAT: the last stderr / stdout holds TEXT.
check_err() {
	if grep -qF -- "$1" "$ERR"; then it_pass "$2"; else it_fail "$2" "stderr lacks: $1" "stderr: $(head -c 600 "$ERR")"; fi
}
check_out() {
	if grep -qF -- "$1" "$OUT"; then it_pass "$2"; else it_fail "$2" "stdout lacks: $1" "stdout: $(head -c 600 "$OUT")"; fi
}
# jqo FILTER: a value of the last stdout (JSON).
jqo() {
	jq -r "$1" "$OUT" 2>&1
}

echo "# help and the command line"
ctl 0 "axonctl --help" --help
check_out "dead-letters retry ID" "... lists every command"
ctl 0 "axonctl run --help" run --help
check_out "--timeout DURATION" "... describes run's options"
ctl 0 "axonctl help runs" help runs
check_out "--status STATUS" "... describes runs"
ctl 64 "no command" 
check_err "give a command" "... says what to give"
ctl 64 "an unknown command" frob
check_err "there is no command 'frob'" "... names it"
ctl 64 "run without a workflow" run
check_err "Give a workflow file (FILE.json) or --workflow ID|NAME" "... says what to give"
ctl 64 "an unknown option" runs --colour
check_err "there is no option --colour for runs" "... names it"
ctl 64 "a bad --limit" runs --limit lots
check_err "--limit wants a whole number" "... says what it wants"
ctl 64 "an unknown status" runs --status lost
check_err "the statuses are queued, running, succeeded, failed and cancelled" "... lists the statuses"

echo "# accounts"
printf 'owner password 1\n' >"$IT_TMP/pw-owner"
printf 'editor password 1\n' >"$IT_TMP/pw-editor"
printf 'short\n' >"$IT_TMP/pw-short"
CTL_IN=$IT_TMP/pw-editor ctl 65 "the first account as an editor" user create ed --role editor
check_err "the first one must be the owner: create it with --role owner" "... is refused, saying why"
CTL_IN=$IT_TMP/pw-owner ctl 0 "create the owner" user create boss --role owner
check_out "Created the account boss (owner)" "... says so"
check_eq "$(sql "SELECT username || ' ' || substr(password_hash, 1, 7) FROM users")" "boss scrypt$" \
	"the owner is in the database with an scrypt hash"
CTL_IN=$IT_TMP/pw-short ctl 65 "a short password" user create ed --role editor
check_err "A password has at least 8 characters." "... gets the web's message"
CTL_IN=$IT_TMP/pw-editor ctl 65 "a bad username" user create 'ed itor' --role editor
check_err "A username has 1 to 64 letters, digits, dots, dashes or underscores." "... gets the web's message"
ctl 65 "no password at all" user create ed --role editor
check_err "no password was given" "... says how to give one"
CTL_IN=$IT_TMP/pw-editor ctl 65 "a username that is taken" user create boss --role editor
check_err "there is already an account named 'boss'" "... says so"
ctl 64 "an unknown role" user create ed --role admin
check_err "the roles are owner, editor and viewer" "... lists the roles"
CTL_IN=$IT_TMP/pw-editor ctl 0 "create an editor" user create ed --role editor
check_eq "$(sql "SELECT count(*) FROM users")" 2 "two accounts, no more"
ctl 0 "user list --json" user list --json
check_eq "$(jq -rs 'map(.username + ":" + .role) | join(" ")' "$OUT")" "boss:owner ed:editor" "... lists both with their roles"

echo "# workflows: import, list, export"
GREET_DEF='{"format": 1, "name": "Greeter", "trigger": {"type": "manual"},
  "blocks": [
    {"id": "shape", "type": "json.set", "config": {"set": {"who": "{{ trigger.name | default: \"world\" }}"}}},
    {"id": "greet", "type": "text.template", "config": {"template": "Hello {{ shape.out.who }}"}}],
  "edges": [{"from": "shape.out", "to": "greet.in"}]}'
printf '%s\n' "$GREET_DEF" >"$W/greet.json"
jq -n --argjson d "$GREET_DEF" '{axon_workflow: 1, name: "Greeter", description: "says hello", tags: ["demo", "ctl"],
	definition: $d}' >"$W/greet.export.json"
ctl 0 "import an export file" workflow import "$W/greet.export.json"
check_out "Imported workflow 1: Greeter" "... prints its number"
check_eq "$(sql "SELECT w.name || ' v' || w.current_version || ' ' || v.tags FROM workflows w
	JOIN workflow_versions v ON v.workflow_id = w.id")" 'Greeter v1 ["demo","ctl"]' "... and it is in the database"
ctl 65 "import a definition (not an export)" workflow import "$W/greet.json"
check_err "it has no \"axon_workflow\": 1" "... says it is not an export"
check_err "run it with 'axonctl run FILE'" "... and what to do with a definition"
jq -n '{axon_workflow: 1, name: "", tags: ["bad tag"], definition: []}' >"$W/bad.export.json"
ctl 65 "import an export with bad fields" workflow import "$W/bad.export.json"
check_err "bad.export.json: name: Give the workflow a name." "... names the name"
check_err "bad.export.json: tags: A tag has 1 to 32" "... names the tags"
check_err "bad.export.json: definition: The definition must be a JSON object" "... names the definition"
ctl 66 "import a file that is not there" workflow import "$W/missing.json"
check_err "cannot read $W/missing.json" "... names it"
check_eq "$(sql "SELECT count(*) FROM workflows")" 1 "the refused imports stored nothing"
ctl 0 "workflow list" workflow list
check_out "Greeter" "... shows the workflow"
ctl 0 "workflow list --json --tag demo" workflow list --json --tag demo
check_eq "$(jqo '[.id, .name, (.tags | join(","))] | join(" ")')" "1 Greeter demo,ctl" "... as JSON"
ctl 0 "export by name to a file" workflow export Greeter -o "$W/out.export.json"
check_eq "$(jq -c '[.axon_workflow, .name, .description, .tags]' "$W/out.export.json")" \
	'[1,"Greeter","says hello",["demo","ctl"]]' "... in the export format"
check_eq "$(jq -S .definition "$W/out.export.json")" "$(jq -S . <<<"$GREET_DEF")" "... with the definition as imported"
ctl 0 "import what was exported" workflow import "$W/out.export.json"
check_out "Imported workflow 2: Greeter (2)" "... makes workflow 2, its name taken: with a suffix"
check_err "a workflow named 'Greeter' exists already: importing this one as 'Greeter (2)' (--name chooses another)" \
	"... and says so"
ctl 0 "export workflow 2 by number to stdout" workflow export 2
check_eq "$(jq -c 'del(.name)' "$OUT")" "$(jq -c 'del(.name)' "$W/out.export.json")" "the round trip gives the same export"
ctl 0 "import under another name" workflow import "$W/out.export.json" --name "greeter copy"
check_out "Imported workflow 3: greeter copy" "... --name"
ctl 0 "a name in another case is taken too" workflow import "$W/out.export.json" --name "GREETER"
check_out "Imported workflow 4: GREETER (3)" "... and gets the first free suffix (Greeter (2) is taken)"
ctl 64 "--name is for import" workflow export 2 --name x
check_eq "$(sql "SELECT count(*) FROM workflows WHERE name = 'Greeter' COLLATE NOCASE")" 1 "one Greeter, whatever the case"
ctl 65 "export a workflow that is not there" workflow export Nobody
check_err "there is no workflow 'Nobody'" "... says so"

echo "# run a file"
ctl 0 "run a file: json.set -> text.template" run "$W/greet.json" --input '{"name": "Ada"}'
RUN_OK=$(jqo .id)
check_eq "$(jqo '[.status, .workflow_id, .trigger, .input.name] | map(tostring) | join(" ")')" "succeeded null manual Ada" \
	"... prints the run as JSON"
check_eq "$(jqo '[.steps[] | .block + ":" + .status] | join(" ")')" "shape:ok greet:ok" "... with its steps"
check_eq "$(jqo '.steps[1].outputs.text')" "Hello Ada" "... and what the blocks made"
check_eq "$(jqo 'has("definition")')" false "... without the definition"
check_eq "$(sql "SELECT status || ' ' || coalesce(CAST(workflow_id AS TEXT), 'file') || ' ' || CAST(definition IS NOT NULL AS INTEGER) FROM runs WHERE id = $RUN_OK")" \
	"succeeded file 1" "the run is in the database with its own definition"
check_eq "$(sql "SELECT group_concat(block || ':' || status, ' ') FROM (SELECT * FROM steps WHERE run_id = $RUN_OK ORDER BY seq) AS s")" \
	"shape:ok greet:ok" "... and so are its steps"
printf '{"name": "Bea"}' >"$W/input.json"
CTL_IN=$W/greet.json ctl 0 "run a file from stdin with --input @FILE" run - --input "@$W/input.json"
check_eq "$(jqo '.steps[1].outputs.text')" "Hello Bea" "... reads both"

cat >"$W/fail.json" <<'EOF'
{"format": 1, "name": "Broken", "trigger": {"type": "manual"},
 "blocks": [{"id": "greet", "type": "text.template", "config": {"template": "Hello {{ trigger.nobody }}"}}]}
EOF
ctl 1 "run a file that fails (a missing value)" run "$W/fail.json"
RUN_FAILED=$(jqo .id)
check_eq "$(jqo '[.status, .failed_block] | join(" ")')" "failed greet" "... prints the failed run"
check_err "run $RUN_FAILED failed: block 'greet' failed" "... and says so on stderr"
check_err "no value for 'trigger.nobody'" "... with the reason"
check_eq "$(sql "SELECT status || ' ' || failed_block FROM runs WHERE id = $RUN_FAILED")" "failed greet" \
	"the failed run is in the database"

cat >"$W/problems.json" <<'EOF'
{"format": 1, "trigger": {"type": "manual"}, "colour": "blue",
 "blocks": [{"id": "a", "type": "no.such"}, {"id": "B", "type": "json.set"}],
 "edges": [{"from": "a.out", "to": "zz.in"}]}
EOF
RUNS_BEFORE=$(sql "SELECT count(*) FROM runs")
ctl 65 "run a file with problems" run "$W/problems.json"
check_err "unknown field 'colour'" "... lists the unknown field"
check_err "block 'a': unknown block type 'no.such'" "... the unknown block type"
check_err "the id 'B' is not valid" "... the bad id"
check_err "there is no block with the id 'zz'" "... the bad edge"
check_err "4 problems are listed above: the workflow was not run" "... and says it did not run"
check_eq "$(sql "SELECT count(*) FROM runs")" "$RUNS_BEFORE" "... and records no run"
check_eq "$(wc -c <"$OUT")" 0 "... and prints nothing on stdout"
printf '{"format": 1,' >"$W/notjson.json"
ctl 65 "run a file that is not JSON" run "$W/notjson.json"
check_err "notjson.json: " "... names the file"
ctl 66 "run a file that is not there" run "$W/missing.json"
ctl 65 "run with an --input that is not JSON" run "$W/greet.json" --input '{name}'
check_err "--input is not JSON" "... says so"
check_eq "$(sql "SELECT count(*) FROM runs")" "$RUNS_BEFORE" "refused runs record nothing"

echo "# run a stored workflow"
ctl 0 "run --workflow by name" run --workflow Greeter --input '{"name": "Cy"}'
RUN_STORED=$(jqo .id)
check_eq "$(jqo '[.status, .workflow_id, .version, .workflow_name, .steps[1].outputs.text] | map(tostring) | join(" ")')" \
	"succeeded 1 1 Greeter Hello Cy" "... runs its current version"
check_eq "$(sql "SELECT workflow_id || ' ' || version || ' ' || status || ' ' || CAST(definition IS NULL AS INTEGER) FROM runs WHERE id = $RUN_STORED")" \
	"1 1 succeeded 1" "... and the run row points at the workflow"
ctl 0 "run --workflow by number" run --workflow 2
check_eq "$(jqo '[.workflow_id, .steps[1].outputs.text] | map(tostring) | join(" ")')" "2 Hello world" "... with the default input {}"
ctl 65 "run a workflow that is not there" run --workflow Nobody
check_err "there is no workflow 'Nobody'" "... says so"
jq -n '{axon_workflow: 1, name: "Caller", definition: {format: 1, trigger: {type: "manual"},
	blocks: [{id: "call", type: "flow.call", config: {workflow: "Helper"}}]}}' >"$W/caller.export.json"
jq -n '{axon_workflow: 1, name: "Unfit", definition: {format: 1, trigger: {type: "manual"},
	blocks: [{id: "x", type: "no.such"}]}}' >"$W/unfit.export.json"
ctl 0 "import Caller" workflow import "$W/caller.export.json"
ctl 0 "import Unfit (import does not check blocks, as on the web)" workflow import "$W/unfit.export.json"
ctl 65 "run a stored workflow with problems" run --workflow Unfit
check_err "Unfit: block 'x': unknown block type 'no.such'" "... lists the problem"
check_err "Fix it in its editor" "... and says what to do"
ctl 1 "run a workflow that calls one that is not there" run --workflow Caller
RUN_CALLER=$(jqo .id)
check_err "there is no workflow named 'Helper'" "... fails, saying why"

echo "# the runs list"
TOTAL=$(sql "SELECT count(*) FROM runs")
ctl 0 "runs --json" runs --json
check_eq "$(wc -l <"$OUT")" "$TOTAL" "... one line a run"
check_eq "$(jq -s 'map(.id) == (map(.id) | sort | reverse)' "$OUT")" true "... newest first"
ctl 0 "runs --status failed --json" runs --status failed --json
check_eq "$(jq -rs 'map(.id) | join(" ")' "$OUT")" "$RUN_CALLER $RUN_FAILED" "... only the failed runs"
ctl 0 "runs --workflow Greeter --json" runs --workflow Greeter --json
check_eq "$(jq -rs 'map("\(.id):\(.workflow_id)") | join(" ")' "$OUT")" "$RUN_STORED:1" "... only that workflow's"
ctl 0 "runs --limit 2 (a table)" runs --limit 2
check_out "STATUS" "... has a header"
check_out "(2 of $TOTAL runs; --limit N shows more)" "... says there are more"
check_eq "$(grep -cE '^ *[0-9]+  ' "$OUT")" 2 "... two rows"

echo "# dead letters"
ctl 0 "dead-letters --json" dead-letters --json
check_eq "$(jq -rs 'map("\(.run_id):\(.block)") | join(" ")' "$OUT")" "$RUN_CALLER:call $RUN_FAILED:greet" \
	"... lists both failed runs with their block"
LETTER_CALLER=$(jq -rs "map(select(.run_id == $RUN_CALLER))[0].id" "$OUT")
LETTER_FILE=$(jq -rs "map(select(.run_id == $RUN_FAILED))[0].id" "$OUT")
ctl 0 "dead-letters (a table)" dead-letters
check_out "file: Broken" "... names the file's workflow"
check_out "axonctl dead-letters retry ID" "... and says how to retry"
jq -n '{axon_workflow: 1, name: "Helper", definition: {format: 1, trigger: {type: "manual"},
	blocks: [{id: "made", type: "json.set", config: {set: {ok: true}}}]}}' >"$W/helper.export.json"
ctl 0 "import the missing Helper" workflow import "$W/helper.export.json"
ctl 0 "retry Caller's dead letter: it runs here and succeeds" dead-letters retry "$LETTER_CALLER"
check_eq "$(jqo '[.id, .status, .steps[0].outputs.out.made.out.ok] | map(tostring) | join(" ")')" "$RUN_CALLER succeeded true" \
	"... the same run, now succeeded, with the called workflow's output"
check_eq "$(sql "SELECT trigger || ' ' || status FROM runs WHERE parent_run_id = $RUN_CALLER")" "call succeeded" \
	"... its flow.call child ran too"
check_eq "$(sql "SELECT status FROM runs WHERE id = $RUN_CALLER")" succeeded "... and so it is in the database"
check_eq "$(sql "SELECT retried_at IS NOT NULL FROM dead_letters WHERE id = $LETTER_CALLER")" 1 "... the dead letter is closed"
ctl 65 "retry it again" dead-letters retry "$LETTER_CALLER"
check_err "there is no open dead letter $LETTER_CALLER" "... says it is closed"
ctl 1 "retry the file's dead letter: it fails again" dead-letters retry "$LETTER_FILE"
check_eq "$(jqo '[.id, .status] | map(tostring) | join(" ")')" "$RUN_FAILED failed" "... the same run, failed again"
check_eq "$(sql "SELECT status FROM runs WHERE id = $RUN_FAILED")" failed "... and so it is in the database"
ctl 0 "dead-letters --json" dead-letters --json
check_eq "$(jq -rs 'map(.run_id) | join(" ")' "$OUT")" "$RUN_FAILED" "... only the file's run is open again"
ctl 64 "retry without an id" dead-letters retry
check_err "which dead letter?" "... asks which"

echo "# --timeout cancels the run"
if command -v python3 >/dev/null; then
	python3 "$top_srcdir/tests/sandbox/http_server.py" >"$IT_TMP/http-port" &
	IT_PIDS+=($!)
	for ((i = 0; i < 50; i++)); do [ -s "$IT_TMP/http-port" ] && break; sleep 0.1; done
	jq -n --arg u "http://127.0.0.1:$(cat "$IT_TMP/http-port")/slow" '{format: 1, name: "Slow",
		trigger: {type: "manual"}, blocks: [{id: "wait", type: "http.request", config: {url: $u}}]}' >"$W/slow.json"
	ctl 2 "a run longer than --timeout" run "$W/slow.json" --timeout 1s
	check_eq "$(jqo .status)" cancelled "... is cancelled"
	check_err "did not end within 1 s (--timeout): cancelling it" "... saying why"
	check_eq "$(sql "SELECT status FROM runs WHERE id = $(jqo .id)")" cancelled "... in the database too"
else
	echo "# (skipped: python3 is not installed)"
fi

echo "# axonctl leaves axond's unfinished runs to axond"
sql "INSERT INTO runs (workflow_id, version, trigger, input, status, created_at)
	VALUES (1, 1, 'manual', '{\"name\": \"Dee\"}', 'queued', 1)" >/dev/null
QUEUED=$(sql "SELECT max(id) FROM runs WHERE status = 'queued'")
ctl 0 "run a file while another run waits in the queue" run "$W/greet.json"
check_eq "$(sql "SELECT status FROM runs WHERE id = $QUEUED")" queued "... the waiting run is not touched"
it_start_axond || exit 1
for ((i = 0; i < 100; i++)); do
	[ "$(sql "SELECT status FROM runs WHERE id = $QUEUED")" = succeeded ] && break
	sleep 0.1
done
check_eq "$(sql "SELECT status FROM runs WHERE id = $QUEUED")" succeeded "axond resumes it when it starts"

echo "# beside a running axond: the accounts sign in on the web, runs still work"
it_start_nginx || exit 1
it_wait_healthz || exit 1
JAR=$IT_TMP/jar
: >"$JAR"
req GET /login
CSRF=$(csrf_from_body)
req POST /login --data-urlencode "csrf=$CSRF" --data-urlencode username=boss --data-urlencode "password=owner password 1"
check_status 303 "the owner axonctl created signs in on the web"
req GET /users -H 'Accept: application/json'
check_status 200 "... as the owner (the users page)"
JAR=
ctl 0 "run a stored workflow while axond runs" run --workflow Greeter --input '{"name": "Eve"}'
check_eq "$(jqo '.steps[1].outputs.text')" "Hello Eve" "... works"
it_stop_axond
check_eq "$?" 0 "axond stops cleanly"

if grep -qE 'Sanitizer|runtime error:' "$IT_TMP/ctl-all.stderr"; then
	it_fail "axonctl's stderr holds no sanitizer report" "$(grep -E -A20 'Sanitizer|runtime error:' "$IT_TMP/ctl-all.stderr" | head -n 40)"
else
	it_pass "axonctl's stderr holds no sanitizer report"
fi
it_done
