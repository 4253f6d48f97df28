"""The replica's content: a deterministic corpus of articles, sections and a Most Popular list.

Everything a page shows is derived from here, and tests compare crawl output with it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

# The truth is made here from the corpus's own choices, never with newsbot's extraction
# helpers: a crawl is compared with it, so it must not share their mistakes.
KST = ZoneInfo("Asia/Seoul")

LAYOUTS = ("2023", "current", "redesign")
# Article templates, each served in every layout (see the renderers):
#   standard: staff byline, inline links and emphasis, an ad and a related-article box
#             between paragraphs, empty paragraphs, a photo after the second paragraph;
#   photo_led: photos first and between paragraphs, captions with credits;
#   opinion: editorials and columns, a kicker naming the column, an italic author note;
#   wire: an agency byline, a dateline, the agency's credit at the end;
#   live: a story updated during the day, entries led by a bold time and a line break.
TEMPLATES = ("standard", "photo_led", "opinion", "wire", "live")
# How the current layout's structured data can fall short (see layout_current):
#   full: JSON-LD with everything; none: no JSON-LD (meta tags stay); bare: neither JSON-LD
#   nor og/article meta tags; no_author: JSON-LD without author; no_modified: JSON-LD without
#   dateModified on an updated article; stale_modified: JSON-LD dateModified older than the
#   page's visible "Updated" time (the visible time is the truth).
JSONLD_VARIANTS = ("full", "none", "bare", "no_author", "no_modified", "stale_modified")
# Blocks an article body is rendered from, in order (ArticleTruth.blocks):
#   ("p", "<index>"): paragraph ``index`` of the truth; ("photo", "<index>"): image ``index``;
#   ("empty", "<p></p>" or "<p>&nbsp;</p>"): an empty paragraph; ("ad", ""): an advertisement;
#   ("related", "<id>,<id>"): a box linking other articles.
Block = tuple[str, str]
# Inline markup of a paragraph (ArticleTruth.marks): (tag, phrase). "a", "em" and "strong"
# wrap the phrase's first occurrence; "br" replaces the space before the phrase with a line
# break. A reader sees words apart across a <br>: the body truth keeps one space there.
Mark = tuple[str, str]


@dataclass(frozen=True)
class SectionTruth:
    """A top-level section: its name, 2023-layout ``ct`` code and current-layout path."""

    name: str
    ct: str
    path: str
    subsections: tuple[str, ...]

    @property
    def redesign_path(self) -> str:
        """The section's path in the redesign: lower case under /news ("/news/national")."""
        return f"/news/{self.name.lower()}"

    @property
    def feed(self) -> str:
        """The section's RSS feed name, as the current site names them ("kh_National")."""
        return f"kh_{self.name}"


SECTIONS = (
    SectionTruth(
        "National",
        "020100000000",
        "/National",
        ("Politics", "Social Affairs", "Foreign Affairs", "North Korea", "Defense"),
    ),
    SectionTruth(
        "Business", "020200000000", "/Business", ("Economy", "Finance", "Industry", "Technology")
    ),
    SectionTruth(
        "Entertainment", "020400000000", "/Entertainment", ("Film", "Television", "Music", "K-pop")
    ),
    SectionTruth("Sports", "020500000000", "/Sports", ("Soccer", "Baseball", "Golf")),
    SectionTruth(
        "World", "021200000000", "/World", ("World News", "World Business", "Asia News Network")
    ),
    SectionTruth("Opinion", "020600000000", "/Opinion", ("Editorial", "Viewpoints", "Columnists")),
)
SECTION_BY_NAME = {section.name: section for section in SECTIONS}


