"""`python -m ospo` runs the command line."""

from ospo.cli.main import main

main()
