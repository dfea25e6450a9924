"""`python -m dataset ...` runs the command-line interface."""

from dataset.cli import main

if __name__ == "__main__":
    main()