@dataclass
class ArticleTruth:
    """One article as the replica serves it, and as a correct crawl must report it."""

    article_id: str
    sections: tuple[str, ...]  # top-level sections listing it; the first is its own
    subsection: str
    title: str
    subtitle: str | None
    byline: str  # as printed: "By Kim So-hyun (sophie@heraldcorp.com)"
    authors: list[str]
    published_at: datetime
    updated_at: datetime | None
    paragraphs: list[str]
    images: list[tuple[str, str]] = field(default_factory=list)  # (path, caption)
    person_authors: bool = True  # JSON-LD type: Person, or Organization for wire services
    kicker: str | None = None  # the bracketed label the generator put before the headline
    template: str = "standard"  # one of TEMPLATES
    jsonld: str | None = None  # one of JSONLD_VARIANTS (current layout), "graph" (redesign)
    blocks: list[Block] = field(default_factory=list)  # the body's render plan, see Block
    marks: dict[int, list[Mark]] = field(default_factory=dict)  # paragraph index → Mark
    # JSON-LD dateModified of the stale_modified variant: older than the visible update.
    stale_modified: datetime | None = None

    @property
    def section(self) -> str:
        """The article's own section: the first that lists it."""
        return self.sections[0]

    def body_blocks(self) -> list[Block]:
        """The render plan, with paragraphs added after it was made (edits) at the end."""
        planned = {int(value) for kind, value in self.blocks if kind == "p"}
        extra = [("p", str(i)) for i in range(len(self.paragraphs)) if i not in planned]
        return [*self.blocks, *extra] if self.blocks else extra

    @property
    def body(self) -> str:
        """Paragraphs as a crawl reports them: joined by a blank line."""
        return "\n\n".join(self.paragraphs)

    @property
    def summary(self) -> str:
        """The teaser text: the start of the first paragraph."""
        first = self.paragraphs[0]
        return first if len(first) <= 200 else first[:200].rsplit(" ", 1)[0] + "…"


@dataclass
class Corpus:
    """All articles of one replica, newest first, plus its Most Popular ranking."""

    layout: str
    now: datetime
    articles: list[ArticleTruth]
    popular_ids: list[str]

    @cached_property
    def by_id(self) -> dict[str, ArticleTruth]:
        """Articles keyed by id."""
        return {article.article_id: article for article in self.articles}

    @cached_property
    def _by_section(self) -> dict[str, list[ArticleTruth]]:
        # Every list page asks for its section: a pass over 100,000 articles each time made a
        # large replica, not the crawl, the bottleneck of bench-scale.
        found: dict[str, list[ArticleTruth]] = {}
        for article in self.articles:
            for name in dict.fromkeys(article.sections):
                found.setdefault(name, []).append(article)
        return found

    def in_section(self, name: str) -> list[ArticleTruth]:
        """A section's articles, newest first (as its list pages show them)."""
        return list(self._by_section.get(name, ()))

    def article_path(self, article_id: str) -> str:
        """Where the replica serves an article."""
        if self.layout == "2023":
            return f"/view.php?ud={article_id}"
        return f"/article/{article_id}"


# --- the reference page (2023 layout), exactly as specified -------------------------------

