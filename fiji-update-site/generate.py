"""Build or update the BTrackmate Fiji update site in a local folder.

A Fiji update site is a static folder (``../shared/spec/trackmate.md`` §4): ``db.xml.gz``, a
gzipped ``pluginRecords`` index, plus every version of every file stored as
``<Fiji.app-relative path>-<yyyyMMddHHmmss>``, e.g.
``plugins/BTrackmate_-0.1.0.jar-20261125130000``.

Each run reads ``site.toml`` (which files to publish, where they go inside ``Fiji.app``, their
description, authors, categories, platforms and dependencies) and the site's current
``db.xml.gz`` if there is one, then:

- a file whose checksum equals its current version's is not uploaded again (its metadata is
  refreshed from ``site.toml``);
- a changed file is copied as ``<path>-<timestamp>``, becomes the current ``version`` and the
  former current version becomes a ``previous-version`` (its file stays on the site, since Fiji
  installations may still ask for it);
- files in the db that ``site.toml`` no longer lists are kept as they are.

Files are matched by their unversioned name, as the updater does, so ``BTrackmate_-0.2.0.jar``
replaces ``BTrackmate_-0.1.0.jar``. Checksums follow the ImageJ updater (see
:func:`jar_checksum` and :func:`file_checksum`). The new ``db.xml.gz`` is written last and
atomically; on any error nothing in the site folder changes.

Usage::

    python fiji-update-site/generate.py SITE_DIR [--config site.toml] [--timestamp T]
"""

from __future__ import annotations

import argparse
import datetime as _dt
import glob
import gzip
import hashlib
import re
import shutil
import sys
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from volltrack._errors import InputError
from volltrack.io import atomic_path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

__all__ = [
    "DB_NAME",
    "PLATFORMS",
    "Dependency",
    "FileSpec",
    "PreviousVersion",
    "Record",
    "SiteConfig",
    "UpdateSiteError",
    "Version",
    "file_checksum",
    "jar_checksum",
    "load_config",
    "main",
    "read_db",
    "skip_hashed_lines",
    "strip_version",
    "update_site",
    "write_db",
]

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent
DB_NAME = "db.xml.gz"

#: Platform names the updater knows (single platforms and the groups linuxx, macosx, winx).
PLATFORMS = frozenset(
    {
        "linux32",
        "linux64",
        "macos64",
        "win32",
        "win64",
        "linux-arm64",
        "macos-arm64",
        "win-arm64",
        "linuxx",
        "macosx",
        "winx",
    }
)

_TIMESTAMP = re.compile(r"\d{14}")

# The DTD the updater's XMLFileWriter embeds (element and attribute declarations, §4.2).
_DTD = """<!DOCTYPE pluginRecords [
<!ELEMENT pluginRecords ((update-site | disabled-update-site)*, plugin*)>
<!ELEMENT update-site EMPTY>
<!ELEMENT disabled-update-site EMPTY>
<!ELEMENT plugin (platform*, category*, version?, previous-version*)>
<!ELEMENT version (description?, dependency*, link*, author*)>
<!ELEMENT previous-version EMPTY>
<!ELEMENT description (#PCDATA)>
<!ELEMENT dependency EMPTY>
<!ELEMENT link (#PCDATA)>
<!ELEMENT author (#PCDATA)>
<!ELEMENT platform (#PCDATA)>
<!ELEMENT category (#PCDATA)>
<!ATTLIST update-site name CDATA #REQUIRED>
<!ATTLIST update-site url CDATA #REQUIRED>
<!ATTLIST update-site ssh-host CDATA #IMPLIED>
<!ATTLIST update-site upload-directory CDATA #IMPLIED>
<!ATTLIST update-site description CDATA #IMPLIED>
<!ATTLIST update-site maintainer CDATA #IMPLIED>
<!ATTLIST update-site timestamp CDATA #REQUIRED>
<!ATTLIST disabled-update-site name CDATA #REQUIRED>
<!ATTLIST disabled-update-site url CDATA #REQUIRED>
<!ATTLIST disabled-update-site ssh-host CDATA #IMPLIED>
<!ATTLIST disabled-update-site upload-directory CDATA #IMPLIED>
<!ATTLIST disabled-update-site description CDATA #IMPLIED>
<!ATTLIST disabled-update-site maintainer CDATA #IMPLIED>
<!ATTLIST disabled-update-site timestamp CDATA #REQUIRED>
<!ATTLIST plugin update-site CDATA #IMPLIED>
<!ATTLIST plugin filename CDATA #REQUIRED>
<!ATTLIST plugin executable CDATA #IMPLIED>
<!ATTLIST dependency filename CDATA #REQUIRED>
<!ATTLIST dependency timestamp CDATA #IMPLIED>
<!ATTLIST dependency overrides CDATA #IMPLIED>
<!ATTLIST version timestamp CDATA #REQUIRED>
<!ATTLIST version checksum CDATA #REQUIRED>
<!ATTLIST version filesize CDATA #REQUIRED>
<!ATTLIST previous-version filename CDATA #IMPLIED>
<!ATTLIST previous-version timestamp CDATA #REQUIRED>
<!ATTLIST previous-version timestamp-obsolete CDATA #IMPLIED>
<!ATTLIST previous-version checksum CDATA #REQUIRED>]>
"""


