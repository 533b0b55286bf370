"""Handing a reply to the channel's sender, with the refusals that are final handled once."""

from __future__ import annotations

import logging

from bot.channels.delivery import CustomerUnreachable, DeliveryRefused
from bot.policy.model import Reply
from bot.service.customer import CustomerRef, Deliver
from bot.service.handoff_desk import HandoffDesk

logger = logging.getLogger(__name__)


async def deliver_reply(customer: CustomerRef, reply: Reply, deliver: Deliver, desk: HandoffDesk) -> bool:
    """Send the reply; True when it went out. A refusal that will never succeed is final (no redelivery loop),
    and when the customer blocked the bot their case is closed and the agent who had it is told."""
    try:
        await deliver(reply)
        return True
    except CustomerUnreachable:
        await desk.customer_unreachable(customer.channel, customer.external_id)
    except DeliveryRefused as refused:
        logger.error("reply %s refused by the platform for good: %s", reply.stored_as, refused.reason)
    return False
