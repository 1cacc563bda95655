#!/bin/bash
# Each block's own page through real nginx, linked from /blocks: its
# description, ports, config fields (type, required, default, choices, help),
# limits, plugin and version, in HTML and JSON; an unknown block is a 404
# that says where to look.
# shellcheck source=lib.sh
. "$top_srcdir/tests/integration/lib.sh"
it_init
it_start nginx
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

req GET /blocks/no.such "${JSON[@]}"
check_status 404 "an unknown block"
check_json .error.message "No loaded plugin provides a block named 'no.such': the Blocks page lists those there are." \
	"... says where to look"
JAR='' req GET /blocks/text.template
check_status 303 "a block's page needs a sign-in"
it_done