class UpdateSiteError(InputError):
    """A file to publish, the site configuration or the site's ``db.xml.gz`` is unusable."""


# ------------------------------------------------------------------------------------------
# Checksums (spec §4.3)


def skip_hashed_lines(data: bytes) -> bytes:
    """Filter a ``.properties`` entry the way the updater's ``SkipHashedLines`` stream does.

    A ``#`` at the start of a line drops the rest of that line but keeps its newline. The
    stream's state machine has a quirk that is reproduced here because it changes checksums:
    after an *empty* line or an empty comment line (``#`` directly followed by the newline) the
    next line is not treated as a line start, so a ``#`` comment right after it is kept.
    Only ``\\n`` ends a line.
    """
    out = bytearray()
    at_line_start = True
    i, n = 0, len(data)
    while i < n:
        ch = data[i]
        i += 1
        if not at_line_start:
            out.append(ch)
            at_line_start = ch == 0x0A
            continue
        if ch != 0x23:  # not '#'
            out.append(ch)
            at_line_start = False  # even when ch is the newline of an empty line
            continue
        # A comment: consecutive '#' collapse; the first other byte decides the state.
        while i < n and data[i] == 0x23:
            i += 1
        if i == n:
            break
        first = data[i]
        i += 1
        if first == 0x0A:  # empty comment line: newline kept, line start *not* re-armed
            out.append(0x0A)
            at_line_start = False
            continue
        newline = data.find(b"\n", i)
        if newline < 0:
            break
        i = newline + 1
        out.append(0x0A)
        at_line_start = True
    return bytes(out)


def _java_entry_name(info: zipfile.ZipInfo) -> str:
    """The entry name as ``java.util.jar.JarFile`` decodes it (always UTF-8)."""
    if info.flag_bits & 0x800:
        return info.filename
    return info.filename.encode("cp437").decode("utf-8", errors="replace")


def jar_checksum(path: str | Path) -> str:
    """SHA-1 of a jar as the ImageJ updater computes it (``UpdaterUtil.getJarDigest(file)``).

    Entries are sorted by name (Java string order); for each, the name's ASCII bytes and then
    its content are hashed. ``*.properties`` contents pass :func:`skip_hashed_lines` first.
    ``META-INF/MANIFEST.MF`` goes through the "keep only Main-Class" filter, which (because it
    compares an upper-cased line with ``"Main-Class:"``) keeps nothing: only the manifest's
    name is hashed. Directory entries are hashed as names with no content. Entry timestamps,
    order and compression do not matter.

    Raises
    ------
    UpdateSiteError
        When the file is missing or is not a readable zip/jar.
    """
    path = Path(path)
    digest = hashlib.sha1()
    try:
        with zipfile.ZipFile(path) as jar:
            entries = sorted(
                ((_java_entry_name(info), info) for info in jar.infolist()),
                key=lambda item: item[0].encode("utf-16-be"),
            )
            for name, info in entries:
                digest.update(name.encode("ascii", errors="replace"))
                if name == "META-INF/MANIFEST.MF":
                    continue
                content = jar.read(info)
                if name.endswith(".properties"):
                    content = skip_hashed_lines(content)
                digest.update(content)
    except FileNotFoundError:
        raise UpdateSiteError(f"{path}: no such file") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        raise UpdateSiteError(f"{path}: not a readable jar (zip) file ({exc})") from None
    return digest.hexdigest()


