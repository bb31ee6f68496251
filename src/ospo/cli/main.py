"""The `ospo` Typer application: one sub-command per module of this package.

The console script is `ospo.cli.entry:main`, which sends everything but a plain
`ospo inventory` here.
"""

from __future__ import annotations

import typer

from ospo.cli.inventory_cmd import inventory
from ospo.cli.licenses_cmd import licenses
from ospo.cli.notice_cmd import notice, report
from ospo.cli.office_cmd import serve, tokens_app, users_app, where
from ospo.cli.reevaluate_cmd import reevaluate
from ospo.cli.sbom_cmd import sbom_app
from ospo.cli.scan_cmd import scan
from ospo.cli.vulns_cmd import vulns_app

app = typer.Typer(
    name="ospo",
    help="The software an Open Source Program Office runs on.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("scan")(scan)
app.command("inventory")(inventory)
app.command("notice")(notice)
app.command("report")(report)
app.command("licenses")(licenses)
app.add_typer(vulns_app, name="vulns")
app.command("where")(where)
app.command("serve")(serve)
app.add_typer(users_app, name="users")
app.add_typer(tokens_app, name="tokens")
app.add_typer(sbom_app, name="sbom")
app.command("reevaluate")(reevaluate)


@app.callback()
def _root() -> None:
    """Inventory, licences, vulnerabilities and policy for everything you ship."""


def main() -> None:
    """The console script's former entry (`ospo.cli.main:main`), so that an editable install
    made before `ospo.cli.entry` existed keeps working until it is reinstalled."""
    from ospo.cli.entry import main as entry_main

    entry_main()
