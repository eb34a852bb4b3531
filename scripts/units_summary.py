# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Sum up the JUnit reports that ``ansible-test units`` wrote, and fail when no test ran.

ansible-test treats pytest's exit code 5 ("no tests collected") as success, so a unit run that found no
test would pass silently. This reads tests/output/junit/python<X.Y>-<context>-units.xml and exits 1 when
a required Python version has no report, ran no test, or had a failure or error.

Usage: python scripts/units_summary.py [--junit-dir DIR] --require 3.11 --require 3.13
"""

from __future__ import annotations

import argparse
import collections
import glob
import os
import re
import sys
import xml.etree.ElementTree as ET


def count(path):
    """Return (tests, failures, errors, skipped) of one JUnit XML file."""
    root = ET.parse(path).getroot()
    suites = [root] if root.tag == 'testsuite' else root.findall('testsuite')
    totals = [0, 0, 0, 0]
    for suite in suites:
        for i, key in enumerate(('tests', 'failures', 'errors', 'skipped')):
            totals[i] += int(suite.get(key, '0') or 0)
    return tuple(totals)


def main():
    """Print one line per Python version and a total; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--junit-dir', default=os.path.join('tests', 'output', 'junit'))
    parser.add_argument('--require', action='append', default=[], metavar='X.Y',
                        help='a Python version whose unit tests must have run')
    args = parser.parse_args()

    per_python = collections.OrderedDict((version, [0, 0, 0, 0]) for version in args.require)
    pattern = re.compile(r'^python(\d+\.\d+)-.*-units\.xml$')
    for path in sorted(glob.glob(os.path.join(args.junit_dir, 'python*-units.xml'))):
        match = pattern.match(os.path.basename(path))
        if not match:
            continue
        totals = per_python.setdefault(match.group(1), [0, 0, 0, 0])
        for i, value in enumerate(count(path)):
            totals[i] += value

    ok = True
    grand = [0, 0, 0]
    for version, (tests, failures, errors, skipped) in per_python.items():
        failed = failures + errors
        passed = tests - failed - skipped
        grand[0] += passed
        grand[1] += failed
        grand[2] += skipped
        print('python%s: %d passed, %d failed, %d skipped' % (version, passed, failed, skipped))
        if tests == 0:
            print('ERROR: no unit test ran on Python %s (no JUnit report in %s, or it is empty)' % (version, args.junit_dir))
            ok = False
        elif passed == 0:
            print('ERROR: no unit test passed on Python %s' % version)
            ok = False
        if failed:
            ok = False
    if not per_python:
        print('ERROR: no JUnit report found in %s' % args.junit_dir)
        ok = False
    print('units: %d passed, %d failed, %d skipped' % tuple(grand))
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
