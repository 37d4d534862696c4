"""Page addresses never break (ROUND-NOTES, "Moving pages"): every page of the second
edition (December 2026, before its chapters were split into section pages) still exists at
its address in the built book, so a lecturer's syllabus links keep working. A page that
moves must leave a redirect page at its old address."""

from __future__ import annotations

import pytest

from conftest import INSTRUCTOR_SITE, SITE

STUDENT_PAGES = [
    "intro",
    "chapters/iom/iom-history",
    "chapters/iom/iom-in-numbers",
    "chapters/iom/iom-names-phases",
    "chapters/iom/iom-since-2016",
    "chapters/iom/iom-exercises",
    "chapters/partnership/partnership-governmentality",
    "chapters/partnership/partnership-since-2011",
    "chapters/partnership/partnership-corpus",
    "chapters/partnership/partnership-instruments",
    "chapters/partnership/partnership-exercises",
    "chapters/rcps/rcps-governance",
    "chapters/rcps/rcps-since-2013",
    "chapters/rcps/rcps-data",
    "chapters/rcps/rcps-exercises",
    "chapters/gcm/gcm-soft-law",
    "chapters/gcm/gcm-implementation",
    "chapters/gcm/gcm-since-2018",
    "chapters/gcm/gcm-vote-ratification",
    "chapters/gcm/gcm-objectives",
    "chapters/gcm/gcm-exercises",
    "chapters/imrf/imrf-civil-society",
    "chapters/imrf/imrf-2026",
    "chapters/imrf/imrf-claims",
    "chapters/imrf/imrf-exercises",
    "glossary",
    "data/README",
    "credits",
    "CHANGES",
    "bibliography",]
INSTRUCTOR_PAGES = [
    "instructor/guide",
    "instructor/iom-seminar-plan",
    "instructor/iom-exercise-notes",
    "instructor/partnership-seminar-plan",
    "instructor/partnership-exercise-notes",
    "instructor/rcps-seminar-plan",
    "instructor/rcps-exercise-notes",
    "instructor/gcm-seminar-plan",
    "instructor/gcm-exercise-notes",
    "instructor/imrf-seminar-plan",
    "instructor/imrf-exercise-notes",]


@pytest.mark.parametrize("page", STUDENT_PAGES)
def test_every_second_edition_page_is_still_at_its_address(page):
    if not (SITE / "index.html").is_file():
        pytest.skip("student edition not built")
    assert (SITE / f"{page}.html").is_file(), f"{page}.html is gone: leave a redirect at the old address"


@pytest.mark.parametrize("page", STUDENT_PAGES + INSTRUCTOR_PAGES)
def test_every_second_edition_page_is_still_in_the_instructor_edition(page):
    if not (INSTRUCTOR_SITE / "index.html").is_file():
        pytest.skip("instructor edition not built")
    assert (INSTRUCTOR_SITE / f"{page}.html").is_file(), page
