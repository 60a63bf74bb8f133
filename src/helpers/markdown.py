"""Analysts' Markdown notes in both report formats.

One parse (markdown-it, CommonMark + tables, raw HTML shown as text), two
renderings: markdown-it's own HTML renderer, and a walk of its syntax tree that
writes Typst markup (headings, paragraphs, emphasis, lists, tables, code,
block quotes; links as their text; images only those the caller allows, every
text as an escaped Typst string). A note's headings become sub-sections
(h1/h2 -> h3, deeper -> h4) so that a note never outranks the report's own.
"""

from __future__ import annotations

import functools

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode

from .typst_code import TypstCode, typst_str, typst_value


@functools.cache
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False}).enable("table")


def _note_level(tag: str) -> int:
    return 3 if int(tag[1]) <= 2 else 4


def parse(text: str, shift_headings: bool = True) -> list[Token]:
    tokens = _parser().parse(text or "")
    for token in tokens if shift_headings else ():
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{_note_level(token.tag)}"
    return tokens


def image_sources(tokens: list[Token]) -> list[str]:
    """The ``src`` of every image of the parsed note."""
    return [child.attrGet("src") or "" for token in tokens if token.type == "inline"
            for child in token.children or () if child.type == "image"]


def to_html(text: str, images: dict[str, str]) -> str:
    """HTML of the note; ``images`` maps an allowed image name to its data URI."""
    tokens = parse(text)
    for token in tokens:
        if token.type == "inline" and token.children:
            token.children = [_allowed_image(child, images) for child in token.children]
    md = _parser()
    return md.renderer.render(tokens, md.options, {})


def _allowed_image(token: Token, images: dict[str, str]) -> Token:
    if token.type != "image":
        return token
    src = token.attrGet("src") or ""
    if src in images:
        token.attrSet("src", images[src])
        return token
    text = Token("text", "", 0)
    text.content = token.content            # the alt text stands in for an image not allowed
    return text


def to_typst(tokens: list[Token], images: dict[str, TypstCode]) -> str:
    """Typst markup of the parsed note; ``images`` maps allowed names to Typst bytes."""
    return _TypstWriter(images).blocks(SyntaxTreeNode(tokens).children)


class _TypstWriter:
    def __init__(self, images: dict[str, TypstCode]):
        self.images = images

    # -- block level ---------------------------------------------------------------------------
    def blocks(self, nodes, tight: bool = False) -> str:
        sep = "\n" if tight else "\n\n"
        return sep.join(part for part in (self.block(n, tight) for n in nodes) if part)

    def block(self, node: SyntaxTreeNode, tight: bool = False) -> str:
        kind = node.type
        if kind == "paragraph":
            return self.inline(node.children)
        if kind == "heading":
            level = int(node.tag[1])
            outlined = typst_value(level <= 2)          # a notebook's own sections; a note's are h3/h4
            return f"#heading(level: {level}, outlined: {outlined})[{self.inline(node.children)}]"
        if kind in ("bullet_list", "ordered_list"):
            return self.list(node)
        if kind in ("fence", "code_block"):
            lang = (node.info or "").split()[0] if node.info else ""
            return f"#raw(block: true, lang: {typst_value(lang or None)}, {typst_str(node.content.rstrip(chr(10)))})"
        if kind == "blockquote":
            return f"#quote(block: true)[{self.blocks(node.children)}]"
        if kind == "hr":
            return "#line(length: 100%, stroke: 0.5pt + luma(180))"
        if kind == "table":
            return self.table(node)
        if kind == "html_block":
            return _text(node.content)
        return self.blocks(node.children)

    def list(self, node: SyntaxTreeNode) -> str:
        tight = all(p.hidden for item in node.children for p in item.children if p.type == "paragraph")
        items = [f"[{self.blocks(item.children, tight)}]" for item in node.children]
        if node.type == "ordered_list":
            start = int(node.attrs.get("start", 1) or 1)
            return f"#enum(start: {start}, tight: {typst_value(tight)}, {', '.join(items)})"
        return f"#list(tight: {typst_value(tight)}, {', '.join(items)})"

    def table(self, node: SyntaxTreeNode) -> str:
        rows = [tr for section in node.children for tr in section.children]
        if not rows:
            return ""
        header, body = rows[0], rows[1:]
        aligns = [_align(cell.attrs.get("style", "")) for cell in header.children]
        cells = lambda tr: "(" + ", ".join(f"[{self.inline(c.children)}]" for c in tr.children) + ",)"  # noqa: E731
        return (f"#cchc-md-table(aligns: {typst_value(aligns)}, header: {cells(header)}, "
                f"rows: ({''.join(cells(tr) + ', ' for tr in body)}))")

    # -- inline level ---------------------------------------------------------------------------------
    def inline(self, nodes) -> str:
        out = []
        for node in nodes:
            if node.type == "inline":
                out.append(self.inline(node.children))
            elif node.type == "text":
                out.append(_text(node.content))
            elif node.type == "softbreak":
                out.append(" ")
            elif node.type == "hardbreak":
                out.append("#linebreak()")
            elif node.type == "code_inline":
                out.append(f"#raw({typst_str(node.content)})")
            elif node.type == "em":
                out.append(f"#emph[{self.inline(node.children)}]")
            elif node.type == "strong":
                out.append(f"#strong[{self.inline(node.children)}]")
            elif node.type == "link":
                out.append(self.inline(node.children))          # links as their text
            elif node.type == "image":
                out.append(self.image(node))
            elif node.type in ("html_inline",):
                out.append(_text(node.content))
            else:
                out.append(self.inline(node.children))
        return "".join(out)

    def image(self, node: SyntaxTreeNode) -> str:
        src = node.attrs.get("src", "")
        alt = node.content or ""
        if src not in self.images:
            return _text(alt)
        return f"#cchc-note-image({self.images[src].code}, alt: {typst_str(alt)})"


def _text(content: str) -> str:
    return f"#{typst_str(content)}" if content else ""


def _align(style) -> str:
    style = str(style or "")
    for word in ("right", "center"):
        if f"text-align:{word}" in style.replace(" ", ""):
            return word
    return "left"
