"""The shipped prompt sets (compsec_tasks/data) and the loader's handling of bad files."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from compsec_tasks import promptsets
from compsec_tasks.errors import PromptSetError, UnknownNameError

ROOT = Path(__file__).resolve().parent.parent
SET_NAMES = ("harmful", "benign", "backdoor", "paraphrase")

# name: (kind, id pattern, min records, min categories, min per category, splits per category)
EXPECTED = {
    "harmful": ("harmful", r"harm-[a-z_]+-\d{3}", 300, 10, 20, {"dev", "test"}),
    "benign": ("benign", r"benign-[a-z_]+-\d{3}", 300, 10, 20, {"dev", "test"}),
    "backdoor": ("harmful", r"bd-\d{3}", 80, 10, 5, {"dev", "test"}),
    "paraphrase": ("harmful", r"para-\d{3}", 60, 10, 3, {"test"}),
}


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


@pytest.fixture(scope="module")
def sets() -> dict[str, promptsets.PromptSet]:
    return {name: promptsets.load(name) for name in SET_NAMES}


def test_every_shipped_set_is_tested():
    assert set(promptsets.SHIPPED) == set(SET_NAMES)


@pytest.mark.parametrize("name", SET_NAMES)
def test_counts_kinds_and_ids(sets, name):
    kind, id_pattern, min_total, min_cats, min_per_cat, _ = EXPECTED[name]
    ps = sets[name]
    assert ps.name == name
    assert ps.version == promptsets.SHIPPED[name].version
    assert len(ps) >= min_total
    per_cat = Counter(r.category for r in ps)
    assert len(per_cat) >= min_cats, per_cat
    thin = {c: n for c, n in per_cat.items() if n < min_per_cat}
    assert not thin, f"{name}: categories below {min_per_cat}: {thin}"
    assert {r.kind for r in ps} == {kind}
    bad_ids = [r.id for r in ps if not re.fullmatch(id_pattern, r.id)]
    assert not bad_ids, bad_ids


@pytest.mark.parametrize("name", SET_NAMES)
def test_every_category_has_the_expected_splits(sets, name):
    splits = EXPECTED[name][5]
    by_cat: dict[str, set[str]] = defaultdict(set)
    for r in sets[name]:
        by_cat[r.category].add(r.split)
    wrong = {c: sorted(s) for c, s in by_cat.items() if s != splits}
    assert not wrong, f"{name}: categories without splits {sorted(splits)}: {wrong}"


@pytest.mark.parametrize("name", ["harmful", "benign", "backdoor"])
def test_splits_are_roughly_balanced_per_category(sets, name):
    per = Counter((r.category, r.split) for r in sets[name])
    for cat in sets[name].categories:
        dev, test = per[(cat, "dev")], per[(cat, "test")]
        assert abs(dev - test) <= max(2, (dev + test) // 5), (cat, dev, test)


@pytest.mark.parametrize("name", ["benign", "backdoor", "paraphrase"])
def test_categories_are_those_of_the_harmful_set(sets, name):
    assert set(sets[name].categories) <= set(sets["harmful"].categories)


def test_benign_twins_resolve_to_harmful_prompts_in_the_same_split(sets):
    harmful = {r.id: r for r in sets["harmful"]}
    benign = list(sets["benign"])
    twinned = [r for r in benign if "twin_id" in r.extra]
    assert len(twinned) * 2 >= len(benign), "at least half the benign prompts need a twin"
    for r in twinned:
        twin = harmful.get(r.extra["twin_id"])
        assert twin is not None, f"{r.id}: twin_id {r.extra['twin_id']!r} is not a harmful id"
        assert twin.split == r.split, f"{r.id} is {r.split} but its twin {twin.id} is {twin.split}"
        assert twin.category == r.category, (r.id, twin.id)


def test_paraphrases_resolve_to_harmful_test_prompts(sets):
    harmful = {r.id: r for r in sets["harmful"]}
    for r in sets["paraphrase"]:
        assert r.split == "test"
        src = harmful.get(r.extra.get("source_id", ""))
        assert src is not None, f"{r.id}: source_id {r.extra.get('source_id')!r} is unknown"
        assert src.split == "test", f"{r.id}: source {src.id} is in the {src.split} split"
        assert src.category == r.category, (r.id, src.id)
        assert _norm(src.prompt) != _norm(r.prompt)


def test_no_prompt_text_is_repeated_within_or_across_sets(sets):
    seen: dict[str, str] = {}
    dupes = []
    for name in SET_NAMES:
        for r in sets[name]:
            key = _norm(r.prompt)
            if key in seen:
                dupes.append((seen[key], f"{name}:{r.id}"))
            seen.setdefault(key, f"{name}:{r.id}")
    assert not dupes, dupes


def test_prompts_hold_no_trigger_like_tokens(sets):
    # the backdoor task inserts the trigger itself; shipped text must not carry one
    for name in SET_NAMES:
        for r in sets[name]:
            assert "::" not in r.prompt and "<|" not in r.prompt, (name, r.id)
            assert r.prompt == r.prompt.strip() and "\n" not in r.prompt, (name, r.id)


@pytest.mark.parametrize("name", SET_NAMES)
def test_sha256_is_the_file_hash_and_stable(sets, name):
    path = promptsets.data_path(promptsets.SHIPPED[name].filename)
    expected = hashlib.sha256(path.read_bytes()).hexdigest()
    first = promptsets.load_file(path, name)
    second = promptsets.load_file(path, name)
    assert first.sha256 == second.sha256 == sets[name].sha256 == expected
    assert first.records == second.records


@pytest.mark.parametrize("name", SET_NAMES)
def test_files_are_utf8_jsonl_with_the_schema_key_order(name):
    path = promptsets.data_path(promptsets.SHIPPED[name].filename)
    raw = path.read_bytes()
    assert raw.endswith(b"\n") and b"\r" not in raw
    for line in raw.decode("utf-8").splitlines():
        obj = json.loads(line)
        assert list(obj)[:5] == list(promptsets.REQUIRED_FIELDS)
        assert line == json.dumps(obj, ensure_ascii=False)


def test_build_script_reproduces_the_shipped_files():
    path = ROOT / "scripts" / "build_promptsets.py"
    spec = importlib.util.spec_from_file_location("build_promptsets", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(["--check"]) == 0, "run: python scripts/build_promptsets.py"


def test_load_by_path_and_unknown_name(tmp_path):
    f = tmp_path / "mine.jsonl"
    f.write_text(
        '{"id": "a-1", "prompt": "p", "category": "c", "kind": "benign", "split": "dev"}\n',
        encoding="utf-8",
    )
    assert [r.id for r in promptsets.load(str(f))] == ["a-1"]
    with pytest.raises(UnknownNameError, match="harmful"):
        promptsets.load("harmfull")


# ---- the loader on bad input ---------------------------------------------------------------

GOOD = {"id": "x-1", "prompt": "p", "category": "c", "kind": "harmful", "split": "dev"}


def _line(**changes: object) -> str:
    obj = {**GOOD, **changes}
    return json.dumps({k: v for k, v in obj.items() if v is not None})


BAD_FILES = {
    # case: (file text, fragments the message must contain; {path} is the file's path)
    "duplicate-id": (
        [_line(), _line(id="x-2"), _line(prompt="q")],
        ["{path}:3", "duplicate id 'x-1'", "line 1"],
    ),
    "missing-prompt": ([_line(), _line(id="x-2", prompt=None)], ["{path}:2", "prompt"]),
    "missing-split": ([_line(split=None)], ["{path}:1", "split"]),
    "invalid-json": ([_line(), '{"id": "x-2", "prompt": '], ["{path}:2", "not valid JSON"]),
    "not-an-object": (["[1, 2]"], ["{path}:1", "JSON object"]),
    "bad-kind": ([_line(kind="evil")], ["{path}:1", "kind 'evil'", "harmful"]),
    "bad-split": ([_line(), _line(id="x-2", split="train")], ["{path}:2", "split 'train'"]),
    "bad-id": ([_line(id="Has Space")], ["{path}:1", "'Has Space'"]),
    "empty-field": ([_line(category=" ")], ["{path}:1", "'category'", "non-empty"]),
    "non-string-field": ([_line(prompt=7)], ["{path}:1", "'prompt'"]),
    "empty-file": ([], ["{path}", "no records"]),
    "blank-lines-only": (["", "   ", ""], ["{path}", "no records"]),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_load_file_rejects_bad_input(tmp_path, case):
    lines, fragments = BAD_FILES[case]
    path = tmp_path / f"{case}.jsonl"
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    with pytest.raises(PromptSetError) as info:
        promptsets.load_file(path)
    message = str(info.value)
    for fragment in fragments:
        assert fragment.format(path=path) in message, message


@pytest.mark.parametrize("case", sorted(set(BAD_FILES) - {"empty-file", "blank-lines-only"}))
def test_parse_records_names_the_source(case):
    lines, fragments = BAD_FILES[case]
    with pytest.raises(PromptSetError) as info:
        promptsets.parse_records(lines, "my-source")
    message = str(info.value)
    assert message.startswith("my-source:")
    for fragment in fragments[1:]:
        assert fragment in message, message


@pytest.mark.parametrize("path", ["does-not-exist.jsonl", "sub/dir/none.jsonl", "."])
def test_load_file_rejects_a_missing_path(tmp_path, path):
    target = tmp_path / path
    with pytest.raises(PromptSetError, match="does not exist"):
        promptsets.load_file(target)


def test_good_file_keeps_extras_and_skips_blank_lines(tmp_path):
    path = tmp_path / "ok.jsonl"
    path.write_text(
        "\n" + _line(twin_id="harm-x-001", lang="en") + "\n\n" + _line(id="x-2") + "\n",
        encoding="utf-8",
    )
    ps = promptsets.load_file(path)
    assert ps.name == "ok" and len(ps) == 2
    assert ps.records[0].extra == {"twin_id": "harm-x-001", "lang": "en"}
    assert ps.records[0].to_dict() == {**GOOD, "twin_id": "harm-x-001", "lang": "en"}
    assert ps.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
