#!/usr/bin/env python
from sitetrack.cli import main

if __name__ == "__main__":
    main()
