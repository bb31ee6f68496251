"""`python -m ospo` runs the command line."""

from ospo.cli.entry import main

main()
