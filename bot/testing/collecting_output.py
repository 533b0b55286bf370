"""Replies kept in memory instead of sent: the test double of ``bot.channels.output.TelegramOutput``."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from bot.policy.model import Reply
from bot.service.customer import CustomerRef, Deliver


@dataclass
class CollectingOutput:
    sent: list[tuple[CustomerRef, Reply]] = field(default_factory=list)

    def to(self, customer: CustomerRef) -> Deliver:
        async def deliver(reply: Reply) -> None:
            await asyncio.sleep(0)  # a real send yields to the event loop too: ordering bugs show here
            self.sent.append((customer, reply))
        return deliver

    async def to_customer(self, customer: CustomerRef, reply: Reply) -> None:
        await self.to(customer)(reply)

    def replies_to(self, customer: CustomerRef) -> list[Reply]:
        return [reply for to, reply in self.sent if to == customer]