REFERENCE_ID = "20230911000813"
REFERENCE_TITLE = "N. Korean leader to 'soon' visit Russia for summit with Putin: KCNA"
REFERENCE_PARAGRAPHS = [
    'North Korean leader Kim Jong-un will "soon" visit Russia to hold talks with President '
    "Vladimir Putin, Pyongyang's official Korean Central News Agency said, confirming the trip "
    "hours after the Kremlin announced it.",
    "The KCNA said in a brief dispatch that Kim will visit the Russian Federation at the "
    "invitation of Putin and hold a summit with him, without giving the date or the venue.",
    "The Kremlin separately said that Kim will pay an official visit to Russia in the coming "
    "days, in what would be his first trip abroad since the COVID-19 pandemic.",
    "Kim is expected to travel to the Russian Far East city of Vladivostok by his armored "
    "train, according to South Korean and US officials who have tracked the preparations.",
    "Seoul and Washington have warned that the two leaders may discuss arms deals, with Moscow "
    "seeking artillery shells and Pyongyang seeking advanced weapons technology and food aid.",
    "The US State Department said any arms transfer from North Korea to Russia would violate "
    "multiple UN Security Council resolutions, and urged Pyongyang to halt its negotiations.",
    "Experts say the summit could bring closer military cooperation between the two countries, "
    "as Russia looks for new sources of weapons and ammunition for Moscow's war in Ukraine. "
    "(Yonhap)",
]
# The Most Popular list of the reference page, rank 1 to 10: (ud, section, title).
REFERENCE_POPULAR = [
    ("20230922000489", "National", "Mass stabbing fears set off stampede in Seoul subway"),
    (
        "20230921000618",
        "National",
        "Parliament passes arrest motion against opposition leader, dismissal motion against PM",
    ),
    ("20230921000402", "National", "Over 2,000 subway passengers injured in Seoul over 5 years"),
    (
        "20230921000655",
        "Entertainment",
        "[Today’s K-pop] Blackpink’s Rose only one to renew with label: report",
    ),
    (
        "20230921000271",
        "National",
        "Lamborghini driver suspect sent to prosecutors over parking dispute in Gangnam",
    ),
    (
        "20230920000710",
        "National",
        "Opposition leader could face arrest as his fate hangs in balance",
    ),
    (
        "20230920000102",
        "National",
        "Yoon, UN chief reaffirm cooperation on NK denuclearization, human rights",
    ),
    (
        "20230920000631",
        "National",
        "[News Focus] What are the implications of Yoon naming Russia before NK?",
    ),
    ("20230919000544", "Business", "No more hurdles for Korea's nuclear reactor exports?"),
    (
        "20230918000703",
        "National",
        "[Top Envoy] ‘Don’t look back anymore’: former envoy on S. Korea-Japan thaw",
    ),
]


# Their kickers, as the newsroom labelled them.
REFERENCE_KICKERS = {
    "20230921000655": "Today’s K-pop",
    "20230920000631": "News Focus",
    "20230918000703": "Top Envoy",
}


# --- generated text -------------------------------------------------------------------

