"""Builds ``fixtures/schedule6_sandwell.json`` and the December 2018
commentary in ``fixtures/sandwell.json`` from ``seeds/003_…txt``, cutting the
text at the seed's own headings so every word is the seed's. Run once by hand
(``python -m schedule6.seed_extract``); the tests check the fixtures against
the seed, not against this script.
"""

import json
import re
import sys
from pathlib import Path

SEED = Path(__file__).resolve().parents[1] / "data" / "seeds" / "003_63a1f8a883f4fd17.txt"
SOURCE = (
    "Sandwell Children's Trust Quarterly Monitoring Report to the Strategic Partnership "
    "Board, January 2019 (Q3 2018-19), section {section}; Appendix 3 to Sandwell's "
    "scrutiny board report of 18 March 2019"
)
ORG = 2
Q3_FROM, Q3_TO = "2018-10-01", "2018-12-01"
MONTHS = {"October": "2018-10-01", "November": "2018-11-01", "December": "2018-12-01"}


def _lines():
    return SEED.read_text(encoding="utf-8").split("\n")


def _find(lines, start, after=0):
    for number in range(after, len(lines)):
        if lines[number].startswith(start):
            return number
    raise LookupError(start)


def _block(lines, first, last):
    return "\n".join(line.rstrip() for line in lines[first:last]).strip()


