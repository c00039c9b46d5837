"""Front door of the ETL: detect each file's source, load it, one transaction per file."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from etl.errors import IngestError
from etl.reading import check_input_path, file_sha256, peek, read_table
from etl.report import LoadReport
from etl.roster import ROSTER_COLUMNS, load_roster_table
from etl.schemas import Staged
from etl.survey.load import load_survey_file
from etl.survey.pairing import wjx_pairs
from survey.identity import load_id_key
from survey.questionnaire import Questionnaire, load_questionnaire
from warehouse.loading import known_keys, loaded_file, query_session
from warehouse.settings import Settings
from warehouse.store import WriteSession, open_for_write

PLATFORMS = ("bilibili", "douyin", "wechat_channels", "xiaohongshu", "weibo")
SOURCES = (
    "auto",
    "survey",
    "roster",
    "catalogue",
    "youtube",
    "tiktok",
    *PLATFORMS,
    "generic",
    "live",
    "retention",
    "activity",
    "attention",
)
NAME_PREFIXES = {
    "catalogue": "catalogue",
    "live": "live",
    "retention": "retention",
    "activity": "activity",
    "attention": "attention",
    "roster": "roster",
}


def detect_source(path: Path) -> str:
    """Which reader a file needs: folder → youtube; name prefix; workbook sheets; headers."""
    if path.is_dir():
        from etl.platforms.intl import detect_intl_source

        if detect_intl_source(path, []) == "youtube":  # Table data.csv / 表格数据.csv ...
            return "youtube"
        raise IngestError(
            path, "is a folder, not a file (nor a YouTube Studio export with 'Table data.csv')"
        )
    prefix = path.name.split("_", 1)[0].lower()
    if prefix in NAME_PREFIXES:
        return NAME_PREFIXES[prefix]
    sheets, headers = peek(path)
    from etl.platforms.intl import detect_intl_source

    if (intl := detect_intl_source(path, headers)) is not None:  # TikTok / YouTube Studio
        return intl
    if "节目" in sheets and "发布" in sheets:
        return "catalogue"
    cleaned = {h.strip().lower() for h in headers}
    wants = {field: {n.lower() for n in names} for field, names in ROSTER_COLUMNS.items()}
    if wants["contact"] & cleaned and wants["editions"] & cleaned:
        return "roster"
    if {"序号", "编号"} & cleaned:
        return "survey"
    from etl.attention.detect import attention_signature

    # Google Trends (by its structure, in any UI language) and 百度指数 / 微信指数 / 巨量算数
    # tables (by their headers) are attention series, never a survey.
    if attention_signature(path, headers):
        return "attention"
    from etl.platforms import detect_platform
    from etl.platforms.describe import closest_platform_layout

    try:
        return detect_platform(path, headers, None)[0]
    except IngestError as exc:
        closest = closest_platform_layout(headers)
        if closest is not None:
            # A creator-centre export is never a survey: say what it resembles instead.
            raise IngestError(path, f"{exc.reason}; {closest}") from exc
        return "survey"


def ingest_one(
    session: WriteSession,
    path: Path,
    *,
    source: str,
    questionnaire: Questionnaire | None,
    id_key: bytes,
    edition: int | None,
    mapping: Path | None = None,
    source_name: str | None = None,
    prepared: Prepared | None = None,
    as_of: date | None = None,
    codes_from: Path | None = None,
) -> LoadReport:
    """Load one file (or YouTube folder); an IngestError leaves the warehouse exactly as it was.

    `prepared` is the file's hash, kind and staged rows when `ingest_files` read them ahead;
    `codes_from` the 问卷星 code export paired with this text export.
    """
    check_input_path(path, folder_ok=True)  # FIFOs, devices, oversize files: before opening
    sha = prepared.sha if prepared and prepared.sha else _sha(path)
    previous = loaded_file(session, sha)
    if previous is not None and not _refines(session, sha, questionnaire):
        return LoadReport(
            path=path,
            source=source,
            status="unchanged",
            load_id=previous["load_id"],
            rows_read=previous["count_rows_read"],
            rows_loaded=previous["count_rows_loaded"],
            rows_rejected=previous["count_rows_rejected"],
            warnings=[f"identical to {previous['file_name']}, already loaded: nothing changed"],
        )
    if prepared and prepared.error:
        raise prepared.error
    if prepared and prepared.kind:
        kind = prepared.kind
    else:
        kind = detect_source(path) if source == "auto" else source
    if path.is_dir() and kind != "youtube":
        raise IngestError(path, "is a folder, not a file")
    if kind == "survey":
        return load_survey_file(
            session, path, sha, questionnaire, id_key=id_key, edition=edition, codes_from=codes_from
        )
    if kind == "roster":
        return load_roster_table(session, read_table(path), sha, id_key=id_key)
    if kind == "catalogue":
        from etl.catalogue.load import load_catalogue_file

        return load_catalogue_file(session, path, sha, id_key=id_key)
    return _load_series(
        session,
        path,
        sha,
        kind,
        id_key=id_key,
        mapping=mapping,
        source_name=source_name,
        staged=prepared.staged if prepared else None,
        as_of=as_of,
        detected=source == "auto",
    )


def _refines(session: WriteSession, sha: str, questionnaire: Questionnaire | None) -> bool:
    """Whether a file already loaded is given again with a different questionnaire (a refined
    one): its answers are then loaded again, replacing the earlier ones."""
    if questionnaire is None:
        return False
    rows = query_session(session, "file_questionnaire", file_sha256=sha).to_dicts()
    if not rows or rows[0]["questionnaire_id"] is None:
        return False
    used = rows[0]
    if used["questionnaire_id"] != questionnaire.id:
        return True
    # The stored version may carry a later number than the file given (a refined file keeps the
    # number it was exported with): compare the definitions under the stored number.
    from etl.survey.load import with_version

    same = with_version(questionnaire, int(used["questionnaire_version"]))
    return bool(same.sha256 != used["definition_sha256"])


# Kinds whose reader needs nothing but the file (and the mapping): safe to read ahead of the load.
READ_AHEAD_KINDS = ("youtube", "tiktok", *PLATFORMS, "generic")


@dataclass(frozen=True)
class Prepared:
    """A file read ahead of its load: what was found, each part None where not (yet) known.

    An IngestError found while reading ahead is kept, not raised: `ingest_one` raises it at the
    point the file's own load would have, after the "already loaded" check.
    """

    sha: str | None = None
    kind: str | None = None
    staged: Staged | None = None
    error: IngestError | None = None


def prepare(
    path: Path, *, source: str, mapping: Path | None, as_of: date | None = None
) -> Prepared:
    """Hash, detect and (for READ_AHEAD_KINDS) read one file without touching the warehouse."""
    try:
        check_input_path(path, folder_ok=True)
    except IngestError:
        return Prepared()  # ingest_one says why, in file order
    sha = _sha(path)
    try:
        kind = detect_source(path) if source == "auto" else source
        if kind not in READ_AHEAD_KINDS or (kind == "youtube") != path.is_dir():
            return Prepared(sha, kind)
        staged = stage_series(path, kind, mapping=mapping, as_of=as_of, detected=source == "auto")
        return Prepared(sha, kind, staged)
    except IngestError as exc:
        return Prepared(sha, error=exc)


def stage_series(
    path: Path,
    kind: str,
    *,
    mapping: Path | None,
    as_of: date | None = None,
    detected: bool = False,
) -> Staged:
    """The Staged rows of a platform export (youtube, a creator-centre platform or generic)."""
    if kind == "youtube":
        from etl.platforms import read_youtube_export

        return read_youtube_export(path, as_of=as_of)
    if kind == "tiktok":
        from etl.platforms.tiktok import read_tiktok_export

        return read_tiktok_export(path, as_of=as_of)
    if kind in PLATFORMS:
        from etl.platforms import read_platform_export

        # A detected platform is told again by the reader, so the report says how (file name,
        # headers, layout) instead of "explicit".
        return read_platform_export(path, platform=None if detected else kind, as_of=as_of)
    if mapping is None:
        raise IngestError(path, "a generic platform export needs --mapping FILE.yaml")
    from etl.platforms import read_generic_export

    return read_generic_export(path, mapping)


def _load_series(
    session: WriteSession,
    path: Path,
    sha: str,
    kind: str,
    *,
    id_key: bytes,
    mapping: Path | None,
    source_name: str | None,
    staged: Staged | None = None,
    as_of: date | None = None,
    detected: bool = False,
) -> LoadReport:
    from etl.staged_load import load_staged

    if staged is not None:
        pass
    elif kind in READ_AHEAD_KINDS:
        staged = stage_series(path, kind, mapping=mapping, as_of=as_of, detected=detected)
    elif kind == "live":
        from etl.audience.live import read_live_export

        staged = read_live_export(path)
    elif kind == "retention":
        from etl.audience.retention import read_retention_export

        staged = read_retention_export(path)
    elif kind == "activity":
        from etl.creators.activity import read_activity_export

        staged = read_activity_export(
            path, id_key=id_key, known_participants=known_keys(session)["participant"]
        )
    elif kind == "attention":
        from etl.attention.read import read_attention_export

        staged = read_attention_export(path, source_name=source_name)
    else:
        raise IngestError(path, f"unknown source {kind!r}; use one of {', '.join(SOURCES)}")
    return load_staged(
        session,
        staged,
        path=path,
        sha256=sha,
        source=kind,
        file_format=f"{kind}/{'folder' if path.is_dir() else path.suffix.lstrip('.').lower()}",
        encoding=staged.details.get("encoding"),
    )


def unexpected_error(path: Path, exc: BaseException) -> IngestError:
    """An unexpected exception inside one file's load as that file's one-line IngestError."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    reason = (lines[0] if lines else "no message")[:300]
    return IngestError(path, f"unexpected {type(exc).__name__}: {reason}")


