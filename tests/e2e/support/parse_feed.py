#!/usr/bin/python3
"""What real feed readers see, for the e2e suite. Prints one JSON object on stdout.

  parse_feed.py fetch URL [--etag E] [--modified M]
      feedparser fetches URL itself (its own HTTP client, conditional GET when etag/modified are given).
  parse_feed.py structure < FEED
      element-level facts a feed validator checks (ElementTree, standard library).
"""
import json
import sys
import xml.etree.ElementTree as ET

ATOM = "{http://www.w3.org/2005/Atom}"


def text(value):
    return value if isinstance(value, str) else None


def fetch(url, etag=None, modified=None):
    import feedparser

    d = feedparser.parse(url, etag=etag, modified=modified)
    entries = []
    for e in d.entries:
        entries.append(
            {
                "id": text(e.get("id")),
                "link": text(e.get("link")),
                "title": text(e.get("title")),
                "published": text(e.get("published")),
                # Only an element the feed really has: feedparser 6.0 falls back from `updated` to
                # `published` with a DeprecationWarning and says it will stop doing so.
                "updated": text(dict.get(e, "updated")),
                "updated_or_published": text(e.get("updated")) if ("updated" in e or "published" in e) else None,
                "author": text(e.get("author")),
                "links": [{"rel": l.get("rel"), "href": l.get("href"), "type": l.get("type")} for l in e.get("links", [])],
            }
        )
    headers = {k.lower(): v for k, v in (d.get("headers") or {}).items()}
    print(
        json.dumps(
            {
                "status": d.get("status"),
                "bozo": int(bool(d.get("bozo"))),
                "bozo_exception": repr(d.get("bozo_exception")) if d.get("bozo") else None,
                "version": d.get("version"),
                "etag": d.get("etag"),
                "modified": d.get("modified"),
                "content_type": headers.get("content-type"),
                "feed": {
                    "title": text(d.feed.get("title")),
                    "link": text(d.feed.get("link")),
                    "language": text(d.feed.get("language")),
                    "links": [{"rel": l.get("rel"), "href": l.get("href"), "type": l.get("type")} for l in d.feed.get("links", [])],
                },
                "entries": entries,
            }
        )
    )


def structure():
    root = ET.fromstring(sys.stdin.buffer.read())
    facts = {"root": root.tag, "self_links": [], "item_authors": [], "categories": []}
    if root.tag == "rss":
        channel = root.find("channel")
        for link in channel.findall(ATOM + "link"):
            if link.get("rel") == "self":
                facts["self_links"].append({"href": link.get("href"), "type": link.get("type")})
        for item in channel.findall("item"):
            for author in item.findall("author"):
                facts["item_authors"].append((author.text or "").strip())
            for category in item.findall("category"):
                facts["categories"].append({"term": (category.text or "").strip(), "label": None})
    elif root.tag == ATOM + "feed":
        for link in root.findall(ATOM + "link"):
            if link.get("rel") == "self":
                facts["self_links"].append({"href": link.get("href"), "type": link.get("type")})
        for entry in root.findall(ATOM + "entry"):
            for author in entry.findall(ATOM + "author"):
                name = author.find(ATOM + "name")
                facts["item_authors"].append((name.text or "").strip() if name is not None else "")
            for category in entry.findall(ATOM + "category"):
                facts["categories"].append({"term": category.get("term"), "label": category.get("label")})
    print(json.dumps(facts))


def main(argv):
    if len(argv) >= 2 and argv[0] == "fetch":
        options = dict(zip(argv[2::2], argv[3::2]))
        fetch(argv[1], etag=options.get("--etag"), modified=options.get("--modified"))
    elif argv == ["structure"]:
        structure()
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
