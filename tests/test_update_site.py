"""The Fiji update site generator (fiji-update-site/generate.py).

Every checksum is recomputed here with a separate implementation of the ImageJ updater's rules
(``../shared/spec/trackmate.md`` §4.3): a literal port of the stream classes' behaviour
(``SkipHashedLines`` as a byte-at-a-time recursive reader, the manifest filter reduced to
nothing), not the generator's own functions.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.util
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GENERATOR = ROOT / "fiji-update-site" / "generate.py"


def _load_generator():
    spec = importlib.util.spec_from_file_location("fiji_update_site_generate", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


gen = _load_generator()


# ---- an independent checksum implementation -------------------------------------------------


class _SkipHashedLines:
    """Byte-at-a-time reader with the updater's ``SkipHashedLines.read()`` control flow."""

    def __init__(self, data: bytes):
        self.data, self.pos, self.at_line_start = data, 0, True

    def _raw(self) -> int:
        if self.pos >= len(self.data):
            return -1
        self.pos += 1
        return self.data[self.pos - 1]

    def read(self) -> int:
        ch = self._raw()
        if self.at_line_start:
            if ch == ord("#"):
                ch = self.read()
                while ch != ord("\n") and ch != -1:
                    ch = self.read()
            else:
                self.at_line_start = False
        elif ch == ord("\n"):
            self.at_line_start = True
        return ch

    def all(self) -> bytes:
        out = bytearray()
        while (ch := self.read()) != -1:
            out.append(ch)
        return bytes(out)


def oracle_checksum(fiji_path: str, file: Path) -> str:
    h = hashlib.sha1()
    if not fiji_path.endswith(".jar"):
        h.update(fiji_path.encode("ascii"))
        h.update(file.read_bytes())
        return h.hexdigest()
    with zipfile.ZipFile(file) as z:
        infos = {i.filename: i for i in z.infolist()}
        for name in sorted(infos):  # ASCII names: code-point order == Java String order
            h.update(name.encode("ascii"))
            data = z.read(infos[name])
            if name == "META-INF/MANIFEST.MF":
                data = b""  # keep-only-Main-Class filter never matches (case bug)
            elif name.endswith(".properties"):
                data = _SkipHashedLines(data).all()
            h.update(data)
    return h.hexdigest()


def make_jar(path: Path, entries: dict[str, bytes], *, date=(2020, 1, 1, 0, 0, 0), order=None):
    names = order or list(entries)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name in names:
            z.writestr(zipfile.ZipInfo(name, date_time=date), entries[name])
    return path


ENTRIES = {
    "META-INF/MANIFEST.MF": b"Manifest-Version: 1.0\nMain-Class: a.B\nBuilt-By: me\n",
    "META-INF/": b"",
    "a/": b"",
    "a/B.class": b"\xca\xfe\xba\xbe-class-bytes",
    "a/version.properties": b"#Generated 2020\nversion=1\n#\n#kept after empty comment\nx=2\n",
    "plugins.config": b'Plugins>Tracking>BTrackmate, "X", a.B\n',
}


# ---- checksum rules --------------------------------------------------------------------------


def test_skip_hashed_lines_matches_stream_semantics():
    cases = [
        b"",
        b"#a\nb=1\n",
        b"#\n#kept\n",
        b"\n#kept after empty line\n",
        b"##x\n#y\nz\n",
        b"a=1\n#c\r\nb=2",
        b"#no newline",
        b"#",
        b"x#y\n# z\n",
        bytes(range(256)) + b"\n#\xff\n",
    ]
    for data in cases:
        assert gen.skip_hashed_lines(data) == _SkipHashedLines(data).all(), data


def test_manifest_only_jar_hashes_its_name(tmp_path):
    # Spec §4.3: the manifest contributes no content, only its name.
    jar = make_jar(tmp_path / "m.jar", {"META-INF/MANIFEST.MF": b"Main-Class: x.Y\n"})
    assert gen.jar_checksum(jar) == hashlib.sha1(b"META-INF/MANIFEST.MF").hexdigest()


