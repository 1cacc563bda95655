#!/bin/bash
# The code blocks' code compiled when the workflow is saved, in the sandbox
# (axon_block.check), through real nginx: code that cannot compile is a
# problem on its block with the line, the column where the language gives it,
# and what to write instead; the settings form refuses it and keeps what was
# typed; the same code saved twice is compiled once.
# shellcheck source=lib.sh
. "$top_srcdir/tests/integration/lib.sh"
it_init
it_start nginx "plugin_dirs = $(it_plugin_dir)"
it_setup_owner "code check pw"
check_eq "$?" 0 "first-run setup signs the owner in"
it_api_token code-check

# one TYPE CODE: a manual workflow with one code block "code"; sets WF.
n=0
one() {
	n=$((n + 1))
	it_create_workflow "check $n" "$(jq -n --arg type "$1" --arg code "$2" \
		'{format: 1, trigger: {type: "manual"}, blocks: [{id: "code", type: $type, config: {code: $code}}]}')"
	check_status 201 "$1: the workflow is kept (a draft may have problems)"
	req GET "/workflows/$WF" "${API[@]}"
}

# checks: how many configs axond has judged in the sandbox so far.
checks() {
	grep -c 'checks: a config of' "$IT_TMP/axond.log"
}

echo "# the registry says which blocks check their config"
req GET /blocks "${API[@]}"
check_eq "$(jqb '[.blocks[] | select(.checks) | .name] | sort | join(" ")')" "code.js code.lua data.jq" \
	"the three code blocks declare a check"

echo "# code that does not compile is a problem on its block"
one code.js 'const a = 1;
  function* gen() { yield a; }
return a;'
check_json '.problems | length' 1 "code.js: one problem"
check_json '.problems[0].block' code "... on the block"
check_contains "$(jqb '.problems[0].message')" \
	"generators (function*) cannot run here: build an array instead (line 2, column 3)" "... with the line, the column and what to write"
JS=$WF
one code.js 'const f = async () => 1;'
check_contains "$(jqb '.problems[0].message')" "async" "code.js: async is refused at save"
one code.lua 'local t = {1, 2
return t'
check_eq "$(jqb '.problems[0].message')" "line 2: '}' expected (to close '{' at line 1) near 'return'" \
	"code.lua: a syntax error names the line"
one data.jq '.items | map(.price | | 2)'
check_contains "$(jqb '.problems[0].message')" "syntax error, unexpected '|'" "data.jq: a syntax error"
check_contains "$(jqb '.problems[0].message')" "at line 1" "... names the line"

echo "# code that compiles is no problem, and is judged once"
before=$(checks)
one code.js 'const {values} = input; return values.map((v) => v * 2);'
check_json '.problems | length' 0 "code.js: later syntax that buble compiles is fine"
check_eq "$(checks)" $((before + 1)) "... judged once in the sandbox"
one code.js 'const {values} = input; return values.map((v) => v * 2);'
req GET /workflows "${API[@]}"
check_eq "$(checks)" $((before + 1)) "the same code saved again, and the list of workflows, judge nothing again"
one code.lua 'return {{ input }}'
check_json '.problems | length' 0 "code.lua: a {{ of Lua's own compiles"

echo "# a run of a workflow whose code does not compile is refused"
req POST "/workflows/$JS/run" "${API[@]}" --data-urlencode 'input={}'
check_contains "$(jqb '.error // .message // ""')$(cat "$BODY")" "generators (function*)" "the run is refused with the problem"

echo "# the settings form refuses code that does not compile"
EDIT=/workflows/$JS/edit
req GET "$EDIT/blocks/code"
check_status 200 "the settings form of the code block"
check_body_contains "generators (function*) cannot run here" "it shows the block's problem"
check_body_contains '<textarea class="code code-source" rows="14" wrap="off" spellcheck="false" autocapitalize="off" id="config-code" name="config.code" data-language="javascript"' \
	"the code is a monospace textarea that names its language"
