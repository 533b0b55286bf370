"""Adapters to the shop's own data (orders, parcels, payments, refunds) behind one small contract.

Each backend translates its platform's answers into the facts in ``bot/policy/orders.py``;
``docs/shop-api.yaml`` is the contract the ``http`` backend speaks and the demo shop serves. This
layer imports only ``bot.policy`` (the fact types); the service decides when to look up.
"""
