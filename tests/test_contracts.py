"""The contract every channel and courier template keeps, checked for each template found — the repo's, and with
CHULGO_CONTRACT_WORKSPACE=<workspace> that workspace's own (templates/channels/*.toml, templates/couriers/*.toml):

- a channel claims its fixture export and no other format does; the export reads to the golden lines; its upload
  is written to the golden file; upload cells stay text and a formula-looking value never becomes a formula;
- a courier, for every waybill layout, writes the request to the golden file (text, no formulas); its result file is
  claimed by that courier only, and every tracking number it carries attaches to its own parcel (chulgo/attach.py).

Fixtures: the repo's templates use made-up files from chulgo/samples (fixtures.py, the courier simulator); goldens
are tests/golden/<fixture>.lines.tsv, <channel>.invoice.tsv, <courier>[.<layout>].waybill.tsv. A workspace template
(or a repo template without a samples writer) brings its own next to it: <stem>.fixture.xlsx (an export, or a
courier's result file, with made-up people), and its goldens <stem>.fixture.lines.tsv, <stem>.invoice.tsv,
<stem>[.<layout>].waybill.tsv (CHULGO_REGEN_GOLDEN=1 writes them; read them before trusting them). A template
without a fixture fails here with a message saying what to add.
"""

from __future__ import annotations

import dataclasses
import os
import zipfile
from pathlib import Path

import pytest

from chulgo import samples
from chulgo.attach import attach_results
from chulgo.channels import load_channels
from chulgo.couriers import load_couriers
from chulgo.identify import Formats, InputFile
from chulgo.ledger import Ledger
from chulgo.model import OrderLine, Recipient, Shipment
from chulgo.files import read_tables
from chulgo.samples.fixtures import CHANNEL_FIXTURES, SAME_ROWS
from tests.conftest import GOLDEN, PRINTED, SELLER, check_golden, dump_lines, dump_workbook, identified, invoiced, \
    lines_of

WORKSPACE = Path(os.environ["CHULGO_CONTRACT_WORKSPACE"]) if os.environ.get("CHULGO_CONTRACT_WORKSPACE") else None
CHANNELS = load_channels(WORKSPACE)
COURIERS = load_couriers(WORKSPACE)
FORMULA = "=HYPERLINK(\"http://x\",\"y\")"


def _own_fixtures(template: Path) -> list[Path]:
    """The fixture files a template brings beside it (<stem>.fixture*.xlsx …)."""
    return sorted(p for p in template.parent.glob(f"{template.stem}.fixture*") if p.suffix != ".tsv")


def _own(template: Path) -> bool:
    """The template brings its own fixture and goldens beside it: a workspace's template always does (or fails
    saying so); a repo template does when it has a fixture file there instead of one made by chulgo/samples."""
    return (WORKSPACE is not None and WORKSPACE in template.parents) or bool(_own_fixtures(template))


def _channel_params() -> list:
    """(fixture name, channel id) of every channel template's fixture; (None, id) for a template without one."""
    out = []
    for cid, ch in CHANNELS.items():
        if _own(ch.path):
            names = [p.name for p in _own_fixtures(ch.path)]
        else:
            names = [name for name, owner in CHANNEL_FIXTURES.items() if owner == cid]
        out += [pytest.param(n, cid, id=n) for n in names] or [pytest.param(None, cid, id=f"{cid}-no-fixture")]
    return out


def _courier_params() -> list:
    return [pytest.param(cid, layout, id=f"{cid}.{layout}" if layout else cid)
            for cid, co in COURIERS.items() for layout in ["", *co.layouts]]


def _no_fixture(what: str, template: Path) -> None:
    pytest.fail(f"{template}: 이 템플릿의 시험 파일이 없습니다. 가짜 이름·주소로 만든 {what}을(를) {template.stem}.fixture.xlsx 로 "
                f"템플릿 옆에 두고 CHULGO_REGEN_GOLDEN=1 로 한 번 실행해 정답 파일({template.stem}.*.tsv)을 만든 뒤 "
                "내용을 확인하세요.")


# -- fixtures ------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def fixture_files(exports) -> dict[str, Path]:
    """{fixture name: file}: the repo's made-up exports, and a workspace template's own files."""
    files = dict(exports.files)
    for ch in CHANNELS.values():
        if _own(ch.path):
            files.update({p.name: p for p in _own_fixtures(ch.path)})
    return files


def _formats() -> Formats:
    return Formats(list(CHANNELS.values()), list(COURIERS.values()))


def _identified(path: Path) -> InputFile:
    return identified(path, _formats())


def _lines(path: Path) -> list[OrderLine]:
    return lines_of(path, _formats())


def _no_formula(path: Path) -> None:
    with zipfile.ZipFile(path) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/")]
        assert sheets and not any(b"<f>" in z.read(n) or b"<f " in z.read(n) for n in sheets), f"{path.name}: a formula"


