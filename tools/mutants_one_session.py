"""A pytest plugin that runs many mutmut mutants in one pytest session.

mutmut 3 starts a fresh pytest for each mutant; on a shared 2-core machine that
was about 3 mutants a minute for ``inspections`` (its tests load the seeds and,
for the ILACS ones, Ofsted's file). This runs the same tests for each mutant in
one session instead (the test database is made once), about 25 a minute: for
each mutant it sets ``MUTANT_UNDER_TEST`` (mutmut's trampolines read it on each
call), runs the tests mutmut's stats say call the mutated function, in name
order, and stops at the first failure (killed) or after all pass (survived).
Fixtures are torn down between runs as pytest does between tests.

After a scratch copy and its stats exist (``tools/mutate.py``, or ``mutmut run``
with a name that matches nothing, which writes the stats then stops), from the
scratch copy's ``mutants/`` directory::

    MULTI_MUTANTS=names.txt MULTI_RESULT=results.tsv MUTANT_UNDER_TEST= \\
      PYTHONPATH=/work/wt/tools ../../.venv/bin/python -m pytest -p mutants_one_session \\
      -p no:randomly -p no:xdist -q --rootdir=. <the module's test files>

``names.txt`` lists mutant names (``mutmut results --all true`` gives them, or
the ``def x_…__mutmut_N`` lines of the mutated file); ``results.tsv`` gets one
line a mutant: name, killed / survived / timeout / no tests, and the killing
test. Put a name that is no mutant (``x_f__mutmut_99999``) among them as a
control: it runs the original code and must survive. Spot-check a kill or two
with ``MUTANT_UNDER_TEST=<name> pytest <test>`` as mutmut would run it.
"""

import json
import os
import signal

from _pytest.runner import runtestprotocol

TEST_SECONDS = 120  # one test run longer than this is a timeout (an endless loop)


class _Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise _Timeout


def pytest_runtestloop(session):
    with open("mutmut-stats.json", encoding="utf-8") as stats_file:
        stats = json.load(stats_file)["tests_by_mangled_function_name"]
    items = {item.nodeid: item for item in session.items}
    with open(os.environ["MULTI_MUTANTS"], encoding="utf-8") as names_file:
        names = [line.strip() for line in names_file if line.strip()]
    signal.signal(signal.SIGALRM, _alarm)
    with open(os.environ["MULTI_RESULT"], "a", encoding="utf-8") as out:
        for name in names:
            status, by = _run(session, items, stats, name)
            out.write(f"{name}\t{status}\t{by}\n")
            out.flush()
    return True


def _run(session, items, stats, name: str) -> tuple[str, str]:
    function = name.rsplit("__mutmut_", 1)[0]
    tests = [items[t] for t in sorted(stats.get(function, [])) if t in items]
    if not tests:
        return "no tests", ""
    os.environ["MUTANT_UNDER_TEST"] = name
    try:
        for item in tests:
            # Tear down what the last run left and this test does not share.
            session._setupstate.teardown_exact(item)
            spare = session.items[0] if session.items[0] is not item else session.items[1]
            signal.alarm(TEST_SECONDS)
            try:
                reports = runtestprotocol(item, nextitem=spare, log=False)
            except _Timeout:
                return "timeout", item.nodeid
            finally:
                signal.alarm(0)
            if any(report.failed for report in reports):
                return "killed", item.nodeid
        return "survived", ""
    finally:
        os.environ["MUTANT_UNDER_TEST"] = ""
