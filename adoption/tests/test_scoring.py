"""The scoring rules, with hand-computed expectations (no database needed)."""

from types import SimpleNamespace

import pytest

from adoption.scoring import score_answers

AREAS = {
    key: SimpleNamespace(pk=index, key=key, name=key.title(), order=index)
    for index, key in enumerate(["sv", "bv", "se", "go", "su"], start=1)
}


def answers(**per_area: str):
    """'3' = level 300, 'u' = not sure, '.' = open."""
    result = []
    for key, codes in per_area.items():
        for code in codes:
            result.append(
                SimpleNamespace(
                    area=AREAS[key],
                    level=int(code) * 100 if code.isdigit() else None,
                    is_unsure=code == "u",
                )
            )
    return result


def test_all_answers_at_100():
    score = score_answers(answers(sv="11111", bv="1111"))
    assert [(a.mean, a.level) for a in score.areas] == [(100.0, 100), (100.0, 100)]
    assert score.overall_level == 100
    assert score.share_answered == 1.0


def test_all_answers_at_500():
    score = score_answers(answers(sv="55555", bv="5555", se="55555"))
    assert [a.level for a in score.areas] == [500, 500, 500]
    assert score.overall_level == 500
    assert score.overall_mean == 500.0


def test_mixed_answers_round_down_and_keep_the_unrounded_mean():
    # sv: 200+300+400+300+200 = 1400 / 5 = 280 -> 200
    # bv: 300+300+400 = 1000 / 3 answered (one not sure) = 333.33 -> 300
    # go: 400+400+400+400+300 = 1900 / 5 = 380 -> 300 (rounded down, not to nearest)
    score = score_answers(answers(sv="23432", bv="334u", go="44443"))
    sv, bv, go = score.areas
    assert (sv.mean, sv.level) == (280.0, 200)
    assert (bv.answered, bv.unsure, bv.total) == (3, 1, 4)
    assert bv.mean == pytest.approx(333.333, abs=0.001)
    assert bv.level == 300
    assert (go.mean, go.level) == (380.0, 300)
    # overall: (200 + 300 + 300) / 3 = 266.67 -> 200
    assert score.overall_mean == pytest.approx(266.667, abs=0.001)
    assert score.overall_level == 200
    assert score.weakest.area.key == "sv"
    # 13 of 14 answered
    assert (score.answered, score.total) == (13, 14)


def test_half_answered_is_enough_and_less_is_insufficient():
    # su: 2 of 4 answered (400, 500) -> mean 450 -> 400, exactly 50 %: counts
    # se: 2 of 5 answered (500, 100) -> 40 %: insufficient data
    score = score_answers(answers(su="45uu", se="5uu.1"))
    se, su = score.areas
    assert (su.answered, su.total, su.level) == (2, 4, 400)
    assert (se.answered, se.total) == (2, 5)
    assert se.mean == 300.0
    assert se.level is None
    assert not se.is_sufficient
    # Only areas with a level count for the overall level and the weakest area.
    assert score.overall_level == 400
    assert score.weakest.area.key == "su"


def test_nothing_answered_gives_no_levels():
    score = score_answers(answers(sv=".....", bv="uuuu"))
    assert [a.level for a in score.areas] == [None, None]
    assert [a.mean for a in score.areas] == [None, None]
    assert score.overall_level is None
    assert score.weakest is None
    assert score.share_answered == 0.0
    assert score.unsure == 4


def test_areas_come_in_model_order_whatever_the_answer_order():
    score = score_answers(answers(go="3", sv="2"))
    assert [a.area.key for a in score.areas] == ["sv", "go"]


def test_the_worked_example_of_the_readme():
    score = score_answers(answers(sv="23323", bv="343u", se="2uuu3"))
    sv, bv, se = score.areas
    assert (sv.mean, sv.level) == (260.0, 200)
    assert (round(bv.mean, 1), bv.level) == (333.3, 300)
    assert (se.mean, se.level, se.answered) == (250.0, None, 2)
    assert score.overall_mean == 250.0
    assert score.overall_level == 200
    assert score.weakest.area.key == "sv"
    assert (score.answered, score.total, round(score.share_answered * 100)) == (10, 14, 71)
