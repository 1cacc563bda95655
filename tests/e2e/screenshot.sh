#!/bin/bash
# Makes docs/screenshot.png for the README: the workflow list with a few
# workflows, through nginx, in headless chromium. Run from anywhere after a
# build: tests/e2e/screenshot.sh [BUILD-DIR] (default: build/).
set -u
top_srcdir=$(cd "$(dirname "$0")/../.." && pwd)
top_builddir=$(cd "${1:-$top_srcdir/build}" && pwd) || exit 1
export top_srcdir top_builddir
# shellcheck source=SCRIPTDIR/../integration/lib.sh
. "$top_srcdir/tests/integration/lib.sh"
it_init
it_start nginx

password='screenshot password'
JAR=$IT_TMP/jar
req GET /setup
req POST /setup --data-urlencode "csrf=$(csrf_from_body)" --data-urlencode username=owner \
	--data-urlencode "password=$password" --data-urlencode "password_confirm=$password"
check_status 303 "setup"
req GET /account
csrf=$(csrf_from_body)
# Each a valid workflow of its trigger (a starting point of the new-workflow page), run once.
while IFS='|' read -r name tags start description; do
	req GET "/workflows/new?start=$start" -H 'Accept: application/json'
	definition=$(jqb .form.definition)
	req POST /workflows -H "X-CSRF-Token: $csrf" -H 'Accept: application/json' --data-urlencode "name=$name" \
		--data-urlencode "tags=$tags" --data-urlencode "description=$description" --data-urlencode "definition=$definition"
	check_status 201 "create $name"
	req POST "/workflows/$(jqb .workflow.id)/run?wait=10" -H "X-CSRF-Token: $csrf" -H 'Accept: application/json' \
		--data-urlencode 'input={}'
done <<'EOF_WORKFLOWS'
Invoice reminder|billing,email|schedule|Emails customers whose invoices are 14 days overdue
Nightly database backup|ops,cron|schedule|Dumps the database and uploads it to object storage
New signup to CRM|sales,webhook|webhook|Adds each new signup to the CRM and notifies the team
Weekly metrics report|reports,cron|schedule|Collects the week's figures and posts them to chat
GitHub issue triage|dev,webhook|webhook|Labels new issues from their text and assigns an owner
EOF_WORKFLOWS
[ "$IT_FAILURES" = 0 ] || it_done

BASE_URL=$BASE_URL AXON_USER=owner AXON_PASSWORD=$password OUTPUT=$top_srcdir/docs/screenshot.png \
	NODE_PATH=$top_srcdir/tests/e2e/node_modules node "$top_srcdir/tests/e2e/screenshot.js"
check_eq "$?" 0 "screenshot saved to docs/screenshot.png"
it_done
