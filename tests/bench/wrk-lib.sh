# shellcheck shell=bash
# Shared by the benchmark scripts (sourced after tests/integration/lib.sh):
# wrk runs read into variables, and a section of docs/performance.md replaced.

# parse_wrk NAME OUTPUT: prints wrk's report indented and sets NAME_rps,
# NAME_p50, NAME_p99, NAME_requests and NAME_errors (non-2xx answers plus
# socket errors).
parse_wrk() {
	local name=$1 out=$2 non2xx sockerr
	printf '    %s\n' "${out//$'\n'/$'\n'    }"
	printf -v "${name}_rps" '%s' "$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")"
	printf -v "${name}_p50" '%s' "$(awk '$1 == "50%" { print $2 }' <<<"$out")"
	printf -v "${name}_p99" '%s' "$(awk '$1 == "99%" { print $2 }' <<<"$out")"
	printf -v "${name}_requests" '%s' "$(awk '$2 == "requests" && $3 == "in" { print $1 }' <<<"$out")"
	non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' <<<"$out")
	sockerr=$(awk '/Socket errors:/ { gsub(",", ""); print $4 + $6 + $8 + $10 }' <<<"$out")
	printf -v "${name}_errors" '%s' "$((${non2xx:-0} + ${sockerr:-0}))"
}

# run_wrk NAME URL SECONDS CONNECTIONS [wrk options...]: one wrk run, read by parse_wrk.
run_wrk() {
	local name=$1 url=$2 secs=$3 conns=$4 out
	shift 4
	out=$(wrk -t"$((conns < 2 ? 1 : 2))" -c"$conns" -d"${secs}s" --latency "$@" "$url") || it_skip "wrk failed on $url"
	parse_wrk "$name" "$out"
}

# write_performance_section HEADING TEXT [DOC]: TEXT (starting with "## HEADING")
# replaces that section of DOC (docs/performance.md by default), or is added
# at its end; the other sections stay as they are.
write_performance_section() {
	local doc=${3:-${top_srcdir:?}/docs/performance.md}
	[ -f "$doc" ] || printf '# Performance\n' >"$doc"
	# The text through the environment: awk -v would read its backslashes as escapes.
	SECTION=$2 awk -v heading="## $1" '
		BEGIN { section = ENVIRON["SECTION"] }
		/^## / {
			if (skipping) { skipping = 0; print "" }
			if ($0 == heading) { print section; skipping = 1; done = 1; next }
		}
		!skipping { print }
		END { if (!done) print "\n" section }
	' "$doc" >"$IT_TMP/section.md" && cp "$IT_TMP/section.md" "$doc"
	echo "wrote the $1 section of $doc"
}
