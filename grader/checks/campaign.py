"""The SMS campaign of exercise ``sms-plan`` as its spec states it, and the frequency rule for one send."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from grader.checks import CheckParamError
from grader.checks.sms import segments


@dataclass(frozen=True)
class Campaign:
    """The campaign as stated in the instructions."""

    scene: str
    start: dt.date
    end: dt.date
    text: str
    """Message text; ``{买家昵称}`` is replaced by each customer's 买家会员名."""
    price: float
    """元 per billed SMS."""
    earliest: dt.time = dt.time(8, 0)
    latest: dt.time = dt.time(21, 0)
    preferred: tuple[tuple[dt.time, dt.time], ...] = ((dt.time(11, 30), dt.time(13, 30)), (dt.time(17, 30), dt.time(20, 0)))
    gap_days: int = 3
    """Two marketing SMS to one customer must be at least this many calendar days apart."""
    cap: int = 6
    """At most this many marketing SMS in any ``cap_days`` consecutive days."""
    cap_days: int = 30

    def length(self, nick: str) -> int:
        return len(self.text.replace("{买家昵称}", nick))

    def segments(self, nick: str) -> int:
        return segments(self.length(nick))

    def days(self) -> list[dt.date]:
        return [self.start + dt.timedelta(days=i) for i in range((self.end - self.start).days + 1)]


def _time(value: str) -> dt.time:
    return dt.time.fromisoformat(str(value))


def parse_campaign(raw: dict[str, Any]) -> Campaign:
    """Campaign from the spec mapping; CheckParamError names the bad field."""
    try:
        preferred = tuple((_time(a), _time(b)) for a, b in raw.get("preferred", []))
        return Campaign(
            scene=str(raw["scene"]), start=dt.date.fromisoformat(str(raw["start"])),
            end=dt.date.fromisoformat(str(raw["end"])), text=str(raw["text"]), price=float(raw["price"]),
            earliest=_time(raw.get("earliest", "08:00")), latest=_time(raw.get("latest", "21:00")),
            preferred=preferred or Campaign.preferred, gap_days=int(raw.get("gap_days", 3)),
            cap=int(raw.get("cap", 6)), cap_days=int(raw.get("cap_days", 30)),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise CheckParamError(f"campaign 设置有误（{exc}）") from None


def date_allowed(day: dt.date, earlier: list[dt.date], c: Campaign) -> str | None:
    """None when a marketing SMS may go out on ``day``; else the reason (Chinese)."""
    gap = c.gap_days
    near = [h for h in earlier if abs((day - h).days) < gap]
    if near:
        return f"{max(near):%m月%d日}已发过营销短信，{c.gap_days} 天内只能发 1 条"
    if len(earlier) < c.cap:  # the window holds at most these: it cannot go over the cap
        return None
    window = [h for h in earlier if 0 < (day - h).days < c.cap_days]
    if len(window) + 1 > c.cap:
        return f"{day:%m月%d日}之前 {c.cap_days} 天内已有 {len(window)} 条营销短信，再发就超过 {c.cap} 条"
    return None


__all__ = ["Campaign", "date_allowed", "parse_campaign"]
