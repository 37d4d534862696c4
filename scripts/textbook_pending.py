"""Record which textbook checks fail today for chapters still waiting for their issue.

    GOVMIG_RECORD_PENDING=1 .venv/bin/python -m pytest tests/test_textbook.py -q -p no:cacheprovider \
        --junitxml=/tmp/textbook.xml ; .venv/bin/python scripts/textbook_pending.py /tmp/textbook.xml

writes tests/textbook_pending.txt: one "kind[id]" a line, for the failures of pending
chapters only. tests/test_textbook.py marks exactly those expected to fail (strictly), so
a fixed item must leave the list, and a chapter that lands leaves PENDING altogether.
"""

from __future__ import annotations

import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KINDS = {"test_a_chapter_opens_on_a_case_then_says_what_the_student_will_learn": "opens",
         "test_a_chapter_ends_with_summary_key_terms_review_questions_and_further_reading": "ends",
         "test_prose_pages_meet_the_readability_limits": "readability",
         "test_each_visible_citation_label_leads_to_one_work_and_no_group_holds_more_than_three": "citations",
         "test_source_checks_sit_in_collapsed_how_we_know_boxes": "how-we-know",
         "test_reader_facing_prose_names_no_file_or_tool_of_the_book": "file-names",
         "test_every_term_the_student_could_not_follow_is_defined": "terms",
         "test_every_exercise_has_a_level_and_names_the_section_it_practises": "levels",
         "test_at_least_half_of_a_chapters_exercises_ask_for_more_than_recall": "mix",
         "test_every_hint_points_to_a_heading_of_this_book": "hints",
         "test_a_data_notebook_keeps_its_machinery_in_a_folded_how_this_notebook_works_note": "how-it-works"}


def main(junit: str) -> None:
    sys.path.insert(0, str(ROOT / "tests"))
    from test_textbook import PENDING  # noqa: E402

    failing = []
    for case in ET.parse(junit).getroot().iter("testcase"):
        if case.find("failure") is None and case.find("error") is None:
            continue
        m = re.match(r"(\w+)\[(.*)\]$", case.get("name", ""))
        if not m or m.group(1) not in KINDS:
            continue
        ident = m.group(2)
        chapter = ident.split("/")[1] if ident.startswith("chapters/") else ident.split("-")[0]
        if chapter in PENDING:
            failing.append(f"{KINDS[m.group(1)]}[{ident}]")
    out = ROOT / "tests" / "textbook_pending.txt"
    out.write_text("# Textbook checks that fail today for chapters still waiting for their issue\n"
                   "# (scripts/textbook_pending.py writes this list; tests/test_textbook.py reads it).\n"
                   + "\n".join(sorted(failing)) + "\n", "utf-8")
    print(f"{len(failing)} pending items written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main(sys.argv[1])