# -- channels ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("fixture, cid", _channel_params())
def test_a_channel_claims_its_export_and_no_other_format_does(fixture_files, fixture, cid):
    if fixture is None:
        _no_fixture("그 채널의 주문 내보내기 파일", CHANNELS[cid].path)
    f = _identified(fixture_files[fixture])
    assert not f.error, f.error
    assert [ch.id for ch, _ in f.orders] == [cid] * len(f.orders) and f.orders, f"{fixture}: claimed by {f.orders}"
    assert not f.claims and not f.tracking


@pytest.mark.parametrize("fixture, cid", _channel_params())
def test_a_channel_reads_its_export_to_the_golden_lines(fixture_files, fixture, cid):
    if fixture is None:
        _no_fixture("그 채널의 주문 내보내기 파일", CHANNELS[cid].path)
    path = fixture_files[fixture]
    golden = path.with_name(f"{path.stem}.lines.tsv") if _own(CHANNELS[cid].path) \
        else GOLDEN / f"{SAME_ROWS.get(fixture, fixture)}.lines.tsv"
    check_golden(golden, dump_lines(_lines(path)))


def _first_fixture(cid: str) -> str:
    names = [p.values[0] for p in _channel_params() if p.values[1] == cid]
    if names[0] is None:
        _no_fixture("그 채널의 주문 내보내기 파일", CHANNELS[cid].path)
    return names[0]


@pytest.mark.parametrize("cid", list(CHANNELS))
def test_a_channel_writes_its_upload_to_the_golden_file(fixture_files, cid, tmp_path):
    channel = CHANNELS[cid]
    paths = channel.write_invoices(invoiced(_lines(fixture_files[_first_fixture(cid)])), tmp_path, "golden")
    assert len(paths) == 1
    golden = channel.path.with_name(f"{channel.path.stem}.invoice.tsv") if _own(channel.path) \
        else GOLDEN / f"{cid}.invoice.tsv"
    check_golden(golden, dump_workbook(paths[0]))


@pytest.mark.parametrize("cid", list(CHANNELS))
def test_an_upload_keeps_text_and_never_writes_a_formula(fixture_files, cid, tmp_path):
    """Every value that reaches the upload — order numbers, the export's own cells — is written as text: a value
    that looks like a formula stays those characters, and the file holds no formula at all."""
    lines = [dataclasses.replace(l, order_no=f"{FORMULA}{i}", line_key=f"{FORMULA}{i}",
                                 raw=tuple(f"{FORMULA}{i}" if c else c for c in l.raw))
             for i, l in enumerate(_lines(fixture_files[_first_fixture(cid)]))]
    [path] = CHANNELS[cid].write_invoices(invoiced(lines), tmp_path, "formula")
    _no_formula(path)
    cells = [c for t in read_tables(path, {}) for row in t.rows for c in row]
    risky = [c for c in cells if c.startswith("=")]
    assert risky and all(c.startswith(FORMULA) for c in risky), f"{cid}: formula-looking values not kept as text"


# -- couriers ------------------------------------------------------------------------------------------------

def _courier(cid: str, layout: str):
    return load_couriers(WORKSPACE, {cid: layout} if layout else None)[cid]


@pytest.mark.parametrize("cid, layout", _courier_params())
def test_a_courier_writes_its_waybill_request_to_the_golden_file(parcels, cid, layout, tmp_path):
    co = _courier(cid, layout)
    shipments = [dataclasses.replace(s, courier=cid) for s in parcels[1]]
    path = co.write_waybills(shipments, SELLER, tmp_path, "golden")
    stem = f"{cid}.{layout}" if layout else cid
    check_golden(co.path.with_name(f"{co.path.stem}{'.' + layout if layout else ''}.waybill.tsv") if _own(co.path)
                 else GOLDEN / f"{stem}.waybill.tsv", dump_workbook(path))


@pytest.mark.parametrize("cid, layout", _courier_params())
def test_a_waybill_request_keeps_text_and_never_writes_a_formula(parcels, cid, layout, tmp_path):
    r = parcels[1][0].recipient
    risky = dataclasses.replace(parcels[1][0], courier=cid, recipient=Recipient(r.name, r.phone, r.phone2, r.zip,
                                                                                 r.address, FORMULA))
    path = _courier(cid, layout).write_waybills([risky], SELLER, tmp_path, "formula")
    _no_formula(path)
    cells = [c for t in read_tables(path, {}) for row in t.rows for c in row]
    assert all(not c.startswith("=") or FORMULA in c for c in cells)


def _result_file(cid: str, layout: str, request: Path, out: Path, shipments: list[Shipment]) -> tuple[Path, dict]:
    """The courier's result for ``request``: the simulator's for a courier it knows ({parcel: numbers}), else the
    workspace template's own fixture ({} — no truth known beyond its own rows)."""
    co = _courier(cid, layout)
    if cid in samples.COURIERS:
        truth = samples.write_courier_result(request, out, courier_id=cid, shipment_ids=[s.shipment_id for s in shipments])
        return out, truth
    own = _own_fixtures(co.path) if _own(co.path) else []
    if not own:
        _no_fixture("그 택배사의 결과(운송장번호) 파일", co.path)
    return own[0], {}


