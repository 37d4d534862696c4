"""Trim the theme's style sheets and icon font to what the built site uses (issue 19).

pydata-sphinx-theme ships Bootstrap and all of Font Awesome in one style sheet (387 KB)
and a 152 KB icon font, and every page loads both before it shows a word. After each
HTML build, `trim_site`:

1. runs PurgeCSS (npm, installed by `npm ci` like the site's other JavaScript) over the
   theme's and extensions' style sheets, with every built page and every theme script as
   content, so a rule survives if any page or script names its class, id or element;
   rules for the dark theme (`html[data-theme=dark]`, set by script) are always kept;
2. cuts the Font Awesome fonts down to the glyphs the trimmed style sheet still draws
   (fontTools, from PyPI).

The files are trimmed where Sphinx copied them, on every build (Sphinx copies the theme's
files again each time, so a page that gains a class gets its rule back). The book's own
style sheet (govmig.css) and Pygments' colours are left whole.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import tempfile
from pathlib import Path

# Style sheets under _static/ to trim (glob patterns), and what they weighed in December 2026.
TRIM = (
    "styles/pydata-sphinx-theme.css",   # 387 KB: Bootstrap, the theme, Font Awesome
    "styles/sphinx-book-theme.css",     # 16 KB
    "basic.css",                        # 15 KB: Sphinx's own
    "mystnb.*.css",                     # 43 KB: notebook cells
    "sphinx-design.min.css",            # 55 KB
    "togglebutton.css",
    "copybutton.css",
)
# Selectors set by scripts from values PurgeCSS cannot see in the pages.
SAFELIST = [r"data-theme", r"data-mode"]
FONTS = "vendor/fontawesome/webfonts"
# A glyph the sheet draws: `content:"\f185"`, Font Awesome's `--fa:"\f185"`, or the theme's
# icon variables (`--pst-icon-info-circle:""`, written as the character itself in its
# minified sheet), which its admonitions draw through `var(--pst-icon-admonition-note)`.
ICON = re.compile(r'(?:content|--[\w-]+):\s*"(?:\\(f[0-9a-f]{3,4})|([\ue000-\uf8ff]))"')
MARK = "/* trimmed by govmig.slim: rules no page of this site uses were removed */\n"


class TrimError(RuntimeError):
    """PurgeCSS is missing or failed."""


def _purgecss(node_modules: Path) -> Path:
    tool = node_modules / ".bin" / "purgecss"
    if not tool.exists():
        raise TrimError(f"{tool} is missing: run `npm ci` in the book folder (scripts/build.sh does)")
    return tool


def trim_css(site: Path, node_modules: Path) -> dict[str, tuple[int, int]]:
    """Trim the style sheets in TRIM in place; returns {file: (bytes before, after)}."""
    static = site / "_static"
    sheets = [p for pattern in TRIM for p in sorted(static.glob(pattern))
              if p.is_file() and not p.read_text("utf-8", "replace").startswith(MARK)]
    if not sheets:
        return {}
    if len({p.name for p in sheets}) != len(sheets):
        raise TrimError("two style sheets to trim share a name: " + ", ".join(p.name for p in sheets))
    content = [str(site / "**" / "*.html"), str(static / "*.js"), str(static / "scripts" / "*.js")]
    with tempfile.TemporaryDirectory(prefix="govmig-purge-") as tmp:
        out = Path(tmp) / "out"
        out.mkdir()
        config = Path(tmp) / "purgecss.config.cjs"
        config.write_text(
            "module.exports = " + json.dumps({
                "content": content, "css": [str(p) for p in sheets], "output": str(out),
                "fontFace": True, "keyframes": True, "variables": True,
            }) + ";\nmodule.exports.safelist = {greedy: [" + ", ".join(f"/{s}/" for s in SAFELIST) + "]};\n",
            "utf-8")
        done = subprocess.run([str(_purgecss(node_modules)), "--config", str(config)],
                              capture_output=True, text=True, timeout=300)
        if done.returncode != 0:
            raise TrimError(f"purgecss failed: {done.stderr.strip()[-2000:]}")
        sizes = {}
        for sheet in sheets:
            trimmed = out / sheet.name
            if not trimmed.is_file():
                raise TrimError(f"purgecss wrote no {sheet.name}")
            before = sheet.stat().st_size
            text = trimmed.read_text("utf-8")
            if sheet.name == "pydata-sphinx-theme.css":
                text += nojs_theme(sheet.read_text("utf-8"))
            sheet.write_text(MARK + text, "utf-8")
            sizes[sheet.relative_to(static).as_posix()] = (before, sheet.stat().st_size)
    return sizes


LIGHT = re.compile(r"html\[data-theme=light\]\{([^{}]*)\}")
NOJS = "html:not([data-theme=light]):not([data-theme=dark])"


def nojs_theme(css: str) -> str:
    """The light theme's colours for a page whose script has not run (issue 25 L1).

    The theme's pages start as `<html data-theme="auto">` and a script sets "light" or
    "dark"; its colours are defined only for those two, so without JavaScript no colour is
    defined at all (a see-through sticky header over the text, links without colour). The
    light theme's variable blocks are repeated for a page that is neither."""
    blocks = LIGHT.findall(css)
    if not blocks:
        return ""
    return "\n/* govmig.slim: the light theme's colours when no script set a theme */\n" + "".join(
        f"{NOJS}{{{block}}}" for block in blocks) + "\n"


def icon_codepoints(css: str) -> list[int]:
    """The Font Awesome glyphs a (trimmed) style sheet still draws."""
    return sorted({int(escaped, 16) if escaped else ord(literal) for escaped, literal in ICON.findall(css)})


def trim_fonts(site: Path) -> dict[str, tuple[int, int]]:
    """Subset the Font Awesome fonts to the glyphs the trimmed theme style sheet draws."""
    from fontTools import subset

    static = site / "_static"
    theme = static / "styles" / "pydata-sphinx-theme.css"
    fonts = static / FONTS
    if not theme.is_file() or not fonts.is_dir():
        return {}
    codepoints = icon_codepoints(theme.read_text("utf-8"))
    sizes = {}
    for font in sorted(fonts.glob("*.woff2")):
        before = font.stat().st_size
        options = subset.Options()
        options.flavor = "woff2"
        options.hinting = False
        options.desubroutinize = True
        options.notdef_outline = True
        loaded = subset.load_font(str(font), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=codepoints)
        subsetter.subset(loaded)
        data = io.BytesIO()
        subset.save_font(loaded, data, options)
        font.write_bytes(data.getvalue())
        font.chmod(0o644)   # as Sphinx copied it (a stricter mode would hide it from a web server)
        sizes[font.relative_to(static).as_posix()] = (before, font.stat().st_size)
    return sizes


def trim_site(site: Path, node_modules: Path) -> dict[str, tuple[int, int]]:
    """Trim the style sheets, then the fonts (which follow the trimmed style sheet)."""
    sizes = trim_css(site, node_modules)
    if sizes:   # fonts are trimmed only together with a freshly copied theme style sheet
        sizes.update(trim_fonts(site))
    return sizes
