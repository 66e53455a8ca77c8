"""The tracking attach rules on a ledger alone (no workspace, no Context): our id first, then the one look-alike
untracked parcel, extra boxes only for a parcel this file matched, a number never attached twice."""

from __future__ import annotations

from datetime import date

import pytest

from chulgo.attach import Attachment, attach_results
from chulgo.ledger import Ledger
from chulgo.model import OrderLine, ParcelLine, Recipient, Shipment, TrackingResult

TODAY = date(2026, 11, 23)
PEOPLE = {"P-1": Recipient("남솔람", "010-5286-3454", "", "16523", "경기도 수원시 영통구 광교중앙로 239"),
          "P-2": Recipient("여하늘", "010-7788-1200", "", "48058", "부산광역시 해운대구 해운대로 1 101동"),
          "P-3": Recipient("여하늘", "010-3322-9911", "", "04524", "서울특별시 중구 세종대로 110")}


@pytest.fixture
def ledger(tmp_path) -> Ledger:
    """Three printed, untracked parcels of one line each; two recipients share a name."""
    ledger = Ledger(tmp_path / "l.sqlite")
    lines = [OrderLine("smartstore", f"L-{sid}", f"O-{sid}", f"B-{sid}", "P", "", "티셔츠", "", 1, r, "", "", "")
             for sid, r in PEOPLE.items()]
    with ledger.transaction():
        ledger.upsert_lines(lines)
        batch = ledger.new_batch(TODAY.isoformat(), "cj").batch_id
        ledger.add_shipments([Shipment(sid, batch, "cj", r, (ParcelLine("smartstore", f"L-{sid}", f"O-{sid}", "티셔츠",
                                                                         "", 1, ()),)) for sid, r in PEOPLE.items()])
    return ledger


def result(no: str, ref: str = "", who: str = "", row: int = 2) -> TrackingResult:
    r = PEOPLE.get(who) or Recipient("", "", "", "", "")
    return TrackingResult("cj", no, ref, r.name, r.phone, r.address, "cj.xlsx", row)


def attach(ledger: Ledger, results: list[TrackingResult]):
    with ledger.transaction():
        return attach_results(ledger, results, TODAY)


def test_our_id_attaches_and_the_same_row_again_is_counted_not_attached_twice(ledger):
    first = attach(ledger, [result("600000000001", "P-1", "P-1")])
    assert first.attachments == [Attachment("cj", "600000000001", "P-1", "cj.xlsx")] and not first.problems
    again = attach(ledger, [result("600000000001", "P-1", "P-1")])
    assert (again.attachments, again.again, again.unmatched) == ([], 1, 0)


def test_without_our_id_the_one_look_alike_parcel_takes_it_and_two_look_alikes_take_nothing(ledger):
    named_only = TrackingResult("cj", "600000000003", "", "여하늘", "", "", "cj.xlsx", 3)     # P-2 or P-3?
    out = attach(ledger, [result("600000000002", who="P-1", row=2), named_only])
    assert out.attachments == [Attachment("cj", "600000000002", "P-1", "cj.xlsx")]
    assert out.unmatched == 1 and [p.code for p in out.problems] == ["unmatched_tracking"]
    assert "600000000003" in out.problems[0].text() and "cj.xlsx 3행" in out.problems[0].text()
    assert [u.tracking_no for u in ledger.unmatched_tracking()] == ["600000000003"]


def test_a_second_box_goes_only_to_a_parcel_this_file_matched(ledger):
    boxes = attach(ledger, [result("600000000004", who="P-2", row=2), result("600000000005", who="P-2", row=3)])
    assert [(a.tracking_no, a.shipment_id) for a in boxes.attachments] == [("600000000004", "P-2"),
                                                                           ("600000000005", "P-2")]
    later = attach(ledger, [result("600000000006", who="P-2", row=2)])     # tracked already: no parcel fits now
    assert later.attachments == [] and later.unmatched == 1


def test_a_number_on_one_parcel_is_refused_for_another(ledger):
    attach(ledger, [result("600000000007", "P-1", "P-1")])
    out = attach(ledger, [result("600000000007", "P-3", "P-3")])
    assert out.attachments == [] and [p.code for p in out.problems] == ["tracking_reused"]


def test_our_id_on_someone_elses_recipient_is_never_attached(ledger):
    out = attach(ledger, [TrackingResult("cj", "600000000008", "P-1", "김다른", "010-9999-0000", "", "cj.xlsx", 2)])
    assert out.attachments == [] and out.unmatched == 1 and "다른 작업 폴더" in out.problems[0].text()