check_body_contains 'class="code-field" data-error-line="2"' "... marking the line of the check's error"
check_eq "$(grep -o 'id="config-code"' "$BODY" | wc -l)" 1 "... and is the code's one field"
check_body_contains '<p class="code-error" id="config-code-error">Line <strong>2</strong>, column 3, in the check at save:' \
	"... which is named under it, for pages without script"
check_body_contains '<script type="module" src="/static/editor/code-field.js"></script>' "the line numbers come from a script"
VERSION=$(grep -o 'name="version" value="[0-9]*"' "$BODY" | head -n 1 | grep -o '[0-9]*')
req GET /static/editor/code-field.js
check_status 200 "... which is served"
req POST "$EDIT/blocks/code" --data-urlencode "csrf=$CSRF" --data-urlencode "version=$VERSION" \
	--data-urlencode 'config.code=return [1, 2].map(x => x +);' --data-urlencode 'config.vars={}' \
	--data-urlencode config.memory_mb=64
check_status 422 "new code that does not compile is not saved"
check_body_contains "SyntaxError: Unexpected token (line 1, column" "... with buble's message"
check_body_contains 'x =&gt; x +);</textarea>' "... and what was typed is kept"
check_body_contains 'data-error-line="1"' "... with its error line marked"
req POST "$EDIT/blocks/code" --data-urlencode "csrf=$CSRF" --data-urlencode "version=$VERSION" \
	--data-urlencode 'config.code=return [1, 2].map(x => x + 1);' --data-urlencode 'config.vars={}' \
	--data-urlencode config.memory_mb=64
check_status 303 "code that compiles is saved"
req GET "/workflows/$JS" "${API[@]}"
check_json '.problems | length' 0 "the workflow has no problem left"

echo "# the settings form marks the line where the last run failed"
version() {
	req GET "$EDIT"
	VERSION=$(grep -o 'name="version" value="[0-9]*"' "$BODY" | head -n 1 | grep -o '[0-9]*')
}
version
req POST "$EDIT/blocks/code" --data-urlencode "csrf=$CSRF" --data-urlencode "version=$VERSION" \
	--data-urlencode 'config.code=const a = 1;
return input.missing.field;' --data-urlencode 'config.vars={}' --data-urlencode config.memory_mb=64
check_status 303 "code that compiles but fails when it runs is saved"
req POST "/workflows/$JS/run?wait=30" "${API[@]}" --data-urlencode 'input={}'
check_json .run.status failed "the run fails"
req GET "$EDIT/blocks/code"
check_body_contains 'class="code-field" data-error-line="2"' "the form marks line 2"
check_body_contains '<p class="code-error" id="config-code-error">Line <strong>2</strong>, in the last run: <span>line 2: TypeError' \
	"... and names the last run's error"

echo "# the ES5 form made at save is stored with the version, and runs use it"
one code.js 'const {values} = input;
return values.map((v) => v * 2);'
ES=$WF
check_json '.problems | length' 0 "later JavaScript compiles at save"
before=$(checks)
req POST "/workflows/$ES/run?wait=30" "${API[@]}" --data-urlencode 'input={"values": [1, 2]}'
check_json '.run.status' succeeded "a run of it"
check_json '[.run.steps[] | select(.block == "code") | .outputs.out[]] | join(",")' "2,4" "... gives what the code says"
check_eq "$(checks)" "$before" "... with no check of its own: the save's answer is remembered"
check_eq "$(sql "SELECT block_id || ' ' || CAST(json_extract(artifact, '$.value.source') IS NOT NULL AS INTEGER) || ' ' ||
	CAST(json_extract(artifact, '$.value.es5') LIKE '%var values = input.values;%' AS INTEGER) FROM block_artifacts
	WHERE workflow_id = $ES AND version = 1")" "code 1 1" "the ES5 form, its source's fingerprint and map are stored with the version"