def test_non_jar_checksum_is_path_then_bytes(tmp_path):
    f = tmp_path / "foo.ijm"
    f.write_bytes(b'print("hi");\n')
    expected = hashlib.sha1(b'macros/foo.ijmprint("hi");\n').hexdigest()
    assert gen.file_checksum("macros/foo.ijm", f) == expected


def test_jar_checksum_ignores_timestamps_order_manifest_and_property_comments(tmp_path):
    a = make_jar(tmp_path / "a.jar", ENTRIES)
    b_entries = dict(ENTRIES)
    b_entries["META-INF/MANIFEST.MF"] = b"Manifest-Version: 1.0\nCreated-By: other\n"
    b_entries["a/version.properties"] = (
        b"#Generated 2031 by someone else\nversion=1\n#\n#kept after empty comment\nx=2\n"
    )
    b = make_jar(
        tmp_path / "b.jar", b_entries, date=(2031, 5, 6, 7, 8, 10), order=sorted(ENTRIES)[::-1]
    )
    assert gen.jar_checksum(a) == gen.jar_checksum(b) == oracle_checksum("x.jar", a)
    # ... but not the comment the updater's quirk keeps, nor class bytes.
    c_entries = dict(ENTRIES)
    c_entries["a/version.properties"] = ENTRIES["a/version.properties"].replace(b"kept", b"KEPT")
    c = make_jar(tmp_path / "c.jar", c_entries)
    d_entries = dict(ENTRIES)
    d_entries["a/B.class"] += b"!"
    d = make_jar(tmp_path / "d.jar", d_entries)
    assert len({gen.jar_checksum(p) for p in (a, c, d)}) == 3


def test_strip_version_like_the_updater():
    assert gen.strip_version("plugins/BTrackmate_-0.1.0-SNAPSHOT.jar") == "plugins/BTrackmate_.jar"
    assert gen.strip_version("plugins/BTrackmate_-0.2.0.jar") == "plugins/BTrackmate_.jar"
    assert gen.strip_version("jars/ij-1.54p.jar") == "jars/ij.jar"
    assert gen.strip_version("jars/javassist-3.16.1-GA.jar") == "jars/javassist.jar"
    assert gen.strip_version("macros/foo.ijm") == "macros/foo.ijm"


# ---- whole-site checks -----------------------------------------------------------------------


def check_site(site: Path) -> list[ET.Element]:
    """Parse db.xml.gz and recompute every checksum of every stored version."""
    text = gzip.decompress((site / "db.xml.gz").read_bytes()).decode("utf-8")
    assert "<!DOCTYPE pluginRecords [" in text
    root = ET.fromstring(text)
    assert root.tag == "pluginRecords"
    plugins = root.findall("plugin")
    for plugin in plugins:
        # children in the DTD's order
        order = {"platform": 0, "category": 1, "version": 2, "previous-version": 3}
        tags = [order[c.tag] for c in plugin]
        assert tags == sorted(tags)
        name = plugin.get("filename")
        version = plugin.find("version")
        stored = site / f"{name}-{version.get('timestamp')}"
        assert re.fullmatch(r"\d{14}", version.get("timestamp"))
        assert int(version.get("filesize")) == stored.stat().st_size
        assert version.get("checksum") == oracle_checksum(name, stored)
        for prev in plugin.findall("previous-version"):
            assert re.fullmatch(r"\d{14}", prev.get("timestamp"))
            assert re.fullmatch(r"\d{14}", prev.get("timestamp-obsolete"))
            old = site / f"{prev.get('filename')}-{prev.get('timestamp')}"
            assert prev.get("checksum") == oracle_checksum(prev.get("filename"), old)
    return plugins


def write_config(path: Path, jar_glob: str, extra: str = "") -> Path:
    path.write_text(
        f"""
[[file]]
source = "{jar_glob}"
target = "plugins"
description = "Tracker & co <3D>"
authors = ["A. Author"]
links = ["https://example.org/btrackmate"]
categories = ["Tracking"]
dependencies = ["jars/ij.jar"]
{extra}
""",
        encoding="utf-8",
    )
    return path