def file_checksum(fiji_path: str, file: str | Path) -> str:
    """SHA-1 of a file by the updater's rules: jars by :func:`jar_checksum`, any other file
    over its ``Fiji.app``-relative path (ASCII) followed by its bytes."""
    if fiji_path.endswith(".jar"):
        return jar_checksum(file)
    digest = hashlib.sha1(fiji_path.encode("ascii", errors="replace"))
    try:
        digest.update(Path(file).read_bytes())
    except OSError as exc:
        raise UpdateSiteError(f"{file}: cannot read ({exc.strerror})") from None
    return digest.hexdigest()


_VERSION_PATTERN = re.compile(
    r"(.+?)(-\d+(\.\d+|\d{7})+[a-z]?\d?(-[A-Za-z0-9.]+?|\.GA)*?)?"
    r"((-(swing|swt|shaded|sources|javadoc|natives?-?\w*|"
    r"(natives-)?(android|linux|macosx|macos|solaris|windows)-"
    r"(aarch64|amd64|arm64|armv6hf|armv6|arm|i386|i486|i586|i686|universal|x86[_-]32|x86[_-]64|x86)"
    r"))?(\.jar(-[a-z]*)?))"
)


def strip_version(filename: str) -> str:
    """The unversioned name the updater files a jar under.

    ``jars/foo-1.2.jar`` → ``jars/foo.jar`` (the updater's ``FileUtils.stripFilenameVersion``).
    """
    match = _VERSION_PATTERN.fullmatch(filename)
    if match is None:
        return filename
    return match.group(1) + match.group(5)


# ------------------------------------------------------------------------------------------
# db.xml.gz


@dataclass
class Dependency:
    filename: str
    timestamp: str | None = None
    overrides: bool = False


@dataclass
class Version:
    checksum: str
    timestamp: str
    filesize: int
    description: str | None = None
    dependencies: list[Dependency] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)


@dataclass
class PreviousVersion:
    timestamp: str
    checksum: str
    filename: str | None = None
    timestamp_obsolete: str | None = None


@dataclass
class Record:
    """One ``plugin`` element: a file of the site with its current and previous versions."""

    filename: str
    executable: bool = False
    platforms: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    version: Version | None = None
    previous: list[PreviousVersion] = field(default_factory=list)


def _required(db: Path, element: ET.Element, where: str, key: str) -> str:
    value = element.get(key)
    if value is None or value == "":
        raise UpdateSiteError(f"{db}: {where}: <{element.tag}> has no {key} attribute")
    return value


def _timestamp(db: Path, element: ET.Element, where: str, key: str, required: bool = True):
    value = element.get(key)
    if value is None and not required:
        return None
    value = _required(db, element, where, key)
    if not _TIMESTAMP.fullmatch(value):
        raise UpdateSiteError(
            f"{db}: {where}: <{element.tag}> {key}={value!r}, expected yyyyMMddHHmmss"
        )
    return value


