"""The report's "Questions you could not answer" section, as HTML.

    from bot.results.gaps import gaps_section_html
    html = gaps_section_html(report)  # report: handlers.gaps.GapReport (or anything shaped so)

A self-contained `<section>`: a summary line, then one table row per group (how often, the
most typical question, languages, shops) with the command that adds an FAQ entry for it. Every
text from customers is escaped. Nothing else in the report is touched; the report builder puts
the section where it wants it.
"""

from __future__ import annotations

from html import escape
from typing import Any

LANGUAGE_NAMES = {"en": "English", "de": "German", "es": "Spanish", "fr": "French",
                  "it": "Italian", "pt": "Portuguese", "nl": "Dutch"}


def _times(number: int) -> str:
    return "once" if number == 1 else "twice" if number == 2 else f"{number:,} times"


def _languages(languages) -> str:
    return ", ".join(f"{LANGUAGE_NAMES.get(lang, lang)} {count:,}" for lang, count in languages)


def gaps_section_html(report: Any, *, period: str = "in this period", limit: int = 20) -> str:
    """The section for `report` (a handlers.gaps.GapReport: `groups` with `count`, `example`,
    `languages`, `shops`, `closed`, `answered_by`, `faq_command`; `method`). Closed groups
    listed in the report are shown as answered, without a command."""
    groups = list(report.groups)[:limit]
    open_groups = [g for g in report.groups if not g.closed]
    parts = ['<section class="gaps">', "<h2>Questions you could not answer</h2>"]
    if not open_groups:
        parts.append(f"<p>Every question {escape(period)} had an answer in the FAQ, "
                     "products or shops.</p>")
    else:
        asked = sum(g.count for g in open_groups)
        noun = "question" if len(open_groups) == 1 else "questions"
        parts.append(f"<p>{len(open_groups):,} {noun} you could not answer {escape(period)}, "
                     f"asked {_times(asked)}. Add an FAQ entry for each to answer it next "
                     "time.</p>")
    if groups:
        headers = ("Asked", "Most typical question", "Languages", "Shops", "To answer it")
        parts.append('<table class="stack"><thead><tr>'
                     + "".join(f'<th scope="col" class="words">{h}</th>' for h in headers)
                     + "</tr></thead><tbody>")
        for group in groups:
            todo = (f"answered now by the FAQ entry “{escape(group.answered_by)}”"
                    if group.closed else f"<code>{escape(group.faq_command)}</code>")
            cells = (_times(group.count), f"“{escape(group.example)}”",
                     escape(_languages(group.languages)),
                     escape(", ".join(group.shops)) or "any", todo)
            # data-label: on a phone each row stacks into "header: value" lines.
            parts.append("<tr>" + "".join(f'<td data-label="{h}" class="words">{cell}</td>'
                                          for h, cell in zip(headers, cells, strict=True))
                         + "</tr>")
        parts.append("</tbody></table>")
    if groups:  # how they were grouped; with none there is nothing to say
        parts.append(f'<p class="note">{escape(report.method[:1].upper() + report.method[1:])}'
                     ".</p>")
    parts.append("</section>")
    return "\n".join(parts)
