#!/bin/sh
# The ai blocks (plugins/ai/) in the sandbox axond uses, against the scripted
# language model stand-in (tests/standins/scripted-llm/): their fixtures
# through axon-block test, and what a fixture cannot compare (the answer's
# duration varies) through axon-block run and jq: streamed text recorded as
# progress, the usage line, a 429 retried after its Retry-After, a slow first
# token, Ollama's NDJSON, and the key applied by the daemon and masked.
set -u
top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
tool=$top_builddir/axon-block
so=$top_builddir/plugins/.libs/ai.so
tmp=$(mktemp -d)
server=
# shellcheck disable=SC2317 # run by the trap
cleanup() {
	[ -n "$server" ] && kill "$server" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
fail=0
for need in python3 jq curl; do
	command -v "$need" >/dev/null || { echo "SKIP: $need is not installed"; exit 77; }
done

python3 "$top_srcdir/tests/standins/scripted-llm/llm_standin.py" sk-test-key-42 >"$tmp/port" &
server=$!
i=0
while [ ! -s "$tmp/port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
port=$(cat "$tmp/port")
[ -n "$port" ] || { echo "the language model stand-in did not start"; exit 1; }
printf '{"llm": "sk-test-key-42"}\n' >"$tmp/secrets.json"
chmod 600 "$tmp/secrets.json"

for f in extract classify chat embed agent refused; do
	sed "s/@PORT@/$port/g" "$top_srcdir/plugins/ai/$f.json.in" >"$tmp/$f.json"
done
for f in extract classify chat embed agent; do
	echo "# ai/$f (loopback allowed)"
	"$tool" test "$so" "$tmp/$f.json" --allow-loopback --secrets "$tmp/secrets.json" || fail=1
done
echo "# ai/refused (default policy)"
"$tool" test "$so" "$tmp/refused.json" || fail=1

# check NAME JQ-FILTER CONFIG: ai.chat run with CONFIG; ok when the filter
# holds on what axon-block printed.
check() {
	name=$1 filter=$2 config=$3
	if ! "$tool" run "$so" ai.chat --allow-loopback --secrets "$tmp/secrets.json" --config "$config" \
		--input 'in={"name": "Ada"}' >"$tmp/out.json"; then
		echo "not ok - $name: the run failed: $(jq -c '.error' "$tmp/out.json" 2>/dev/null)"
		fail=1
	elif jq -e "$filter" "$tmp/out.json" >/dev/null; then
		echo "ok - $name"
	else
		echo "not ok - $name: $(jq -c . "$tmp/out.json")"
		fail=1
	fi
}
openai="\"base_url\": \"http://127.0.0.1:$port/v1\""
ollama="\"protocol\": \"ollama\", \"base_url\": \"http://127.0.0.1:$port\""
streamed='.outputs.answer.text == "Hello, wörld! ☃ 😀"
	and ([.logs[] | select(.progress != null) | .message] | join("")) == .outputs.answer.text
	and ([.logs[] | select(.usage != null)] | length) == 1
	and .outputs.answer.usage.tokens_out == 4 and .outputs.answer.usage.model == "chunky"'
check "text cut mid-UTF-8 and mid-JSON arrives whole, as progress while it streams (OpenAI SSE)" "$streamed" \
	"{$openai, \"model\": \"chunky\", \"prompt\": \"hi\"}"
check "the same through Ollama's NDJSON" "$streamed" "{$ollama, \"model\": \"chunky\", \"prompt\": \"hi\"}"
check "the prompts are filled from the input" '.outputs.answer.text == "echo: Hello Ada" and .outputs.answer.usage.tokens_in == 4' \
	"{$openai, \"model\": \"echo\", \"system\": \"Be brief\", \"prompt\": \"Hello {{ in.name }}\"}"
check "a 429 is asked again after its Retry-After" '.outputs.answer.text == "echo: once more" and .outputs.answer.usage.duration_ms >= 1000' \
	"{$openai, \"model\": \"busy\", \"prompt\": \"once more\"}"
check "a slow first token is waited for" '.outputs.answer.text == "late but here"' \
	"{$ollama, \"model\": \"slow\", \"prompt\": \"hi\"}"
check "without a credential, no key reaches the provider" '.outputs.answer.text == "no key"' \
	"{$openai, \"model\": \"auth\", \"prompt\": \"hi\"}"
check "a key in the answer is masked, also in the streamed pieces" '.outputs.answer.text == "echo: ****"
	and (tostring | contains("sk-test-key-42") | not)
	and ([.logs[] | select(.progress != null) | .message] | join("") | contains("sk-test-key-42") | not)
	and ([.logs[] | select(.progress != null) | .message] | join("")) == "echo: ****"' \
	"{$openai, \"model\": \"echo\", \"prompt\": \"sk-test-key-42\"}"

check "images go as OpenAI's content parts, base64 as a data: URL" \
	'.outputs.answer.text == "echo: what is this? [images: https://example.org/cell.png, data:image/png;base64,iVBORw0KGgo]"' \
	"{$openai, \"model\": \"echo\", \"prompt\": \"what is this?\", \"images\": [\"https://example.org/cell.png\", \"iVBORw0KGgo\"]}"
check "... and as Ollama's base64 list" '.outputs.answer.text == "echo: what is this? [images: iVBORw0KGgo, /9j/4AAQ]"' \
	"{$ollama, \"model\": \"echo\", \"prompt\": \"what is this?\", \"images\": [\"data:image/png;base64,iVBORw0KGgo\", \"/9j/4AAQ\"]}"
if "$tool" run "$so" ai.chat --allow-loopback --config "{$ollama, \"model\": \"echo\", \"prompt\": \"x\", \"images\": [\"https://example.org/a.png\"]}" \
	>"$tmp/out.json" || ! jq -e '.error | startswith("Ollama takes images as base64, not as an address")' "$tmp/out.json" >/dev/null; then
	echo "not ok - an image address for Ollama: $(jq -c . "$tmp/out.json")"
	fail=1
else
	echo "ok - an image address for Ollama is refused, with what to do"
fi

# What the stand-in was asked: JSON mode for extract, the retry's longer conversation.
seen=$(curl -s "http://127.0.0.1:$port/seen")
if printf '%s' "$seen" | jq -e '([.[] | select(.model == "json-fix" and .json)] | length >= 2)
	and any(.[]; .model == "schema-miss" and .messages == 4)' >/dev/null; then
	echo "ok - extract asks in JSON mode, and again with the answer and the reason"
else
	echo "not ok - the stand-in saw: $seen"
	fail=1
fi
exit $fail