_STAFF = [
    ("Kim So-hyun", "sophie"),
    ("Park Han-na", "hnpark"),
    ("Lee Jung-joo", "jjlee"),
    ("Son Ji-hyoung", "consnow"),
    ("Choi Si-young", "siyoungchoi"),
    ("Song Seung-hyun", "ssh"),
    ("Jo He-rim", "herim"),
    ("Yoon Min-sik", "minsikyoon"),
    ("Lee Jaeeun", "jaeeun"),
    ("Ock Hyun-ju", "laeticia.ock"),
    ("Kim Arin", "arin"),
    ("Hwang Dong-hee", "hwangdh"),
]
_WIRES = ["Yonhap", "AFP", "Reuters"]
_SUBJECTS = [
    "Seoul",
    "The Bank of Korea",
    "Samsung Electronics",
    "Hyundai Motor",
    "Opposition lawmakers",
    "The presidential office",
    "The Finance Ministry",
    "Busan city officials",
    "K-pop agencies",
    "Korean shipbuilders",
    "The Unification Ministry",
    "Gyeonggi Province",
    "SK hynix",
    "The Constitutional Court",
    "Jeju tourism operators",
    "LG Energy Solution",
    "The Korea Exchange",
    "Seoul National University",
    "The Defense Ministry",
    "Incheon Airport",
    "Naver",
    "Kakao",
    "The Health Ministry",
    "Coupang",
    "The Korea Baseball Organization",
]
_ACTIONS = [
    "to expand",
    "weighs new rules on",
    "pledges support for",
    "faces scrutiny over",
    "unveils plan for",
    "doubles down on",
    "seeks talks on",
    "delays decision on",
    "bets big on",
    "cuts spending on",
    "warns of risks in",
    "sets record in",
    "rethinks approach to",
    "reports surge in",
    "braces for slowdown in",
]
_OBJECTS = [
    "chip exports",
    "childcare subsidies",
    "housing supply",
    "semiconductor investment",
    "tourism recovery",
    "electric vehicle batteries",
    "regional airports",
    "youth employment",
    "nuclear power exports",
    "online platform rules",
    "household debt",
    "night-time economy",
    "hallyu content",
    "military readiness",
    "rice prices",
    "short-form video",
    "pension reform",
    "AI data centers",
    "shipbuilding orders",
    "medical school quotas",
]
_KICKERS = [
    "Herald Interview",
    "KH Explains",
    "Today’s K-pop",
    "News Focus",
    "Weekender",
    "Graphic News",
    "Newsmaker",
    "Exclusive",
    "Herald Review",
]
_KOREAN = [
    ("chaebol", "재벌"),
    ("hallyu", "한류"),
    ("jeonse", "전세"),
    ("nunchi", "눈치"),
    ("hoesik", "회식"),
    ("jeong", "정"),
]
_SENTENCES = [
    "{subject} said on {weekday} that it would review the measures before the end of the year.",
    "Officials expect the change to affect more than {number:,} people across the country.",
    "The move follows months of debate among lawmakers, industry groups and civic organizations.",
    "Analysts say the outlook depends on global demand and on how fast interest rates fall.",
    "“We are watching the situation very closely,” an official said on condition of anonymity.",
    "Critics argue that the plan does too little, too late, and comes with few details.",
    "The figure marks a {number}-percent rise from a year earlier, according to official data.",
    "Local governments have asked for more funding to carry out the program next year.",
    "‘It’s a turning point,’ one researcher said, adding that smaller firms would benefit most.",
    "The ministry plans to hold a public hearing next month to gather opinions from experts.",
    "Market watchers noted that the announcement came earlier than many had expected.",
    "The issue has drawn attention since the National Assembly held hearings in the spring.",
]
_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_CAPTIONS = [
    "People walk past a display in central Seoul.",
    "Officials attend a briefing at the government complex in Sejong.",
    "A view of the port of Busan.",
    "Visitors look around an exhibition at Coex in southern Seoul.",
    "Fans gather outside a concert venue in Seoul.",
]


_COLUMNISTS = ["Kim Seong-kon", "Robert Fouser", "Lee Kyung-hee", "Andrew Sheng"]
_GUESTS = ["Park Sang-min", "Jennifer Lind", "Choi Jin-woo"]
_DATELINES = {"Yonhap": "SEOUL", "AFP": "BEIJING", "Reuters": "TOKYO"}


def build_corpus(layout: str = "2023", articles: int = 300, seed: int = 20230911) -> Corpus:
    """Generate the replica's corpus for ``layout`` with ``articles`` articles (≥ 20).

    The same arguments always give the same corpus. The 2023 corpus contains the reference
    page and its Most Popular articles verbatim. The redesign serves the current layout's
    articles (same ids, same text) in markup no site module knows.
    """
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; choose one of {', '.join(LAYOUTS)}")
    if articles < 20:
        raise ValueError("the replica needs at least 20 articles")
    family = "2023" if layout == "2023" else "current"
    rng = random.Random(f"{seed}-{family}")
    if layout == "2023":
        now = datetime(2023, 9, 22, 18, 0, tzinfo=KST)
        fixed = _reference_articles(rng)
    else:
        now = datetime(2025, 12, 15, 18, 0, tzinfo=KST)
        fixed = []
    generated = _generate(rng, layout, now, articles - len(fixed), {a.article_id for a in fixed})
    everything = sorted(fixed + generated, key=lambda a: a.published_at, reverse=True)
    _link_related(everything)
    if layout == "2023":
        popular = [ud for ud, _, _ in REFERENCE_POPULAR]
    else:
        popular = [a.article_id for a in rng.sample(everything[:40], 10)]
    return Corpus(layout=layout, now=now, articles=everything, popular_ids=popular)


