"""Remove what a browser could run from an uploaded BPMN or DMN file, before it is stored.

A BPMN file is XML that may carry elements of any namespace (extensions) — including XHTML or SVG
``<script>``, ``on*`` event attributes and processing instructions (``<?xml-stylesheet?>``). The
files are served as downloads (never rendered by the site's origin: see
``yiwang.core.downloads``), and bpmn-js ignores foreign elements, but a stored file should not
carry an attack for the next program that opens it. The BPMN/DMN meaning is untouched: only
scripting of browsers is removed.
"""

from __future__ import annotations

from lxml import etree

# Namespaces whose elements a browser would render or run, wherever they appear in the file.
ACTIVE_NAMESPACES = frozenset({
    "http://www.w3.org/1999/xhtml",
    "http://www.w3.org/2000/svg",
    "http://www.w3.org/1998/Math/MathML",
    "http://www.w3.org/1999/XSL/Transform",
    "http://www.w3.org/2001/xml-events",
})
XLINK = "{http://www.w3.org/1999/xlink}"


def _namespace(tag: str) -> str:
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


def _local(name: str) -> str:
    return name.split("}", 1)[-1]


def strip_active_content(xml: str) -> str:
    """``xml`` without elements of browser namespaces (XHTML, SVG, MathML, XSLT, XML Events: a
    ``<script>`` runs only in those; BPMN's own ``<bpmn:script>`` is data and stays), ``on*`` attributes, ``javascript:`` links, processing instructions and a DOCTYPE (entities).
    Returns ``xml`` itself when there was nothing to remove (a stock file's digest stays the same),
    and when it does not parse (the BPMN/DMN parser then refuses it with its own message)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=False, huge_tree=False)
    try:
        root = etree.fromstring(xml.encode("utf-8"), parser)
    except (etree.XMLSyntaxError, ValueError):
        return xml
    # a DOCTYPE, or processing instructions before or after the root element: serialising the root
    # element alone (below) drops them
    changed = bool(root.getroottree().docinfo.doctype) or any(
        isinstance(s, etree._ProcessingInstruction) for s in [*root.itersiblings(preceding=True), *root.itersiblings()])
    for node in list(root.iter()):
        if node is root:
            continue
        if isinstance(node, etree._ProcessingInstruction) or (
            isinstance(node.tag, str) and _namespace(node.tag) in ACTIVE_NAMESPACES
        ):
            _remove_keeping_tail(node)
            changed = True
    for node in root.iter(tag=etree.Element):
        for name, value in list(node.attrib.items()):
            local = _local(name).lower()
            scheme = value.strip().lower().replace("\t", "").replace("\n", "")
            if local.startswith("on") or (
                (local == "href" or name.startswith(XLINK)) and scheme.startswith(("javascript:", "data:", "vbscript:"))
            ):
                del node.attrib[name]
                changed = True
    if not changed:
        return xml
    return etree.tostring(root, encoding="unicode")


def _remove_keeping_tail(node: etree._Element) -> None:
    parent = node.getparent()
    if parent is None:
        return
    if node.tail:
        previous = node.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + node.tail
        else:
            parent.text = (parent.text or "") + node.tail
    parent.remove(node)