def run_generator(*args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(GENERATOR), *map(str, args)],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(ROOT / "python"), "PATH": "/usr/bin:/bin"},
    )


def test_two_generations_keep_previous_versions(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    make_jar(src / "BTrackmate_-0.1.0.jar", ENTRIES)
    macro = src / "btrackmate_demo.ijm"
    macro.write_bytes(b'run("Track label image...");\n')
    config = write_config(
        tmp_path / "site.toml",
        "BTrackmate_-*.jar",
        '[[file]]\nsource = "btrackmate_demo.ijm"\ntarget = "macros"\nplatforms = ["linux64"]\n',
    )
    site = tmp_path / "site"

    r1 = run_generator(site, "--config", config, "--root", src, "--timestamp", "20260101120000")
    assert r1.returncode == 0, r1.stderr
    plugins = check_site(site)
    assert [p.get("filename") for p in plugins] == [
        "plugins/BTrackmate_-0.1.0.jar",
        "macros/btrackmate_demo.ijm",
    ]
    jar_plugin = plugins[0]
    assert jar_plugin.find("version/description").text == "Tracker & co <3D>"
    assert [d.get("filename") for d in jar_plugin.findall("version/dependency")] == ["jars/ij.jar"]
    assert plugins[1].find("platform").text == "linux64"
    macro_stored = site / "macros/btrackmate_demo.ijm-20260101120000"
    mtime = macro_stored.stat().st_mtime_ns

    # A new release: the old jar goes to previous-version, the unchanged macro is not re-uploaded.
    (src / "BTrackmate_-0.1.0.jar").unlink()
    changed = dict(ENTRIES, **{"a/B.class": b"\xca\xfe\xba\xbe-new-bytes"})
    make_jar(src / "BTrackmate_-0.2.0.jar", changed)
    r2 = run_generator(site, "--config", config, "--root", src, "--timestamp", "20260202120000")
    assert r2.returncode == 0, r2.stderr
    plugins = check_site(site)
    jar_plugin = plugins[0]
    assert jar_plugin.get("filename") == "plugins/BTrackmate_-0.2.0.jar"
    assert jar_plugin.find("version").get("timestamp") == "20260202120000"
    (prev,) = jar_plugin.findall("previous-version")
    assert prev.get("filename") == "plugins/BTrackmate_-0.1.0.jar"
    assert prev.get("timestamp") == "20260101120000"
    assert prev.get("timestamp-obsolete") == "20260202120000"
    assert (site / "plugins/BTrackmate_-0.1.0.jar-20260101120000").is_file()
    assert plugins[1].find("version").get("timestamp") == "20260101120000"
    assert plugins[1].find("previous-version") is None
    assert macro_stored.stat().st_mtime_ns == mtime
    assert sorted(p.name for p in (site / "macros").iterdir()) == [macro_stored.name]

    # A rebuild that only changes timestamps and the manifest is not a new version.
    (src / "BTrackmate_-0.2.0.jar").unlink()
    rebuilt = dict(changed, **{"META-INF/MANIFEST.MF": b"Manifest-Version: 1.0\nBuilt-By: ci\n"})
    make_jar(src / "BTrackmate_-0.2.0.jar", rebuilt, date=(2026, 3, 3, 3, 3, 4))
    r3 = run_generator(site, "--config", config, "--root", src, "--timestamp", "20260303120000")
    assert r3.returncode == 0, r3.stderr
    assert "unchanged plugins/BTrackmate_-0.2.0.jar" in r3.stdout
    plugins = check_site(site)
    assert plugins[0].find("version").get("timestamp") == "20260202120000"
    assert len(list((site / "plugins").iterdir())) == 2

    # A third real version: two previous versions, newest first.
    (src / "BTrackmate_-0.2.0.jar").unlink()
    make_jar(src / "BTrackmate_-0.3.0.jar", dict(ENTRIES, **{"a/C.class": b"c"}))
    r4 = run_generator(site, "--config", config, "--root", src, "--timestamp", "20260404120000")
    assert r4.returncode == 0, r4.stderr
    plugins = check_site(site)
    prevs = plugins[0].findall("previous-version")
    assert [p.get("timestamp") for p in prevs] == ["20260202120000", "20260101120000"]


def test_default_timestamp_format(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    make_jar(src / "BTrackmate_-0.1.0.jar", ENTRIES)
    result = gen.update_site(
        tmp_path / "site",
        [(src / "BTrackmate_-0.1.0.jar", gen.FileSpec(source="x", target="plugins"))],
    )
    assert re.fullmatch(
        r"20\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])([01]\d|2[0-3])[0-5]\d[0-5]\d",
        result.timestamp,
    )
    check_site(tmp_path / "site")


@pytest.mark.parametrize("kind", ["absent", "corrupt", "truncated"])
def test_bad_jar_is_a_one_line_error_and_changes_nothing(tmp_path, kind):
    src = tmp_path / "src"
    src.mkdir()
    config = write_config(tmp_path / "site.toml", "BTrackmate_-0.1.0.jar")
    site = tmp_path / "site"
    jar = src / "BTrackmate_-0.1.0.jar"
    if kind == "corrupt":
        jar.write_bytes(b"this is not a zip file at all")
    elif kind == "truncated":
        make_jar(jar, ENTRIES)
        jar.write_bytes(jar.read_bytes()[:-30])
    result = run_generator(site, "--config", config, "--root", src)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "BTrackmate_-0.1.0.jar" in lines[0]
    assert "Traceback" not in result.stderr
    assert not site.exists()


def test_bad_site_db_and_config_are_one_line_errors(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    make_jar(src / "BTrackmate_-0.1.0.jar", ENTRIES)
    site = tmp_path / "site"
    site.mkdir()
    (site / "db.xml.gz").write_bytes(gzip.compress(b"<pluginRecords><plugin/></pluginRecords>"))
    config = write_config(tmp_path / "site.toml", "BTrackmate_-*.jar")
    result = run_generator(site, "--config", config, "--root", src)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "db.xml.gz: plugin #1: <plugin> has no filename attribute" in result.stderr

    bad = tmp_path / "bad.toml"
    bad.write_text('[[file]]\nsource = "x.jar"\ntarget = "plugins"\ncolour = "red"\n')
    result = run_generator(tmp_path / "site2", "--config", bad, "--root", src)
    assert result.returncode == 2
    assert "file.0.colour" in result.stderr and result.stderr.count("\n") == 1


def test_timestamp_must_increase(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    spec = gen.FileSpec(source="x", target="plugins")
    make_jar(src / "BTrackmate_-0.1.0.jar", ENTRIES)
    gen.update_site(tmp_path / "s", [(src / "BTrackmate_-0.1.0.jar", spec)], "20260101000000")
    make_jar(src / "BTrackmate_-0.1.0.jar", dict(ENTRIES, **{"a/B.class": b"new"}))
    with pytest.raises(gen.UpdateSiteError, match="not later than the current version"):
        gen.update_site(tmp_path / "s", [(src / "BTrackmate_-0.1.0.jar", spec)], "20251231000000")
    assert len(check_site(tmp_path / "s")) == 1


def _real_jar() -> Path | None:
    for folder in (
        ROOT / "java" / "btrackmate" / "target",
        ROOT / "python" / "volltrack" / "jars",
    ):
        found = [p for p in folder.glob("BTrackmate_-*.jar") if not p.name.startswith("original-")]
        if found:
            return sorted(found)[-1]
    return None


@pytest.mark.skipif(_real_jar() is None, reason="BTrackmate jar not built (make setup)")
def test_site_for_the_real_btrackmate_jar(tmp_path):
    """The shipped site.toml on the built jar: ImageJ 1 is a dependency, not an upload."""
    jar = _real_jar()
    spec = gen.load_config(ROOT / "fiji-update-site" / "site.toml").file[0]
    gen.update_site(tmp_path / "site", [(jar, spec)], "20260101000000")
    (plugin,) = check_site(tmp_path / "site")
    assert plugin.get("filename") == f"plugins/{jar.name}"
    assert [d.get("filename") for d in plugin.findall("version/dependency")] == ["jars/ij.jar"]
    names = zipfile.ZipFile(jar).namelist()
    assert "plugins.config" in names
    assert any(n.startswith("org/volltrack/btrackmate/shaded/gson/") for n in names)
    assert not any(n.startswith("ij/") for n in names)
    # Re-zipping the jar with other entry dates and order keeps its checksum.
    with zipfile.ZipFile(jar) as z:
        entries = {n: z.read(n) for n in names}
    again = make_jar(tmp_path / "again.jar", entries, order=names[::-1], date=(2030, 1, 1, 1, 1, 2))
    assert gen.jar_checksum(again) == plugin.find("version").get("checksum")


# ---- a second, Java oracle: java.util.jar.JarFile, as the updater reads jars -----------------

_JAVA_DIGEST = r"""
import java.io.*;
import java.security.MessageDigest;
import java.util.*;
import java.util.jar.*;

public class JarDigest {
    public static void main(String[] args) throws Exception {
        for (String f : args) System.out.println(digest(new File(f)));
    }

    static String digest(File file) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-1");
        try (JarFile jar = new JarFile(file)) {
            List<JarEntry> entries = Collections.list(jar.entries());
            entries.sort(Comparator.comparing(JarEntry::getName));
            for (JarEntry e : entries) {
                String name = e.getName();
                md.update(name.getBytes("ASCII"));
                byte[] data;
                try (InputStream in = jar.getInputStream(e)) { data = in.readAllBytes(); }
                if (name.endsWith(".properties")) data = skipComments(data);
                if (name.equals("META-INF/MANIFEST.MF")) data = keepMainClass(data);
                md.update(data);
            }
        }
        StringBuilder hex = new StringBuilder();
        for (byte b : md.digest()) hex.append(String.format("%02x", b));
        return hex.toString();
    }

    // The manifest rule as the updater states it: keep lines whose upper-cased text starts with
    // "Main-Class:" (which none does).
    static byte[] keepMainClass(byte[] data) throws IOException {
        InputStream in = new ByteArrayInputStream(data);
        BufferedReader r = new BufferedReader(new InputStreamReader(in));
        StringBuilder kept = new StringBuilder();
        for (String line; (line = r.readLine()) != null; )
            if (line.toUpperCase().startsWith("Main-Class:")) kept.append(line).append('\n');
        return kept.toString().getBytes();
    }

    static byte[] data; static int pos; static boolean atStart;

    static int raw() { return pos < data.length ? (data[pos++] & 0xff) : -1; }

    static int next() {
        int ch = raw();
        if (atStart) {
            if (ch == '#') { do { ch = next(); } while (ch != '\n' && ch != -1); }
            else atStart = false;
        } else if (ch == '\n') atStart = true;
        return ch;
    }

    static byte[] skipComments(byte[] in) {
        data = in; pos = 0; atStart = true;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int ch; (ch = next()) != -1; ) out.write(ch);
        return out.toByteArray();
    }
}
"""


@pytest.mark.jvm
def test_jar_checksums_match_a_java_jarfile_oracle(tmp_path):
    import shutil

    javac, java = shutil.which("javac"), shutil.which("java")
    if javac is None or java is None:
        pytest.skip("no JDK (javac) on PATH")
    (tmp_path / "JarDigest.java").write_text(_JAVA_DIGEST, encoding="utf-8")
    subprocess.run([javac, "JarDigest.java"], cwd=tmp_path, check=True, capture_output=True)
    jars = [make_jar(tmp_path / "a.jar", ENTRIES)]
    jars.append(
        make_jar(
            tmp_path / "b.jar",
            dict(ENTRIES, **{"x.properties": b"\n#kept\n#\n#kept too\n#gone\nk=v\n#"}),
            order=sorted([*ENTRIES, "x.properties"])[::-1],
        )
    )
    real = _real_jar()
    if real is not None:
        jars.append(real)
    out = subprocess.run(
        [java, "-cp", str(tmp_path), "JarDigest", *map(str, jars)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    assert out == [gen.jar_checksum(j) for j in jars]