def _reference_articles(rng: random.Random) -> list[ArticleTruth]:
    reference = ArticleTruth(
        article_id=REFERENCE_ID,
        sections=("National",),
        subsection="North Korea",
        title=REFERENCE_TITLE,
        subtitle=None,
        byline="By Yonhap",
        authors=["Yonhap"],
        published_at=datetime(2023, 9, 11, 20, 38, tzinfo=KST),
        updated_at=None,
        paragraphs=list(REFERENCE_PARAGRAPHS),
        images=[],
        person_authors=False,
        template="wire",
    )
    popular = []
    for ud, section, title in REFERENCE_POPULAR:
        published = datetime(int(ud[:4]), int(ud[4:6]), int(ud[6:8]), 9, 0, tzinfo=KST)
        article = _article(rng, "2023", ud, (section,), published + _minutes(rng, 0, 60))
        article.title = title
        article.kicker = REFERENCE_KICKERS.get(ud)
        popular.append(article)
    return [reference, *popular]


def _generate(
    rng: random.Random, layout: str, now: datetime, count: int, taken: set[str]
) -> list[ArticleTruth]:
    generated: list[ArticleTruth] = []
    titles: set[str] = set()
    moment = now - timedelta(minutes=17)
    per_day: dict[str, int] = {}
    next_current_id = 10_636_733
    for index in range(count):
        moment -= _minutes(rng, 10, 150)
        if layout == "2023":
            day = moment.strftime("%Y%m%d")
            per_day[day] = per_day.get(day, 40) + rng.randint(3, 40)
            article_id = f"{day}{per_day[day]:06d}"
            while article_id in taken:
                per_day[day] += 1
                article_id = f"{day}{per_day[day]:06d}"
        else:
            next_current_id -= rng.randint(1, 60)
            article_id = str(next_current_id)
        taken.add(article_id)
        # Every 42nd article (a National one) is also listed in World: two sections, one article.
        section = SECTIONS[index % len(SECTIONS)].name
        sections = (section, "World") if index % 42 == 0 else (section,)
        article = _article(rng, layout, article_id, sections, moment)
        while article.title in titles:
            article.title = f"{article.title} again"
        titles.add(article.title)
        generated.append(article)
    return generated


