"""The book's citation labels outside Sphinx (govmig.citations): what notebooks, exercise
kits and the Sphinx style all print for a work."""

from __future__ import annotations

from pybtex.database import parse_string

from govmig import citations

BIB = r"""
@misc{pecoud2017, title={Politics}, author={Antoine P\'ecoud}, year={2017}}
@misc{duvell2012, title={Transit}, author={Franck D{\"u}vell}, year={2012}}
@misc{cc, title={Tool}, author={{country\_converter 1.3.2}}, year={n.d.}}
@misc{iom1, title={Alpha}, author={{International Organization for Migration}}, year={2019}}
@misc{iom2, title={Beta}, author={{International Organization for Migration}}, year={2019}}
@misc{three, title={T}, author={A. One and B. Two and C. Three}, year={2020}}
"""


def _labels():
    return citations.labels(dict(parse_string(BIB, "bibtex").entries))


def test_latex_accents_and_escapes_read_as_a_reader_sees_them():
    labels = _labels()
    assert labels["pecoud2017"] == ("Pécoud", "2017")
    assert labels["duvell2012"] == ("Düvell", "2012")
    assert labels["cc"] == ("country_converter 1.3.2", "n.d.")


def test_accents_are_decoded_even_without_latexcodec(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_latexcodec(name, *args, **kwargs):
        if name == "latexcodec":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)
    monkeypatch.setattr(builtins, "__import__", no_latexcodec)
    assert citations._plain(r"P\'ecoud") == "Pécoud"
    assert citations._plain(r"D{\"u}vell") == "Düvell"


def test_corporate_authors_are_short_and_one_author_year_gets_letters():
    labels = _labels()
    assert (labels["iom1"], labels["iom2"]) == (("IOM", "2019a"), ("IOM", "2019b"))
    assert labels["three"] == ("One et al.", "2020")
