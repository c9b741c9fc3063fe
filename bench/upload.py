"""Benchmarks of evidence upload (issue #5). One command, from the repository root:

    .venv/bin/python bench/upload.py                 # 1 GiB file, 200 photos of 3 MB
    .venv/bin/python bench/upload.py --gib 0.25 --photos 50

The app is served as the README serves it (gunicorn, 2 workers, 127.0.0.1) on a fresh instance with a few
seeded cases; files go through the real HTTP stack as a browser sends them (multipart, CSRF token first).

  * 1 GiB file, three uploads alternated with four floor runs (medians): upload throughput against the floor for this job measured in the same run — a plain Python
    loop that reads the same file in 1 MiB chunks, hashes it with hashlib.sha256 and writes it to a new
    file on the same disk (fsynced, as the store does). Also the serving worker's peak RSS growth during
    the upload, sampled from /proc every 20 ms.
  * 200 distinct 3 MB photos in one request: total time, and per photo the time of the content check and
    the thumbnail (measured in-process on the same photo).
Nothing asserts on time; targets are reported as met or missed.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import http.cookiejar
import io
import os
import re
import signal
import socket
import statistics
import struct
import subprocess
import tempfile
import threading
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
MIB = 1024 * 1024
PASSWORD = "seed benchmark only"  # noqa: S105 - the seeded benchmark accounts (casework bench seed)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def casework(env: dict[str, str], *args: str) -> str:
    return subprocess.run([str(BIN / "casework"), *args], env=env, check=True, capture_output=True, text=True).stdout


def video(path: Path, size: int) -> None:
    """An MP4 of `size` bytes (ftyp, moov with mvhd, one large mdat), written in 1 MiB blocks of noise."""
    mvhd = struct.pack(">I4s", 108, b"mvhd") + bytes(100)
    head = struct.pack(">I4s4sI4s4s", 24, b"ftyp", b"isom", 512, b"isom", b"mp41")
    head += struct.pack(">I4s", 8 + len(mvhd), b"moov") + mvhd
    body = size - len(head) - 16
    block = os.urandom(MIB)
    with path.open("wb") as out:
        out.write(head + struct.pack(">I4sQ", 1, b"mdat", body + 16))
        for offset in range(0, body, MIB):
            out.write(block[: min(MIB, body - offset)])


def floor(source: Path, folder: Path) -> float:
    """Seconds to read, hash and write `source` once, the way the store does (1 MiB chunks, fsync)."""
    target = folder / f"floor-{uuid.uuid4().hex}"
    started = time.perf_counter()
    digest = hashlib.sha256()
    with source.open("rb") as src, target.open("wb") as dst:
        while chunk := src.read(MIB):
            digest.update(chunk)
            dst.write(chunk)
        dst.flush()
        os.fsync(dst.fileno())
    elapsed = time.perf_counter() - started
    target.unlink()
    return elapsed


class Session:
    def __init__(self, port: int) -> None:
        self.port = port
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> str:
        with self.opener.open(f"http://127.0.0.1:{self.port}{path}") as response:
            return str(response.read().decode())

    def login(self, username: str) -> None:
        token = csrf(self.get("/login"))
        data = urllib.parse.urlencode({"username": username, "password": PASSWORD, "csrf_token": token}).encode()
        self.opener.open(f"http://127.0.0.1:{self.port}/login", data).read()

    def cookie(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)

    def upload(self, number: str, files: list[tuple[str, Path | bytes]], kind: str) -> tuple[int, float]:
        """POST the files as one multipart body, streamed from disk; (status, seconds)."""
        token = csrf(self.get(f"/cases/{number}/evidence"))
        boundary = uuid.uuid4().hex
        fields = b""
        for name, value in (("csrf_token", token), ("kind", kind)):
            fields += f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        heads = [(f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
                  "Content-Type: application/octet-stream\r\n\r\n").encode() for name, _ in files]
        sizes = [item.stat().st_size if isinstance(item, Path) else len(item) for _, item in files]
        tail = f"--{boundary}--\r\n".encode()
        length = len(fields) + sum(len(h) + s + 2 for h, s in zip(heads, sizes, strict=True)) + len(tail)
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        started = time.perf_counter()
        conn.putrequest("POST", f"/cases/{number}/evidence")
        conn.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
        conn.putheader("Content-Length", str(length))
        conn.putheader("Cookie", self.cookie())
        conn.endheaders()
        conn.send(fields)
        for head, (_, item) in zip(heads, files, strict=True):
            conn.send(head)
            source = item.open("rb") if isinstance(item, Path) else io.BytesIO(item)
            with source:
                while chunk := source.read(MIB):
                    conn.send(chunk)
            conn.send(b"\r\n")
        conn.send(tail)
        response = conn.getresponse()
        response.read()
        elapsed = time.perf_counter() - started
        conn.close()
        return response.status, elapsed


def csrf(page: str) -> str:
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert found, "no CSRF token"
    return found.group(1)


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def workers(arbiter: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == arbiter:
                found.append(int(stat.parent.name))
        except (OSError, ValueError):
            continue
    return found


class Sampler(threading.Thread):
    """Peak RSS growth of each worker while an upload runs."""

    def __init__(self, pids: list[int]) -> None:
        super().__init__(daemon=True)
        self.before = {pid: rss_kib(pid) for pid in pids}
        self.peak = dict(self.before)
        self.running = True

    def run(self) -> None:
        while self.running:
            for pid in self.peak:
                self.peak[pid] = max(self.peak[pid], rss_kib(pid))
            time.sleep(0.02)

    def growth_mib(self) -> float:
        return max(self.peak[pid] - self.before[pid] for pid in self.peak) / 1024


def photo(size: int = 3 * MIB) -> bytes:
    """A realistic 12-megapixel JPEG of about `size` bytes (noise over gradients, as a field photo)."""
    from PIL import Image

    width, height = 4000, 3000
    noise = Image.merge("RGB", [Image.effect_noise((width, height), sigma) for sigma in (40, 50, 60)])
    base = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    picture = Image.blend(base, noise, 0.35)
    best = b""
    for quality in (95, 90, 85, 80, 75, 70, 60, 50):
        out = io.BytesIO()
        picture.save(out, "JPEG", quality=quality)
        best = out.getvalue()
        if len(best) <= size * 1.1:
            break
    return best


def distinct(jpeg: bytes, n: int) -> bytes:
    """The same picture with a different comment segment: other bytes, other hash, same decoding work."""
    comment = f"casework bench photo {n}".encode()
    return jpeg[:2] + b"\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment + jpeg[2:]


def in_process(sample: bytes, folder: Path, repeat: int = 10) -> tuple[float, float]:
    """Median seconds per photo of the content check and of the thumbnail."""
    from casework.evidence.inspect import inspect, thumbnail

    path = folder / "sample.jpg"
    path.write_bytes(sample)
    checks, thumbs = [], []
    for _ in range(repeat):
        started = time.perf_counter()
        inspect(path, max_pixels=89_000_000)
        checks.append(time.perf_counter() - started)
        started = time.perf_counter()
        thumbnail(path, io.BytesIO())
        thumbs.append(time.perf_counter() - started)
    return statistics.median(checks), statistics.median(thumbs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gib", type=float, default=1.0, help="size of the large file in GiB")
    parser.add_argument("--photos", type=int, default=200)
    args = parser.parse_args()
    size = int(args.gib * 1024 * MIB)
    with tempfile.TemporaryDirectory(prefix="casework-bench-upload-", dir=ROOT / "instance") as name:
        folder = Path(name)
        env = {**os.environ, "CASEWORK_INSTANCE_PATH": str(folder / "instance"), "CASEWORK_COOKIE_SECURE": "false",
               "CASEWORK_EVIDENCE_MAX_FILE_BYTES": str(size + MIB),
               "CASEWORK_EVIDENCE_MAX_REQUEST_BYTES": str(max(size, args.photos * 4 * MIB) + 16 * MIB)}
        casework(env, "init")
        casework(env, "bench", "seed", "--cases", "40", "--units", "10")
        big = folder / "big.mp4"
        video(big, size)
        port = free_port()
        server = subprocess.Popen([str(BIN / "gunicorn"), "--workers", "2", "--timeout", "600", "--bind",
                                   f"127.0.0.1:{port}", "casework:create_app()"], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            for _ in range(100):
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/login").read()
                    break
                except OSError:
                    time.sleep(0.1)
            client = Session(port)
            client.login("seed.legal.seed-c0")
            numbers = re.findall(r'href="/cases/(PC-\d{4}-\d{6})"', client.get("/cases/"))
            assert len(numbers) >= 4, "the seeded legal officer sees too few cases"
            floors, uploads, growth = [], [], []
            for attempt in range(3):  # alternated, each after a sync: the disk's write-back is the noise here
                os.sync()
                floors.append(floor(big, folder))
                os.sync()
                pids = workers(server.pid)
                sampler = Sampler(pids)
                sampler.start()
                status, seconds = client.upload(numbers[attempt], [(f"现场视频{attempt}.mp4", big)], "other")
                sampler.running = False
                sampler.join()
                assert status == 303, f"upload answered {status}"
                uploads.append(seconds)
                growth.append(sampler.growth_mib())
            os.sync()
            floors.append(floor(big, folder))
            floor_s, upload_s = statistics.median(floors), statistics.median(uploads)
            mb = size / 1e6
            print(f"== {size / MIB:,.0f} MiB file, gunicorn 2 workers on 127.0.0.1")
            print(f"  floor (read, sha256, write, fsync): {floor_s:6.2f} s = {mb / floor_s:6.0f} MB/s"
                  f"  (runs: {', '.join(f'{f:.2f}' for f in floors)})")
            print(f"  upload through HTTP:                {upload_s:6.2f} s = {mb / upload_s:6.0f} MB/s"
                  f"  (runs: {', '.join(f'{u:.2f}' for u in uploads)})")
            ratio = floor_s / upload_s
            print(f"  upload / floor: {ratio:.2f}x  (target >= 0.5: {'met' if ratio >= 0.5 else 'MISSED'})")
            worst = max(growth)
            print(f"  worker peak RSS growth: {worst:.1f} MiB  (target <= 64: {'met' if worst <= 64 else 'MISSED'})")

            jpeg = photo()
            batch = [(f"现场照片{i:03d}.jpg", distinct(jpeg, i)) for i in range(args.photos)]
            status, seconds = client.upload(numbers[3], batch, "other")
            assert status == 303, f"photo batch answered {status}"
            check, thumb = in_process(jpeg, folder)
            print(f"== {args.photos} photos of {len(jpeg) / MIB:.1f} MiB ({4000}x{3000}) in one request")
            print(f"  total {seconds:.1f} s = {seconds / args.photos * 1000:.0f} ms per photo "
                  f"({args.photos * len(jpeg) / 1e6 / seconds:.0f} MB/s)")
            print(f"  in process, per photo: content check {check * 1000:.0f} ms, thumbnail {thumb * 1000:.0f} ms")
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
