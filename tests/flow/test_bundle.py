"""Export bundles: what write_bundle produces verifies offline, and every change to it is found and named."""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import unicodedata
import zipfile
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from casework.export.bundle import FORMAT, Entry, canonical, write_bundle
from casework.export.cli import verify_command
from casework.export.paths import MAX_NAME_BYTES, MAX_NAME_CHARS, safe_path
from casework.export.verify import verify_bundle, verify_paths

EXPORTED_AT = datetime(2026, 11, 27, 17, 0, tzinfo=timezone(timedelta(hours=1)))
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n" + b"stream x\n" * 500 + b"%%EOF\n"
CHINESE = "evidence/e5f6-损坏照片.jpg"
BIG = "evidence/a9b8-meter-log.bin"
PHOTO = "evidence/a1b2-photo 1.jpg"
WITHDRAWN = "withdrawn/c3d4-letter.txt"


def make_bundle(folder: Path, name: str = "PC-2026-000123.zip", *, case_number: str = "PC-2026-000123"
                ) -> tuple[Path, dict[str, Any]]:
    src = folder / "src"
    src.mkdir(parents=True, exist_ok=True)
    rng = random.Random(7)
    (src / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0" + rng.randbytes(40_000))
    (src / "letter.txt").write_text("Widerruf / withdrawn: customer letter\n" * 50, encoding="utf-8")
    (src / "big.bin").write_bytes(rng.randbytes(2 * 1024 * 1024 + 12_345))  # > 2 MiB, streamed in 1 MiB chunks
    entries = [
        Entry("dossier.pdf", PDF),
        Entry(safe_path("evidence", "photo 1.jpg", unique="a1b2"), src / "photo.jpg"),
        Entry(safe_path("withdrawn", "letter.txt", unique="c3d4"), src / "letter.txt"),
        Entry(safe_path("evidence", "../../损坏照片.jpg", unique="e5f6"), b"\xff\xd8\xff\xe1 chinese photo"),
        Entry(safe_path("evidence", "meter-log.bin", unique="a9b8"), src / "big.bin"),
    ]
    target = folder / name
    manifest = write_bundle(target, entries, case_number=case_number, exported_at=EXPORTED_AT,
                            exporter="demo.auditor", audit_chain_head="ab" * 32)
    return target, manifest


@pytest.fixture(scope="module")
def original(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """One bundle for the whole module (the 2 MiB file makes building it the slow part); tests copy it."""
    return make_bundle(tmp_path_factory.mktemp("original"))


def rewrite(src: Path, dst: Path, *, replace: Mapping[str, bytes] | None = None, drop: tuple[str, ...] = (),
            add: Mapping[str, bytes] | None = None) -> Path:
    """A copy of the zip `src`, member by member, with some members' bytes replaced, dropped or added."""
    replace = replace or {}
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename not in drop:
                zout.writestr(info.filename, replace[info.filename] if info.filename in replace else zin.read(info))
        for name, data in (add or {}).items():
            zout.writestr(name, data)
    return dst


def member(bundle: Path, name: str) -> bytes:
    with zipfile.ZipFile(bundle) as zf:
        return zf.read(name)


def manifest_of(bundle: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(member(bundle, "manifest.json"))
    return data


def with_manifest(src: Path, dst: Path, manifest: Mapping[str, Any], *, rehash: bool, indent: int | None = 2) -> Path:
    body = dict(manifest)
    if rehash:
        body["manifest_sha256"] = hashlib.sha256(canonical(body)).hexdigest()
    text = json.dumps(body, indent=indent, ensure_ascii=False)
    return rewrite(src, dst, replace={"manifest.json": text.encode("utf-8")})


# --- the untouched bundle ------------------------------------------------------------------------------------------


def test_written_bundle_has_the_documented_manifest(original: tuple[Path, dict[str, Any]]) -> None:
    bundle, manifest = original
    assert manifest_of(bundle) == manifest
    assert manifest["format"] == FORMAT
    assert manifest["case_number"] == "PC-2026-000123"
    assert manifest["exported_at"] == "2026-11-27T16:00:00Z"  # UTC, whatever zone it was given in
    assert manifest["exporter"] == "demo.auditor"
    assert manifest["audit_chain_head"] == "ab" * 32
    paths = [f["path"] for f in manifest["files"]]
    assert paths == sorted(paths) == sorted(["dossier.pdf", PHOTO, WITHDRAWN, CHINESE, BIG])
    by_path = {f["path"]: f for f in manifest["files"]}
    assert by_path["dossier.pdf"] == {"path": "dossier.pdf", "size": len(PDF), "sha256": hashlib.sha256(PDF).hexdigest()}
    assert by_path[BIG]["size"] > 2 * 1024 * 1024
    assert manifest["manifest_sha256"] == hashlib.sha256(canonical(manifest)).hexdigest()
    assert b'"manifest_sha256"' not in canonical(manifest)

    with zipfile.ZipFile(bundle) as zf:
        names = zf.namelist()
        assert names[-1] == "manifest.json"
        assert sorted(names[:-1]) == paths
        for path in paths:  # the listed sizes and hashes are the zip's bytes
            data = zf.read(path)
            assert (len(data), hashlib.sha256(data).hexdigest()) == (by_path[path]["size"], by_path[path]["sha256"])
        assert zf.getinfo("dossier.pdf").compress_type == zipfile.ZIP_DEFLATED
        assert zf.getinfo(PHOTO).compress_type == zipfile.ZIP_STORED  # already compressed
        text = zf.read("manifest.json").decode("utf-8")
    assert '\n  "case_number": "PC-2026-000123",' in text  # indented for people
    assert "损坏照片" in text  # and readable, not \\u escapes
    assert not list(bundle.parent.glob("*.part"))


def test_untouched_bundle_verifies(original: tuple[Path, dict[str, Any]]) -> None:
    bundle, manifest = original
    report = verify_bundle(bundle)
    assert report.ok, report.problems
    assert report.problems == []
    assert (report.files, report.manifest_sha256) == (5, manifest["manifest_sha256"])

    result = CliRunner().invoke(verify_command, [str(bundle)])
    assert result.exit_code == 0, result.output
    assert f"OK  {bundle}  (5 files, manifest {manifest['manifest_sha256'][:12]})" in result.output
    assert "1 bundle checked: 1 OK, 0 bad" in result.output


def test_reindented_manifest_still_verifies(original: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    bundle, manifest = original
    for indent in (None, 4):
        report = verify_bundle(with_manifest(bundle, tmp_path / f"indent-{indent}.zip", manifest, rehash=False,
                                             indent=indent))
        assert report.ok, report.problems


# --- changes are found and named -----------------------------------------------------------------------------------


def test_a_changed_byte_in_the_pdf_is_named(original: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    bundle, _ = original
    pdf = bytearray(member(bundle, "dossier.pdf"))
    pdf[100] ^= 0x01
    report = verify_bundle(rewrite(bundle, tmp_path / "b.zip", replace={"dossier.pdf": bytes(pdf)}))
    assert not report.ok
    assert report.problems == ["changed: dossier.pdf"]


def test_a_shortened_file_is_named_without_reading_it(original: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    bundle, _ = original
    report = verify_bundle(rewrite(bundle, tmp_path / "b.zip", replace={BIG: b"short"}))
    assert report.problems == [f"changed: {BIG} (5 bytes, the manifest says {2 * 1024 * 1024 + 12_345})"]


def test_evidence_swapped_for_another_files_bytes_is_named(original: tuple[Path, dict[str, Any]],
                                                           tmp_path: Path) -> None:
    bundle, _ = original
    report = verify_bundle(rewrite(bundle, tmp_path / "b.zip", replace={CHINESE: member(bundle, PHOTO)}))
    assert [p.split(" (")[0] for p in report.problems] == [f"changed: {CHINESE}"]


def test_an_added_file_is_named(original: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    bundle, _ = original
    report = verify_bundle(rewrite(bundle, tmp_path / "b.zip", add={"evidence/extra.jpg": b"\xff\xd8 planted"}))
    assert report.problems == ["added: evidence/extra.jpg"]


def test_a_removed_file_is_named(original: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    bundle, _ = original
    report = verify_bundle(rewrite(bundle, tmp_path / "b.zip", drop=(WITHDRAWN,)))
    assert report.problems == [f"missing: {WITHDRAWN}"]


def test_an_edited_manifest_is_found(original: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    bundle, manifest = original
    edited = {**manifest, "exporter": "someone.else"}  # the old hash kept
    report = verify_bundle(with_manifest(bundle, tmp_path / "b.zip", edited, rehash=False))
    assert report.problems == ["manifest edited (its hash does not match)"]


def test_a_rehashed_manifest_with_a_changed_sha_names_the_file(original: tuple[Path, dict[str, Any]],
                                                               tmp_path: Path) -> None:
    bundle, manifest = original
    files = [dict(f, sha256="0" * 64) if f["path"] == PHOTO else f for f in manifest["files"]]
    report = verify_bundle(with_manifest(bundle, tmp_path / "b.zip", {**manifest, "files": files}, rehash=True))
    assert report.problems == [f"changed: {PHOTO}"]


def test_a_duplicate_key_in_the_manifest_is_refused(original: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    bundle, manifest = original
    text = json.dumps(manifest, indent=2, ensure_ascii=False).replace('"exporter": "demo.auditor"',
                                                                       '"exporter": "demo.auditor", "exporter": "x"')
    report = verify_bundle(rewrite(bundle, tmp_path / "b.zip", replace={"manifest.json": text.encode()}))
    assert not report.ok
    assert "duplicate key 'exporter'" in report.problems[0]


def test_hostile_zip_entries_are_problems(original: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    bundle, _ = original
    hostile = {"../escape.txt": b"x", "/etc/cron.d/x": b"x", "evil\x1b[2K.txt": b"x"}
    report = verify_bundle(rewrite(bundle, tmp_path / "b.zip", add=hostile))
    assert "unsafe path in zip: ../escape.txt" in report.problems
    assert any(p.startswith("unsafe path in zip:") and "etc/cron.d/x" in p for p in report.problems)
    assert "unsafe path in zip: evil\\x1b[2K.txt" in report.problems  # spelled out: cannot rewrite the terminal
    assert not any("\x1b" in p for p in report.problems)


def test_a_second_member_with_the_same_name_is_found(original: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    bundle, _ = original
    copy = shutil.copyfile(bundle, tmp_path / "b.zip")
    with pytest.warns(UserWarning, match="Duplicate name"), zipfile.ZipFile(copy, "a") as zf:
        zf.writestr("dossier.pdf", b"%PDF-1.7 forged")
    report = verify_bundle(copy)
    assert "duplicate entry in zip: dossier.pdf" in report.problems
    assert any(p.startswith("changed: dossier.pdf") for p in report.problems)


def test_not_a_zip_and_not_a_bundle(tmp_path: Path) -> None:
    (tmp_path / "junk.zip").write_bytes(b"not a zip at all")
    with zipfile.ZipFile(tmp_path / "other.zip", "w") as zf:
        zf.writestr("readme.txt", "hello")
    junk, other = verify_paths([tmp_path / "junk.zip", tmp_path / "other.zip"])
    assert not junk.ok and junk.problems[0].startswith("unreadable zip: junk.zip")
    assert other.problems == ["not a casework bundle: no manifest.json"]
    empty = tmp_path / "empty"
    empty.mkdir()
    (report,) = verify_paths([empty])  # an empty folder must not pass as "all OK"
    assert not report.ok


def test_a_folder_with_one_bad_bundle(original: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    bundle, _ = original
    folder = tmp_path / "bundles"
    folder.mkdir()
    shutil.copyfile(bundle, folder / "a.zip")
    rewrite(bundle, folder / "b.zip", drop=(PHOTO,))
    shutil.copyfile(bundle, folder / "c.zip")
    (folder / "notes.txt").write_text("not a bundle", encoding="utf-8")

    assert [r.ok for r in verify_paths([folder])] == [True, False, True]
    result = CliRunner().invoke(verify_command, [str(folder)])
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith(f"OK  {folder / 'a.zip'}  (5 files, manifest ")
    assert lines[1:3] == [f"BAD {folder / 'b.zip'}", f"    missing: {PHOTO}"]
    assert lines[3].startswith(f"OK  {folder / 'c.zip'}  (5 files, manifest ")
    assert lines[4] == "3 bundles checked: 2 OK, 1 bad"


def test_the_cli_needs_a_path() -> None:
    assert CliRunner().invoke(verify_command, []).exit_code == 2


# --- safe_path -----------------------------------------------------------------------------------------------------


def assert_inside(path: str, folder: str) -> None:
    assert path.startswith(folder + "/")
    leaf = path[len(folder) + 1:]
    assert leaf and "/" not in leaf and "\\" not in leaf
    assert leaf not in (".", "..") and not leaf.startswith(".")
    assert unicodedata.is_normalized("NFC", path)
    assert not any(unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Zl", "Zp"} for ch in path)
    assert len(leaf) <= MAX_NAME_CHARS and len(leaf.encode("utf-8")) <= MAX_NAME_BYTES


@pytest.mark.parametrize("name", [
    "../../x", "/etc/passwd", "a\\b", "..", ".", "\x00", "\u202egpj.exe", "x" * 1000, "损坏照片.jpg",
    "C:\\Users\\me\\photo.jpg", "....//....//x", " .hidden ", "CON.txt", "a\nb.jpg", "", "/", "\\\\server\\share\\",
    "照" * 400 + ".jpeg", "name." + "e" * 40,
])
@pytest.mark.parametrize("unique", ["", "a1b2"])
def test_safe_path_never_escapes_its_folder(name: str, unique: str) -> None:
    path = safe_path("evidence", name, unique=unique)
    assert_inside(path, "evidence")
    if unique:
        assert path.startswith("evidence/a1b2-")


def test_safe_path_examples() -> None:
    assert safe_path("evidence", "../../损坏照片.jpg", unique="a1b2") == "evidence/a1b2-损坏照片.jpg"
    assert safe_path("evidence", "损坏照片.jpg") == "evidence/损坏照片.jpg"
    assert safe_path("evidence", "/etc/passwd") == "evidence/passwd"
    assert safe_path("evidence", "C:\\Users\\me\\photo.jpg") == "evidence/photo.jpg"
    assert safe_path("evidence", "\u202egpj.exe") == "evidence/_gpj.exe"  # the bidi override made visible
    assert safe_path("evidence", "..") == "evidence/file"
    assert safe_path("evidence", "CON.txt") == "evidence/_CON.txt"
    assert safe_path("evidence", "e\u0301.jpg") == "evidence/\u00e9.jpg"  # NFC
    long = safe_path("evidence", "x" * 1000 + ".pdf", unique="a1b2")
    assert long.endswith(".pdf") and len(long.split("/")[1]) == MAX_NAME_CHARS  # the extension is kept
    chinese = safe_path("withdrawn", "照" * 400 + ".jpeg")
    assert chinese.endswith("照.jpeg") and len(chinese.split("/")[1].encode("utf-8")) <= MAX_NAME_BYTES


@pytest.mark.parametrize("folder", ["", "/abs", "../up", "a/../b", "a\\b"])
def test_safe_path_refuses_an_unsafe_folder(folder: str) -> None:
    with pytest.raises(ValueError):
        safe_path(folder, "x.jpg")


@settings(max_examples=300, deadline=None, database=None)
@given(name=st.text(max_size=300), unique=st.text(alphabet="abcdef0123456789-./\\\x00", max_size=12))
def test_safe_path_property(name: str, unique: str) -> None:
    assert_inside(safe_path("withdrawn/evidence", name, unique=unique), "withdrawn/evidence")


# --- writing safely ------------------------------------------------------------------------------------------------


def test_a_failed_write_leaves_nothing_behind(tmp_path: Path) -> None:
    target = tmp_path / "PC-2026-000124.zip"
    entries = [Entry("dossier.pdf", PDF), Entry("evidence/gone.jpg", tmp_path / "does-not-exist.jpg"),
               Entry("evidence/late.txt", b"never written")]
    with pytest.raises(FileNotFoundError):
        write_bundle(target, entries, case_number="PC-2026-000124", exported_at=EXPORTED_AT, exporter="demo.auditor",
                     audit_chain_head="")
    assert list(tmp_path.iterdir()) == []  # neither the target nor the .part file


@pytest.mark.parametrize("paths", [
    ["dossier.pdf", "dossier.pdf"],
    ["evidence/a.jpg", "Evidence/A.JPG"],  # one would overwrite the other on Windows and macOS
    ["evidence", "evidence/a.jpg"],
    ["manifest.json"],
    ["../x"], ["/x"], ["a\\b"], ["a//b"], ["e\u0301.jpg"],
])
def test_duplicate_or_unsafe_paths_are_refused(tmp_path: Path, paths: list[str]) -> None:
    target = tmp_path / "b.zip"
    with pytest.raises(ValueError):
        write_bundle(target, [Entry(p, b"x") for p in paths], case_number="PC-1", exported_at=EXPORTED_AT,
                     exporter="x", audit_chain_head="")
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_keeps_the_previous_bundle(original: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    target = shutil.copyfile(original[0], tmp_path / "b.zip")
    with pytest.raises(FileNotFoundError):
        write_bundle(target, [Entry("x.pdf", tmp_path / "missing.pdf")], case_number="PC-1",
                     exported_at=EXPORTED_AT, exporter="x", audit_chain_head="")
    assert target.read_bytes() == original[0].read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.zip"]


def test_bad_metadata_is_refused(tmp_path: Path) -> None:
    kwargs: dict[str, Any] = {"case_number": "PC-1", "exporter": "x"}
    with pytest.raises(ValueError, match="timezone"):
        write_bundle(tmp_path / "a.zip", [], exported_at=datetime(2026, 1, 1), audit_chain_head="", **kwargs)
    with pytest.raises(ValueError, match="hex"):
        write_bundle(tmp_path / "b.zip", [], exported_at=datetime.now(UTC), audit_chain_head="XYZ", **kwargs)
    assert list(tmp_path.iterdir()) == []


def test_a_second_case_bundle_verifies_with_its_own_values(tmp_path: Path) -> None:
    bundle, manifest = make_bundle(tmp_path, "PC-2026-000999.zip", case_number="PC-2026-000999")
    assert manifest["case_number"] == "PC-2026-000999"
    assert verify_bundle(bundle).ok
