"""The console's dashboard: a week at a glance (a date picker, per-topic figures, bars that open the filtered
review queue, CSV exports of the week's transcripts and report), above the figures of all time.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Sequence

from starlette.requests import Request
from starlette.responses import Response

from bot.console.access import GuardedRoute, trainer_page
from bot.console.charts import bar_chart
from bot.console.web import SECURITY_HEADERS, render
from bot.policy.queue_filters import QueueFilters
from bot.policy.week_report import WEEK_DAYS, WeekConversation, WeekReport, week_report, week_start
from bot.storage.dashboard import Figures, dashboard_figures, team_task_figures
from bot.storage.database import Database
from bot.storage.review_queue import review_queue
from bot.storage.transcript_export import transcript_lines

WEEK_SCAN_LIMIT = 5000
"""At most this many conversations are counted for one week."""
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""A cell starting with one of these would run as a formula in a spreadsheet; it is prefixed with an apostrophe."""


def csv_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """CSV with every cell quoted, so line breaks inside a message stay inside its cell."""
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([csv_cell(value) for value in row] for row in rows)
    return out.getvalue()


def csv_download(name: str, text: str) -> Response:
    return Response(text, media_type="text/csv; charset=utf-8",
                    headers={**SECURITY_HEADERS, "Content-Disposition": f'attachment; filename="{name}"'})


def queue_link(start: dt.date, end: dt.date, topic: str = "") -> str:
    return "/?" + QueueFilters(since=start, until=end, topic=topic).query()


def feeling(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


class WeekPages:
    def __init__(self, database: Database, now: Callable[[], dt.datetime]) -> None:
        self._database = database
        self._now = now

    def routes(self) -> list[GuardedRoute]:
        return [
            trainer_page("/dashboard", self.dashboard),
            trainer_page("/dashboard/transcripts.csv", self.transcripts),
            trainer_page("/dashboard/report.csv", self.report_csv),
        ]

    async def dashboard(self, request: Request, trainer: str) -> Response:
        start, problem = week_start(request.query_params.get("week", ""), self._now().date())
        report = await self._report(start)
        async with self._database.session() as session:
            figures = await dashboard_figures(session)
            tasks = await team_task_figures(session, self._now())
        return render(request, "dashboard.html", {
            "trainer": trainer, "figures": figures, "charts": _all_time_charts(figures), "tasks": tasks,
            "week": report, "problem": problem, "week_charts": _week_charts(report), "queue_link": queue_link,
            "feeling": feeling, "previous": start - dt.timedelta(days=WEEK_DAYS),
            "next": start + dt.timedelta(days=WEEK_DAYS),
        })

    async def transcripts(self, request: Request, trainer: str) -> Response:
        start, _ = week_start(request.query_params.get("week", ""), self._now().date())
        async with self._database.session() as session:
            lines = await transcript_lines(session, QueueFilters(since=start, until=start + dt.timedelta(days=6)))
        text = csv_text(("conversation", "started_at", "language", "topic", "message", "sent_at", "sender", "move",
                         "labels", "text"),
                        ((line.conversation_id, line.started_at.isoformat(), line.language, line.topic or "",
                          line.message_id, line.sent_at.isoformat(), line.sender, line.move, line.labels, line.text)
                         for line in lines))
        return csv_download(f"candor-transcripts-{start.isoformat()}.csv", text)

    async def report_csv(self, request: Request, trainer: str) -> Response:
        start, _ = week_start(request.query_params.get("week", ""), self._now().date())
        report = await self._report(start)
        text = csv_text(("topic", "conversations", "clarified", "handed_off", "feeling_start", "feeling_end",
                         *(day.isoformat() for day in report.days), "what_stood_out"),
                        ((topic.topic, topic.conversations, topic.clarified, topic.handed_off,
                          feeling(topic.feeling_start), feeling(topic.feeling_end), *topic.per_day,
                          "; ".join(topic.reasons)) for topic in report.topics))
        return csv_download(f"candor-report-{start.isoformat()}.csv", text)

    async def _report(self, start: dt.date) -> WeekReport:
        filters = QueueFilters(since=start, until=start + dt.timedelta(days=WEEK_DAYS - 1))
        async with self._database.session() as session:
            items = await review_queue(session, filters, limit=WEEK_SCAN_LIMIT, scan=WEEK_SCAN_LIMIT)
        return week_report(start, (WeekConversation(item.started_at.date(), item.topic, item.facts) for item in items))


def _week_charts(report: WeekReport) -> list[tuple[str, str]]:
    by_topic = {topic.topic: float(topic.conversations) for topic in report.topics}
    by_day = {day.strftime("%a %d %b"): float(count) for day, count in zip(report.days, report.per_day, strict=True)}
    return [
        ("Conversations by topic (a bar opens the queue for that topic this week)",
         bar_chart("week-topics", by_topic, links={topic: queue_link(report.start, report.end, topic)
                                                   for topic in by_topic})),
        ("Conversations by day (a bar opens the queue for that day)",
         bar_chart("week-days", by_day, links={day.strftime("%a %d %b"): queue_link(day, day) for day in report.days})),
    ]


def _all_time_charts(figures: Figures) -> list[tuple[str, str]]:
    feelings = {f"{language} start": start for language, (start, _) in figures.feeling_start_end.items()}
    for language, (_, end) in figures.feeling_start_end.items():
        feelings[f"{language} end"] = end
    return [
        ("How strongly customers felt (anger or anxiety), first vs last message", bar_chart("feelings", feelings)),
        ("Handoffs by reason", bar_chart("handoffs", {k: float(v) for k, v in figures.handoff_reasons.items()},
                                         links={k: "/?" + QueueFilters(reason=k).query() for k in figures.handoff_reasons})),
        ("Promises", bar_chart("promises", {k: float(v) for k, v in figures.promises.items()})),
        ("Gestures given", bar_chart("gestures", {k: float(v) for k, v in figures.gestures.items()})),
        ("Satisfaction (1–5)", bar_chart("satisfaction", {str(k): float(v) for k, v in figures.satisfaction.items()})),
        ("Conversations by day", bar_chart("days", {k: float(v) for k, v in figures.per_day.items()},
                                           links={k: f"/?since={k}&until={k}" for k in figures.per_day})),
        ("Conversations by language", bar_chart("languages", {k: float(v) for k, v in figures.per_language.items()},
                                                links={k: "/?" + QueueFilters(language=k).query()
                                                       for k in figures.per_language})),
    ]
