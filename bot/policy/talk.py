"""The turns that are not a problem: thanks and goodbyes, "are you a bot?", small talk, "never mind".

Each gets a short human answer and leaves the case as it is (or closes it, for "never mind"); none
makes a new promise or hands off. A thanks while something is still open says what is still open,
so an ending never hides a commitment.
"""

from __future__ import annotations

from bot.policy.case import Scene
from bot.policy.compose import join_sentences
from bot.policy.deadlines import format_deadline
from bot.policy.model import RATING_PREFIX, Button, Case, Decision, Move, Reply
from knowledge import fill
from nlu.intents import Intent


def rating_buttons(conversation_id: int) -> tuple[Button, ...]:
    """1–5 buttons; the data names the conversation so a forged or stale tap can be refused."""
    return tuple(Button(str(score), f"{RATING_PREFIX}:{conversation_id}:{score}") for score in range(1, 6))


def ending(scene: Scene, opening: tuple[str, ...]) -> Decision:
    """Thanks, ok, bye: close warmly. The rating is asked once, when a settled case closes."""
    wording, state, case = scene.wording, scene.state, scene.case
    talk = wording.conversation
    current = scene.topic(case.topic_id)
    if case.awaiting is not None and current is not None:
        text = fill(talk.ending_waiting, "conversation.ending_waiting", wording.language,
                    problem=current.problem, detail=scene.named(case.awaiting))
        return _stays(join_sentences(*opening, text), scene, "thanked while a detail is still missing")
    if state.open_promises:
        topic_id, due = next(((t, d) for t, d in state.open_promises if t == case.topic_id), state.open_promises[0])
        topic = scene.topic(topic_id)
        text = fill(talk.ending_open, "conversation.ending_open", wording.language,
                    problem=topic.problem if topic else "", promised=topic.promised if topic else "",
                    deadline=format_deadline(wording, due, scene.clock.zone))
        return _stays(join_sentences(*opening, text), scene, "thanked while a promise is open: reminded of it")
    if case.topic_id is None and not state.handed_back_by:
        return _stays(join_sentences(*opening, talk.ending), scene, "thanked with no case open")
    return Decision(closing_reply(join_sentences(*opening, talk.ending), scene), topic_id=case.topic_id,
                    apologised=state.apologised, closes=True, case=case,
                    notes=("closed: the customer ended a settled case",))


def closing_reply(text: str, scene: Scene) -> Reply:
    """The closing words with the optional rating, asked once: after a handback it is not asked again."""
    state, wording = scene.state, scene.wording
    if state.rating_asked:
        return Reply(Move.CLOSE, text)
    ask = (fill(wording.handoff.rate_agent, "handoff.rate_agent", wording.language, agent=state.handed_back_by)
           if state.handed_back_by else wording.closing.ask_rating)
    return Reply(Move.CLOSE, f"{text}\n\n{ask}", rating_buttons(state.conversation_id))


def small_talk(intent: Intent, scene: Scene, opening: tuple[str, ...]) -> Decision:
    """A bot question, a greeting or a compliment: a short answer, then the open question again, if any."""
    talk = scene.wording.conversation
    said = {Intent.BOT_QUESTION: talk.bot_question, Intent.GREETING: talk.greeting_back}.get(intent, talk.small_talk)
    text = join_sentences(*opening, said)
    if intent is Intent.GREETING and scene.state.first_contact:
        text = scene.wording.greeting  # a first "hi" gets the whole greeting: who the bot is and what it does
    case = scene.case
    current = scene.topic(case.topic_id)
    if case.awaiting is not None and current is not None:
        back = fill(talk.back_to_case, "conversation.back_to_case", scene.wording.language, problem=current.problem)
        text = "\n\n".join((text, join_sentences(back, scene.question(case.awaiting))))
    return Decision(Reply(Move.SMALL_TALK, text), topic_id=case.topic_id, apologised=scene.state.apologised,
                    case=case, progressed=True, notes=(f"answered {intent.value}",))


def dropped(scene: Scene, opening: tuple[str, ...]) -> Decision:
    """"Never mind": the case and its open promises end; the next message starts afresh."""
    wording, case = scene.wording, scene.case
    current = scene.topic(case.topic_id)
    talk = wording.conversation
    text = (fill(talk.dropped, "conversation.dropped", wording.language, problem=current.problem) if current
            else talk.dropped_general)
    return Decision(Reply(Move.DROPPED, join_sentences(*opening, text)), topic_id=None,
                    apologised=scene.state.apologised, closes=True, case=Case(),
                    notes=(f"the customer dropped the case {case.topic_id or '(none)'}",))


def _stays(text: str, scene: Scene, why: str) -> Decision:
    return Decision(Reply(Move.END, text), topic_id=scene.case.topic_id, apologised=scene.state.apologised,
                    case=scene.case, progressed=True, notes=(why,))
