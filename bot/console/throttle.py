"""Slowing down password guessing at the console's sign-in, per username and per client address.

A few wrong passwords are free (people mistype); after that a name or an address is locked,
for a time that doubles with each further failure. A locked attempt is refused before its
password is checked, so guessing costs the console nothing. Attempts still being checked
count as failures until they finish, so a burst of simultaneous guesses cannot slip past
the limit. The state lives in this one console process and is forgotten after an hour of quiet.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

NAME_FAILURES_BEFORE_LOCK = 5
ADDRESS_FAILURES_BEFORE_LOCK = 20
"""Higher than per name: trainers behind one office router share an address."""
FIRST_LOCK = dt.timedelta(seconds=30)
LONGEST_LOCK = dt.timedelta(minutes=15)
FORGET_AFTER = dt.timedelta(hours=1)
"""Longer than the longest lock, so waiting out a lock does not also wipe the count."""
MOST_REMEMBERED = 10_000
"""Bounds the memory a flood of made-up names can take."""
BUSY_RETRY = dt.timedelta(seconds=1)
"""What a refusal says while earlier attempts on the same name or address are still being checked."""


class SignInRefused(Exception):
    """Too many wrong passwords for this name or address; ``wait`` says when to try again."""

    def __init__(self, wait: dt.timedelta) -> None:
        self.seconds = max(1, math.ceil(wait.total_seconds()))
        super().__init__(f"Too many sign-in attempts. Try again in {self.seconds} s.")


@dataclass
class _Record:
    failures: int = 0
    checking: int = 0
    last_failure: dt.datetime | None = None
    locked_until: dt.datetime | None = None


@dataclass
class Attempt:
    """One sign-in attempt in progress; the caller marks it ``succeeded`` when the password was right."""

    succeeded: bool = False


class SignInThrottle:
    def __init__(self, now: Callable[[], dt.datetime]) -> None:
        self._now = now
        self._records: dict[tuple[str, str], _Record] = {}

    @contextmanager
    def attempt(self, username: str, address: str) -> Iterator[Attempt]:
        """Admit one attempt or raise ``SignInRefused``; on leaving, count it as its outcome says.

        An attempt that ends in an error (not a wrong password) is not counted.
        """
        keys = (("name", username.strip().lower()[:64]), ("address", address))
        now = self._now()
        wait = max(self._wait(key, now) for key in keys)
        if wait > dt.timedelta(0):
            raise SignInRefused(wait)
        records = [self._record(key, now) for key in keys]
        for record in records:
            record.checking += 1
        attempt = Attempt()
        finished = False
        try:
            yield attempt
            finished = True
        finally:
            for record in records:
                record.checking -= 1
            if finished and attempt.succeeded:
                self._records.pop(keys[0], None)
            elif finished:
                for key, record in zip(keys, records, strict=True):
                    self._failed(key, record)

    def _wait(self, key: tuple[str, str], now: dt.datetime) -> dt.timedelta:
        record = self._records.get(key)
        if record is None:
            return dt.timedelta(0)
        if record.locked_until is not None and record.locked_until > now:
            return record.locked_until - now
        if record.checking and record.failures + record.checking >= _allowed(key):
            return BUSY_RETRY
        return dt.timedelta(0)

    def _failed(self, key: tuple[str, str], record: _Record) -> None:
        now = self._now()
        record.failures += 1
        record.last_failure = now
        beyond = record.failures - _allowed(key)
        if beyond >= 0:
            record.locked_until = now + min(LONGEST_LOCK, FIRST_LOCK * 2 ** min(beyond, 20))
        self._records[key] = record

    def _record(self, key: tuple[str, str], now: dt.datetime) -> _Record:
        record = self._records.get(key)
        if record is not None and record.last_failure is not None and now - record.last_failure > FORGET_AFTER \
                and not record.checking:
            record = None
        if record is None:
            self._make_room(now)
            record = self._records[key] = _Record()
        return record

    def _make_room(self, now: dt.datetime) -> None:
        if len(self._records) < MOST_REMEMBERED:
            return
        for key, record in list(self._records.items()):
            quiet = record.last_failure is None or now - record.last_failure > FORGET_AFTER
            if quiet and not record.checking:
                del self._records[key]
        while len(self._records) >= MOST_REMEMBERED:
            del self._records[next(iter(self._records))]


def _allowed(key: tuple[str, str]) -> int:
    return NAME_FAILURES_BEFORE_LOCK if key[0] == "name" else ADDRESS_FAILURES_BEFORE_LOCK
