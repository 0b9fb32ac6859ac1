"""An upstream behind the opaque-pop gateway that trusts nothing but the signed identity assertion.

Started by GatewayPythonIT as: python3 verifying_upstream.py GATEWAY_URL
The audience it requires is its own origin, http://127.0.0.1:PORT.
It prints its port on the first line of standard output, then answers every request with JSON:
200 {"user": sub, "htm": ..., "htu": ...} when X-Opaque-Pop-Assertion verifies (PyJWT with the cryptography
package, EdDSA, against the gateway's /.well-known/jwks.json, audience, issuer, expiry, and the request's own
method and target), else 401 {"error": why}.
"""
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt

GATEWAY = sys.argv[1]
KEYS = jwt.PyJWKClient(GATEWAY + "/.well-known/jwks.json")  # fetched at the first request
AUDIENCE = None


def verified_user(handler):
    token = handler.headers.get("X-Opaque-Pop-Assertion")
    if not token:
        raise ValueError("no assertion")
    key = KEYS.get_signing_key_from_jwt(token).key
    claims = jwt.decode(token, key, algorithms=["EdDSA"], audience=AUDIENCE, issuer="opaque-pop-gateway",
                        options={"require": ["exp", "iat", "sub", "jti"]})
    if claims["htm"] != handler.command or claims["htu"] != handler.path:
        raise ValueError("assertion for another request")
    if handler.headers.get("X-Forwarded-User") != claims["sub"]:
        raise ValueError("X-Forwarded-User differs from the assertion")
    return claims


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        try:
            claims = verified_user(self)
            status, body = 200, {"user": claims["sub"], "htm": claims["htm"], "htu": claims["htu"]}
        except Exception as e:  # every failure is a refusal
            status, body = 401, {"error": type(e).__name__ + ": " + str(e)}
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = answer

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
AUDIENCE = "http://127.0.0.1:%d" % server.server_address[1]
print(server.server_address[1], flush=True)
server.serve_forever()
