"""Check rendered reports page by page: `python scripts/check_pages.py FILE_OR_FOLDER ...` prints one line per
problem (`file:page: kind: detail`) and exits 1 if there is any (see helpers.pagecheck for the rules)."""
import argparse
import sys

from helpers.pagecheck import check


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", metavar="FILE_OR_FOLDER",
                        help="a rendered PDF or HTML, or a folder of them")
    problems = check(parser.parse_args(argv).paths)
    for problem in problems:
        print(problem.line())
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
