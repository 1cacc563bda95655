#!/bin/bash
# The live events (live-events.sh) through nginx, over a unix socket.
FRONT=nginx # read by live-events.sh
# shellcheck source=live-events.sh
. "$top_srcdir/tests/integration/live-events.sh"
