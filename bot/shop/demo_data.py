"""The demo shop's 50 orders, built from "now" so the story is the same whenever it runs.

Every time is relative to the given ``now`` in the customer's own time zone (the late parcel was
last scanned yesterday at 14:02, wherever today is), and nothing is random, so tests and the
benchmark see the same facts. Customers write in English, Polish, Russian and Chinese; item names,
scan places and carrier event texts are in their language, amounts in their currency. Contacts use
the reserved example.com/.net/.org domains and fictional numbers.

Orders the end-to-end tests rely on (times are the customer's local time):

========  ===================================  ==============  ==================================================
ref       email                                phone           what it shows
========  ===================================  ==============  ==================================================
50001     emily.clarke@example.com             +447700900123   late: DPD in_transit, expected 2 days ago, last scan
                                                               "Hinckley Hub" yesterday 14:02
50002     emily.clarke@example.com             +447700900123   on its way: Royal Mail in_transit, expected in 2 days
50003     emily.clarke@example.com             +447700900123   exception: Royal Mail, held, address incomplete
50004     emily.clarke@example.com             +447700900123   delivered 4 days ago
50005     oliver.bennett@example.com           +447700900456   hold: one settled + one pending payment, same amount
50006     oliver.bennett@example.com           +447700900456   double charge: two settled payments, same amount
50007     oliver.bennett@example.com           +447700900456   one settled payment (paid)
50008     grace.walsh@example.net              +353851234567   refund pending, expected in 5 days (EUR)
50009     grace.walsh@example.net              +353851234567   refund pending, expected 3 days ago (late)
50010     grace.walsh@example.net              +353851234567   refund succeeded (order refunded)
50011     grace.walsh@example.net              +353851234567   processing, not shipped
50012     katarzyna.nowak@example.com          +48601234567    late: DPD in_transit, expected 2 days ago, last scan
                                                               "Warszawa" yesterday 14:02
50013-22  as 50002-11: 50013-15 katarzyna.nowak@example.com, 50016-18 piotr.wisniewski@example.net
          (+48512345678), 50019-22 agnieszka.kowalczyk@example.org (+48698765432); PLN, DPD and InPost
50023-33  as 50001-11 in Russian: 50023-26 aleksei.smirnov@example.com (+79161234567), 50027-29
          maria.ivanova@example.net (+79031112233), 50030-33 dmitry.kuznetsov@example.org (+79265554433); RUB, СДЭК
50034-39  in Chinese: 50034 late, 50035 delivered (wang.fang@example.com, +8613912345678); 50036 hold, 50037
          double charge (li.wei@example.net, +8613687654321); 50038 refund pending, 50039 processing
          (chen.jing@example.org, +8618611112222); CNY, 顺丰速运
========  ===================================  ==============  ==================================================

The rest cover every other status: 50040 pending_payment with a failed payment, 50041 attempt_fail, 50042
tracking expired, 50043 partially_refunded (USD, daniel.hughes@example.org, +12025550143), 50044 InPost
parcel locker (available_for_pickup), 50045 on_hold and 50046 out_for_delivery (EUR, DHL,
tomasz.zielinski@example.com, +491701234567), 50047 info_received, 50048 a failed refund then a pending one,
50049 partially_shipped (one parcel still pending, no carrier yet), 50050 cancelled after a failed payment.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from bot.policy.orders import Item, Order, Payment, Refund, Shipment, TrackingEvent


@dataclass(frozen=True)
class DemoOrder:
    """One order with the contact it belongs to and what the carrier and payment provider say about it."""

    order: Order
    email: str
    phone: str
    shipments: tuple[Shipment, ...] = ()
    refunds: tuple[Refund, ...] = ()


@dataclass(frozen=True)
class _Customer:
    name: str
    email: str
    phone: str
    language: str
    currency: str
    zone: str
    carriers: tuple[str, ...]
    places: tuple[str, ...]


@dataclass(frozen=True)
class _Carrier:
    name: str
    url: str
    prefix: str
    digits: int
    suffix: str = ""


_CARRIERS = {
    "dpd-uk": _Carrier("DPD", "https://track.dpd.co.uk/parcels/{}", "1550", 10),
    "royal-mail": _Carrier("Royal Mail", "https://www.royalmail.com/track-your-item#/tracking-results/{}", "RM", 9, "GB"),
    "dhl": _Carrier("DHL", "https://www.dhl.com/global-en/home/tracking/tracking-express.html?tracking-id={}", "", 10),
    "ups": _Carrier("UPS", "https://www.ups.com/track?tracknum={}", "1Z999AA1", 10),
    "dpd-pl": _Carrier("DPD", "https://tracktrace.dpd.com.pl/parcelDetails?typ=1&p1={}", "1000", 9, "U"),
    "inpost": _Carrier("InPost", "https://inpost.pl/sledzenie-przesylek?number={}", "6200", 20),
    "cdek": _Carrier("СДЭК", "https://www.cdek.ru/ru/tracking?order_id={}", "", 10),
    "sf": _Carrier("顺丰速运", "https://www.sf-express.com/chn/sc/waybill/waybill-detail/{}", "SF", 13),
}

_CUSTOMERS = {
    "emily": _Customer("Emily Clarke", "emily.clarke@example.com", "+447700900123", "en", "GBP", "Europe/London",
                       ("dpd-uk", "royal-mail"), ("Hinckley Hub", "Bristol Delivery Office")),
    "oliver": _Customer("Oliver Bennett", "oliver.bennett@example.com", "+447700900456", "en", "GBP", "Europe/London",
                        ("royal-mail",), ("Birmingham Mail Centre", "Leeds Delivery Office")),
    "grace": _Customer("Grace Walsh", "grace.walsh@example.net", "+353851234567", "en", "EUR", "Europe/Dublin",
                       ("dhl",), ("Dublin Hub", "Cork Service Point")),
    "daniel": _Customer("Daniel Hughes", "daniel.hughes@example.org", "+12025550143", "en", "USD", "America/New_York",
                        ("ups",), ("Louisville, KY", "Brooklyn, NY")),
    "katarzyna": _Customer("Katarzyna Nowak", "katarzyna.nowak@example.com", "+48601234567", "pl", "PLN",
                           "Europe/Warsaw", ("dpd-pl", "inpost"),
                           ("Warszawa", "Stryków", "Paczkomat WAW15M, ul. Puławska 12, Warszawa")),
    "piotr": _Customer("Piotr Wiśniewski", "piotr.wisniewski@example.net", "+48512345678", "pl", "PLN",
                       "Europe/Warsaw", ("inpost",), ("Kraków", "Wrocław")),
    "agnieszka": _Customer("Agnieszka Kowalczyk", "agnieszka.kowalczyk@example.org", "+48698765432", "pl", "PLN",
                           "Europe/Warsaw", ("dpd-pl",), ("Gdańsk", "Łódź")),
    "tomasz": _Customer("Tomasz Zieliński", "tomasz.zielinski@example.com", "+491701234567", "pl", "EUR",
                        "Europe/Berlin", ("dhl",), ("Leipzig Hub", "Berlin-Neukölln")),
    "aleksei": _Customer("Алексей Смирнов", "aleksei.smirnov@example.com", "+79161234567", "ru", "RUB",
                         "Europe/Moscow", ("cdek",), ("Москва, сортировочный центр", "Москва, пункт выдачи на Тверской")),
    "maria": _Customer("Мария Иванова", "maria.ivanova@example.net", "+79031112233", "ru", "RUB", "Europe/Moscow",
                       ("cdek",), ("Санкт-Петербург, сортировочный центр", "Санкт-Петербург, Невский пр.")),
    "dmitry": _Customer("Дмитрий Кузнецов", "dmitry.kuznetsov@example.org", "+79265554433", "ru", "RUB",
                        "Asia/Yekaterinburg", ("cdek",), ("Екатеринбург, сортировочный центр", "Екатеринбург")),
    "wangfang": _Customer("王芳", "wang.fang@example.com", "+8613912345678", "zh", "CNY", "Asia/Shanghai",
                          ("sf",), ("上海浦东转运中心", "上海徐汇营业点")),
    "liwei": _Customer("李伟", "li.wei@example.net", "+8613687654321", "zh", "CNY", "Asia/Shanghai",
                       ("sf",), ("北京顺义集散中心", "北京朝阳营业点")),
    "chenjing": _Customer("陈静", "chen.jing@example.org", "+8618611112222", "zh", "CNY", "Asia/Shanghai",
                          ("sf",), ("深圳宝安中转场", "深圳南山营业点")),
}

_PRODUCTS = (  # (en, pl, ru, zh, price in EUR)
    ("Merino wool jumper", "Sweter z wełny merino", "Свитер из шерсти мериноса", "美利奴羊毛衫", 79),
    ("Waterproof hiking jacket", "Wodoodporna kurtka trekkingowa", "Непромокаемая куртка для походов", "防水登山夹克", 149),
    ("Leather ankle boots", "Skórzane botki", "Кожаные ботинки", "真皮短靴", 129),
    ("Cotton bed linen set", "Komplet pościeli bawełnianej", "Комплект постельного белья из хлопка", "纯棉床品四件套", 69),
    ("Ceramic pour-over coffee set", "Ceramiczny zestaw do kawy", "Керамический набор для кофе", "陶瓷手冲咖啡套装", 39),
    ("Wireless headphones", "Słuchawki bezprzewodowe", "Беспроводные наушники", "无线耳机", 99),
    ("Yoga mat", "Mata do jogi", "Коврик для йоги", "瑜伽垫", 29),
    ("Steel water bottle", "Butelka termiczna ze stali", "Термобутылка из нержавеющей стали", "不锈钢保温杯", 24),
)
_LANGUAGE_COLUMN = {"en": 0, "pl": 1, "ru": 2, "zh": 3}
_RATES = {"EUR": Decimal(1), "GBP": Decimal("0.85"), "USD": Decimal("1.08"), "PLN": Decimal("4.3"),
          "RUB": Decimal(100), "CNY": Decimal("7.7")}

_EVENTS = {
    "en": {"info_received": "Shipping label created; waiting for the parcel", "in_transit": "Sorted at the hub, on its way",
           "out_for_delivery": "Out for delivery today", "attempt_fail": "Delivery attempted: nobody in, card left",
           "delivered": "Delivered and signed for", "available_for_pickup": "Ready to collect at the pickup point",
           "exception": "Held at the depot: the address is incomplete",
           "expired": "No scans for 30 days; tracking has expired"},
    "pl": {"info_received": "Nadawca przygotował przesyłkę", "in_transit": "Przesyłka w drodze, przyjęta w oddziale",
           "out_for_delivery": "Wydana do doręczenia", "attempt_fail": "Nieudana próba doręczenia, zostawiono awizo",
           "delivered": "Przesyłka doręczona", "available_for_pickup": "Gotowa do odbioru w Paczkomacie",
           "exception": "Przesyłka zatrzymana w oddziale: niepełny adres",
           "expired": "Brak nowych skanów od 30 dni; śledzenie wygasło"},
    "ru": {"info_received": "Заказ зарегистрирован, ожидает передачи перевозчику",
           "in_transit": "Принято на сортировочном центре, в пути", "out_for_delivery": "Передано курьеру, доставка сегодня",
           "attempt_fail": "Неудачная попытка вручения: получателя нет дома", "delivered": "Вручено получателю",
           "available_for_pickup": "Прибыло в пункт выдачи", "exception": "Задержано на складе: неполный адрес",
           "expired": "Нет новых сканирований 30 дней; отслеживание истекло"},
    "zh": {"info_received": "已下单，等待快递员揽收", "in_transit": "快件已到达转运中心，正在发往下一站",
           "out_for_delivery": "快件正在派送中", "attempt_fail": "派送未成功：收件人不在，已留通知", "delivered": "已签收",
           "available_for_pickup": "快件已到达自提点，请及时取件", "exception": "快件异常：收件地址不完整，暂停派送",
           "expired": "30天无新的物流信息，追踪已过期"},
}


@dataclass(frozen=True)
class _Draft:
    """One order being built: its customer, lines and clock, and the small helpers the stories share."""

    ref: str
    customer: _Customer
    lines: tuple[tuple[int, int], ...]
    now: dt.datetime
    age_hours: float
    carrier: int

    def at(self, days: int, hour: int, minute: int) -> dt.datetime:
        """``days`` from today (negative: ago) at a wall-clock time in the customer's zone."""
        day = self.now.date() + dt.timedelta(days=days)
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=self.now.tzinfo)

    def ago(self, hours: float) -> dt.datetime:
        return (self.now - dt.timedelta(hours=hours)).replace(second=0, microsecond=0)

    @property
    def placed(self) -> dt.datetime:
        return self.ago(self.age_hours)

    def price(self, product: int) -> Decimal:
        value = (_RATES[self.customer.currency] * _PRODUCTS[product][4]).quantize(Decimal(1))
        return value if self.customer.currency in ("RUB", "CNY") else value - Decimal("0.01")

    @property
    def total(self) -> str:
        return f"{sum(self.price(product) * quantity for product, quantity in self.lines):.2f}"

    def payment(self, status: str, minutes: int = 1, amount: str | None = None) -> Payment:
        return Payment(amount or self.total, self.customer.currency, status, self.placed + dt.timedelta(minutes=minutes))

    def refund(self, status: str, created: dt.datetime, expected: dt.datetime, amount: str | None = None) -> Refund:
        return Refund(amount or self.total, self.customer.currency, status, created, expected)

    def parcel(self, status: str, estimate: dt.datetime | None, scanned: dt.datetime, place: int | None) -> Shipment:
        carrier = _CARRIERS[self.customer.carriers[self.carrier]]
        digits = int(hashlib.sha256(self.ref.encode()).hexdigest(), 16) % 10 ** carrier.digits
        number = f"{carrier.prefix}{digits:0{carrier.digits}d}{carrier.suffix}"
        event = TrackingEvent(scanned, _EVENTS[self.customer.language][status],
                              None if place is None else self.customer.places[place])
        return Shipment(carrier.name, number, carrier.url.format(number), status, estimate, event)

    def build(self, status: str, payments: tuple[Payment, ...], shipments: tuple[Shipment, ...] = (),
              refunds: tuple[Refund, ...] = ()) -> DemoOrder:
        moments = [self.placed] + [payment.at for payment in payments if payment.at] + [
            parcel.last_event.at for parcel in shipments if parcel.last_event and parcel.last_event.at] + [
            refund.created_at for refund in refunds if refund.created_at]
        column = _LANGUAGE_COLUMN[self.customer.language]
        items = tuple(Item(str(_PRODUCTS[product][column]), quantity) for product, quantity in self.lines)
        order = Order(self.ref, status, self.placed, max(moments), self.customer.currency, self.total, items,
                      payments, f"https://shop.example.com/orders/{self.ref}/status")
        return DemoOrder(order, self.customer.email, self.customer.phone, shipments, refunds)


