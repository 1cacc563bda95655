#!/bin/bash
# axonctl backup and restore with a real axond behind nginx: a backup taken
# while a webhook flood writes runs restores to a database where every
# finished run has all its steps, the keys come back with it (a session made
# before still works, a credential still opens), the runs it caught
# unfinished are resumed; a backup never writes over anything; a restore
# refuses while axond runs, and a damaged copy or one of a newer schema;
# what it replaces is kept aside.
# shellcheck source=lib.sh
. "$top_srcdir/tests/integration/lib.sh"
it_init
it_sqlite_only

CTL=("$top_builddir/axonctl" -c "$IT_TMP/axon.conf")
PW='backup password'
it_start nginx
it_setup_owner "$PW" || { it_fail "setup" "$(it_answer)"; it_done; }
it_api_token backup || { it_fail "an API token" "$(it_answer)"; it_done; }
HOOK=$(it_webhook_workflow "Chain" '{"format": 1, "trigger": {"type": "webhook"},
  "blocks": [{"id": "a", "type": "json.set", "config": {"set": {"n": "{{ trigger.body.n }}"}}},
             {"id": "b", "type": "json.set", "config": {"set": {"m": "{{ a.out.n }}"}}},
             {"id": "c", "type": "text.template", "config": {"template": "run {{ b.out.m }}"}}],
  "edges": [{"from": "a.out", "to": "b.in"}, {"from": "b.out", "to": "c.in"}]}') ||
	{ it_fail "the webhook workflow" "$(it_answer)"; it_done; }
KEY_BEFORE=$(cat "$IT_TMP/data/credential.key")
check_eq "${#KEY_BEFORE}" 64 "axond made its credential key"
out=$("${CTL[@]}" credentials add api --type bearer --fields '{"token": "backup-secret"}' 2>&1)
check_eq "$?" 0 "a credential sealed under that key ($out)"

# The flood: four senders until told to stop.
flood() {
	local i=0
	while [ ! -e "$IT_TMP/stop" ]; do
		curl -s -o /dev/null -X POST "$BASE_URL$HOOK" -H 'Content-Type: application/json' --data "{\"n\": $((i++))}"
	done
}
senders=()
for _ in 1 2 3 4; do
	flood &
	senders+=($!)
done
it_wait_sql "SELECT count(*) >= 20 FROM runs WHERE status = 'succeeded'" 1 || it_fail "the flood starts runs"
out=$("${CTL[@]}" backup "$IT_TMP/nightly" 2>&1)
check_eq "$?" 0 "axonctl backup while runs are being written ($out)"
IN_BACKUP=$(sqlite3 "$IT_TMP/nightly/axon.db" "SELECT count(*) FROM runs")
# Runs go on being written after the backup, then the flood stops.
it_wait_sql "SELECT count(*) > $IN_BACKUP + 20 FROM runs" 1 || it_fail "runs go on after the backup"
touch "$IT_TMP/stop"
wait "${senders[@]}"
it_wait_sql "SELECT count(*) FROM runs WHERE status IN ('queued', 'running')" 0 || it_fail "the flood's runs end"
TOTAL=$(sql "SELECT count(*) FROM runs")

check_eq "$(find "$IT_TMP/nightly" -type f -printf '%f\n' | sort | tr '\n' ' ')" \
	"axon.db credential.key manifest.json secret.key " "the backup holds the database, the keys and a manifest"
check_eq "$(jq -r '.files."axon.db".sha256' "$IT_TMP/nightly/manifest.json")" \
	"$(sha256sum "$IT_TMP/nightly/axon.db" | cut -d' ' -f1)" "the manifest has each file's SHA-256"
check_eq "$(stat -c %a "$IT_TMP/nightly" "$IT_TMP/nightly/secret.key" | tr '\n' ' ')" "700 600 " "the backup is for its owner's eyes only"
check_eq "$(sqlite3 "$IT_TMP/nightly/axon.db" "PRAGMA integrity_check")" ok "the copy is whole"
check_eq "$([ "$IN_BACKUP" -lt "$TOTAL" ] && echo yes)" yes "the backup was taken mid-flood ($IN_BACKUP of $TOTAL runs)"

out=$("${CTL[@]}" backup "$IT_TMP/nightly" 2>&1)
check_eq "$?" 73 "a backup never writes over an existing one"
check_eq "$(echo "$out" | grep -c 'exists already')" 1 "  and says so"

out=$("${CTL[@]}" restore "$IT_TMP/nightly" 2>&1)
check_eq "$?" 75 "no restore while axond runs"
check_eq "$(echo "$out" | grep -c 'stop axond first')" 1 "  and says what to do ($out)"

