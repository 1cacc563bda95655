#!/bin/bash
# The web flow (flow.sh) through Apache's mod_proxy_fcgi, over TCP.
FRONT=apache # read by flow.sh
# shellcheck source=flow.sh
. "$top_srcdir/tests/integration/flow.sh"