def _late(d: _Draft) -> DemoOrder:
    return d.build("shipped", (d.payment("settled"),), (d.parcel("in_transit", d.at(-2, 18, 0), d.at(-1, 14, 2), 0),))


def _on_the_way(d: _Draft) -> DemoOrder:
    return d.build("shipped", (d.payment("settled"),), (d.parcel("in_transit", d.at(2, 18, 0), d.ago(5), 0),))


def _exception(d: _Draft) -> DemoOrder:
    return d.build("shipped", (d.payment("settled"),), (d.parcel("exception", d.at(-1, 18, 0), d.at(-1, 9, 40), 1),))


def _delivered(d: _Draft) -> DemoOrder:
    return d.build("delivered", (d.payment("settled"),), (d.parcel("delivered", d.at(-4, 18, 0), d.at(-4, 11, 23), 1),))


def _hold(d: _Draft) -> DemoOrder:
    return d.build("paid", (d.payment("settled", 2), d.payment("pending", 4)))


def _double(d: _Draft) -> DemoOrder:
    return d.build("paid", (d.payment("settled", 1), d.payment("settled", 3)))


def _paid(d: _Draft) -> DemoOrder:
    return d.build("paid", (d.payment("settled"),))


def _refund_pending(d: _Draft) -> DemoOrder:
    return d.build("cancelled", (d.payment("settled"),), refunds=(d.refund("pending", d.ago(48), d.at(5, 18, 0)),))


