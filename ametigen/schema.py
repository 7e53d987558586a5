"""The source format: pydantic models of the YAML files.

This is the one place where the users' Estonian field names (the YAML keys, as the documents
use them) meet the English names the code uses: each field's alias is its YAML key. Every model
forbids unknown keys, so a mistyped key is an error rather than a silently dropped paragraph.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    create_model,
    model_validator,
)

from ametigen.dates import parse_date
from ametigen.textchars import CONTROL_CLASS

ITEM_ID = re.compile(r"^[a-z0-9_-]+$")
BLOCK_REF = re.compile(r"^[a-z0-9_/-]+(\.[a-z0-9_-]+)?$")


def _as_list(value: Any) -> Any:
    """Accept a single value where a list is expected (``alluvad: Peaspetsialist``)."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


Text = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, pattern=f"^[^{CONTROL_CLASS}]*$"),
]
"""Text as typed; whitespace around it is dropped; empty text and control characters are
errors (checked by pydantic's core: 70,000 texts in 2,000 positions)."""


class Source(BaseModel):
    """Base of every source model: unknown keys are errors, values are taken as typed."""

    model_config = ConfigDict(
        extra="forbid",
        populate_by_name=False,
        frozen=True,
        strict=True,
        validate_default=False,
    )


# --- references ------------------------------------------------------------------------------


def _block_ref(value: str) -> str:
    if not BLOCK_REF.match(value):
        raise ValueError(
            f"„{value}“ ei ole ploki nimi; kirjuta ploki faili nimi (nt „oigused“) "
            "või faili nimi ja punkti tunnus punktiga eraldatult (nt „tekstid.ulevaatamine“)"
        )
    return value


BlockName = Annotated[str, AfterValidator(_block_ref)]


