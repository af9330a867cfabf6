"""The process's judge: made on first use, remade per worker slot, and made by
another maker where a bench installs one (judge.use_judges)."""

from grader.engine import judge


class Made:
    def __init__(self, slot):
        self.slot, self.closed = slot, False

    def close(self):
        self.closed = True


def test_a_maker_makes_the_default_judge_and_each_slots(monkeypatch):
    monkeypatch.setattr(judge, "_make", judge._make)  # put back after the test
    monkeypatch.setattr(judge, "_default", None)
    judge.use_judges(Made)
    first = judge.default_judge()
    assert type(first) is Made and first.slot is None and judge.default_judge() is first
    judge.configure_default(slot=3)
    assert first.closed and judge.default_judge().slot == 3
