"""docs/shop-api.yaml keeps every path, parameter and field the contract promises (issue 16, item 1).

Outside acceptance checks serve exactly these names, so an edit that drops or renames one must fail here.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from bot.policy.orders import (
    ORDER_STATUSES,
    PAYMENT_STATUSES,
    REFUND_STATUSES,
    SHIPMENT_STATUSES,
    OrderSummary,
    ShopHealth,
)
from bot.shop.contract import health_json, order_json, order_list_json, refunds_json, shipments_json
from bot.shop.demo_data import demo_orders
from tests.unit.openapi_doc import load_openapi, resolve, schema_problems

ORDER_PATHS = ("/v1/orders/{ref}", "/v1/orders/{ref}/shipments", "/v1/orders/{ref}/refunds")
FIELDS = {
    "Health": {"version", "capabilities"},
    "OrderList": {"orders"},
    "OrderSummary": {"ref", "status", "placed_at", "total", "currency"},
    "Order": {"ref", "status", "placed_at", "updated_at", "currency", "total", "items", "payments", "status_page_url"},
    "Item": {"name", "quantity"},
    "Payment": {"amount", "currency", "status", "at"},
    "ShipmentList": {"shipments"},
    "Shipment": {"carrier", "tracking_number", "tracking_url", "status", "estimated_delivery", "last_event"},
    "TrackingEvent": {"at", "text", "place"},
    "RefundList": {"refunds"},
    "Refund": {"amount", "currency", "status", "created_at", "expected_by"},
}
OPTIONAL = {
    "Order": {"updated_at", "items", "payments", "status_page_url"},
    "Payment": {"at"},
    "Shipment": {"carrier", "tracking_number", "tracking_url", "estimated_delivery", "last_event"},
    "TrackingEvent": {"at", "place"},
    "Refund": {"created_at", "expected_by"},
}


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    return load_openapi("shop-api.yaml")


def parameters(spec: dict[str, Any], path: str) -> dict[str, dict[str, Any]]:
    return {parameter["name"]: parameter for parameter in
            (resolve(spec, entry) for entry in spec["paths"][path]["get"]["parameters"])}


def allows_null(spec: dict[str, Any], schema: dict[str, Any]) -> bool:
    kinds = schema.get("type")
    if kinds == "null" or (isinstance(kinds, list) and "null" in kinds):
        return True
    return any(allows_null(spec, resolve(spec, option)) for option in schema.get("oneOf", []) + schema.get("anyOf", []))


def test_the_contract_is_openapi_3_1_with_bearer_auth_on_every_call(spec: dict[str, Any]) -> None:
    assert str(spec["openapi"]).startswith("3.1")
    schemes = spec["components"]["securitySchemes"]
    assert [name for name, scheme in schemes.items() if scheme["type"] == "http" and scheme["scheme"] == "bearer"]
    assert spec["security"] == [{name: []} for name in schemes]


def test_the_five_paths_are_there_and_only_read(spec: dict[str, Any]) -> None:
    assert set(spec["paths"]) == {"/v1/health", "/v1/orders", *ORDER_PATHS}
    assert all(set(operations) == {"get"} for operations in spec["paths"].values())


@pytest.mark.parametrize("path", ["/v1/orders", *ORDER_PATHS])
def test_every_order_call_requires_the_contact_in_the_query(spec: dict[str, Any], path: str) -> None:
    contact = parameters(spec, path)["contact"]
    assert contact["in"] == "query" and contact["required"] is True


def test_the_order_list_takes_a_limit_of_five_by_default(spec: dict[str, Any]) -> None:
    limit = parameters(spec, "/v1/orders")["limit"]
    assert limit["in"] == "query" and limit["required"] is False
    assert limit["schema"]["type"] == "integer" and limit["schema"]["default"] == 5


@pytest.mark.parametrize("path", ORDER_PATHS)
def test_an_order_call_takes_the_ref_in_its_path_and_answers_404_for_a_missing_or_foreign_order(
        spec: dict[str, Any], path: str) -> None:
    ref = parameters(spec, path)["ref"]
    assert ref["in"] == "path" and ref["required"] is True
    assert "#" in ref["description"] and not re.match(ref["schema"]["pattern"], "#50001")
    not_found = resolve(spec, spec["paths"][path]["get"]["responses"]["404"])["description"]
    assert "no such order" in not_found.lower() and "contact does not match" in not_found.lower()


@pytest.mark.parametrize("schema", sorted(FIELDS))
def test_each_schema_keeps_its_field_names(spec: dict[str, Any], schema: str) -> None:
    assert set(spec["components"]["schemas"][schema]["properties"]) == FIELDS[schema]


@pytest.mark.parametrize("schema", sorted(FIELDS))
def test_optional_fields_may_be_null_and_the_rest_are_required(spec: dict[str, Any], schema: str) -> None:
    body = spec["components"]["schemas"][schema]
    optional = OPTIONAL.get(schema, set())
    assert set(body["required"]) == FIELDS[schema] - optional
    assert {name for name in optional if allows_null(spec, resolve(spec, body["properties"][name]))} == optional


@pytest.mark.parametrize(("schema", "statuses"), [
    ("OrderStatus", ORDER_STATUSES), ("Payment", PAYMENT_STATUSES), ("Shipment", SHIPMENT_STATUSES),
    ("Refund", REFUND_STATUSES)])
def test_the_status_lists_are_the_ones_the_bot_understands(spec: dict[str, Any], schema: str,
                                                           statuses: tuple[str, ...]) -> None:
    body = spec["components"]["schemas"][schema]
    enum = body["enum"] if "enum" in body else resolve(spec, body["properties"]["status"])["enum"]
    assert tuple(enum) == statuses


def test_money_is_a_decimal_string_and_times_carry_an_offset(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    money = schemas["Money"]
    assert money["type"] == "string"
    assert re.match(money["pattern"], "64.99") and re.match(money["pattern"], "5990")
    assert not re.match(money["pattern"], "64,99")
    assert schemas["Time"]["format"] == "date-time" and "offset" in schemas["Time"]["description"]
    for schema, field in (("Order", "total"), ("Payment", "amount"), ("Refund", "amount")):
        assert schemas[schema]["properties"][field] == {"$ref": "#/components/schemas/Money"}


def test_what_the_demo_server_sends_has_exactly_the_fields_of_the_contract(spec: dict[str, Any]) -> None:
    orders = demo_orders(dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC))
    entry = next(entry for entry in orders if entry.shipments and entry.order.payments)
    refunded = next(entry for entry in orders if entry.refunds)
    schemas = spec["components"]["schemas"]
    order = order_json(entry.order)
    parcel = shipments_json(entry.shipments)["shipments"][0]
    assert set(order) == set(schemas["Order"]["properties"])
    assert set(order["items"][0]) == set(schemas["Item"]["properties"])
    assert set(order["payments"][0]) == set(schemas["Payment"]["properties"])
    assert set(parcel) == set(schemas["Shipment"]["properties"])
    assert set(parcel["last_event"]) == set(schemas["TrackingEvent"]["properties"])
    summary = OrderSummary(entry.order.ref, entry.order.status, entry.order.placed_at, entry.order.total,
                           entry.order.currency)
    assert set(order_list_json([summary])["orders"][0]) == set(schemas["OrderSummary"]["properties"])
    assert set(refunds_json(refunded.refunds)["refunds"][0]) == set(schemas["Refund"]["properties"])
    assert set(health_json(ShopHealth("1", ("orders",)))) == set(schemas["Health"]["properties"])


def test_every_demo_answer_keeps_to_the_contract(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    problems = []
    for entry in demo_orders(dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC)):
        problems += schema_problems(spec, schemas["Order"], order_json(entry.order), entry.order.ref)
        problems += schema_problems(spec, schemas["ShipmentList"], shipments_json(entry.shipments), entry.order.ref)
        problems += schema_problems(spec, schemas["RefundList"], refunds_json(entry.refunds), entry.order.ref)

    assert problems == []
    assert schema_problems(spec, schemas["Refund"], {"amount": "1,00", "status": "late"}, "bad") == [
        "bad.currency is missing", "bad.amount does not match ^-?[0-9]+(\\.[0-9]+)?$", "bad.status is off the list"]
