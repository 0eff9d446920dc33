"""Big and odd journals: huge notes, long front matter, deep nesting, any script, crowds.

Sizes here keep the suite fast; benchmarks/odd_journals.py runs the same shapes at full
size (a 5 MB note, 10,000 contacts in one folder) and checks that cost grows linearly.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

from refjournal.build import build
from refjournal.journal.load import load

from .conftest import TODAY, write_journal


def built(tmp_path: Path, files: dict[str, str | bytes]) -> tuple[Path, list[str]]:
    root = write_journal(tmp_path / "journal", files)
    result = build(root, tmp_path / "site", TODAY)
    assert result.written, [p.format() for p in result.problems]
    return tmp_path / "site", [p.format() for p in result.problems]


def test_a_big_note_is_shown_whole(tmp_path: Path) -> None:
    paragraphs = [f"Paragraph {i} about [[bob]] with *emphasis* and a list:\n\n- one\n- two\n"
                  for i in range(6000)]  # about 400 KB
    body = "\n".join(paragraphs)
    out, problems = built(tmp_path, {"contacts/ada.md": "---\nname: Ada\n---\n" + body,
                                     "contacts/bob.md": ""})
    assert problems == []
    html = (out / "contacts" / "ada" / "index.html").read_text(encoding="utf-8")
    assert "Paragraph 0 " in html and "Paragraph 5999 " in html
    assert html.count('href="../../contacts/bob/index.html"') >= 6000


def test_two_thousand_lines_of_front_matter(tmp_path: Path) -> None:
    tags = "".join(f"  - tag {i}\n" for i in range(1996))
    files = {"contacts/ada.md": f"---\nname: Ada\ntags:\n{tags}compnay: typo\n---\n"}
    result = load(write_journal(tmp_path, files))
    assert len(result.journal.contacts["ada"].tags) == 1996
    [problem] = result.problems  # and its line is still exact, past line 1,999
    assert (problem.line, problem.source) == (2000, "compnay: typo")


def test_deep_nesting_in_a_body_loses_no_text(tmp_path: Path) -> None:
    nested = "".join("  " * i + f"- level {i}\n" for i in range(200))
    quoted = "> " * 200 + "the deepest quote\n"
    out, problems = built(tmp_path, {"contacts/ada.md": "---\nname: Ada\n---\n" + nested,
                                     "contacts/bob.md": "---\nname: Bob\n---\n" + quoted})
    assert problems == []
    ada = (out / "contacts" / "ada" / "index.html").read_text(encoding="utf-8")
    assert "level 199" in ada
    assert ada.count("<ul>") == 200
    bob = (out / "contacts" / "bob" / "index.html").read_text(encoding="utf-8")
    assert "the deepest quote" in bob


def test_a_body_too_deep_for_markdown_is_shown_as_plain_text(tmp_path: Path) -> None:
    body = "[" * 3000 + "<b>inner</b>" + "]" * 3000 + "(x)\n"
    out, problems = built(tmp_path, {"contacts/ada.md": "---\nname: Ada\n---\n" + body})
    # (the innermost brackets also make a [[wikilink]] that names no contact)
    assert [p.split("\n")[0] for p in problems] == [
        "contacts/ada.md:4: warning: `[[<b>inner</b>]]` in the text matches no contact, so it "
        "links nowhere; add `contacts/b-inner-b.md` or fix the link",
        "contacts/ada.md:4: warning: the body is nested too deeply to read as Markdown; it is "
        "shown as plain text"]
    html = (out / "contacts" / "ada" / "index.html").read_text(encoding="utf-8")
    assert '<pre class="plain-body">' + "[" * 3000 + "&lt;b&gt;inner" in html


def test_names_in_any_script_with_emoji_and_right_to_left_text(tmp_path: Path) -> None:
    out, problems = built(tmp_path, {
        "contacts/سارة 👩‍💼.md": '---\nname: "سارة الحربي 👩‍💼"\naliases: [Sara]\n---\n',
        "contacts/山田.md": "---\nname: 山田 太郎\n---\n",
        "meetings/2026-11-01 تعارف.md": "---\nwith: [Sara, 山田]\ntitle: قهوة ☕\n---\n",
    })
    assert problems == []
    page = out / "contacts" / "سارة" / "index.html"
    html = page.read_text(encoding="utf-8")
    assert "<h1><bdi>سارة الحربي 👩‍💼</bdi>" in html  # isolated, so it reads right to left
    meeting = next((out / "meetings").glob("*/index.html"))
    links = meeting.read_text(encoding="utf-8").split('href="')[1:]
    targets = {unquote(link.split('"', 1)[0]) for link in links if "contacts/" in link}
    for target in targets:  # every link to a contact opens a page that exists
        assert (meeting.parent / target).resolve().is_file(), target
    assert {"../../contacts/سارة/index.html", "../../contacts/山田/index.html"} <= targets


def test_thousands_of_contacts_in_one_folder(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {f"contacts/person {i:04d}.md": f"---\nname: P{i}\n---\n"
                                     for i in range(3000)}
    files["meetings/2026-11-01 all.md"] = ("---\nwith: [" +
                                           ", ".join(f"P{i}" for i in range(0, 3000, 7)) +
                                           "]\n---\n")
    result = load(write_journal(tmp_path, files))
    assert result.problems == []
    assert len(result.journal.contacts) == 3000
    assert len(result.journal.meetings[0].contacts) == len(range(0, 3000, 7))
