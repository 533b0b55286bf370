"""The case across turns, decided on plain data: details asked once, taken early, corrected; endings, small talk,
side questions and "never mind"; and promises only once the case is complete."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from bot.policy.assignment import parse_shift
from bot.policy.decide import decide
from bot.policy.details import DEFAULT_READER, DetailReader
from bot.policy.escalation import tries_since_settled
from bot.policy.feelings_in_context import feelings_in_context
from bot.policy.model import Case, Clock, ConversationState, CustomerTurn, Decision, Move, TurnKind
from knowledge import load_pack
from knowledge.retrieval import Retrieval, TopicMatch
from nlu.signals import detect_signals
from nlu.types import Analysis, EmotionScores

PACK = load_pack()
MONDAY = Clock(dt.datetime(2026, 11, 30, 10, 0, tzinfo=dt.UTC), ZoneInfo("UTC"),
               parse_shift("UTC", "09:00-18:00", "mon-fri"))
CALM = Analysis("en", EmotionScores.from_mapping({"neutral": 0.9}), ("neutral",))


def about(topic_id: str | None, confidence: float = 0.9, language: str = "en") -> Retrieval | None:
    if topic_id is None:
        return Retrieval(best=None, candidates=())
    topic = PACK.topic(topic_id, language)
    assert topic is not None
    return Retrieval(best=TopicMatch(topic, confidence), candidates=(TopicMatch(topic, confidence),))


NO_CASE = Case()


def turn(text: str, topic_id: str | None, case: Case = NO_CASE, promises: tuple[tuple[str, dt.datetime], ...] = (),
         last_move: str = "", confidence: float = 0.9, clock: Clock = MONDAY,
         reader: DetailReader = DEFAULT_READER) -> Decision:
    state = ConversationState(5, "en", case.topic_id, case=case, open_promises=promises, last_move=last_move)
    return decide(CustomerTurn(TurnKind.TEXT, text=text), CALM, detect_signals(text), about(topic_id, confidence),
                  state, PACK, clock, reader)


def test_a_case_asks_for_its_missing_detail_and_commits_only_once_it_is_in() -> None:
    first = turn("I was charged twice", "double_charge")
    assert first.reply.move is Move.ASK_DETAIL and first.promise is None
    assert first.case == Case("double_charge", awaiting="order_ref")
    assert PACK.wording_for("en").details["order_ref"].ask in first.reply.text
    second = turn("60311", None, first.case or Case())
    assert second.reply.move is Move.ANSWER and "#60311" in second.reply.text
    assert second.promise is not None and second.case == Case("double_charge", (("order_ref", "60311"),),
                                                              settled=True)
    topic = PACK.topic("double_charge", "en")
    assert topic is not None and topic.answer not in second.reply.text, "the explanation is not said twice"


def test_a_detail_given_before_it_was_asked_for_is_never_asked_again() -> None:
    decision = turn("I've been charged twice for order #60311", "double_charge")
    assert decision.reply.move is Move.ANSWER and "#60311" in decision.reply.text
    assert "order number?" not in decision.reply.text


def test_the_shops_own_order_pattern_is_what_the_bot_reads() -> None:
    decision = turn("charged twice for order SO-7781", "double_charge", reader=DetailReader(r"SO-\d{4}"))
    assert decision.case is not None and decision.case.value("order_ref") == "SO-7781"


def test_a_corrected_value_replaces_the_old_one_and_the_reply_says_so() -> None:
    settled = Case("order_status", (("order_ref", "48213"),), settled=True)
    due = MONDAY.now + dt.timedelta(hours=24)
    decision = turn("sorry, wrong number, it's #48214", None, settled, promises=(("order_status", due),))
    assert decision.reply.move is Move.CORRECTED and "#48214" in decision.reply.text
    assert decision.case is not None and decision.case.value("order_ref") == "48214"
    assert decision.promise is None, "the promise already made keeps its time"


def test_an_unreadable_answer_is_asked_again_and_then_a_person_is_offered_not_forced() -> None:
    waiting = Case("double_charge", awaiting="order_ref")
    again = turn("I don't have it", None, waiting)
    assert again.reply.move is Move.ASK_DETAIL and again.case == Case("double_charge", awaiting="order_ref", misses=1)
    offered = turn("no idea where it is", None, again.case or Case())
    assert offered.reply.move is Move.ASK_DETAIL and "person" in offered.reply.text


def test_a_weak_match_for_another_topic_while_waiting_is_no_new_problem() -> None:
    waiting = Case("double_charge", awaiting="order_ref")
    weak = turn("I really can't find it", "account_locked", waiting, confidence=0.55)
    assert weak.case is not None and weak.case.topic_id == "double_charge"
    side = turn("Also, I can't log in to my account", "account_locked", waiting, confidence=0.95)
    assert side.case == waiting, "a clear side question is answered, and the case waits on"
    switch = turn("Actually I just want to cancel the whole order", "cancel", waiting, confidence=0.95)
    assert switch.case == Case("cancel", awaiting="order_ref"), "a clear new problem with its own form is the new case"


def test_a_side_question_is_answered_and_the_case_comes_back_to_its_question() -> None:
    waiting = Case("change_address", (("order_ref", "55120"),), awaiting="address")
    side = turn("How much does it cost to send something back?", "return_shipping", waiting)
    assert side.case == waiting and side.promise is None
    assert side.reply.text.endswith(PACK.wording_for("en").details["address"].ask)


def test_thanks_ends_warmly_and_says_what_is_still_open_without_a_new_promise() -> None:
    due = MONDAY.now + dt.timedelta(hours=24)
    settled = Case("order_status", (("order_ref", "48213"),), settled=True)
    open_promise = turn("ok thanks", None, settled, promises=(("order_status", due),))
    assert open_promise.reply.move is Move.END and not open_promise.closes and open_promise.promise is None
    assert "10:00" in open_promise.reply.text, "the time already promised, said again"
    nothing_open = turn("thanks!", None, Case("account_locked", settled=True))
    assert nothing_open.reply.move is Move.CLOSE and nothing_open.closes and len(nothing_open.reply.buttons) == 5
    waiting = turn("thanks", None, Case("refund", awaiting="order_ref"))
    assert waiting.reply.move is Move.END and "order number" in waiting.reply.text


def test_are_you_a_bot_is_answered_and_the_awaited_question_comes_back() -> None:
    decision = turn("are you a bot or a real person?", "talk_to_person", Case("refund", awaiting="order_ref"))
    assert decision.reply.move is Move.SMALL_TALK and "bot" in decision.reply.text.lower()
    assert decision.reply.text.endswith(PACK.wording_for("en").details["order_ref"].ask)


def test_never_mind_drops_the_case() -> None:
    decision = turn("never mind", None, Case("cancel", awaiting="order_ref"))
    assert decision.reply.move is Move.DROPPED and decision.closes and decision.case == Case()


def test_a_request_is_not_read_as_thanks_and_sarcasm_is_not_thanked() -> None:
    settled = Case("refund", (("order_ref", "70002"),), settled=True)
    due = MONDAY.now + dt.timedelta(hours=24)
    for text in ("I want this fixed today", "Can you get it fixed?", "I need this sorted by Friday"):
        decision = turn(text, None, settled, promises=(("refund", due),))
        assert decision.reply.move is Move.ANSWER and not decision.closes, text
    sarcastic = turn("Oh brilliant, my next-day delivery is now on day six. Great service, really.", "order_status")
    assert sarcastic.reply.move is not Move.CLOSE and "glad" not in sarcastic.reply.text.lower()


def test_an_unclear_answer_to_a_clarifying_question_gets_an_honest_i_dont_know() -> None:
    first = turn("I have a question about invoices for my company", None)
    assert first.reply.move is Move.CLARIFY
    second = turn("VAT invoices for businesses", None, last_move="clarify")
    assert second.reply.move is Move.UNKNOWN and second.promise is None
    assert second.reply.text == PACK.wording_for("en").conversation.unknown


def test_a_photo_the_case_waits_for_fills_it() -> None:
    waiting = Case("damaged_item", (("order_ref", "66021"),), awaiting="photo")
    state = ConversationState(5, "en", "damaged_item", case=waiting)
    decision = decide(CustomerTurn(TurnKind.NON_TEXT, content_type="photo"), None, None, None, state, PACK, MONDAY)
    assert decision.reply.move is Move.ANSWER and "#66021" in decision.reply.text
    assert decision.case is not None and decision.case.value("photo") == "photo" and decision.promise is not None


def test_a_promise_made_on_friday_evening_falls_in_mondays_working_hours() -> None:
    friday = Clock(dt.datetime(2026, 11, 27, 17, 30, tzinfo=dt.UTC), ZoneInfo("UTC"), MONDAY.working)
    decision = turn("please cancel order #48213", "cancel", clock=friday)
    assert decision.promise is not None and decision.promise.due_at == dt.datetime(2026, 11, 30, 10, 0, tzinfo=dt.UTC)


def test_the_bots_questions_are_not_tries_only_answers_are() -> None:
    assert tries_since_settled(["ask_detail", "answer"]) == 0
    assert tries_since_settled(["answer", "corrected", "ask_detail", "answer"]) == 2


def turn_read_in_context(text: str, own: EmotionScores, earlier: tuple[EmotionScores, ...], case: Case,
                         promises: tuple[tuple[str, dt.datetime], ...] = (), language: str = "en") -> Decision:
    """A turn decided the way the service decides it: on the message's feelings read with the earlier ones."""
    read = feelings_in_context(own, (own.strongest(),), text, earlier).applied_to(Analysis(language, own, ()))
    state = ConversationState(5, language, case.topic_id, case=case, open_promises=promises)
    return decide(CustomerTurn(TurnKind.TEXT, text=text), read, detect_signals(text), about(None), state, PACK, MONDAY)