def read_db(db: str | Path) -> list[Record]:
    """Read an update site's ``db.xml.gz`` into records (in file order)."""
    db = Path(db)
    try:
        with gzip.open(db, "rb") as fh:
            root = ET.fromstring(fh.read())
    except FileNotFoundError:
        raise UpdateSiteError(f"{db}: no such file") from None
    except (OSError, EOFError, ET.ParseError) as exc:
        raise UpdateSiteError(f"{db}: not a gzipped pluginRecords XML ({exc})") from None
    if root.tag != "pluginRecords":
        raise UpdateSiteError(f"{db}: root element is <{root.tag}>, expected <pluginRecords>")
    records = []
    for index, plugin in enumerate(root.iter("plugin")):
        where = f"plugin #{index + 1}"
        filename = _required(db, plugin, where, "filename")
        where = f"plugin {filename!r}"
        record = Record(filename=filename, executable=plugin.get("executable") == "true")
        record.platforms = [(e.text or "") for e in plugin.findall("platform")]
        record.categories = [(e.text or "") for e in plugin.findall("category")]
        versions = plugin.findall("version")
        if len(versions) > 1:
            raise UpdateSiteError(f"{db}: {where}: {len(versions)} <version> elements, expected 1")
        if versions:
            v = versions[0]
            filesize = _required(db, v, where, "filesize")
            if not filesize.isdigit():
                raise UpdateSiteError(f"{db}: {where}: <version> filesize={filesize!r}")
            desc = v.find("description")
            record.version = Version(
                checksum=_required(db, v, where, "checksum"),
                timestamp=_timestamp(db, v, where, "timestamp"),
                filesize=int(filesize),
                description=None if desc is None else (desc.text or ""),
                dependencies=[
                    Dependency(
                        filename=_required(db, d, where, "filename"),
                        timestamp=_timestamp(db, d, where, "timestamp", required=False),
                        overrides=d.get("overrides") == "true",
                    )
                    for d in v.findall("dependency")
                ],
                links=[(e.text or "") for e in v.findall("link")],
                authors=[(e.text or "") for e in v.findall("author")],
            )
        for p in plugin.findall("previous-version"):
            record.previous.append(
                PreviousVersion(
                    timestamp=_timestamp(db, p, where, "timestamp"),
                    checksum=_required(db, p, where, "checksum"),
                    filename=p.get("filename"),
                    timestamp_obsolete=_timestamp(
                        db, p, where, "timestamp-obsolete", required=False
                    ),
                )
            )
        records.append(record)
    return records


def _attrs(**values) -> str:
    return "".join(
        f" {key.replace('_', '-')}={quoteattr(str(value))}"
        for key, value in values.items()
        if value is not None
    )


def _db_text(records: list[Record]) -> str:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', _DTD.rstrip("\n"), "<pluginRecords>"]
    for r in records:
        executable = "true" if r.executable else None
        lines.append(f"    <plugin{_attrs(filename=r.filename, executable=executable)}>")
        lines += [f"        <platform>{escape(p)}</platform>" for p in r.platforms]
        lines += [f"        <category>{escape(c)}</category>" for c in r.categories]
        v = r.version
        if v is not None:
            attrs = _attrs(checksum=v.checksum, timestamp=v.timestamp, filesize=v.filesize)
            lines.append(f"        <version{attrs}>")
            if v.description is not None:
                lines.append(f"            <description>{escape(v.description)}</description>")
            for d in v.dependencies:
                attrs = _attrs(
                    filename=d.filename,
                    timestamp=d.timestamp,
                    overrides="true" if d.overrides else None,
                )
                lines.append(f"            <dependency{attrs}/>")
            lines += [f"            <link>{escape(x)}</link>" for x in v.links]
            lines += [f"            <author>{escape(x)}</author>" for x in v.authors]
            lines.append("        </version>")
        for p in r.previous:
            attrs = _attrs(
                timestamp=p.timestamp,
                timestamp_obsolete=p.timestamp_obsolete,
                checksum=p.checksum,
                filename=p.filename,
            )
            lines.append(f"        <previous-version{attrs}/>")
        lines.append("    </plugin>")
    lines.append("</pluginRecords>")
    return "\n".join(lines) + "\n"


def write_db(records: list[Record], db: str | Path) -> Path:
    """Write ``db.xml.gz`` (with the updater's embedded DTD) atomically."""
    db = Path(db)
    data = gzip.compress(_db_text(records).encode("utf-8"), mtime=0)
    with atomic_path(db) as tmp:
        tmp.write_bytes(data)
    return db