def abandon_transaction(session: WriteSession) -> None:
    """Roll back whatever a failed load left open (usually its own rollback already ran)."""
    import contextlib

    import duckdb

    with contextlib.suppress(duckdb.Error):  # no transaction was open
        session.con.execute("rollback")


def _sha(path: Path) -> str:
    """Content hash of a file, or of a folder's files (names and bytes) for YouTube exports."""
    if path.is_file():
        return file_sha256(path)
    import hashlib

    digest = hashlib.sha256()
    for member in sorted(p for p in path.iterdir() if p.is_file()):
        digest.update(member.name.encode() + b"\0" + file_sha256(member).encode())
    return digest.hexdigest()


def ingest_files(
    settings: Settings,
    paths: Iterable[Path | str],
    *,
    source: str = "auto",
    questionnaire: Path | str | None = None,
    edition: int | None = None,
    fresh: bool = False,
    mapping: Path | str | None = None,
    source_name: str | None = None,
    on_file: Callable[[LoadReport], None] | None = None,
    as_of: date | None = None,
) -> list[LoadReport]:
    """Load files into a new snapshot, published once at the end if anything changed.

    `as_of` is the day a snapshot export (no date column) was taken; without it the day comes
    from the file name, else the file's time (etl.platforms.snapshot).
    """
    if source not in SOURCES:
        raise IngestError(
            Path(str(source)), f"unknown source {source!r}; use one of {', '.join(SOURCES)}"
        )
    # With no questionnaire, each survey is matched to a stored one or gets one drafted.
    q = load_questionnaire(questionnaire) if questionnaire else None  # errors name the file
    id_key = load_id_key(settings)
    mapping_path = Path(mapping) if mapping else None
    files = [Path(p) for p in paths]
    # A 问卷星 text export and its code export given together load once, with the tool's codes.
    pairs = wjx_pairs(files) if source in {"auto", "survey"} and len(files) > 1 else {}
    paired_codes = {code: text for text, code in pairs.items()}
    reports: list[LoadReport] = []
    # One file is read (hashed, parsed, validated) on a worker thread while the previous one is
    # loaded: Polars and DuckDB both release the GIL, so reading overlaps the single-threaded
    # key-checked insert. Only the next file is read ahead, so at most two files' rows are held.
    with (
        open_for_write(
            settings.home, keep=settings.keep_snapshots, fresh=fresh, shared_tables=True
        ) as session,
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest-read") as reader,
    ):
        ahead: Future[Prepared] | None = None
        for index, path in enumerate(files):
            current = ahead
            ahead = None
            if index + 1 < len(files):
                ahead = reader.submit(
                    prepare, files[index + 1], source=source, mapping=mapping_path, as_of=as_of
                )
            if path in paired_codes:
                report = LoadReport(
                    path=path,
                    source="survey",
                    status="paired",
                    warnings=[f"问卷星 code export of {paired_codes[path].name}: its option "
                              "codes are loaded with it, not as a survey of their own"],
                )  # fmt: skip
                reports.append(report)
                if on_file:
                    on_file(report)
                continue
            try:
                prepared = current.result() if current is not None else None
                report = ingest_one(
                    session,
                    path,
                    source=source,
                    questionnaire=q,
                    id_key=id_key,
                    edition=edition,
                    mapping=mapping_path,
                    source_name=source_name,
                    prepared=prepared,
                    as_of=as_of,
                    codes_from=pairs.get(path),
                )
            except IngestError as exc:
                report = LoadReport(path=path, source=source, status="failed", error=str(exc))
            except Exception as exc:  # one file's surprise never blocks the files that loaded
                abandon_transaction(session)
                error = str(unexpected_error(path, exc))
                report = LoadReport(path=path, source=source, status="failed", error=error)
            current = prepared = None  # the staged rows are loaded: free them before the next
            reports.append(report)
            if on_file:
                on_file(report)
    return reports