def _yes_no(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().casefold() in ("jah", "ei"):
        return value.strip().casefold() == "jah"
    shown = f"„{value}“ " if isinstance(value, str) else ""
    raise ValueError(f"{shown}siia käib „jah“ või „ei“")


YesNo = Annotated[bool, BeforeValidator(_yes_no, json_schema_input_type=Literal["jah", "ei"])]
"""A yes/no setting, written „jah“ or „ei“ (the loader keeps every scalar as text)."""


class BlockRef(Source):
    """A reference to a shared block, or to one item of it: ``{plokk: tekstid.ulevaatamine}``."""

    block: BlockName = Field(
        alias="plokk",
        description="Jagatud ploki nimi (fail templates/blocks/NIMI.yaml) või NIMI.punkt.",
    )


class PositionRef(Source):
    """A reference to another position of the repository: ``{ametikoht: laste-heaolu/juht}``.

    ``tekst`` gives the words the document prints instead of the title (a case form such as
    "direktorile"); the link is kept for the organisation checks either way.
    """

    position: Text = Field(
        alias="ametikoht",
        description="Teise ametikoha tunnus: faili tee kaustas positions/ ilma laiendita.",
    )
    text: Text | None = Field(
        default=None,
        alias="tekst",
        description="Dokumendis trükitavad sõnad ametinimetuse asemel, nt „direktorile“.",
    )
    lowercase: YesNo = Field(
        default=False,
        json_schema_extra={"default": "ei"},
        alias="väiketähega",
        description="jah: ametinimetus trükitakse väikese algustähega, nt „talituse juhataja“.",
    )

    @model_validator(mode="after")
    def _words_or_lowercase(self) -> PositionRef:
        if self.text is not None and self.lowercase:
            raise ValueError(
                "„tekst“ trükitakse nii, nagu see on kirjutatud; „väiketähega“ jäta siis ära"
            )
        return self


def lowercase_initial(title: str) -> str:
    """``title`` with a lower-case first letter, as inside a sentence ("talituse juhataja").

    An abbreviation stays as it is: "IT-juht", "KOV-i nõunik" (two capitals at the start).
    """
    if title[:2].isupper() and len(title) > 1 and title[1].isalpha():
        return title
    return title[:1].lower() + title[1:]


def _text_or(tag: str) -> Any:
    def pick(value: Any) -> str:
        return "text" if isinstance(value, str) else tag

    return Discriminator(pick)


Person = Annotated[
    Annotated[Text, Tag("text")] | Annotated[PositionRef, Tag("ref")], _text_or("ref")
]
"""A person in the chain of command: free text, or a reference to a position."""

People = Annotated[
    list[Person], BeforeValidator(_as_list, json_schema_input_type=Person | list[Person] | None)
]

TextOrBlock = Annotated[
    Annotated[Text, Tag("text")] | Annotated[BlockRef, Tag("block")], _text_or("block")
]


# --- parts of a position ---------------------------------------------------------------------


class Row(Source):
    """An extra labelled row (an agency-specific field)."""

    label: Text = Field(alias="nimetus", description="Rea nimetus, nt „Töökoht“.")
    text: Text = Field(alias="sisu", description="Rea sisu.")


class Result(Source):
    """An expected result with bullets of its own."""

    text: Text = Field(alias="tekst", description="Tulemuse tekst.")
    subitems: Annotated[list[Text], Field(min_length=1)] = Field(
        alias="alapunktid", description="Tulemuse alapunktid."
    )


ResultItem = Annotated[
    Annotated[Text, Tag("text")] | Annotated[Result, Tag("result")], _text_or("result")
]


class Task(Source):
    """A main task (teenistusülesanne) and its expected results (oodatavad tulemused)."""

    text: Text = Field(alias="ülesanne", description="Ülesande tekst.")
    subitems: list[Text] = Field(
        default_factory=list, alias="alapunktid", description="Ülesande alapunktid (sh: …)."
    )
    results: list[ResultItem] = Field(
        default_factory=list, alias="tulemused", description="Oodatavad tulemused."
    )


class TaskFromBlock(Source):
    """A standard task from a block, optionally with one of its parts reworded."""

    block: BlockName = Field(
        alias="plokk", description="Tüüpülesanne plokist, nt „ulesanded.uhekordsed“."
    )
    text: Text | None = Field(default=None, alias="ülesanne", description="Muudetud tekst.")
    subitems: list[Text] | None = Field(
        default=None, alias="alapunktid", description="Muudetud alapunktid."
    )
    results: list[ResultItem] | None = Field(
        default=None, alias="tulemused", description="Muudetud oodatavad tulemused."
    )


def _task_kind(value: Any) -> str:
    return "block" if isinstance(value, dict) and "plokk" in value else "task"


TaskEntry = Annotated[
    Annotated[Task, Tag("task")] | Annotated[TaskFromBlock, Tag("block")],
    Discriminator(_task_kind),
]


class Requirements(Source):
    """Requirements for the post holder (nõuded)."""

    education: Text | None = Field(default=None, alias="haridus", description="Haridus.")
    experience: Text | None = Field(
        default=None, alias="töökogemus", description="(Erialane) töökogemus."
    )
    languages: Text | None = Field(default=None, alias="keeleoskus", description="Keeleoskus.")
    knowledge: Text | None = Field(
        default=None, alias="teadmised_ja_oskused", description="Teadmised ja oskused."
    )
    computer_skills: Text | None = Field(
        default=None, alias="arvutioskus", description="Arvutikasutamise oskus."
    )
    personal_qualities: Text | None = Field(
        default=None, alias="isikuomadused", description="Isikuomadused."
    )
    extra: list[Row] = Field(
        default_factory=list, alias="lisad", description="Muud nõuded nimetuse ja sisuga."
    )


class Competences(Source):
    """Competences: references to the competence library, or plain text items."""

    core: list[TextOrBlock] = Field(
        default_factory=list,
        alias="tööks_vajalikud",
        description="Tööks vajalikud kompetentsid (plokk: kompetentsid.NIMI).",
    )
    additional: list[TextOrBlock] = Field(
        default_factory=list,
        alias="täiendavad",
        description="Täiendavad kompetentsid, isikuomadused ja teadmised.",
    )


class Insertion(Source):
    """An item added to a shared list after a given item."""

    text: Text = Field(alias="tekst", description="Lisatav tekst.")
    after: Text = Field(alias="pärast", description="Punkti tunnus, mille järele lisada.")


Addition = Annotated[
    Annotated[Text, Tag("text")] | Annotated[Insertion, Tag("insert")], _text_or("insert")
]


class ListFromBlock(Source):
    """A shared list (rights, responsibilities) with this position's variations."""

    block: BlockName = Field(alias="plokk", description="Ploki nimi, nt „oigused“.")
    intro: Text | None = Field(
        default=None, alias="sissejuhatus", description="Sissejuhatav rida, nt „Omab õigust:“."
    )
    omit: list[Text] = Field(
        default_factory=list, alias="jäta_välja", description="Ploki punktid, mis jäetakse välja."
    )
    reword: dict[str, Text] = Field(
        default_factory=dict, alias="muuda", description="Ploki punktid uue sõnastusega."
    )
    add: list[Addition] = Field(default_factory=list, alias="lisa", description="Lisapunktid.")


def _list_kind(value: Any) -> str:
    return "block" if isinstance(value, dict) else "list"


SharedList = Annotated[
    Annotated[list[Text], Tag("list")] | Annotated[ListFromBlock, Tag("block")],
    Discriminator(_list_kind),
]


class ExtraSection(Source):
    """An agency-specific numbered section (extension point)."""

    title: Text = Field(alias="pealkiri", description="Jaotise pealkiri.")
    text: Text | None = Field(default=None, alias="sisu", description="Jaotise tekst.")
    items: list[Text] = Field(default_factory=list, alias="punktid", description="Punktid.")


DATE_HINT = "kirjuta kujul pp.kk.aaaa, nt 13.12.2024"


def _parse_date(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    date = parse_date(value)
    if date is None:
        raise ValueError(f"„{value.strip()}“ ei ole kuupäev; {DATE_HINT}")
    return date


Date = Annotated[dt.date, BeforeValidator(_parse_date)]
"""A date typed as dd.mm.yyyy or yyyy-mm-dd."""


class Approval(Source):
    """The KINNITATUD header: the approving order's date, number and annex number."""

    date: Date | None = Field(
        default=None, alias="kuupäev", description="Käskkirja kuupäev (pp.kk.aaaa)."
    )
    order: Text | None = Field(default=None, alias="käskkiri", description="Käskkirja number.")
    annex: Text | None = Field(default=None, alias="lisa", description="Lisa number.")
    approver: Text | None = Field(
        default=None,
        alias="kinnitaja",
        description="Kinnitaja sõnad, kui need erinevad ametigen.yaml-i omadest "
        "(nt „Sotsiaalkindlustusameti peadirektori asetäitja“).",
    )


class Signer(Source):
    """Who signs the document."""

    name: Text = Field(alias="nimi", description="Allkirjastaja nimi.")
    title: Text = Field(alias="ametikoht", description="Allkirjastaja ametikoht.")


SECTION_KEYS = {
    "general": "üldosa",
    "purpose": "eesmärk",
    "tasks": "ülesanded",
    "requirements": "nõuded",
    "rights": "õigused",
    "responsibilities": "vastutus",
    "rights_responsibilities": "õigused_ja_vastutus",
    "tools": "töövahendid",
    "amendment": "muutmine",
}
"""Section key of a layout → the Estonian key a position uses for it (``pealkirjad``)."""


class SectionTitles(Source):
    """A position's choice among the titles its layout offers for a section (``pealkirjad``)."""

    general: Text | None = Field(default=None, alias="üldosa", description="Üldosa pealkiri.")
    purpose: Text | None = Field(
        default=None, alias="eesmärk", description="Eesmärgi jaotise pealkiri."
    )
    tasks: Text | None = Field(
        default=None,
        alias="ülesanded",
        description="Ülesannete jaotise pealkiri, nt „PÕHIKOHUSTUSED“ (kujundus nummerdatud).",
    )
    requirements: Text | None = Field(
        default=None, alias="nõuded", description="Nõuete jaotise pealkiri."
    )
    rights: Text | None = Field(default=None, alias="õigused", description="Õiguste pealkiri.")
    responsibilities: Text | None = Field(
        default=None, alias="vastutus", description="Vastutuse pealkiri."
    )
    rights_responsibilities: Text | None = Field(
        default=None,
        alias="õigused_ja_vastutus",
        description="Õiguste ja vastutuse ühise jaotise pealkiri.",
    )
    tools: Text | None = Field(
        default=None, alias="töövahendid", description="Töövahendite pealkiri."
    )
    amendment: Text | None = Field(
        default=None, alias="muutmine", description="Muutmise jaotise pealkiri."
    )


# --- the position and the files around it -----------------------------------------------------


class Position(Source):
    """One job description (ametijuhend): a file under positions/."""

    references: ClassVar[tuple[str, ...]] = ()
    """The keys of the layout's declared reference fields (see :func:`position_model`): each
    holds one person, as ``vahetu_juht`` does."""

    layout: Text | None = Field(
        default=None, alias="kujundus", description="Kujundus (kaust templates/layouts/ all)."
    )
    title: Text = Field(alias="ametinimetus", description="Ametinimetus.")
    unit: Text = Field(alias="struktuuriüksus", description="Struktuuriüksus.")
    manager: Person | None = Field(default=None, alias="vahetu_juht", description="Vahetu juht.")
    subordinates: People = Field(default_factory=list, alias="alluvad", description="Alluvad.")
    substitutes_for: People = Field(
        default_factory=list, alias="asendab", description="Keda teenistuja asendab."
    )
    substituted_by: People = Field(
        default_factory=list, alias="asendaja", description="Kes teenistujat asendab."
    )
    purpose: Text = Field(alias="eesmärk", description="Ametikoha eesmärk.")
    projects: Text | None = Field(
        default=None, alias="seos_projektidega", description="Seos projektidega."
    )
    group: Text | None = Field(
        default=None, alias="ametikoha_grupp", description="Ametikoha grupp."
    )
    special_conditions: Text | None = Field(
        default=None, alias="eritingimused", description="Eritingimused."
    )
    state_secret: Text | None = Field(
        default=None, alias="riigisaladus", description="Riigisaladus."
    )
    national_defence: Text | None = Field(
        default=None, alias="riigikaitse", description="Riigikaitse."
    )
    general_extra: list[Row] = Field(
        default_factory=list, alias="üldosa_lisad", description="Üldosa lisaread."
    )
    tasks: Annotated[list[TaskEntry], Field(min_length=1)] = Field(
        alias="ülesanded", description="Peamised teenistusülesanded ja oodatavad tulemused."
    )
    requirements: Requirements = Field(
        default_factory=Requirements, alias="nõuded", description="Nõuded ametikoha täitjale."
    )
    competences: Competences | None = Field(
        default=None, alias="kompetentsid", description="Kompetentsid."
    )
    rights: SharedList | None = Field(default=None, alias="õigused", description="Õigused.")
    responsibilities: SharedList | None = Field(
        default=None, alias="vastutus", description="Vastutus."
    )
    tools: TextOrBlock | None = Field(default=None, alias="töövahendid", description="Töövahendid.")
    extra_sections: list[ExtraSection] = Field(
        default_factory=list, alias="lisajaotised", description="Asutuse lisajaotised."
    )
    amendment: list[TextOrBlock] = Field(
        default_factory=list,
        alias="muutmine",
        description="Ametijuhendi ülevaatamise ja muutmise sätted.",
    )
    section_titles: SectionTitles | None = Field(
        default=None,
        alias="pealkirjad",
        description=(
            "Jaotiste pealkirjad, kui kujundus pakub jaotisele mitu pealkirja "
            "(layout.yaml „titles“); vaikimisi esimene."
        ),
    )
    approval: Approval | None = Field(
        default=None, alias="kinnitatud", description="KINNITATUD päis."
    )
    signer: Signer | None = Field(default=None, alias="allkirjastaja", description="Allkirjastaja.")


POSITION_KEYS = frozenset(
    field.alias for field in Position.model_fields.values() if field.alias is not None
)


class Checks(Source):
    """Checks between positions an agency may switch off (``kontrollid`` in ametigen.yaml)."""

    title_as_text: YesNo = Field(
        default=True,
        json_schema_extra={"default": "jah"},
        alias="nimetus_tekstina",
        description=(
            "jah (vaikimisi): hoiata, kui vahetu juht, alluv või asendaja on tekstina kirjutatud "
            "sama üksuse ametikoha nimetus; ei: ära hoiata."
        ),
    )


class OrderSigner(Source):
    """Who signs an order; a deputy may sign in the head's stead."""

    name: Text = Field(alias="nimi", description="Allkirjastaja nimi.")
    title: Text = Field(alias="ametikoht", description="Allkirjastaja ametikoht.")
    acting: Text | None = Field(
        default=None,
        alias="ülesannetes",
        description="Kelle ülesannetes allkirjastaja käskkirja annab, nt „peadirektori“ "
        "(trükitakse „peadirektori ülesannetes“).",
    )
    mandate: Text | None = Field(
        default=None,
        alias="volitus",
        description="Allkirjastamise alus, mis lisatakse õiguslikule alusele, nt "
        "„peadirektori 01.02.2024 käskkirja nr 1-2/45 „Asendamine““.",
    )


class OrderDefaults(Source):
    """The approval order (käskkiri): what every order of the agency shares."""

    title: Text = Field(
        default="Ametijuhendite kinnitamine",
        alias="pealkiri",
        description="Kinnitamise käskkirja pealkiri.",
    )
    amendment_title: Text = Field(
        default="Ametijuhendi muutmine",
        alias="muutmise_pealkiri",
        description="Muutmise käskkirja pealkiri (üks muudetud ametijuhend, üks lisa).",
    )
    legal_basis: Text | None = Field(
        default=None,
        alias="alus",
        description="Õiguslik alus, nt „Avaliku teenistuse seaduse § 8 lõike 3 alusel“.",
    )
    place: Text | None = Field(default=None, alias="koht", description="Koht, nt „Tallinn“.")
    approver: Text | None = Field(
        default=None,
        alias="kinnitaja",
        description="Kinnitaja sõnad lisade päises; vaikimisi ametigen.yaml-i „kinnitaja“.",
    )
    signer: OrderSigner | None = Field(
        default=None, alias="allkirjastaja", description="Käskkirja allkirjastaja."
    )
    entry_into_force: Text | None = Field(
        default=None,
        alias="jõustumine",
        description="Jõustumise säte, nt „Käskkiri jõustub allkirjastamisel.“",
    )
    appeal: Text | None = Field(
        default=None,
        alias="vaidlustamine",
        description="Vaidlustamise säte (30 päeva).",
    )
    lower_case_titles: YesNo = Field(
        default=True,
        json_schema_extra={"default": "jah"},
        alias="nimetused_väiketähega",
        description="Kas lisade loetelu kirjutab ametinimetuse väikese algustähega "
        "(„ekspert“); jah või ei.",
    )
    unit_genitive: dict[str, Text] = Field(
        default_factory=dict,
        alias="üksuse_omastav",
        description="Struktuuriüksuse nimi omastavas käändes, üksuse nime järgi: "
        "„Õiguse ja järelevalve osakond“: „õiguse ja järelevalve osakonna“.",
    )


class Organisation(Source):
    """The organisation file ametigen.yaml: what all positions share."""

    agency: Text = Field(alias="asutus", description="Asutuse nimi.")
    approver: Text | None = Field(
        default=None,
        alias="kinnitaja",
        description="KINNITATUD päise kinnitaja, nt „Sotsiaalkindlustusameti peadirektori“.",
    )
    defaults: dict[str, Any] = Field(
        default_factory=dict,
        alias="vaikimisi",
        description="Iga ametikoha vaikeväärtused (samad väljad mis ametikoha failis).",
    )
    checks: Checks = Field(
        default_factory=Checks,
        alias="kontrollid",
        description="Ametikohtade vaheliste kontrollide sisse- ja väljalülitamine.",
    )
    order: OrderDefaults = Field(
        default_factory=OrderDefaults,
        alias="käskkiri",
        description="Kinnitamise käskkirja vaikeväärtused (ametigen order).",
    )


SECTIONS = (
    "general",
    "purpose",
    "tasks",
    "requirements",
    "rights",
    "responsibilities",
    "rights_responsibilities",
    "tools",
    "extra",
    "amendment",
)
"""Section keys a layout may number; ``extra`` stands for the position's extra sections."""


FIELD_KEY = re.compile(r"^[a-zõäöüšž][a-zõäöüšž0-9_]*$")
"""Keys of fields a layout declares: written in position files like the built-in ones."""

FIELD_KINDS = ("text", "texts", "reference")
"""What a declared field holds: a text, a list of texts, or a person (text or reference)."""

PLACES = ("template", "row", "heading", "section")
"""Where a declared field shows: where the template prints it, a row of the general part
(with the agency rows every layout prints), a heading line above the title, or a numbered
section of its own (its key in ``sections``)."""


def _field_key(value: str) -> str:
    if not FIELD_KEY.match(value):
        raise ValueError(
            f"„{value}“ ei sobi välja nimeks: kasuta väikesi tähti, numbreid ja _, "
            "nt ametisse_nimetab"
        )
    return value


def _count(value: Any) -> Any:
    if isinstance(value, str):
        if value.strip().isdigit() and int(value) >= 1:
            return int(value)
        raise ValueError(f"„{value}“: kirjuta täisarv alates 1-st")
    return value


class DeclaredField(Source):
    """A field a layout adds to the position format (an entry of layout.yaml ``fields``)."""

    key: Annotated[str, AfterValidator(_field_key)] = Field(
        description="Välja nimi ametikoha failis, nt „ametisse_nimetab“."
    )
    label: Text = Field(description="Nimetus dokumendis, nt „Ametisse nimetab“.")
    kind: Literal["text", "texts", "reference"] = Field(
        default="text",
        description="text (tekst), texts (tekstide loetelu) või reference (tekst või "
        "{ametikoht: …})",
    )
    required: YesNo = Field(
        default=False,
        json_schema_extra={"default": "ei"},
        description="jah: väli on kohustuslik.",
    )
    description: Text | None = Field(default=None, description="Selgitus ametikoha failis.")
    place: Literal["template", "row", "heading", "section"] = Field(
        default="template",
        description="template (mall paneb ise), row (üldosa rida), heading (pealkirja kohal) "
        "või section (oma jaotis; võti loendis sections)",
    )
    at: Annotated[int | None, BeforeValidator(_count)] = Field(
        default=None, description="Üldosa lisaridade seas mitmes (place: row)."
    )


class SignerPlaceholder(Source):
    """What a layout prints in place of a signer that a position does not name."""

    name: Text
    title: Text


def _titled_sections(titles: dict[str, list[str]]) -> dict[str, list[str]]:
    unknown = [key for key in titles if key not in SECTION_KEYS]
    if unknown:
        raise ValueError(f"unknown sections {unknown}; known: {', '.join(SECTION_KEYS)}")
    twice = [key for key, options in titles.items() if len(set(options)) < len(options)]
    if twice:
        raise ValueError(f"a title is listed twice for {twice}")
    return titles


class Layout(Source):
    """A layout's layout.yaml: the sections it numbers, in order, and the fields it adds.

    ``sections`` holds keys of SECTIONS and of declared fields placed as a section; the
    cross-checks (which need both lists) are in ametigen.load.layout.
    ``titles``: section key → the titles a position may choose for it, the default first; the
    templates print the chosen one as ``doc.titles.<key>``.
    ``signer_placeholder``: a layout whose documents always end in a signature block prints
    these texts where a position names no signer (and the position gets a warning).
    """

    description: str = ""
    sections: Annotated[list[str], Field(min_length=1)]
    fields: list[DeclaredField] = Field(default_factory=list)
    titles: Annotated[
        dict[str, Annotated[list[Text], Field(min_length=1)]],
        AfterValidator(_titled_sections),
    ] = Field(default_factory=dict)
    signer_placeholder: SignerPlaceholder | None = None


def _declared_texts() -> Any:
    return Annotated[
        list[Text], BeforeValidator(_as_list, json_schema_input_type=Text | list[Text] | None)
    ]


def declared_name(key: str) -> str:
    """The attribute of a layout's position model that holds declared field ``key``."""
    return f"declared_{key}"


def position_model(fields: Sequence[DeclaredField]) -> type[Position]:
    """The position model of a layout: Position plus the layout's declared fields.

    A declared field is validated exactly as a built-in one: its key is its alias, a required
    one is missing without a value, texts may not be empty.
    """
    if not fields:
        return Position
    definitions: dict[str, Any] = {}
    for declared in fields:
        annotation: Any = {"text": Text, "texts": _declared_texts(), "reference": Person}[
            declared.kind
        ]
        description = declared.description or declared.label
        if declared.kind == "texts":
            if declared.required:
                annotation = Annotated[annotation, Field(min_length=1)]
                info = Field(alias=declared.key, description=description)
            else:
                info = Field(default_factory=list, alias=declared.key, description=description)
        elif declared.required:
            info = Field(alias=declared.key, description=description)
        else:
            annotation = annotation | None
            info = Field(default=None, alias=declared.key, description=description)
        definitions[declared_name(declared.key)] = (annotation, info)
    model: type[Position] = create_model(
        "Position", __base__=Position, __doc__=Position.__doc__, **definitions
    )
    model.references = tuple(entry.key for entry in fields if entry.kind == "reference")
    return model


class Competence(Source):
    """An item of the competence library (templates/blocks/kompetentsid.yaml)."""

    name: Text = Field(alias="nimetus", description="Kompetentsi nimetus.")
    description: Text | list[Text] = Field(
        alias="kirjeldus", description="Kirjeldus: üks tekst või loetelu."
    )


SOURCE_MODELS: tuple[type[Source], ...] = (
    BlockRef,
    PositionRef,
    Row,
    Result,
    Task,
    TaskFromBlock,
    Requirements,
    Competences,
    Insertion,
    ListFromBlock,
    ExtraSection,
    Approval,
    Signer,
    SectionTitles,
    Position,
    Checks,
    OrderSigner,
    OrderDefaults,
    Organisation,
    Competence,
    Layout,
    DeclaredField,
    SignerPlaceholder,
)
"""Every model whose keys a user types; used to suggest the key they meant."""