def _refund_late(d: _Draft) -> DemoOrder:
    return d.build("cancelled", (d.payment("settled"),), refunds=(d.refund("pending", d.ago(16 * 24), d.at(-3, 18, 0)),))


def _refund_done(d: _Draft) -> DemoOrder:
    return d.build("refunded", (d.payment("refunded"),), refunds=(d.refund("succeeded", d.ago(10 * 24), d.at(-4, 18, 0)),))


def _processing(d: _Draft) -> DemoOrder:
    return d.build("processing", (d.payment("settled"),))


def _awaiting_payment(d: _Draft) -> DemoOrder:
    return d.build("pending_payment", (d.payment("failed"),))


def _on_hold(d: _Draft) -> DemoOrder:
    return d.build("on_hold", (d.payment("settled"),))


def _partially_shipped(d: _Draft) -> DemoOrder:
    first = d.parcel("in_transit", d.at(1, 18, 0), d.ago(9), 0)
    return d.build("partially_shipped", (d.payment("settled"),), (first, Shipment(None, None, None, "pending")))


def _label_created(d: _Draft) -> DemoOrder:
    return d.build("shipped", (d.payment("settled"),), (d.parcel("info_received", d.at(3, 18, 0), d.ago(4), None),))


def _out_for_delivery(d: _Draft) -> DemoOrder:
    return d.build("shipped", (d.payment("settled"),), (d.parcel("out_for_delivery", d.ago(-3), d.ago(2), 1),))