ANGRY = EmotionScores(anger=0.93, sadness=0.32, positive=0.05, neutral=0.1)
OK_ALONE = EmotionScores(anger=0.02, positive=0.28, neutral=0.79)


def test_ok_after_two_angry_messages_keeps_the_case_open_and_meets_the_anger() -> None:
    due = MONDAY.now + dt.timedelta(hours=24)
    settled = Case("order_status", (("order_ref", "48213"),), settled=True)
    calm = turn_read_in_context("ok", OK_ALONE, (), settled, (("order_status", due),))
    assert calm.reply.move is Move.END, "a calm 'ok' still ends warmly"
    upset = turn_read_in_context("ok", OK_ALONE, (ANGRY, ANGRY), settled, (("order_status", due),))
    assert upset.reply.move is Move.ANSWER and not upset.closes
    assert "You're welcome" not in upset.reply.text
    topic = PACK.topic("order_status", "en")
    assert topic is not None
    met_anger = {PACK.wording_for("en").acknowledgement("anger", level).format(problem=topic.problem)
                 for level in ("mild", "strong", "again")}
    assert upset.reply.text.split("\n\n")[0] in met_anger, upset.reply.text
    assert "10:00" in upset.reply.text and upset.promise is None, "the time already promised, not a new one"
    for text, language in (("ладно", "ru"), ("no dobrze", "pl"), ("好吧", "zh")):
        decision = turn_read_in_context(text, OK_ALONE, (ANGRY, ANGRY), settled, (("order_status", due),), language)
        assert decision.reply.move is Move.ANSWER and not decision.closes, text


def test_an_upset_ok_while_a_detail_is_awaited_is_not_taken_as_the_detail() -> None:
    waiting = Case("change_address", (("order_ref", "52019"),), awaiting="address")
    decision = turn_read_in_context("ok", OK_ALONE, (ANGRY,), waiting)
    assert decision.reply.move is Move.END and decision.case is not None and decision.case.value("address") is None


def test_sarcastic_thanks_after_a_complaint_is_not_thanked_and_real_thanks_is() -> None:
    settled = Case("account_locked", settled=True)
    praise = EmotionScores(positive=1.0, neutral=0.0)
    for text in ("great service, thanks", "thanks a lot, very helpful", "ну спасибо", "谢谢啊，真棒"):
        sarcastic = turn_read_in_context(text, praise, (ANGRY,), settled)
        assert sarcastic.reply.move not in (Move.END, Move.CLOSE) and not sarcastic.closes, text
        assert "welcome" not in sarcastic.reply.text.lower() and "glad" not in sarcastic.reply.text.lower(), text
    meant = turn_read_in_context("Thank you, that solved it!", praise, (ANGRY,), settled)
    assert meant.reply.move is Move.CLOSE and meant.closes
