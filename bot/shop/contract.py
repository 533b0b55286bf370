"""Translation between the contract's JSON (docs/shop-api.yaml) and the shop facts, both ways.

Reading is tolerant where the contract allows it (an optional field may be null or absent, unknown
fields are ignored) and strict where a wrong guess would mislead a customer: a missing required
field, a status outside the contract's list, a time without an offset or an amount that is not a
decimal string raises ``ContractError``. Its message names the field and what was expected, never
the value, so it is safe to log (a field could hold an email). No I/O here: the http backend reads
with it and the demo server writes with it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Any

from bot.policy.orders import (
    ORDER_STATUSES,
    PAYMENT_STATUSES,
    REFUND_STATUSES,
    SHIPMENT_STATUSES,
    Item,
    Order,
    OrderSummary,
    Payment,
    Refund,
    Shipment,
    ShopHealth,
    TrackingEvent,
)

_MONEY = re.compile(r"^-?\d+(\.\d+)?$")

JsonObject = dict[str, Any]


class ContractError(ValueError):
    """A reply is not shaped like the contract; the message names where, never what the reply held."""


class _Fields:
    """One JSON object being read, with its path in the reply for error messages."""

    def __init__(self, data: object, path: str) -> None:
        if not isinstance(data, Mapping):
            raise ContractError(f"{path}: expected an object")
        self.data: Mapping[str, object] = data
        self.path = path

    def _fail(self, key: str, expected: str) -> ContractError:
        return ContractError(f"{self.path}.{key}: expected {expected}")

    def text(self, key: str) -> str:
        value = self.data.get(key)
        if not isinstance(value, str) or not value.strip():
            raise self._fail(key, "a non-empty string")
        return value

    def optional_text(self, key: str) -> str | None:
        value = self.data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if not isinstance(value, str):
            raise self._fail(key, "a string or null")
        return value

    def choice(self, key: str, choices: tuple[str, ...]) -> str:
        value = self.data.get(key)
        if value not in choices:
            raise self._fail(key, "one of " + ", ".join(choices))
        return str(value)

    def money(self, key: str) -> str:
        value = self.data.get(key)
        if not isinstance(value, str) or not _MONEY.match(value):
            raise self._fail(key, 'a decimal string such as "12.50"')
        return value

    def time(self, key: str) -> dt.datetime:
        found = self.optional_time(key)
        if found is None:
            raise self._fail(key, "an ISO 8601 time with an offset")
        return found

    def optional_time(self, key: str) -> dt.datetime | None:
        value = self.data.get(key)
        if value is None:
            return None
        try:
            moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            moment = None
        if moment is None or moment.utcoffset() is None:
            raise self._fail(key, "an ISO 8601 time with an offset, or null")
        return moment

    def count(self, key: str) -> int:
        value = self.data.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise self._fail(key, "a whole number of at least 0")
        return value

    def objects(self, key: str, *, optional: bool = False) -> list[_Fields]:
        value = self.data.get(key)
        if value is None and optional:
            return []
        if not isinstance(value, Sequence) or isinstance(value, str):
            raise self._fail(key, "a list" + (" or null" if optional else ""))
        return [_Fields(entry, f"{self.path}.{key}[{index}]") for index, entry in enumerate(value)]

    def optional_object(self, key: str) -> _Fields | None:
        value = self.data.get(key)
        return None if value is None else _Fields(value, f"{self.path}.{key}")


def _ref(fields: _Fields) -> str:
    return fields.text("ref").strip().removeprefix("#")


def parse_health(data: object) -> ShopHealth:
    fields = _Fields(data, "health")
    capabilities = fields.data.get("capabilities")
    if not isinstance(capabilities, list) or not all(isinstance(entry, str) for entry in capabilities):
        raise ContractError("health.capabilities: expected a list of strings")
    return ShopHealth(version=fields.text("version"), capabilities=tuple(capabilities))


def parse_order_list(data: object) -> tuple[OrderSummary, ...]:
    return tuple(OrderSummary(ref=_ref(order), status=order.choice("status", ORDER_STATUSES),
                              placed_at=order.time("placed_at"), total=order.money("total"),
                              currency=order.text("currency"))
                 for order in _Fields(data, "reply").objects("orders"))


def parse_order(data: object) -> Order:
    order = _Fields(data, "order")
    return Order(
        ref=_ref(order), status=order.choice("status", ORDER_STATUSES), placed_at=order.time("placed_at"),
        updated_at=order.optional_time("updated_at"), currency=order.text("currency"), total=order.money("total"),
        items=tuple(Item(name=item.text("name"), quantity=item.count("quantity"))
                    for item in order.objects("items", optional=True)),
        payments=tuple(Payment(amount=payment.money("amount"), currency=payment.text("currency"),
                               status=payment.choice("status", PAYMENT_STATUSES), at=payment.optional_time("at"))
                       for payment in order.objects("payments", optional=True)),
        status_page_url=order.optional_text("status_page_url"),
    )


def _event(fields: _Fields | None) -> TrackingEvent | None:
    if fields is None:
        return None
    return TrackingEvent(at=fields.optional_time("at"), text=fields.text("text"), place=fields.optional_text("place"))


def parse_shipments(data: object) -> tuple[Shipment, ...]:
    return tuple(
        Shipment(carrier=parcel.optional_text("carrier"), tracking_number=parcel.optional_text("tracking_number"),
                 tracking_url=parcel.optional_text("tracking_url"), status=parcel.choice("status", SHIPMENT_STATUSES),
                 estimated_delivery=parcel.optional_time("estimated_delivery"),
                 last_event=_event(parcel.optional_object("last_event")))
        for parcel in _Fields(data, "reply").objects("shipments"))


def parse_refunds(data: object) -> tuple[Refund, ...]:
    return tuple(
        Refund(amount=refund.money("amount"), currency=refund.text("currency"),
               status=refund.choice("status", REFUND_STATUSES), created_at=refund.optional_time("created_at"),
               expected_by=refund.optional_time("expected_by"))
        for refund in _Fields(data, "reply").objects("refunds"))


def _time(moment: dt.datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def health_json(health: ShopHealth) -> JsonObject:
    return {"version": health.version, "capabilities": list(health.capabilities)}


def order_list_json(orders: Sequence[OrderSummary]) -> JsonObject:
    return {"orders": [{"ref": order.ref, "status": order.status, "placed_at": _time(order.placed_at),
                        "total": order.total, "currency": order.currency} for order in orders]}


def order_json(order: Order) -> JsonObject:
    return {
        "ref": order.ref, "status": order.status, "placed_at": _time(order.placed_at),
        "updated_at": _time(order.updated_at), "currency": order.currency, "total": order.total,
        "items": [{"name": item.name, "quantity": item.quantity} for item in order.items],
        "payments": [{"amount": payment.amount, "currency": payment.currency, "status": payment.status,
                      "at": _time(payment.at)} for payment in order.payments],
        "status_page_url": order.status_page_url,
    }


def _event_json(event: TrackingEvent | None) -> JsonObject | None:
    if event is None:
        return None
    return {"at": _time(event.at), "text": event.text, "place": event.place}


def shipments_json(shipments: Sequence[Shipment]) -> JsonObject:
    return {"shipments": [
        {"carrier": parcel.carrier, "tracking_number": parcel.tracking_number, "tracking_url": parcel.tracking_url,
         "status": parcel.status, "estimated_delivery": _time(parcel.estimated_delivery),
         "last_event": _event_json(parcel.last_event)} for parcel in shipments]}


def refunds_json(refunds: Sequence[Refund]) -> JsonObject:
    return {"refunds": [
        {"amount": refund.amount, "currency": refund.currency, "status": refund.status,
         "created_at": _time(refund.created_at), "expected_by": _time(refund.expected_by)} for refund in refunds]}