# ------------------------------------------------------------------------------------------
# Configuration


class FileSpec(BaseModel):
    """One file published on the site (a ``[[file]]`` table of ``site.toml``)."""

    model_config = ConfigDict(extra="forbid")

    source: str = Field(
        min_length=1,
        description="file to publish, relative to the repository root; may contain one glob "
        "that must match exactly one file (original-*.jar from the shade plugin is ignored)",
    )
    target: str = Field(
        min_length=1,
        pattern=r"^[A-Za-z0-9_.+-]+(/[A-Za-z0-9_.+-]+)*/?$",
        description="folder inside Fiji.app the file is installed into, e.g. 'plugins'",
    )
    description: str | None = Field(default=None, description="text shown in the updater")
    authors: list[str] = Field(default_factory=list, description="author names")
    links: list[str] = Field(default_factory=list, description="URLs shown in the updater")
    categories: list[str] = Field(default_factory=list, description="updater categories")
    platforms: list[str] = Field(
        default_factory=list,
        description="platforms the file is for (empty: all); names from the updater's list",
    )
    dependencies: list[str] = Field(
        default_factory=list,
        description="unversioned Fiji.app paths this file needs, e.g. 'jars/ij.jar'",
    )
    executable: bool = Field(default=False, description="install with the executable bit")


class SiteConfig(BaseModel):
    """``site.toml``: the files of the update site."""

    model_config = ConfigDict(extra="forbid")

    file: list[FileSpec] = Field(min_length=1, description="the files to publish")


def load_config(path: str | Path) -> SiteConfig:
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UpdateSiteError(f"{path}: no such file") from None
    except tomllib.TOMLDecodeError as exc:
        raise UpdateSiteError(f"{path}: not valid TOML ({exc})") from None
    try:
        config = SiteConfig.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        place = ".".join(str(p) for p in err["loc"])
        raise UpdateSiteError(f"{path}: {place}: {err['msg']}") from None
    for i, spec in enumerate(config.file):
        bad = [p for p in spec.platforms if p not in PLATFORMS]
        if bad:
            raise UpdateSiteError(
                f"{path}: file.{i}.platforms: unknown platform {bad[0]!r}, "
                f"expected one of {', '.join(sorted(PLATFORMS))}"
            )
    return config


def _resolve_source(spec: FileSpec, root: Path) -> Path:
    pattern = str(root / spec.source)
    if not glob.has_magic(pattern):
        return Path(pattern)
    found = sorted(Path(p) for p in glob.glob(pattern) if not Path(p).name.startswith("original-"))
    if len(found) != 1:
        what = "no file" if not found else f"{len(found)} files ({', '.join(map(str, found))})"
        hint = " (build it with `mvn -B -q package -DskipTests`)" if not found else ""
        raise UpdateSiteError(f"{pattern}: matches {what}, expected exactly one{hint}")
    return found[0]


# ------------------------------------------------------------------------------------------
# The update


@dataclass(frozen=True)
class SiteUpdate:
    """What one run did: Fiji.app paths uploaded as new versions, and those left unchanged."""

    site: Path
    timestamp: str
    uploaded: tuple[str, ...]
    unchanged: tuple[str, ...]


def now_timestamp() -> str:
    """The current UTC time as yyyyMMddHHmmss."""
    return _dt.datetime.now(_dt.timezone.utc).strftime("%Y%m%d%H%M%S")


