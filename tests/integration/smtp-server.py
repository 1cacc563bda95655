"""A real SMTP server for the mail tests (Debian's python3-aiosmtpd), on
127.0.0.1: one port with STARTTLS required, one with implicit TLS, both
requiring AUTH with the given user and password. Each message received is
written as DIR/N.eml (the bytes of DATA) and DIR/N.json (the envelope:
{"from", "to"}). Prints {"starttls": PORT, "tls": PORT}, then serves until
killed.

    python3 smtp-server.py CERT KEY USER PASSWORD DIR
"""
import json
import os
import signal
import socket
import ssl
import sys
import warnings

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

cert, key, user, password, outdir = sys.argv[1:6]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def authenticate(server, session, envelope, mechanism, auth_data):
    ok = auth_data.login == user.encode() and auth_data.password == password.encode()
    return AuthResult(success=ok, handled=False)  # False: the server answers 535 itself


class Keep:
    count = 0

    async def handle_DATA(self, server, session, envelope):
        Keep.count += 1
        base = os.path.join(outdir, str(Keep.count))
        with open(base + ".eml", "wb") as f:
            f.write(envelope.original_content)
        with open(base + ".json", "w") as f:
            json.dump({"from": envelope.mail_from, "to": envelope.rcpt_tos}, f)
        return "250 Message accepted for delivery"


# aiosmtpd warns of AUTH without STARTTLS on the implicit TLS port, which is TLS from the start.
warnings.simplefilter("ignore")
context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
context.load_cert_chain(cert, key)
common = dict(hostname="127.0.0.1", authenticator=authenticate, auth_required=True)
starttls = Controller(Keep(), port=free_port(), tls_context=context, require_starttls=True, **common)
implicit = Controller(Keep(), port=free_port(), ssl_context=context, server_hostname="127.0.0.1",
                      auth_require_tls=False, **common)
starttls.start()
implicit.start()
print(json.dumps({"starttls": starttls.port, "tls": implicit.port}), flush=True)
signal.pause()
