"""Evidence upload to the S3 store (issue 17). One command, from the repository root:

    .venv/bin/python bench/s3_upload.py              # 1 GiB file, in /tmp
    .venv/bin/python bench/s3_upload.py --gib 0.25

One S3 API server (moto's server mode, a child process on 127.0.0.1), one bucket. A fresh instance with
STORAGE_URL=s3://bench/evidence is served by gunicorn (2 workers) as the README serves it; a seeded legal
officer uploads the file through the real HTTP stack (multipart, CSRF token first). The request ends when the
object is in the bucket (`promote` uploads it in parts before the row is committed), so its time is the
whole path: receive + hash + stage + upload. The baseline, in the same run against the same server: a direct
boto3 `upload_file` of the same file (its default transfer settings: 8 MiB parts, 10 threads). Three of
each, alternated, medians compared; the serving worker's RSS sampled from /proc every 20 ms.
Nothing asserts on time; targets are reported as met or missed.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from upload import MIB, Sampler, Session, free_port, video, workers  # noqa: E402

BIN = Path(sys.executable).parent  # the venv this runs in (.venv/bin from a checkout)
BUCKET = "bench"


def casework(env: dict[str, str], *args: str) -> str:
    return subprocess.run([str(BIN / "casework"), *args], env=env, check=True, capture_output=True, text=True).stdout


def s3_server(env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    proc = subprocess.Popen([str(BIN / "python"), "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    return proc, f"http://127.0.0.1:{port}"


def client() -> object:
    from casework.infra.s3_store import _client

    return _client(14)


def direct(big: Path, key: str) -> float:
    """Seconds for boto3's own managed upload of the file (the baseline)."""
    s3 = client()
    started = time.perf_counter()
    s3.upload_file(str(big), BUCKET, key)  # type: ignore[attr-defined]
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gib", type=float, default=1.0, help="size of the file in GiB")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    size = int(args.gib * 1024 * MIB)
    with tempfile.TemporaryDirectory(prefix="casework-bench-s3-") as name:
        folder = Path(name)
        env = {**os.environ, "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench-secret",
               "AWS_DEFAULT_REGION": "us-east-1"}
        moto, endpoint = s3_server(env)
        env["AWS_ENDPOINT_URL"] = endpoint
        os.environ.update({k: env[k] for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION",
                                               "AWS_ENDPOINT_URL")})
        server = None
        try:
            for _ in range(300):
                try:
                    client().create_bucket(Bucket=BUCKET)  # type: ignore[attr-defined]
                    break
                except Exception:  # noqa: BLE001 - not up yet
                    time.sleep(0.1)
            env.update({"CASEWORK_INSTANCE_PATH": str(folder / "instance"), "CASEWORK_COOKIE_SECURE": "false",
                        "CASEWORK_STORAGE_URL": f"s3://{BUCKET}/evidence",
                        "CASEWORK_EVIDENCE_MAX_FILE_BYTES": str(size + MIB),
                        "CASEWORK_EVIDENCE_MAX_REQUEST_BYTES": str(size + 16 * MIB)})
            casework(env, "init")
            casework(env, "bench", "seed", "--cases", "40", "--units", "10")
            big = folder / "big.mp4"
            video(big, size)
            port = free_port()
            server = subprocess.Popen([str(BIN / "gunicorn"), "--workers", "2", "--timeout", "900", "--bind",
                                       f"127.0.0.1:{port}", "casework:create_app()"], env=env,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
            for _ in range(300):
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/login").read()  # noqa: S310 - loopback
                    break
                except OSError:
                    time.sleep(0.1)
            session = Session(port)
            session.login("seed.legal.seed-c0")
            numbers = re.findall(r'href="/cases/(PC-\d{4}-\d{6})"', session.get("/cases/"))
            assert len(numbers) >= args.runs, "the seeded legal officer sees too few cases"
            directs, uploads, growth = [], [], []
            for attempt in range(args.runs):
                directs.append(direct(big, f"direct/{attempt}"))
                client().delete_object(Bucket=BUCKET, Key=f"direct/{attempt}")  # type: ignore[attr-defined]
                # The same bytes twice would be one object (content addressing): each upload is a new file.
                with big.open("r+b") as fh:
                    fh.seek(size - 8)
                    fh.write(attempt.to_bytes(8, "big"))
                sampler = Sampler(workers(server.pid))
                sampler.start()
                status, seconds = session.upload(numbers[attempt], [(f"现场视频{attempt}.mp4", big)], "other")
                sampler.running = False
                sampler.join()
                assert status == 303, f"upload answered {status}"
                uploads.append(seconds)
                growth.append(sampler.growth_mib())
            stored = client().list_objects_v2(Bucket=BUCKET, Prefix="evidence/objects/")  # type: ignore[attr-defined]
            sizes = [item["Size"] for item in stored.get("Contents", [])]
            assert sizes.count(size) == args.runs, f"expected {args.runs} objects of {size} bytes, found {sizes}"
            direct_s, upload_s = statistics.median(directs), statistics.median(uploads)
            mb = size / 1e6
            print(f"== {size / MIB:,.0f} MiB file to moto's S3 server on 127.0.0.1, gunicorn 2 workers")
            print(f"  direct boto3 upload_file:  {direct_s:6.2f} s = {mb / direct_s:6.0f} MB/s"
                  f"  (runs: {', '.join(f'{d:.2f}' for d in directs)})")
            print(f"  upload through the app:    {upload_s:6.2f} s = {mb / upload_s:6.0f} MB/s"
                  f"  (runs: {', '.join(f'{u:.2f}' for u in uploads)})")
            ratio = direct_s / upload_s
            print(f"  app / direct: {ratio:.2f}x  (target >= 0.7: {'met' if ratio >= 0.7 else 'MISSED'})")
            worst = max(growth)
            print(f"  worker peak RSS growth: {worst:.1f} MiB  (target <= 64: {'met' if worst <= 64 else 'MISSED'})")
        finally:
            if server is not None:
                os.killpg(server.pid, signal.SIGTERM)
                server.wait(timeout=30)
            os.killpg(moto.pid, signal.SIGTERM)
            moto.wait(timeout=30)


if __name__ == "__main__":
    main()