def update_site(
    site: str | Path,
    files: list[tuple[Path, FileSpec]],
    timestamp: str | None = None,
) -> SiteUpdate:
    """Add the given files to the update site in ``site`` (created if absent).

    Parameters
    ----------
    site : path-like
        The site folder (holds ``db.xml.gz`` and the versioned files).
    files : list of (path, FileSpec)
        The local files to publish with their settings.
    timestamp : str, optional
        yyyyMMddHHmmss of this upload; default the current UTC time. It must be later than the
        current version of every file that changes.
    """
    site = Path(site)
    timestamp = timestamp or now_timestamp()
    if not _TIMESTAMP.fullmatch(timestamp):
        raise UpdateSiteError(f"timestamp {timestamp!r}: expected yyyyMMddHHmmss (14 digits)")
    if site.exists() and not site.is_dir():
        raise UpdateSiteError(f"{site}: exists and is not a folder")
    db = site / DB_NAME
    records = read_db(db) if db.exists() else []
    by_key = {strip_version(r.filename): r for r in records}

    # Checksum everything first: a bad input changes nothing.
    planned = []
    seen: set[str] = set()
    for source, spec in files:
        fiji_path = f"{spec.target.rstrip('/')}/{source.name}"
        key = strip_version(fiji_path)
        if key in seen:
            raise UpdateSiteError(f"{source}: a second file for {key} in the same upload")
        seen.add(key)
        if not source.is_file():
            raise UpdateSiteError(f"{source}: no such file")
        planned.append((source, spec, fiji_path, key, file_checksum(fiji_path, source)))

    uploaded, unchanged, copied = [], [], []
    try:
        for source, spec, fiji_path, key, checksum in planned:
            record = by_key.get(key)
            if record is None:
                record = Record(filename=fiji_path)
                records.append(record)
                by_key[key] = record
            current = record.version
            if current is not None and current.checksum == checksum:
                unchanged.append(record.filename)
                version = current
            else:
                if current is not None and current.timestamp >= timestamp:
                    raise UpdateSiteError(
                        f"timestamp {timestamp}: not later than the current version "
                        f"{current.timestamp} of {record.filename} in {db}"
                    )
                stored = site / f"{fiji_path}-{timestamp}"
                if stored.exists():
                    raise UpdateSiteError(f"{stored}: already exists (use a later --timestamp)")
                stored.parent.mkdir(parents=True, exist_ok=True)
                with atomic_path(stored) as tmp:
                    shutil.copyfile(source, tmp)
                copied.append(stored)
                if current is not None:
                    record.previous.insert(
                        0,
                        PreviousVersion(
                            timestamp=current.timestamp,
                            checksum=current.checksum,
                            filename=record.filename,
                            timestamp_obsolete=timestamp,
                        ),
                    )
                version = Version(checksum=checksum, timestamp=timestamp, filesize=0)
                version.filesize = source.stat().st_size
                record.filename = fiji_path
                record.version = version
                uploaded.append(fiji_path)
            version.description = spec.description
            version.authors = list(spec.authors)
            version.links = list(spec.links)
            version.dependencies = [
                Dependency(filename=d, timestamp=version.timestamp) for d in spec.dependencies
            ]
            record.platforms = list(spec.platforms)
            record.categories = list(spec.categories)
            record.executable = spec.executable
        site.mkdir(parents=True, exist_ok=True)
        write_db(records, db)
    except BaseException:
        for path in copied:
            path.unlink(missing_ok=True)
        raise
    return SiteUpdate(site, timestamp, tuple(uploaded), tuple(unchanged))


# ------------------------------------------------------------------------------------------
# Command line


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="generate.py",
        description="Build or update the BTrackmate Fiji update site in a local folder.",
    )
    parser.add_argument("site", type=Path, help="site folder (created if absent)")
    parser.add_argument(
        "--config",
        type=Path,
        default=HERE / "site.toml",
        help="site description (default: site.toml beside this script)",
    )
    parser.add_argument(
        "--root",
        type=Path,
        default=REPO_ROOT,
        help="folder the sources in the config are relative to (default: the repository root)",
    )
    parser.add_argument(
        "--timestamp", help="upload time yyyyMMddHHmmss (default: now, UTC)", default=None
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        config = load_config(args.config)
        files = [(_resolve_source(spec, args.root), spec) for spec in config.file]
        result = update_site(args.site, files, args.timestamp)
    except UpdateSiteError as exc:
        print(f"generate.py: error: {exc}", file=sys.stderr)
        return 2
    for path in result.uploaded:
        print(f"uploaded  {path}-{result.timestamp}")
    for path in result.unchanged:
        print(f"unchanged {path}")
    print(f"wrote {result.site / DB_NAME}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
