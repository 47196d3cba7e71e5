"""The right-of-reply fold: status and wording follow from the log and the date."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from workbench.analysis import replies as rr


@dataclass(frozen=True)
class Ev:
    id: str
    kind: str
    payload: dict[str, Any] = field(default_factory=dict)
    hlc: str = "0"
    author: str = "tester"


def request(eid: str = "q1", company: str = "Acme", day: str = "2024-05-29",
            deadline: str = "2024-06-07", **more: Any) -> Ev:
    return Ev(eid, rr.REQUEST, {"company": company, "channel": "email", "date": day,
                                "deadline": deadline, **more})


def reply(eid: str, day: str, channel: str = "email", **more: Any) -> Ev:
    return Ev(eid, rr.RESPONSE, {"company": "Acme", "channel": channel, "date": day,
                                 "text": f"answer {eid}", **more})


def fold(*log: Ev, today: str = "2024-06-20") -> rr.CompanyReplies:
    (record,) = rr.fold_replies(list(log), date.fromisoformat(today))
    return record


def test_no_events_no_record() -> None:
    assert rr.fold_replies([], date(2024, 6, 1)) == []


def test_awaiting_then_did_not_respond_by_itself() -> None:
    before = fold(request(), today="2024-06-07")
    assert (before.status, before.wording, before.overdue) == ("awaiting reply", None, False)
    after = fold(request(), today="2024-06-08")
    assert after.status == "did not respond"
    assert after.wording == "did not respond to requests for comment"
    assert after.overdue


def test_extension_moves_the_deadline() -> None:
    log = (request(), request("q2", day="2024-06-10", extension_until="2024-06-12"))
    assert fold(*log, today="2024-06-11").status == "awaiting reply"
    assert fold(*log, today="2024-06-13").deadline == "2024-06-12"
    assert fold(*log, today="2024-06-13").status == "did not respond"


def test_late_reply_changes_the_wording() -> None:
    record = fold(request(), reply("r1", "2024-06-15", statement=True))
    assert record.status == "replied"
    assert record.wording == "said in a statement on 15 June 2024"
    assert record.replies[0]["late"] is True
    by_phone = fold(request(), reply("r1", "2024-06-15", channel="phone"))
    assert by_phone.wording == "said on 15 June 2024"


def test_could_not_be_reached_is_not_did_not_respond() -> None:
    failed = [
        Ev("a1", rr.ATTEMPT, {"company": "Acme", "channel": "email", "date": "2024-05-29",
                              "outcome": "bounced"}),
        Ev("a2", rr.ATTEMPT, {"company": "Acme", "channel": "visit", "date": "2024-06-06",
                              "outcome": "office not found"}),
    ]
    record = fold(request(), *failed)
    assert record.status == "could not be reached"
    assert record.wording == "could not be reached for comment"
    reached = Ev("a3", rr.ATTEMPT, {"company": "Acme", "channel": "phone", "date": "2024-06-03",
                                    "outcome": "left message"})
    assert fold(request(), *failed, reached).status == "did not respond"


def test_declined() -> None:
    refusal = Ev("d1", rr.DECLINED, {"company": "Acme", "channel": "phone", "date": "2024-06-01"})
    record = fold(request(), refusal)
    assert (record.status, record.wording) == ("declined", "declined to comment")


def test_two_answers_shown_side_by_side_with_the_contradiction() -> None:
    first = reply("r1", "2024-06-05", channel="phone", who="a representative")
    second = reply("r2", "2024-06-10", statement=True, contradicts="r1")
    record = fold(request(), first, second)
    assert [r["id"] for r in record.replies] == ["r1", "r2"]
    assert record.contradiction
    assert record.replies[1]["contradicts"] is True
    assert record.replies[1]["contradicts_event"] == "r1"
    assert record.replies[1]["contradiction"] == "marked"
    assert record.wording == (
        "said in a statement on 10 June 2024; a representative had earlier said otherwise "
        "(5 June 2024, by phone)"
    )


def test_two_answers_are_flagged_even_unmarked_but_a_referral_is_not() -> None:
    record = fold(request(), reply("r1", "2024-06-05"), reply("r2", "2024-06-10"),
                  reply("r3", "2024-06-11", refers_to="r2"))
    assert [r["contradicts"] for r in record.replies] == [False, True, False]
    assert record.replies[1]["contradiction"] == "unchecked"
    assert record.wording.endswith("later referred questions to the statement")


def test_reply_before_request_is_kept_and_noted() -> None:
    record = fold(reply("r1", "2024-05-01"), request())
    assert record.status == "replied"
    assert record.notes == ["A reply is logged before the first request was sent."]


def test_company_names_differing_in_case_are_one_company() -> None:
    log = [request(company="Acme  Ltd"), request("q2", company="ACME LTD")]
    (record,) = rr.fold_replies(log, date(2024, 6, 1))
    assert record.name == "Acme Ltd"
    assert len(record.requests) == 2
