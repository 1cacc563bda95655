#!/bin/bash
# The live events (live-events.sh) through Apache's mod_proxy_fcgi, over TCP.
FRONT=apache # read by live-events.sh
# shellcheck source=live-events.sh
. "$top_srcdir/tests/integration/live-events.sh"