def _attempt_failed(d: _Draft) -> DemoOrder:
    return d.build("shipped", (d.payment("settled"),), (d.parcel("attempt_fail", d.at(-1, 18, 0), d.at(-1, 12, 37), 1),))


def _pickup(d: _Draft) -> DemoOrder:
    return d.build("shipped", (d.payment("settled"),), (d.parcel("available_for_pickup", None, d.ago(20), 2),))


def _expired(d: _Draft) -> DemoOrder:
    return d.build("shipped", (d.payment("settled"),), (d.parcel("expired", d.at(-60, 18, 0), d.at(-45, 8, 15), 0),))


def _partially_refunded(d: _Draft) -> DemoOrder:
    part = f"{d.price(d.lines[0][0]):.2f}"
    return d.build("partially_refunded", (d.payment("settled"),),
                   (d.parcel("delivered", d.at(-12, 18, 0), d.at(-12, 10, 5), 1),),
                   (d.refund("succeeded", d.ago(7 * 24), d.at(-2, 18, 0), part),))


def _cancelled(d: _Draft) -> DemoOrder:
    return d.build("cancelled", (d.payment("failed"),))


def _refund_failed(d: _Draft) -> DemoOrder:
    return d.build("cancelled", (d.payment("settled"),), refunds=(
        d.refund("failed", d.ago(9 * 24), d.at(-2, 18, 0)), d.refund("pending", d.ago(20), d.at(6, 18, 0))))


