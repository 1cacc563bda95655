#!/bin/bash
# Each block's own page through real nginx, linked from /blocks: its
# description, ports, config fields (type, required, default, choices, help),
# limits, plugin and version, and the examples its plugin ships (its
# fixtures), in HTML and JSON; an unknown block is a 404 that says where to
# look. A community plugin's damaged example file is named on the page, which
# still shows the rest.
# shellcheck source=lib.sh
. "$top_srcdir/tests/integration/lib.sh"
it_init
# A community plugin (tests/plugin/good.c) in a folder of its own, with one
# example file that is fine and one that is damaged.
mkdir -p "$IT_TMP/community/examples/good"
cp "$top_builddir/tests/plugin/.libs/good.so" "$IT_TMP/community/"
cat >"$IT_TMP/community/examples/good/echo.json" <<'EOF_'
{"block": "test.good", "cases": [
  {"name": "echoes <b>its</b> config", "config": {"say": "<hi>"}, "expect": {"outputs": {"out": {"say": "<hi>"}}}},
  {"name": "a case of another block", "block": "test.good_too", "expect": {"outputs": {}}}]}
EOF_
echo '{"block": "test.good", "cases": [' >"$IT_TMP/community/examples/good/damaged.json"
it_start nginx "plugin_dirs = $(it_plugin_dir):$IT_TMP/community"
it_setup_owner "block pages pw"
check_eq "$?" 0 "first-run setup signs the owner in"
JSON=(-H 'Accept: application/json')

req GET /blocks
check_body_contains '<a href="/blocks/text.template"><strong>Fill a template</strong></a>' "the blocks page links each block's page"
req GET /blocks "${JSON[@]}"
check_json '[.blocks[] | select(.url != "/blocks/" + .name)] | length' 0 "... and so does its JSON twin"

req GET /blocks/text.template "${JSON[@]}"
check_status 200 "a block's page (JSON)"
check_json '.block | "\(.name) \(.version) \(.category)"' "text.template 1.0.0 text" "... with its name, version and category"
check_json '.block.plugin | endswith("/text.so")' true "... and its plugin (the text family)"
check_json '[.block.inputs[].name, .block.outputs[].name] | join(",")' "in,text" "... its ports"
check_json '[.block.fields[] | "\(.name):\(.type):\(.required):\(.template)"] | join(" ")' \
	"template:string:true:true missing:string:false:false" "... its config fields, in order, with type and required"
check_json '.block.fields[1] | "\(.default_text) [\(.choices)]"' "error [error, empty]" "... their defaults and choices"
check_json '.block.fields[0].help | startswith("Text with {{ in.path }} placeholders")' true "... and their help"
check_json '.block.limits_text.wall_ms | length > 0' true "... and its limits"

req GET /blocks/flow.if
check_status 200 "a block's page (HTML)"
check_body_contains '<h1><span>If</span> <code>flow.if</code></h1>' "... titled"
check_body_contains '<td><code>path</code>' "... lists the config fields"
check_body_contains '<code>&quot;&quot;</code>' "... an empty default shown as \"\""
check_body_contains 'one of: <span>eq, ne, lt, le, gt, ge, contains, exists, truthy</span>' "... the choices of an enum"
check_body_contains '<td>output</td><td><code>true</code></td>' "... the ports"
check_body_contains '<dt>Plugin</dt>' "... the plugin"
check_body_contains '<dt>Wall clock</dt>' "... the limits"

req GET /blocks/flow.if "${JSON[@]}"
check_json '.block.examples[0] | "\(.name) \(.config.op) \(.inputs[0].port) \(.outputs[0].port) \(.fails)"' \
	"eq holds eq in true false" "a core block's examples (JSON): name, config, input and output ports"
check_json '.block.examples[0].outputs[0].value.status' paid "... the expected output"
check_json '[.block.examples[] | select(.fails)][0] | "\(.status): \(.error_contains)"' \
	"error: 'lt' orders two numbers or two strings: in.n is a string and the value to compare with is a number" \
	"... and an example that fails, with its message"
check_json '.block.problems | length' 0 "... and no problems"
req GET /blocks/flow.if
check_body_contains '<h3>eq holds</h3>' "a core block's examples (HTML): each named"
check_body_contains '<strong>Output <code>true</code></strong>' "... with its output port"
check_body_contains 'with
      a message containing <q>(set &quot;loose&quot; to compare a number written as text as a number)</q>' \
	"... and the message of one that fails"

req GET /blocks/http.request "${JSON[@]}"
check_json '"\(.block.examples | length) \(.block.problems | length)"' "0 0" "a block without examples (JSON)"
req GET /blocks/http.request
check_body_contains '<p class="empty">Its plugin ships no examples.</p>' "... says so (HTML)"

req GET /blocks/test.good "${JSON[@]}"
check_status 200 "a community block whose plugin has a damaged example file"
check_json '[.block.examples[].name] | join(",")' "echoes <b>its</b> config" "... shows its good examples, only its own"
check_json '.block.problems[0] | startswith("damaged.json: not JSON: ")' true "... and names the damaged file"
req GET /blocks/test.good
check_status 200 "... (HTML)"
check_body_contains '<h3>echoes &lt;b&gt;its&lt;/b&gt; config</h3>' "... escaped"
check_body_contains '&quot;say&quot;: &quot;&lt;hi&gt;&quot;' "... config and output escaped too"
check_body_contains '<li>damaged.json: not JSON: ' "... and the damaged file named"

req GET /blocks/no.such "${JSON[@]}"
check_status 404 "an unknown block"
check_json .error.message "No loaded plugin provides a block named 'no.such': the Blocks page lists those there are." \
	"... says where to look"
JAR='' req GET /blocks/text.template
check_status 303 "a block's page needs a sign-in"
it_done