def _article(
    rng: random.Random, layout: str, article_id: str, sections: tuple[str, ...], when: datetime
) -> ArticleTruth:
    section = SECTION_BY_NAME[sections[0]]
    subsection = rng.choice(section.subsections)
    subject, action, obj = rng.choice(_SUBJECTS), rng.choice(_ACTIONS), rng.choice(_OBJECTS)
    headline = f"{subject} {action} {obj}"
    if section.name == "Opinion":
        template = "opinion"
    else:
        template = rng.choices(("standard", "photo_led", "wire", "live"), (4, 2, 2, 2))[0]
    kicker, byline, authors, person, note = _credits(rng, template, subsection)
    title = f"[{kicker}] {headline}" if kicker else headline
    wire = authors[0] if template == "wire" else None
    paragraphs, sentences = _paragraphs(rng, subject, template, wire, when)
    if note:
        paragraphs.append(note)
        sentences.append([note])
    updated = when + _minutes(rng, 15, 900) if template == "live" or rng.random() < 0.3 else None
    subtitle = (
        f"{rng.choice(_SUBJECTS)} says {rng.choice(_OBJECTS)} remain a priority"
        if rng.random() < 0.35
        else None
    )
    images = []
    count = {"photo_led": rng.choice((2, 3)), "opinion": 0}.get(template, rng.choice((0, 1, 1)))
    for number in range(count):
        stamp = when.strftime("%Y/%m/%d")
        if layout == "2023":
            path = f"/content/image/{stamp}/{article_id}_{number}.jpg"
        else:
            path = f"/news/cms/{stamp}/news-p.v1.{when:%Y%m%d}.{article_id}{number:02d}_P1.jpg"
        credit = "(Yonhap)" if rng.random() < 0.5 else "(The Korea Herald)"
        images.append((path, f"{rng.choice(_CAPTIONS)} {credit}"))
    # Every variant is drawn in every layout, so that the current and redesign corpora agree.
    weights = (4, 1, 1, 1, 2, 2) if updated else (5, 1, 1, 1, 0, 0)
    variant = rng.choices(JSONLD_VARIANTS, weights)[0]
    jsonld = {"2023": None, "current": variant, "redesign": "graph"}[layout]
    stale = None
    if updated and variant == "stale_modified":
        stale = updated - _minutes(rng, 5, min(120, int((updated - when).total_seconds() // 60)))
    return ArticleTruth(
        article_id=article_id,
        sections=sections,
        subsection=subsection,
        title=title,
        subtitle=subtitle,
        byline=byline,
        authors=authors,
        published_at=when,
        updated_at=updated,
        paragraphs=paragraphs,
        images=images,
        person_authors=person,
        kicker=kicker,
        template=template,
        jsonld=jsonld,
        blocks=_blocks(rng, template, len(paragraphs), len(images), bool(note)),
        marks=_marks(rng, template, sentences),
        stale_modified=stale,
    )


def _credits(
    rng: random.Random, template: str, subsection: str
) -> tuple[str | None, str, list[str], bool, str | None]:
    """Kicker, printed byline, authors, whether they are people, and a closing author note."""
    if template == "opinion":
        if subsection == "Editorial":
            return "Editorial", "By Korea Herald", ["Korea Herald"], False, None
        name = rng.choice(_COLUMNISTS if subsection == "Columnists" else _GUESTS)
        kicker = name if subsection == "Columnists" else None
        note = f"{name} is a contributing writer for The Korea Herald. — Ed."
        return kicker, f"By {name}", [name], True, note
    if template == "wire":
        wire = rng.choice(_WIRES)
        return None, f"By {wire}", [wire], False, None
    kicker = rng.choice(_KICKERS) if template == "standard" and rng.random() < 0.2 else None
    byline, authors = _staff_byline(rng)
    return kicker, byline, authors, True, None


def _staff_byline(rng: random.Random) -> tuple[str, list[str]]:
    """A staff byline: one reporter with an e-mail, "By A and B" or "By A, B and C"."""
    kind = rng.random()
    if kind < 0.55:
        name, user = rng.choice(_STAFF)
        return f"By {name} ({user}@heraldcorp.com)", [name]
    names = [name for name, _ in rng.sample(_STAFF, 2 if kind < 0.85 else 3)]
    return f"By {', '.join(names[:-1])} and {names[-1]}", names


def _paragraphs(
    rng: random.Random, subject: str, template: str, wire: str | None, when: datetime
) -> tuple[list[str], list[list[str]]]:
    """The body's paragraphs, and the sentences each is made of (for inline markup)."""
    paragraphs: list[str] = []
    sentences_of: list[list[str]] = []
    entry_time = when
    for index in range(rng.randint(3, 9)):
        sentences = [
            rng.choice(_SENTENCES).format(
                subject=subject, weekday=rng.choice(_WEEKDAYS), number=rng.randint(2, 90_000)
            )
            for _ in range(rng.randint(1, 3))
        ]
        if rng.random() < 0.12:
            word, hangul = rng.choice(_KOREAN)
            sentences.append(f"The debate over {word} ({hangul}) has resurfaced as well.")
        if index == 0 and wire:
            month = ("Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.",
                     "Oct.", "Nov.", "Dec.")[when.month - 1]  # fmt: skip
            sentences[0] = f"{_DATELINES[wire]}, {month} {when.day} ({wire}) -- {sentences[0]}"
        elif index == 0 and rng.random() < 0.5:
            sentences[0] = f"SEOUL -- {sentences[0]}"
        elif index > 0 and template == "live":
            entry_time += _minutes(rng, 5, 40)
            sentences.insert(0, f"{entry_time:%H:%M}")
        paragraphs.append(" ".join(sentences))
        sentences_of.append(sentences)
    if wire:
        paragraphs[-1] = f"{paragraphs[-1]} ({wire})"
        sentences_of[-1] = [*sentences_of[-1][:-1], f"{sentences_of[-1][-1]} ({wire})"]
    return paragraphs, sentences_of


def _marks(rng: random.Random, template: str, sentences: list[list[str]]) -> dict[int, list[Mark]]:
    """Inline markup per paragraph: links, emphasis and line breaks, as editors add them."""
    marks: dict[int, list[Mark]] = {}
    for index, parts in enumerate(sentences):
        found: list[Mark] = []
        text = " ".join(parts)
        words = text.split(" ")
        if template == "live" and index > 0:
            # A live entry: its time in bold, a line break, then the news.
            found += [("strong", parts[0]), ("br", parts[1])]
        elif template == "opinion" and parts[0].endswith("— Ed."):
            found.append(("em", parts[0]))
        elif len(parts) > 1 and rng.random() < 0.35:
            found.append(("br", parts[rng.randrange(1, len(parts))]))
        for tag in ("a", "em", "strong"):
            if len(words) > 4 and rng.random() < 0.25:
                start = rng.randrange(0, len(words) - 3)
                found.append((tag, " ".join(words[start : start + rng.randint(1, 3)])))
        if found:
            marks[index] = found
    return marks


def _blocks(
    rng: random.Random, template: str, paragraphs: int, images: int, note: bool
) -> list[Block]:
    """The order in which paragraphs, photos, ads, related boxes and empty paragraphs come."""
    text: list[Block] = [("p", str(i)) for i in range(paragraphs)]
    empties = [("empty", "<p></p>"), ("empty", "<p>&nbsp;</p>")]
    if template == "photo_led":
        photos = [("photo", str(i)) for i in range(images)]
        blocks = [photos[0], *text[:2], *photos[1:2], *text[2:4], *photos[2:], *text[4:]]
        if rng.random() < 0.5:
            blocks.insert(len(blocks) - 1, rng.choice(empties))
        return blocks
    if template == "live":
        blocks = [text[0]]
        for block in text[1:]:
            blocks += [("empty", "<p>&nbsp;</p>"), block]
        if images:
            blocks.insert(1, ("photo", "0"))
        return blocks
    blocks = list(text)
    if images:
        blocks.insert(min(2, len(blocks)), ("photo", "0"))
    if template == "opinion":
        if note:
            blocks.insert(len(blocks) - 1, ("empty", "<p></p>"))
        return blocks
    if template == "standard":
        blocks.insert(rng.randint(1, len(blocks) - 1), ("ad", ""))
        blocks.insert(rng.randint(1, len(blocks)), rng.choice(empties))
        blocks.insert(len(blocks) - 1, ("related", ""))
        if rng.random() < 0.5:
            blocks.insert(0, rng.choice(empties))
        return blocks
    # wire copy: an ad halfway, a related box at the end
    blocks.insert(len(blocks) // 2 + 1, ("ad", ""))
    blocks.append(("related", ""))
    return blocks


def _link_related(articles: list[ArticleTruth]) -> None:
    """Related boxes link the two articles published before (or after) each article."""
    for position, article in enumerate(articles):
        others = articles[position + 1 : position + 3] or articles[position - 2 : position]
        ids = ",".join(other.article_id for other in others)
        article.blocks = [("related", ids) if kind == "related" else (kind, value)
                          for kind, value in article.blocks]  # fmt: skip


def _minutes(rng: random.Random, low: int, high: int) -> timedelta:
    return timedelta(minutes=rng.randint(low, high))