def build(root: Path):
    lines = _lines()
    summary_start = _find(lines, "PI1 - ")
    summary_end = _find(lines, "3. For each Monthly Performance Indicator")
    summary = _block(lines, summary_start, summary_end)
    # Each PI's paragraphs, PI1 … PI15.
    starts = [n for n in range(summary_start, summary_end) if re.match(r"PI\d+\s*-", lines[n])]
    commentary = {}
    for i, first in enumerate(starts):
        last = starts[i + 1] if i + 1 < len(starts) else summary_end
        code = re.match(r"(PI\d+)", lines[first]).group(1)
        commentary[code] = _block(lines, first, last)
    statement = lambda heading: lines[_find(lines, heading) + 2].strip()  # noqa: E731
    objects = [
        {
            "model": "schedule6.summaryanalysis",
            "pk": 1,
            "fields": {
                "organisation": ORG,
                "period": "2018-12-01",
                "title": lines[_find(lines, "Performance Summary Quarter Three")].strip(),
                "text": summary,
                "no_failure_statement": statement("4. Details of any Performance Failure"),
                "no_action_plans_statement": statement("5. The status of all Action Plans"),
                "no_rectification_plans_statement": statement(
                    "6. The status of all Rectification Plans"
                ),
                "source": SOURCE.format(section="2 (and sections 4–6 for the statements)"),
            },
        }
    ]
    # Audit counts: the four tables after "Summary of Key Findings".
    table_at = _find(lines, "Summary of Key Findings from Monthly Case File Audit")
    spans = [("2018-10-01", "2018-10-01"), ("2018-11-01", "2018-11-01"),
             ("2018-12-01", "2018-12-01"), (Q3_FROM, Q3_TO)]  # fmt: skip
    rows = [
        line
        for line in lines[table_at : table_at + 26]
        if line.startswith(("Quality Assurance Children", "Moderations"))
    ]
    pk = 1
    for index, line in enumerate(rows):
        cells = re.findall(r"(\d+(?:\.\d+)?)(%?)", line.split("\t", 1)[1])
        numbers = [value for value, _ in cells]
        expected, completed, completed_pc, good, good_pc, ri, ri_pc, bad, bad_pc = numbers
        period_from, period = spans[index // 2]
        objects.append(
            {
                "model": "schedule6.auditactivity",
                "pk": pk,
                "fields": {
                    "organisation": ORG,
                    "period_from": period_from,
                    "period": period,
                    "service": "Quality Assurance Children's Audit Activity",
                    "kind": "audit" if line.startswith("Quality") else "moderation",
                    "expected": int(expected),
                    "completed": int(completed),
                    "good": int(good),
                    "requires_improvement": int(ri),
                    "inadequate": int(bad),
                    "completed_printed": completed_pc,
                    "good_printed": good_pc,
                    "requires_improvement_printed": ri_pc,
                    "inadequate_printed": bad_pc,
                    "source": SOURCE.format(
                        section="7, Summary of Key Findings from Monthly Case File Audit Activity"
                    ),
                },
            }
        )
        pk += 1
    # Themes by month, for the two strands the Introduction lists.
    intro = _find(lines, "Introduction", _find(lines, "7. The findings of any Audit"))
    strand, pk, order = "", 1, 0
    for line in lines[intro : intro + 14]:
        item = line.strip()
        if item.startswith("- Overall Audit activity themes"):
            strand = "Overall audit activity"
        elif item.startswith("- Adoption - IFA and VAA audits"):
            strand = "Adoption - IFA and VAA audits"
        found = re.match(r"- (October|November|December) - \*\*(.+)\*\*$", item)
        if found:
            objects.append(
                {
                    "model": "schedule6.audittheme",
                    "pk": pk,
                    "fields": {
                        "organisation": ORG,
                        "period": MONTHS[found.group(1)],
                        "strand": strand,
                        "theme": found.group(2),
                        "order": order,
                        "source": SOURCE.format(section="7, Introduction"),
                    },
                }
            )
            pk, order = pk + 1, order + 1
    # Findings, cut at the seed's headings: (heading line, theme, heading, span).
    front, birth, cin = (
        "Threshold application at Front Door – Step up and Step down",
        "Pre-Birth Assessments and intervention",
        "Child in Need Plans",
    )
    q3, oct_, nov, dec = (
        (Q3_FROM, Q3_TO),
        ("2018-10-01",) * 2,
        ("2018-11-01",) * 2,
        ("2018-12-01",) * 2,
    )
    well, improve = "What is working well", "What we need to improve"
    pre_birth = "Pre-Birth Assessments, Plans and Reviews"
    cin_planning = "Children in Need Planning and Intervention"
    cin_actions = "Actions taken to impact change and improve practice"
    fostering = "Fostering and Adoption Audit activity"
    cuts = [
        ("Quality of Audits:", "", "Quality of Audits", q3),
        ("Summary of findings from audits:", "", "Summary of findings from audits", q3),
        (pre_birth, "", pre_birth, q3),
        ("Management Oversight", "", "Management Oversight", q3),
        ("Assessments", "", "Assessments", q3),
        (cin_planning, "", cin_planning, q3),
        (f"{well}:", front, well, oct_),
        (f"{improve}:", front, improve, oct_),
        ("Front door - MASH and SAAT:", front, f"{improve}: Front door - MASH and SAAT", oct_),
        ("Specific learning for Early Help:", front, "Specific learning for Early Help", oct_),
        ("Specific learning for IRO service", front, "Specific learning for IRO service", oct_),
        (f"{well}:", birth, well, nov),
        (f"{improve}:", birth, improve, nov),
        ("Actions taken to impact change:", birth, "Actions taken to impact change", nov),
        (f"{well}:", cin, well, dec),
        (improve, cin, improve, dec),
        (cin_actions, cin, cin_actions, dec),
        (fostering, "Fostering and Adoption", fostering, q3),
    ]
    at = _find(lines, "Quality of Audits:")
    heads = []
    for start, theme, heading, span in cuts:
        at = _find(lines, start, at)
        heads.append((at, theme, heading, span))
        at += 1
    heads.append((_find(lines, "Learning and Development Team", at), None, None, None))
    for pk, (at, theme, heading, span) in enumerate(heads[:-1], start=1):
        first, last = at + 1, heads[pk][0]
        # A theme's own heading line ends the block before it.
        last = next(
            (n for n in range(first, last) if lines[n].startswith("Findings around the theme")),
            last,
        )
        text = _block(lines, first, last)
        if heading == "Specific learning for IRO service":
            # The heading's line carries its first sentence after the dash.
            text = lines[at].split("– ", 1)[1].strip() + "\n\n" + text
        objects.append(
            {
                "model": "schedule6.auditfinding",
                "pk": pk,
                "fields": {
                    "organisation": ORG,
                    "period_from": span[0],
                    "period": span[1],
                    "theme": theme,
                    "heading": heading,
                    "text": text,
                    "order": pk,
                    "source": SOURCE.format(section="7"),
                },
            }
        )
    objects.append(
        {
            "model": "schedule6.survey",
            "pk": 1,
            "fields": {
                "organisation": ORG,
                "period": "2018-12-01",
                "carried_out": False,
                "statement": statement("8. The findings of any Survey"),
                "source": SOURCE.format(section="8"),
            },
        }
    )
    yos = lines[_find(lines, "The Youth Offending Service also underwent")].strip()
    objects += [
        {
            "model": "inspections.inspection",
            "pk": 70,
            "fields": {
                "organisation": ORG,
                "kind": "youth_justice",
                "title": "HMI Probation inspection of the Youth Offending Service",
                "setting": "Youth Offending Service",
                "start_date": "2018-08-20",
                "end_date": None,
                "published_date": "2018-10-29",
                "focus": "",
                "lead_inspector": "",
                "inspectors": "HMI Probation",
                "summary": yos,
                "letter": "",
                "source": SOURCE.format(section="9")
                + ". Week commencing 20 August 2018: starts that Monday; last day not given",
            },
        },
        {
            "model": "inspections.judgement",
            "pk": 200,
            "fields": {"inspection": 70, "area": "Judgement", "grade": "good", "order": 0},
        },
    ]
    (root / "fixtures" / "schedule6_sandwell.json").write_text(
        json.dumps(objects, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    # 4.2.2: each PI's paragraphs as its December 2018 commentary.
    path = root / "fixtures" / "sandwell.json"
    sandwell = json.loads(path.read_text(encoding="utf-8"))
    codes = {o["pk"]: o["fields"]["code"] for o in sandwell if o["model"] == "kpis.kpi"}
    for o in sandwell:
        if o["model"] == "kpis.reading" and o["fields"]["period"] == "2018-12-01":
            o["fields"]["commentary"] = commentary[codes[o["fields"]["kpi"]]]
    path.write_text(json.dumps(sandwell, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    build(Path(sys.argv[1]) if len(sys.argv) > 1 else Path.cwd())