_STORIES: dict[str, tuple[Callable[[_Draft], DemoOrder], float]] = {  # how the order goes, and its age in hours
    "late": (_late, 7 * 24 + 3),
    "on_the_way": (_on_the_way, 2 * 24 + 1),
    "exception": (_exception, 6 * 24),
    "delivered": (_delivered, 9 * 24 + 5),
    "hold": (_hold, 20),
    "double": (_double, 3 * 24 + 2),
    "paid": (_paid, 30),
    "refund_pending": (_refund_pending, 4 * 24),
    "refund_late": (_refund_late, 20 * 24),
    "refund_done": (_refund_done, 15 * 24),
    "processing": (_processing, 26),
    "awaiting_payment": (_awaiting_payment, 3),
    "on_hold": (_on_hold, 3 * 24),
    "partially_shipped": (_partially_shipped, 4 * 24),
    "label_created": (_label_created, 28),
    "out_for_delivery": (_out_for_delivery, 3 * 24),
    "attempt_failed": (_attempt_failed, 5 * 24),
    "pickup": (_pickup, 3 * 24 + 6),
    "expired": (_expired, 75 * 24),
    "partially_refunded": (_partially_refunded, 18 * 24),
    "cancelled": (_cancelled, 5 * 24),
    "refund_failed": (_refund_failed, 12 * 24),
}