@pytest.mark.parametrize("cid, layout", _courier_params())
def test_a_courier_result_is_claimed_by_that_courier_only_and_each_number_finds_its_own_parcel(parcels, cid, layout,
                                                                                               tmp_path):
    lines, shipments = parcels
    shipments = [dataclasses.replace(s, courier=cid) for s in shipments]
    request = _courier(cid, layout).write_waybills(shipments, SELLER, tmp_path, "req")
    result, truth = _result_file(cid, layout, request, tmp_path / "result.xlsx", shipments)
    f = _identified(result)
    assert not f.error and f.tracking and not f.orders and not f.claims, (f.error, f.orders, f.claims)
    assert {reader.id for reader, _ in f.tracking} == {cid}
    _, results, problems = f.read_tracking()
    assert not problems and results, [p.text() for p in problems]

    ledger = Ledger(tmp_path / "l.sqlite")
    with ledger.transaction():
        ledger.upsert_lines(lines)
        batch = ledger.new_batch(PRINTED.isoformat(), cid).batch_id
        ledger.add_shipments([dataclasses.replace(s, batch_id=batch) for s in shipments])
        outcome = attach_results(ledger, results, PRINTED)
    owner = {no: sid for sid, numbers in truth.items() for no in numbers}
    wrong = [(a.tracking_no, a.shipment_id) for a in outcome.attachments if owner and owner[a.tracking_no] != a.shipment_id]
    assert not wrong, f"numbers on the wrong parcel: {wrong[:5]}"
    if truth:          # by our id or, where the layout drops it, by recipient: every number on its own parcel
        assert {(a.tracking_no, a.shipment_id) for a in outcome.attachments} == set(owner.items()), outcome.problems
    else:              # a workspace's own result file: what is not attached is named, never guessed
        assert len(outcome.attachments) + outcome.unmatched == len(results) and outcome.attachments
        assert all(p.code == "unmatched_tracking" for p in outcome.problems)


# -- the suite itself ------------------------------------------------------------------------------------------

def test_every_template_has_its_contract_and_one_without_a_fixture_is_named(tmp_path, monkeypatch):
    """Every template found is in the parametrisation above; a workspace template without a fixture gets a param
    that fails saying which file to add."""
    assert {p.values[1] for p in _channel_params()} == set(CHANNELS)
    assert {p.values[0] for p in _courier_params()} == set(COURIERS)
    ws = tmp_path / "ws"
    (ws / "templates" / "channels").mkdir(parents=True)
    toml = (Path(__file__).parent.parent / "templates" / "channels" / "cafe24.toml").read_text(encoding="utf-8")
    (ws / "templates" / "channels" / "myshop.toml").write_text(toml.replace('id = "cafe24"', 'id = "myshop"'),
                                                                encoding="utf-8")
    import tests.test_contracts as suite
    monkeypatch.setattr(suite, "WORKSPACE", ws)
    monkeypatch.setattr(suite, "CHANNELS", load_channels(ws))
    assert [tuple(p.values) for p in suite._channel_params() if p.values[1] == "myshop"] == [(None, "myshop")]
    with pytest.raises(pytest.fail.Exception, match=r"myshop\.toml: 이 템플릿의 시험 파일이 없습니다.*myshop\.fixture\.xlsx"):
        suite._first_fixture("myshop")


def test_a_workspace_template_with_its_own_fixture_gets_the_contract(tmp_path):
    """A seller's own 카페24 template and export beside it: the first run writes its goldens there, the next passes
    on them, and a golden that no longer matches fails it."""
    import subprocess
    import sys

    ws = tmp_path / "ws"
    own = ws / "templates" / "channels"
    own.mkdir(parents=True)
    repo = Path(__file__).resolve().parent.parent
    (own / "cafe24.toml").write_text((repo / "templates" / "channels" / "cafe24.toml").read_text(encoding="utf-8")
                                     .replace('name = "카페24"', 'name = "우리 카페24"'), encoding="utf-8")
    rows = samples.generate_day(seed=8, lines=12).cafe24
    samples.write_cafe24_export(own / "cafe24.fixture.xlsx", rows)

    def run(**env) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", __file__, "-k",
                               "cafe24 and not workspace_template"], cwd=repo, capture_output=True, text=True,
                              env={**{k: v for k, v in os.environ.items() if k != "CHULGO_REGEN_GOLDEN"},
                                   "CHULGO_CONTRACT_WORKSPACE": str(ws), **env})

    first = run(CHULGO_REGEN_GOLDEN="1")
    assert first.returncode == 0, first.stdout[-2000:]
    assert sorted(p.name for p in own.glob("*.tsv")) == ["cafe24.fixture.lines.tsv", "cafe24.invoice.tsv"]
    assert len((own / "cafe24.fixture.lines.tsv").read_text(encoding="utf-8").splitlines()) == len(rows)
    assert run().returncode == 0
    (own / "cafe24.invoice.tsv").write_text("## 바뀜\n", encoding="utf-8")
    failed = run()
    assert failed.returncode == 1 and "cafe24.invoice.tsv differs from the golden file" in failed.stdout
