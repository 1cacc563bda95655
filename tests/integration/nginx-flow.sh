#!/bin/bash
# The web flow (flow.sh) through nginx, which reaches axond over a unix socket.
FRONT=nginx # read by flow.sh
# shellcheck source=flow.sh
. "$top_srcdir/tests/integration/flow.sh"
