"""A local RFC 3161 time-stamping authority for tests: a throwaway CA and TSA certificate made with openssl,
and `openssl ts -reply` behind a small HTTP server on loopback (one thread), as a real TSA answers."""

from __future__ import annotations

import subprocess
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

TSA_CONFIG = """
[ tsa ]
default_tsa = tsa_config1

[ tsa_config1 ]
dir = {dir}
serial = $dir/serial
crypto_device = builtin
signer_cert = $dir/tsa.crt
certs = $dir/tsa.crt
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = no
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""
TSA_EXTENSIONS = """
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = critical, timeStamping
"""


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)  # noqa: S603,S607


def make_tsa(folder: Path) -> Path:
    """CA and TSA keys and certificates in `folder`; the openssl config that signs replies with them."""
    folder.mkdir(parents=True, exist_ok=True)
    _openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
             "-keyout", "ca.key", "-out", "ca.crt", "-subj", "/CN=casework test CA",
             "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
             cwd=folder)
    _openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "tsa.key",
             "-out", "tsa.csr", "-subj", "/CN=casework test TSA", cwd=folder)
    (folder / "tsa.ext").write_text(TSA_EXTENSIONS)
    _openssl("x509", "-req", "-in", "tsa.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
             "-days", "2", "-out", "tsa.crt", "-extfile", "tsa.ext", cwd=folder)
    (folder / "serial").write_text("01\n")
    config = folder / "tsa.cnf"
    config.write_text(TSA_CONFIG.format(dir=folder))
    return config


@dataclass
class LocalTsa:
    url: str
    ca_file: Path
    requests: list[bytes]


@contextmanager
def local_tsa(folder: Path) -> Iterator[LocalTsa]:
    """A TSA at http://127.0.0.1:<port>/tsr answering each query with `openssl ts -reply`."""
    config = make_tsa(folder)
    requests: list[bytes] = []
    lock = threading.Lock()  # openssl keeps its serial in a file: one reply at a time

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the http.server API
            query = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            requests.append(query)
            name = uuid.uuid4().hex
            with lock:
                (folder / f"{name}.tsq").write_bytes(query)
                done = subprocess.run(  # noqa: S603,S607
                    ["openssl", "ts", "-reply", "-config", str(config), "-queryfile", f"{name}.tsq",
                     "-out", f"{name}.tsr"], cwd=folder, capture_output=True)
            if done.returncode != 0:
                self.send_error(500, "openssl ts -reply failed")
                return
            reply = (folder / f"{name}.tsr").read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LocalTsa(f"http://127.0.0.1:{server.server_address[1]}/tsr", folder / "ca.crt", requests)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