it_stop_axond || it_fail "axond stops"
# Another key in its place (a lost or rotated one): the restore brings the backup's back.
printf '%064d\n' 7 >"$IT_TMP/data/credential.key"

# A damaged copy, and one of a newer schema, are refused before anything changes.
cp -R "$IT_TMP/nightly" "$IT_TMP/damaged"
printf 'garbage' | dd of="$IT_TMP/damaged/axon.db" bs=1 seek=5000 conv=notrunc status=none
out=$("${CTL[@]}" restore "$IT_TMP/damaged" 2>&1)
check_eq "$?" 65 "a damaged backup is refused"
check_eq "$(echo "$out" | grep -c 'damaged')" 1 "  and says so ($out)"
# The same damage with a manifest that agrees: PRAGMA integrity_check finds it.
cp -R "$IT_TMP/nightly" "$IT_TMP/damaged2"
pages=$(sqlite3 "$IT_TMP/nightly/axon.db" "PRAGMA page_count")
size=$(sqlite3 "$IT_TMP/nightly/axon.db" "PRAGMA page_size")
head -c $((size * 4)) /dev/zero | dd of="$IT_TMP/damaged2/axon.db" bs="$size" seek=$((pages / 2)) conv=notrunc status=none
sum=$(sha256sum "$IT_TMP/damaged2/axon.db" | cut -d' ' -f1)
jq --arg s "$sum" '.files."axon.db".sha256 = $s' "$IT_TMP/nightly/manifest.json" >"$IT_TMP/damaged2/manifest.json"
out=$("${CTL[@]}" restore "$IT_TMP/damaged2" 2>&1)
check_eq "$?" 65 "a damaged database is refused by its integrity check"
check_eq "$(echo "$out" | grep -cE 'is damaged|not a database')" 1 "  and says so ($out)"
cp -R "$IT_TMP/nightly" "$IT_TMP/newer"
sqlite3 "$IT_TMP/newer/axon.db" "PRAGMA user_version = 99"
sum=$(sha256sum "$IT_TMP/newer/axon.db" | cut -d' ' -f1)
jq --arg s "$sum" '.files."axon.db".sha256 = $s' "$IT_TMP/nightly/manifest.json" >"$IT_TMP/newer/manifest.json"
out=$("${CTL[@]}" restore "$IT_TMP/newer" 2>&1)
check_eq "$?" 65 "a backup of a newer schema is refused"
check_eq "$(echo "$out" | grep -c 'newer than this Axon knows')" 1 "  and says so ($out)"
check_eq "$(sql "SELECT count(*) FROM runs")" "$TOTAL" "  the database is untouched"

out=$("${CTL[@]}" restore "$IT_TMP/nightly" 2>&1)
check_eq "$?" 0 "axonctl restore into the stopped instance ($out)"
check_eq "$(find "$IT_TMP/data" -name 'axon.db.before-restore-*' | wc -l)" 1 "the previous database is kept aside"
check_eq "$(sqlite3 "$(find "$IT_TMP/data" -name 'axon.db.before-restore-*')" "SELECT count(*) FROM runs")" "$TOTAL" \
	"  whole"
check_eq "$(cat "$IT_TMP/data/credential.key")" "$KEY_BEFORE" "the credential key comes back"
check_eq "$(cat "$IT_TMP/data"/credential.key.before-restore-*)" "$(printf '%064d' 7)" "  the one replaced is kept aside"
check_eq "$(sql "SELECT count(*) FROM runs")" "$IN_BACKUP" "the restored database has the backup's runs"
check_eq "$(sql "PRAGMA integrity_check")" ok "  and is whole"
check_eq "$(sql "SELECT count(*) > 0 FROM runs WHERE status = 'succeeded'")" 1 "  finished runs among them"
check_eq "$(sql "SELECT count(*) FROM runs r WHERE r.status = 'succeeded' AND
	(SELECT count(*) FROM steps s WHERE s.run_id = r.id AND s.status = 'ok') <> 3")" 0 \
	"every finished run has every one of its steps"

out=$("${CTL[@]}" credentials verify 2>&1)
check_eq "$?" 0 "the restored credentials open with the restored key ($out)"
it_start_axond || it_fail "axond starts on the restored database"
it_wait_healthz || it_fail "  and answers"
req GET /account
check_status 200 "a session made before the backup still works (secret.key came back)"
it_wait_sql "SELECT count(*) FROM runs WHERE status IN ('queued', 'running')" 0 || it_fail "runs the backup caught unfinished are resumed"
check_eq "$(sql "SELECT count(*) FROM runs r WHERE r.status <> 'succeeded' OR
	(SELECT count(*) FROM steps s WHERE s.run_id = r.id AND s.status = 'ok') <> 3")" 0 \
	"  and every run ends with its three steps"
it_done
