"""Loaders for public safety prompt sets (AdvBench, HarmBench, JailbreakBench, XSTest,
StrongREJECT, SORRY-Bench), mapped to compsec :class:`~compsec_tasks.promptsets.PromptSet`.

Each set is described by a :class:`PublicSetInfo`: the Hugging Face dataset it comes from,
the config and split(s), a pinned revision (a 40-hex commit of the dataset repository), its
license and citation, and how its columns map onto compsec records. ``load_public(name)``
calls ``datasets.load_dataset(repo, config, split=..., revision=<pinned>)`` and maps each row:

- **id** -- stable and derived from the source, never from the row position: the source's
  own row id where it has one (``jbb-harmful-12``, ``sorry-bench-301``), otherwise the set
  name and the first 8 hex digits of the sha256 of the prompt text (``advbench-3f2a9c1d``);
- **category** -- the set's category column, in lowercase snake_case
  (``Harassment/Discrimination`` -> ``harassment_discrimination``); a set without one uses a
  fixed category;
- **kind** -- ``harmful`` or ``benign`` (XSTest ``safe`` -> benign, ``unsafe`` -> harmful;
  the JBB ``benign`` split -> benign);
- **split** -- ``dev`` or ``test``, decided per record by hashing its id with ``split_seed``
  (a record's split never depends on the other rows), so the same seed always gives the same
  split;
- extra fields ``source`` (the set name), ``source_revision`` and a few informative source
  columns (``origin``, ``behavior``, ``focus``...).

The PromptSet's ``sha256`` is the sha256 of the canonical JSONL of its records (sorted by
id, keys sorted, one object per line). Every record carries ``source_revision``, so the hash
covers the revision: the same revision (and seed) always yields the same hash, and
:func:`export_jsonl` writes exactly those bytes, so a frozen copy loaded with
``promptsets.load_file`` reports the same hash.

Offline use: pass ``data_files=`` (a path, a list of paths, or for JailbreakBench a dict
``{"harmful": ..., "benign": ...}``) with a local copy of the dataset files. They are read
through the matching ``datasets`` builder (``csv``, ``json`` for .json/.jsonl, ``parquet``)
and mapped exactly as the hub rows are. A local copy is taken to be a copy of the pinned
revision unless ``revision=`` says otherwise; since the hash covers the content, a copy that
differs from the pinned revision gets a different hash anyway.

Pinned revisions (each was the dataset repository's ``main`` when it was pinned):

- ``advbench``: walledai/AdvBench @ 9d4730540082fa4017450b65ca1c0e1d8d30446e
- ``harmbench``, ``harmbench-contextual``, ``harmbench-copyright``: walledai/HarmBench @
  fb6c2afd5a2a943d701d6db3efab87d077e81be5
- ``jbb``: JailbreakBench/JBB-Behaviors @ 886acc352a31533ffbcf4ef22c744658688086fc
- ``xstest``: walledai/XSTest @ f1d713187c61b6ae64e602d74f0b3d812cc2e8e8
- ``strongreject``: walledai/StrongREJECT @ df54272b395ce9e584d2f8140519935425d8549f
- ``sorry-bench``: sorry-bench/sorry-bench-202406 @ main -- **not pinned** (see below)

SORRY-Bench (``sorry-bench/sorry-bench-202406``) is gated and no commit of it could be
confirmed, so its info has ``revision="main"`` and ``pinned=False``: its rows, and the hash,
follow whatever ``main`` holds when it is loaded. Pass ``revision=<commit>`` to pin it, or
freeze it with :func:`export_jsonl`.

``import compsec_tasks.public_sets`` imports neither ``datasets`` nor torch; ``datasets`` is
imported inside :func:`load_public` (``pip install 'compsec[datasets]'``).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .errors import (
    CompsecError,
    MissingDependencyError,
    OutputPathError,
    PromptSetError,
    UnknownNameError,
)
from .promptsets import PromptRecord, PromptSet, parse_records

logger = logging.getLogger(__name__)

__all__ = [
    "ColumnMap",
    "PublicSetInfo",
    "PUBLIC_SETS",
    "available_public",
    "get_public_info",
    "load_public",
    "export_jsonl",
    "canonical_jsonl",
    "normalise_category",
]

HASH_ID_LEN = 8  # hex digits of sha256(prompt) in a hashed id
# HarmBench's own format for a contextual behaviour: the context, a rule, then the request.
CONTEXT_TEMPLATE = "{context}\n\n---\n\n{prompt}"
_BUILDERS = {".csv": "csv", ".json": "json", ".jsonl": "json", ".parquet": "parquet"}
_ID_UNSAFE = re.compile(r"[^a-z0-9._:/-]+")


@dataclass(frozen=True)
class ColumnMap:
    """How a public set's columns become compsec record fields.

    ``prompt`` (and ``context``, ``category``, ``label`` and ``id_columns`` when given) must
    be present; ``extras`` columns are copied when present; ``where`` keeps only the rows
    whose column holds one of the listed values (ignored when the column is absent).
    """

    prompt: str
    prompt_item: int | None = None  # index into a list-valued prompt column (turns[0])
    context: str | None = None  # prepended with CONTEXT_TEMPLATE when non-empty
    category: str | None = None
    default_category: str = "uncategorized"
    id_columns: tuple[str, ...] = ()  # the source's row id; empty: hash of the prompt
    label: str | None = None  # a column deciding the kind (XSTest)
    label_kinds: tuple[tuple[str, str], ...] = ()  # label value -> kind
    extras: tuple[tuple[str, str], ...] = ()  # record field -> source column
    where: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def required(self) -> list[str]:
        cols = [self.prompt]
        for c in (self.context, self.category, self.label):
            if c is not None:
                cols.append(c)
        cols.extend(c for c in self.id_columns if c not in cols)
        return cols


@dataclass(frozen=True)
class PublicSetInfo:
    """A public prompt set: where it lives on the hub, its pinned revision, license, citation
    and column mapping.

    ``splits`` pairs each hub split with the kind of its rows (``None``: the ``label``
    column decides).
    """

    name: str
    title: str
    repo: str
    config: str | None
    splits: tuple[tuple[str, str | None], ...]
    revision: str
    pinned: bool
    license: str
    citation: str
    url: str
    file_format: str  # format of the data files in the hub repository
    columns: ColumnMap
    gated: bool = False
    notes: str = ""

    @property
    def split(self) -> str:
        """The hub split(s), comma-separated."""
        return ",".join(s for s, _ in self.splits)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> PublicSetInfo:
        d = dict(d)
        cm = dict(d.pop("columns"))
        cm["id_columns"] = tuple(cm.get("id_columns", ()))
        for key in ("label_kinds", "extras"):
            cm[key] = tuple(tuple(p) for p in cm.get(key, ()))
        cm["where"] = tuple((c, tuple(v)) for c, v in cm.get("where", ()))
        d["splits"] = tuple((s, k) for s, k in d["splits"])
        return cls(columns=ColumnMap(**cm), **d)


_SETS: tuple[PublicSetInfo, ...] = (
    PublicSetInfo(
        name="advbench",
        title="AdvBench harmful behaviors",
        repo="walledai/AdvBench",
        config=None,
        splits=(("train", "harmful"),),
        revision="9d4730540082fa4017450b65ca1c0e1d8d30446e",
        pinned=True,
        license="MIT",
        citation="Zou et al. 2023, Universal and Transferable Adversarial Attacks on Aligned "
        "Language Models, arXiv:2307.15043",
        url="https://huggingface.co/datasets/walledai/AdvBench",
        file_format="parquet",
        columns=ColumnMap(prompt="prompt", default_category="harmful_behavior",
                          extras=(("target", "target"),)),
        gated=True,
        notes="520 requests, no category column; the original is llm-attacks' "
        "data/advbench/harmful_behaviors.csv (columns goal, target).",
    ),
    PublicSetInfo(
        name="harmbench",
        title="HarmBench standard behaviors",
        repo="walledai/HarmBench",
        config="standard",
        splits=(("train", "harmful"),),
        revision="fb6c2afd5a2a943d701d6db3efab87d077e81be5",
        pinned=True,
        license="MIT",
        citation="Mazeika et al. 2024, HarmBench: A Standardized Evaluation Framework for "
        "Automated Red Teaming and Robust Refusal, arXiv:2402.04249",
        url="https://huggingface.co/datasets/walledai/HarmBench",
        file_format="parquet",
        columns=ColumnMap(prompt="prompt", category="category"),
        gated=True,
    ),
    PublicSetInfo(
        name="harmbench-contextual",
        title="HarmBench contextual behaviors",
        repo="walledai/HarmBench",
        config="contextual",
        splits=(("train", "harmful"),),
        revision="fb6c2afd5a2a943d701d6db3efab87d077e81be5",
        pinned=True,
        license="MIT",
        citation="Mazeika et al. 2024, HarmBench: A Standardized Evaluation Framework for "
        "Automated Red Teaming and Robust Refusal, arXiv:2402.04249",
        url="https://huggingface.co/datasets/walledai/HarmBench",
        file_format="parquet",
        columns=ColumnMap(prompt="prompt", context="context", category="category"),
        gated=True,
        notes="The prompt is the context, a '---' rule and the request, as HarmBench sends it.",
    ),
    PublicSetInfo(
        name="harmbench-copyright",
        title="HarmBench copyright behaviors",
        repo="walledai/HarmBench",
        config="copyright",
        splits=(("train", "harmful"),),
        revision="fb6c2afd5a2a943d701d6db3efab87d077e81be5",
        pinned=True,
        license="MIT",
        citation="Mazeika et al. 2024, HarmBench: A Standardized Evaluation Framework for "
        "Automated Red Teaming and Robust Refusal, arXiv:2402.04249",
        url="https://huggingface.co/datasets/walledai/HarmBench",
        file_format="parquet",
        columns=ColumnMap(prompt="prompt", default_category="copyright",
                          extras=(("tags", "tags"),)),
        gated=True,
    ),
    PublicSetInfo(
        name="jbb",
        title="JailbreakBench JBB-Behaviors (harmful and benign)",
        repo="JailbreakBench/JBB-Behaviors",
        config="behaviors",
        splits=(("harmful", "harmful"), ("benign", "benign")),
        revision="886acc352a31533ffbcf4ef22c744658688086fc",
        pinned=True,
        license="MIT",
        citation="Chao et al. 2024, JailbreakBench: An Open Robustness Benchmark for "
        "Jailbreaking Large Language Models, arXiv:2404.01318",
        url="https://huggingface.co/datasets/JailbreakBench/JBB-Behaviors",
        file_format="csv",
        columns=ColumnMap(
            prompt="Goal", category="Category", id_columns=("Index",),
            extras=(("behavior", "Behavior"), ("origin", "Source"), ("target", "Target")),
        ),
        notes="100 harmful and 100 benign behaviors (data/harmful-behaviors.csv, "
        "data/benign-behaviors.csv); ids are jbb-<split>-<Index>.",
    ),
    PublicSetInfo(
        name="xstest",
        title="XSTest (safe and unsafe prompts)",
        repo="walledai/XSTest",
        config=None,
        splits=(("test", None),),
        revision="f1d713187c61b6ae64e602d74f0b3d812cc2e8e8",
        pinned=True,
        license="CC-BY-4.0",
        citation="Röttger et al. 2024, XSTest: A Test Suite for Identifying Exaggerated Safety "
        "Behaviours in Large Language Models, arXiv:2308.01263",
        url="https://huggingface.co/datasets/walledai/XSTest",
        file_format="parquet",
        columns=ColumnMap(
            prompt="prompt", category="type", label="label",
            label_kinds=(("safe", "benign"), ("unsafe", "harmful")),
            extras=(("focus", "focus"), ("note", "note")),
        ),
        notes="250 safe prompts (benign: refusing them is over-refusal) and 200 unsafe "
        "contrast prompts (harmful); category is the prompt type.",
    ),
    PublicSetInfo(
        name="strongreject",
        title="StrongREJECT forbidden prompts",
        repo="walledai/StrongREJECT",
        config=None,
        splits=(("train", "harmful"),),
        revision="df54272b395ce9e584d2f8140519935425d8549f",
        pinned=True,
        license="MIT",
        citation="Souly et al. 2024, A StrongREJECT for Empty Jailbreaks, arXiv:2402.10260",
        url="https://huggingface.co/datasets/walledai/StrongREJECT",
        file_format="parquet",
        columns=ColumnMap(prompt="prompt", category="category",
                          extras=(("origin", "source"),)),
        notes="313 prompts in 6 categories; the original is alexandrasouly/strongreject "
        "strongreject_dataset/strongreject_dataset.csv (columns category, source, "
        "forbidden_prompt).",
    ),
    PublicSetInfo(
        name="sorry-bench",
        title="SORRY-Bench 2024/06 (base prompt style)",
        repo="sorry-bench/sorry-bench-202406",
        config=None,
        splits=(("train", "harmful"),),
        revision="main",
        pinned=False,
        license="SORRY-Bench license (custom; see the dataset card)",
        citation="Xie et al. 2024, SORRY-Bench: Systematically Evaluating Large Language "
        "Model Safety Refusal, arXiv:2406.14598",
        url="https://huggingface.co/datasets/sorry-bench/sorry-bench-202406",
        file_format="jsonl",
        columns=ColumnMap(
            prompt="turns", prompt_item=0, category="category", id_columns=("question_id",),
            extras=(("prompt_style", "prompt_style"),),
            where=(("prompt_style", ("base",)),),
        ),
        gated=True,
        notes="Gated; not pinned (no commit could be confirmed). Only the 450 base-style "
        "prompts are kept; category is SORRY-Bench's category number (1-45).",
    ),
)

PUBLIC_SETS: dict[str, PublicSetInfo] = {info.name: info for info in _SETS}


def available_public() -> list[PublicSetInfo]:
    """Every public set :func:`load_public` knows."""
    return list(PUBLIC_SETS.values())


def get_public_info(name: str) -> PublicSetInfo:
    try:
        return PUBLIC_SETS[name]
    except KeyError:
        raise UnknownNameError("public prompt set", name, PUBLIC_SETS) from None


def normalise_category(value: Any, default: str = "uncategorized") -> str:
    """``Harassment/Discrimination`` -> ``harassment_discrimination``; empty -> ``default``."""
    if value is None:
        return default
    text = re.sub(r"[^a-z0-9]+", "_", str(value).strip().lower()).strip("_")
    return text or default


def canonical_jsonl(records: Iterable[PromptRecord]) -> str:
    """The canonical JSONL of records: sorted by id, keys sorted, compact, one per line."""
    lines = [
        json.dumps(r.to_dict(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        for r in sorted(records, key=lambda r: r.id)
    ]
    return "".join(line + "\n" for line in lines)


# ----------------------------------------------------------------------------------------
# loading


def load_public(
    name: str,
    *,
    revision: str | None = None,
    data_files: str | os.PathLike[str] | Sequence[str | os.PathLike[str]]
    | Mapping[str, Any] | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    split_seed: int = 0,
    test_fraction: float = 0.5,
) -> PromptSet:
    """Load a public safety prompt set as a compsec PromptSet.

    ``revision`` overrides the pinned revision. ``data_files`` reads a local copy instead of
    the hub (a path or list of paths; for ``jbb`` a dict ``{"harmful": ..., "benign": ...}``).
    ``cache_dir`` is where ``datasets`` keeps its cache. ``split_seed`` and ``test_fraction``
    decide the dev/test split (about ``test_fraction`` of the records go to test).
    """
    info = get_public_info(name)
    if isinstance(test_fraction, bool) or not 0.0 <= float(test_fraction) <= 1.0:
        raise PromptSetError(f"test_fraction must be between 0 and 1; got {test_fraction!r}")
    rev = revision or info.revision
    datasets = _import_datasets()
    cache = os.fspath(cache_dir) if cache_dir is not None else None
    if data_files is None:
        parts = _load_hub(datasets, info, rev, cache)
        path = f"hf://datasets/{info.repo}@{rev}"
        if info.config:
            path += f"#{info.config}"
    else:
        files = _normalise_data_files(info, data_files)
        parts = _load_local(datasets, info, files, cache)
        path = ";".join(p for paths in files.values() for p in paths)
    records = _map_rows(info, rev, parts)
    records = _assign_splits(records, split_seed, float(test_fraction))
    text = canonical_jsonl(records)
    # validate through the same parser load_file uses, so an exported copy loads back
    checked = parse_records(text.splitlines(), f"public set {name!r} ({path})")
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    logger.info("loaded public set %s (%d records, revision %s) from %s", name, len(checked),
                rev, path)
    return PromptSet(info.name, rev, path, sha, tuple(checked))


def _import_datasets() -> Any:
    try:
        import datasets
    except ImportError as exc:
        raise MissingDependencyError(
            "loading public prompt sets", "datasets", "datasets"
        ) from exc
    return datasets


@dataclass
class _Part:
    """Rows of one source split, with what is needed to map and report on them."""

    split: str
    kind: str | None
    source: str
    columns: list[str]
    rows: Iterable[Mapping[str, Any]] = field(repr=False)


def _load_hub(datasets: Any, info: PublicSetInfo, rev: str, cache: str | None) -> list[_Part]:
    parts = []
    for split, kind in info.splits:
        try:
            ds = datasets.load_dataset(info.repo, info.config, split=split, revision=rev,
                                       cache_dir=cache)
        except Exception as exc:  # any hub, network, auth or parsing failure
            raise CompsecError(_hub_failure(info, split, rev, exc)) from exc
        source = f"{info.repo}@{rev}" + (f" config {info.config!r}" if info.config else "")
        parts.append(_Part(split, kind, f"{source} split {split!r}", list(ds.column_names), ds))
    return parts


def _hub_failure(info: PublicSetInfo, split: str, rev: str, exc: BaseException) -> str:
    offline = [v for v in ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE")
               if os.environ.get(v, "").strip().lower() in ("1", "true", "yes", "on")]
    cfg = f", config {info.config!r}" if info.config else ""
    msg = (
        f"could not load public prompt set {info.name!r} from the Hugging Face hub "
        f"(dataset {info.repo!r}{cfg}, split {split!r}, revision {rev!r}): "
        f"{type(exc).__name__}: {exc}. "
    )
    if offline:
        msg += f"Offline mode is on ({', '.join(offline)}=1). "
    msg += "The machine may be offline or unable to reach huggingface.co"
    if info.gated:
        msg += (", or the dataset is gated: accept its terms on the hub and log in "
                "(`hf auth login` or HF_TOKEN)")
    example = (
        "{'harmful': 'harmful-behaviors.csv', 'benign': 'benign-behaviors.csv'}"
        if len(info.splits) > 1 else f"'path/to/{info.name}.{info.file_format}'"
    )
    msg += (
        f". To use a local copy, download the dataset files of {info.repo} (revision {rev}) "
        f"on a machine with access and call "
        f"load_public({info.name!r}, data_files={example})."
    )
    return msg


def _as_paths(value: Any, name: str) -> list[str]:
    if isinstance(value, (str, os.PathLike)):
        return [os.fspath(value)]
    if isinstance(value, Sequence) and value and all(
        isinstance(v, (str, os.PathLike)) for v in value
    ):
        return [os.fspath(v) for v in value]
    raise PromptSetError(
        f"public set {name!r}: data_files must be a path, a list of paths or a dict of "
        f"split -> path(s); got {value!r}"
    )


def _normalise_data_files(info: PublicSetInfo, data_files: Any) -> dict[str, list[str]]:
    split_names = [s for s, _ in info.splits]
    if isinstance(data_files, Mapping):
        unknown = sorted(set(data_files) - set(split_names))
        if unknown:
            raise PromptSetError(
                f"public set {info.name!r}: data_files has unknown split(s) "
                f"{', '.join(map(repr, unknown))}; its splits are {', '.join(split_names)}"
            )
        files = {s: _as_paths(data_files[s], info.name) for s in split_names if s in data_files}
        if not files:
            raise PromptSetError(f"public set {info.name!r}: data_files is an empty dict")
    else:
        if len(split_names) > 1:
            raise PromptSetError(
                f"public set {info.name!r} has {len(split_names)} splits "
                f"({', '.join(split_names)}) with different kinds; pass data_files as a dict, "
                f"e.g. data_files={{'harmful': 'harmful-behaviors.csv', "
                f"'benign': 'benign-behaviors.csv'}}"
            )
        files = {split_names[0]: _as_paths(data_files, info.name)}
    builders = set()
    for paths in files.values():
        for p in paths:
            if not Path(p).is_file():
                raise PromptSetError(
                    f"public set {info.name!r}: data file {p!r} does not exist or is not a file"
                )
            builder = _BUILDERS.get(Path(p).suffix.lower())
            if builder is None:
                raise PromptSetError(
                    f"public set {info.name!r}: cannot read {p!r}: supported file types are "
                    f"{', '.join(sorted(_BUILDERS))}"
                )
            builders.add(builder)
    if len(builders) > 1:
        raise PromptSetError(
            f"public set {info.name!r}: data_files mixes file types ({', '.join(sorted(builders))});"
            " use one type"
        )
    return files


def _load_local(
    datasets: Any, info: PublicSetInfo, files: dict[str, list[str]], cache: str | None
) -> list[_Part]:
    kinds = dict(info.splits)
    parts = []
    for split, paths in files.items():
        builder = _BUILDERS[Path(paths[0]).suffix.lower()]
        try:
            ds = datasets.load_dataset(builder, data_files={split: paths}, split=split,
                                       cache_dir=cache)
        except Exception as exc:
            raise PromptSetError(
                f"public set {info.name!r}: could not read {', '.join(paths)} with the "
                f"datasets {builder!r} builder: {type(exc).__name__}: {exc}"
            ) from exc
        source = ", ".join(paths)
        parts.append(_Part(split, kinds[split], source, list(ds.column_names), ds))
    return parts


# ----------------------------------------------------------------------------------------
# mapping rows to records


def _slug(value: Any) -> str:
    return _ID_UNSAFE.sub("-", str(value).strip().lower()).strip("-._:/")


def _json_value(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (list, tuple)):
        return [_json_value(v) for v in value]
    return str(value)


def _map_rows(info: PublicSetInfo, rev: str, parts: list[_Part]) -> list[PromptRecord]:
    cm = info.columns
    kinds = dict(cm.label_kinds)
    multi = len(info.splits) > 1
    by_id: dict[str, tuple[PromptRecord, str]] = {}
    out: list[PromptRecord] = []
    for part in parts:
        missing = [c for c in cm.required() if c not in part.columns]
        if missing:
            raise PromptSetError(
                f"public set {info.name!r}: column(s) {', '.join(map(repr, missing))} missing "
                f"from {part.source}; it has {', '.join(map(repr, part.columns)) or 'none'}. "
                f"The {info.name} loader expects {', '.join(map(repr, cm.required()))} "
                f"(the layout of {info.repo} at revision {info.revision})."
            )
        filters = [(c, set(v)) for c, v in cm.where if c in part.columns]
        for n, row in enumerate(part.rows, start=1):
            if any(str(row.get(c)) not in allowed for c, allowed in filters):
                continue
            where = f"{part.source}, row {n}"
            prompt = _prompt_of(info, row, where)
            if cm.id_columns:
                raw = [row.get(c) for c in cm.id_columns]
                if any(v is None or str(v).strip() == "" for v in raw):
                    raise PromptSetError(
                        f"public set {info.name!r}: {where} has no id in "
                        f"{', '.join(map(repr, cm.id_columns))}"
                    )
                source_id = "/".join(str(v).strip() for v in raw)
                rid = "-".join([info.name] + ([part.split] if multi else []) +
                               [_slug(v) for v in raw])
            else:
                source_id = None
                digest = hashlib.sha256(prompt.encode("utf-8")).hexdigest()[:HASH_ID_LEN]
                rid = f"{info.name}-{digest}"
            if cm.label is not None:
                label = str(row.get(cm.label) or "").strip().lower()
                if label not in kinds:
                    raise PromptSetError(
                        f"public set {info.name!r}: {where} has {cm.label}={row.get(cm.label)!r};"
                        f" expected one of {', '.join(sorted(kinds))}"
                    )
                kind = kinds[label]
            else:
                kind = part.kind or "harmful"
            category = (
                normalise_category(row.get(cm.category), cm.default_category)
                if cm.category is not None else cm.default_category
            )
            extra: dict[str, Any] = {"source": info.name, "source_revision": rev}
            if source_id is not None:
                extra["source_id"] = source_id
            for key, col in cm.extras:
                value = _json_value(row.get(col))
                if value is not None and value != "":
                    extra[key] = value
            rec = PromptRecord(rid, prompt, category, kind, "dev", extra)
            if rid in by_id:
                first, first_where = by_id[rid]
                if first.to_dict() == rec.to_dict():
                    logger.warning("public set %s: %s repeats %s; kept once", info.name, where,
                                   first_where)
                    continue
                raise PromptSetError(
                    f"public set {info.name!r}: {where} and {first_where} map to the same id "
                    f"{rid!r} with different content"
                )
            by_id[rid] = (rec, where)
            out.append(rec)
    if not out:
        raise PromptSetError(f"public set {info.name!r}: no rows to load from "
                             f"{'; '.join(p.source for p in parts)}")
    return out


def _prompt_of(info: PublicSetInfo, row: Mapping[str, Any], where: str) -> str:
    cm = info.columns
    value = row.get(cm.prompt)
    if cm.prompt_item is not None:
        if isinstance(value, str) or not isinstance(value, Sequence) or \
                len(value) <= cm.prompt_item:
            raise PromptSetError(
                f"public set {info.name!r}: {where}: column {cm.prompt!r} should be a list "
                f"with an item {cm.prompt_item}; got {value!r}"
            )
        value = value[cm.prompt_item]
    if not isinstance(value, str) or not value.strip():
        raise PromptSetError(
            f"public set {info.name!r}: {where} has an empty prompt in column {cm.prompt!r}"
        )
    prompt = value.strip()
    if cm.context is not None:
        context = row.get(cm.context)
        if isinstance(context, str) and context.strip():
            prompt = CONTEXT_TEMPLATE.format(context=context.strip(), prompt=prompt)
    return prompt


def _split_key(seed: int, rid: str) -> float:
    digest = hashlib.sha256(f"{seed}:{rid}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2.0**64


def _assign_splits(
    records: list[PromptRecord], seed: int, test_fraction: float
) -> list[PromptRecord]:
    """test if hash(seed, id) < test_fraction. Per record, so adding rows never moves others;
    if that leaves a split empty (few rows), the record nearest the threshold moves over."""
    keys = {r.id: _split_key(seed, r.id) for r in records}
    test = {rid for rid, k in keys.items() if k < test_fraction}
    if 0.0 < test_fraction < 1.0 and len(records) >= 2:
        if not test:
            test = {min(keys, key=lambda rid: keys[rid])}
        elif len(test) == len(records):
            test.discard(max(keys, key=lambda rid: keys[rid]))
    return sorted(
        (
            PromptRecord(r.id, r.prompt, r.category, r.kind,
                         "test" if r.id in test else "dev", r.extra)
            for r in records
        ),
        key=lambda r: r.id,
    )


# ----------------------------------------------------------------------------------------
# freezing


def export_jsonl(promptset: PromptSet, path: str | os.PathLike[str]) -> Path:
    """Write ``promptset`` as compsec JSONL (canonical form) at ``path``, atomically.

    The file is written to a temporary file next to ``path`` and moved into place with
    ``os.replace``, so a reader never sees a half-written file. For a set from
    :func:`load_public`, the file's sha256 equals ``promptset.sha256``.
    """
    out = Path(path)
    if out.is_dir():
        raise OutputPathError(f"cannot write prompt set to {str(out)!r}: it is a directory")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputPathError(
            f"cannot create the folder {str(out.parent)!r} for {str(out)!r}: {exc}"
        ) from exc
    data = canonical_jsonl(promptset.records).encode("utf-8")
    try:
        fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    except OSError as exc:
        raise OutputPathError(f"cannot write to {str(out.parent)!r}: {exc}") from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        # mkstemp creates the file 0600; give it the mode of the file it replaces, or 0644
        os.chmod(tmp, out.stat().st_mode & 0o777 if out.exists() else 0o644)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out
