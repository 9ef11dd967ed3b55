"""The simple markup the Trust's texts are stored in, as HTML.

Blank lines separate paragraphs; a line starting ``- `` (or ``1. ``) is a list
item, one indented by a space or more a sub-item; ``**bold**`` is bold. Every
character is escaped first, so nothing typed can become HTML.
"""

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_BULLET = re.compile(r"^(\s*)(?:-|\d+\.|[ivx]+\.)\s+(.*)$")
# Bold hugs its words: a ``**`` before a space is a mark, not bold (Sandwell's
# PI14 commentary opens a footnote with "** If 14 members of staff …").
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*", re.S)


def _inline(text: str) -> str:
    return _BOLD.sub(r"<strong>\1</strong>", escape(text))


def blocks(text: str) -> list[tuple[str, object]]:
    """(``"p"``, text) and (``"ul"``, [(depth, text), …]) in order.

    >>> blocks("One\\ntwo\\n\\n- a\\n - b")
    [('p', 'One two'), ('ul', [(0, 'a'), (1, 'b')])]
    """
    found: list[tuple[str, object]] = []
    paragraph: list[str] = []

    def close():
        if paragraph:
            found.append(("p", " ".join(paragraph)))
            paragraph.clear()

    for line in text.replace("\r\n", "\n").split("\n"):
        item = _BULLET.match(line)
        if not line.strip():
            close()
        elif item:
            close()
            depth = 1 if item.group(1) else 0
            if found and found[-1][0] == "ul":
                found[-1][1].append((depth, item.group(2).strip()))
            else:
                found.append(("ul", [(depth, item.group(2).strip())]))
        elif found and found[-1][0] == "ul" and not paragraph and line.startswith(" "):
            # A list item carried on to the next line.
            depth, words = found[-1][1][-1]
            found[-1][1][-1] = (depth, f"{words} {line.strip()}")
        else:
            paragraph.append(line.strip())
    close()
    return found


def to_html(text: str) -> SafeString:
    """
    >>> str(to_html("**Up** <b>\\n\\n- x"))
    '<p><strong>Up</strong> &lt;b&gt;</p>\\n<ul><li>x</li></ul>'
    >>> str(to_html("** If 14 **The trend.**"))
    '<p>** If 14 <strong>The trend.</strong></p>'
    """
    parts = []
    for kind, content in blocks(text or ""):
        if kind == "p":
            parts.append(f"<p>{_inline(content)}</p>")
            continue
        html, depth = "<ul>", 0
        for item_depth, words in content:
            if item_depth > depth:
                html = html.removesuffix("</li>") + "<ul>"
            elif item_depth < depth:
                html += "</ul></li>"
            html += f"<li>{_inline(words)}</li>"
            depth = item_depth
        html += "</ul></li></ul>" if depth else "</ul>"
        parts.append(html)
    return mark_safe("\n".join(parts))  # noqa: S308  # nosec B308 B703 - every part escaped above


def plain(text: str) -> str:
    """The text without markup, for CSV and XLSX cells."""
    return _BOLD.sub(r"\1", text or "")
