"""Reading a shop's content folder against the pack this release ships: what it lacks comes from the package,
what it has stays the shop's."""

from __future__ import annotations

from knowledge.content_upgrade import ContentUpgrade, fill_missing, fill_topic_fields, fill_wording


def test_a_key_a_newer_release_added_is_filled_and_the_shops_own_words_are_kept() -> None:
    shop = {"greeting": "Hello from Kwiatki", "handoff": {"assigned": "Marta has it"}}
    shipped = {"greeting": "Hi, I'm Candor", "help": "Ask me anything",
               "handoff": {"assigned": "A person has it", "holding": "Still with {agent}"}}

    merged, filled = fill_missing(shop, shipped)

    assert merged == {"greeting": "Hello from Kwiatki", "help": "Ask me anything",
                      "handoff": {"assigned": "Marta has it", "holding": "Still with {agent}"}}
    assert filled == ("help", "handoff.holding")
    assert shop == {"greeting": "Hello from Kwiatki", "handoff": {"assigned": "Marta has it"}}, "input untouched"


def test_lists_and_texts_of_the_shop_are_whole_and_a_shape_the_shop_changed_is_left_for_the_loader() -> None:
    merged, filled = fill_missing({"weekdays": ["Pn", "Wt"], "closing": "oops"},
                                  {"weekdays": ["Mon", "Tue", "Wed"], "closing": {"solved": "Glad it's solved"}})
    assert merged == {"weekdays": ["Pn", "Wt"], "closing": "oops"} and filled == ()


def test_only_required_fields_of_topics_the_shop_has_are_filled() -> None:
    shop = [{"id": "refund", "answer": "Our refunds take a week", "examples": ["where is my refund"]},
            {"id": "florist", "answer": "We deliver flowers"}]
    shipped = [{"id": "refund", "answer": "Refunds take 5-10 days", "reassurance": "Your money is safe",
                "promised": "an update", "examples": ["refund?"]},
               {"id": "account", "answer": "Reset your password"}]

    merged, filled = fill_topic_fields(shop, shipped, ("answer", "reassurance", "examples"))

    assert merged[0] == {"id": "refund", "answer": "Our refunds take a week", "examples": ["where is my refund"],
                         "reassurance": "Your money is safe"}, "an optional field the shop left out stays out"
    assert merged[1] == shop[1] and len(merged) == 2, "no topic the shop does not answer is added"
    assert filled == ("refund.reassurance",)


def test_the_operator_report_names_every_key_filled_and_every_key_not_read() -> None:
    upgrade = ContentUpgrade(filled=("en/wording.yaml: greeting",)) + ContentUpgrade(
        unused=("en/wording.yaml: handoff.old_holding",))
    assert upgrade and not ContentUpgrade()
    lines = upgrade.report().splitlines()
    assert "read from the package defaults" in lines[0] and lines[1] == "  en/wording.yaml: greeting"
    assert "not read by this release" in lines[2] and lines[3] == "  en/wording.yaml: handoff.old_holding"


def test_words_for_details_and_gestures_the_shop_does_not_define_are_not_filled() -> None:
    shop = {"details": {"order_ref": {"ask": "Your order number?"}}, "gestures": {}}
    shipped = {"details": {"order_ref": {"ask": "Order number?", "invalid": "That isn't one"}, "iban": {"ask": "IBAN?"}},
               "gestures": {"express_upgrade": "I've asked for express {deadline}", "callback": "We call you back"}}

    merged, filled = fill_wording(shop, shipped, {"details": {"order_ref"}, "gestures": {"callback"}})

    assert merged["details"] == {"order_ref": {"ask": "Your order number?", "invalid": "That isn't one"}}
    assert merged["gestures"] == {"callback": "We call you back"}
    assert filled == ("details.order_ref.invalid", "gestures.callback")