check_contains "$(sql "SELECT json_extract(artifact, '$.value.mappings') FROM block_artifacts WHERE workflow_id = $ES")" ";" \
	"... with the source map that takes errors back to the user's lines"
check_eq "$(sql "SELECT count(*) FROM block_artifacts WHERE workflow_id = $JS AND version = 1")" 0 \
	"a version that does not compile keeps nothing"
check_eq "$(sql "SELECT group_concat(version) FROM block_artifacts WHERE workflow_id = $JS")" 2 \
	"... the arrow function saved from the settings form keeps its ES5, and code Duktape runs as it is keeps nothing"
one code.js 'var s = 0;
for (var i = 0; i < input.values.length; i++) s += input.values[i];
return s;'
LOOP=$WF
req POST "/workflows/$LOOP/run?wait=30" "${API[@]}" --data-urlencode 'input={"values": [1, 2]}'
check_json '[.run.steps[] | select(.block == "code") | .outputs.out] | .[0]' 3 "ES5 with a loop runs"
check_eq "$(sql "SELECT json_type(artifact, '$.value.mappings') FROM block_artifacts WHERE workflow_id = $LOOP")" null \
	"... and keeps its instrumented form, with no source map (its lines are the user's)"
# What runs is the stored form: changed behind axond's back, a run after a
# restart (nothing remembered) runs the change, so it compiled nothing.
sql "UPDATE block_artifacts SET artifact = json_set(artifact, '$.value.es5', 'return \"from the store\";')
	WHERE workflow_id IN ($ES, $LOOP)" >/dev/null
it_stop_axond
it_start_axond
before=$(checks)
req POST "/workflows/$ES/run?wait=30" "${API[@]}" --data-urlencode 'input={"values": [1, 2]}'
check_json '[.run.steps[] | select(.block == "code") | .outputs.out] | .[0]' "from the store" \
	"after a restart, a run takes the stored ES5 form: it compiles nothing"
req POST "/workflows/$LOOP/run?wait=30" "${API[@]}" --data-urlencode 'input={"values": [1, 2]}'
check_json '[.run.steps[] | select(.block == "code") | .outputs.out] | .[0]' "from the store" \
	"... and so does one of ES5 code with a loop (instrumented at save)"
check_eq "$(checks)" "$before" "... and their checks are answered by the store, not the sandbox"
# A stored form is run only for the code it was made from.
sql "UPDATE block_artifacts SET artifact = json_set(artifact, '$.value.source', '0000000000000000')
	WHERE workflow_id = $ES" >/dev/null
it_stop_axond
it_start_axond
req POST "/workflows/$ES/run?wait=30" "${API[@]}" --data-urlencode 'input={"values": [1, 2]}'
check_json '[.run.steps[] | select(.block == "code") | .outputs.out[]] | join(",")' "2,4" \
	"a stored form made from other code is not run: the code is compiled again"
echo "# errors in the stored form name the user's lines"
one code.js 'const a = [1, 2];

const f = (x) => x.missing.field;
return a.map(f);'
req POST "/workflows/$WF/run?wait=30" "${API[@]}" --data-urlencode 'input={}'
check_json '.run.status' failed "a run whose code throws fails"
check_contains "$(jqb '.run.steps[] | select(.block == "code") | .error')" "line 3: TypeError" \
	"... naming the line of the user's code, through the stored source map"
check_eq "$(sql "SELECT count(*) FROM block_artifacts WHERE workflow_id = $WF")" 1 "... whose ES5 form was stored"

echo "# after a restart, the list of workflows starts no sandbox per row"
it_stop_axond
it_start_axond
before=$(checks)
req GET /workflows "${API[@]}"
check_status 200 "the list of workflows"
check_eq "$(checks)" "$before" "... judges no code (nothing is remembered yet)"
req GET "/workflows/$JS" "${API[@]}"
check_json '.problems | length' 0 "the workflow's page judges its code"
check_eq "$(checks)" $((before + 1)) "... in the sandbox, once"
it_done
