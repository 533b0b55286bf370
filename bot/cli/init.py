"""``candor init``: connect a shop in one sitting, by questions or (``--non-interactive``) by flags.

It asks for the shop's profile, its backend, the Telegram token and the agents' group, checking
each as it goes, then writes the shop profile into the content folder (seeding it first) and the
settings into ``.env``. Without a terminal it stops at the first failed check and writes nothing.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.onboarding.checks import OnlineChecks, SetupError
from bot.onboarding.env_file import write_env
from bot.onboarding.interview import interview
from knowledge.content_folder import seed_content
from knowledge.pack import CONTENT_DIR, read_pack
from knowledge.shop_profile import format_hours, write_profile

FLAGS = {"shop_name": "--shop-name", "support_email": "--support-email", "support_phone": "--support-phone",
         "timezone": "--timezone", "hours": "--hours", "languages": "--languages", "order_pattern": "--order-pattern",
         "shop": "--shop", "shop_url": "--shop-url", "shop_token": "--shop-token", "telegram_token": "--telegram-token",
         "agents_group": "--agents-group"}
"""Each question's flag (its answer with --non-interactive)."""


def add_init_commands(commands: Any) -> None:
    init = commands.add_parser("init", help="connect your shop: its profile, backend, Telegram bot and agents' group")
    init.add_argument("--non-interactive", action="store_true",
                      help="take every answer from the flags; exit 2 with the reason at the first failed check")
    init.add_argument("--env-file", type=Path, default=Path(".env"), help="the settings file to write (default .env)")
    helps = {"hours": "e.g. 'Mon-Fri 09:00-18:00,Sat 10:00-14:00' (in --timezone)", "languages": "e.g. en,ru",
             "shop": "none, demo, http, shopify or woocommerce", "agents_group": "the forum supergroup's id",
             "order_pattern": "a regular expression, e.g. '#?\\d{5,}'"}
    for name, flag in FLAGS.items():
        init.add_argument(flag, dest=name, default=None, help=helps.get(name))
    init.set_defaults(handler=_init)


class PromptAsker:
    """A person at the terminal: each question with its default; a failed check is explained and asked again."""

    def __init__(self, read: Callable[[str], str] = input, read_secret: Callable[[str], str] = getpass.getpass,
                 say: Callable[[str], None] = print) -> None:
        self._read, self._read_secret, self._say = read, read_secret, say

    def answer(self, name: str, prompt: str, default: str | None, secret: bool = False) -> str:
        shown = f" [{default}]" if default and not secret else ""
        text = (self._read_secret if secret else self._read)(f"{prompt}{shown}: ").strip()
        return text or (default or "")

    def refused(self, name: str, problem: str) -> None:
        self._say(f"  ✗ {problem}. Please try again.")

    def tell(self, line: str) -> None:
        self._say(f"  ✓ {line}")


class FlagAsker:
    """The flags of ``--non-interactive``: a missing required answer or a failed check stops the command."""

    def __init__(self, args: argparse.Namespace, say: Callable[[str], None] = print) -> None:
        self._args, self._say = args, say

    def answer(self, name: str, prompt: str, default: str | None, secret: bool = False) -> str:
        value = getattr(self._args, name, None)
        if value is None:
            if default is None:
                raise SetupError(f"{FLAGS[name]} is required with --non-interactive ({prompt.lower()})")
            return default
        return str(value)

    def refused(self, name: str, problem: str) -> None:
        raise SetupError(f"{FLAGS[name]}: {problem}; nothing was written")

    def tell(self, line: str) -> None:
        self._say(f"  ✓ {line}")


def _init(args: argparse.Namespace, settings: Settings) -> int:
    content = settings.content_dir
    languages = read_pack(content if content.is_dir() else CONTENT_DIR).languages  # nothing is written until all pass
    asker = FlagAsker(args) if args.non_interactive else PromptAsker()
    if not args.non_interactive:
        print(f"Connecting your shop to Candor. The answers go to {args.env_file} and {content}/shop.yaml.")
    setup = interview(asker, languages, OnlineChecks(settings.telegram_api_base_url))
    profile_path = write_profile(seed_content(content), setup.profile)
    write_env(args.env_file, setup.env())
    profile = setup.profile
    print(f"Wrote {profile_path}: {profile.shop_name}, {profile.support_email}, "
          f"{format_hours(profile.hours)} {profile.timezone}, languages {','.join(profile.languages)}.")
    print(f"Wrote {args.env_file}: shop backend {setup.backend.kind}"
          + (", Telegram token set" if setup.telegram_token else ", no Telegram token (candor run starts the local chat)")
          + (f", agents' group {setup.agents_chat_id}" if setup.agents_chat_id is not None else "") + ".")
    print("Next: 'candor run' to go live; 'candor agents add' to staff the agents' group.", file=sys.stderr)
    return 0