_KEY_STORIES = ("late", "on_the_way", "exception", "delivered", "hold", "double", "paid", "refund_pending",
                "refund_late", "refund_done", "processing")
_KEY_CUSTOMERS = (("emily",) * 4 + ("oliver",) * 3 + ("grace",) * 4, ("katarzyna",) * 4 + ("piotr",) * 3 +
                  ("agnieszka",) * 4, ("aleksei",) * 4 + ("maria",) * 3 + ("dmitry",) * 4)
_CHINESE = (("wangfang", "late"), ("wangfang", "delivered"), ("liwei", "hold"), ("liwei", "double"),
            ("chenjing", "refund_pending"), ("chenjing", "processing"))
_OTHERS = (("daniel", "awaiting_payment", 0), ("emily", "attempt_failed", 1), ("daniel", "expired", 0),
           ("daniel", "partially_refunded", 0), ("katarzyna", "pickup", 1), ("tomasz", "on_hold", 0),
           ("tomasz", "out_for_delivery", 0), ("aleksei", "label_created", 0), ("maria", "refund_failed", 0),
           ("liwei", "partially_shipped", 0), ("chenjing", "cancelled", 0))
_CARRIER_BY_STORY = {"on_the_way": 1, "exception": 1}  # Emily's and Katarzyna's second carrier


def _catalogue() -> tuple[tuple[str, str, str, int], ...]:
    """(ref, customer, story, carrier) of every order, in ref order."""
    rows: list[tuple[str, str, int]] = []
    for customers in _KEY_CUSTOMERS:
        rows += [(customer, story, _CARRIER_BY_STORY.get(story, 0) if customer in ("emily", "katarzyna") else 0)
                 for customer, story in zip(customers, _KEY_STORIES, strict=True)]
    rows += [(customer, story, 0) for customer, story in _CHINESE]
    rows += list(_OTHERS)
    return tuple((str(50001 + index), *row) for index, row in enumerate(rows))


_CATALOGUE = _catalogue()
_LINES = ((0,), (1,), (2,), (3, 6), (4,), (5,), (6, 7), (7,), (1, 4))  # products of an order, cycled through by ref


def _draft(ref: str, customer: str, story: str, carrier: int, now: dt.datetime) -> DemoOrder:
    if now.utcoffset() is None:
        raise ValueError("the demo shop's clock must give times with a time zone")
    build, age_hours = _STORIES[story]
    products = _LINES[int(ref) % len(_LINES)]
    lines = tuple((product, 2 if product == 6 else 1) for product in products)
    if story.startswith("partially_") and len(lines) < 2:  # a part of the order needs another part
        lines += ((3, 1),)
    client = _CUSTOMERS[customer]
    return build(_Draft(ref, client, lines, now.astimezone(ZoneInfo(client.zone)), age_hours, carrier))


def demo_orders(now: dt.datetime) -> tuple[DemoOrder, ...]:
    """All 50 orders as they stand at ``now`` (which must carry its time zone)."""
    return tuple(_draft(*row, now) for row in _CATALOGUE)


def demo_order(ref: str, now: dt.datetime) -> DemoOrder | None:
    """One order as it stands at ``now``, or None for a reference the demo shop does not have."""
    return next((_draft(*row, now) for row in _CATALOGUE if row[0] == ref), None)

