"""The emails the service sends, by name.

Each template is written here in GOV.UK Notify's format, with "((placeholder))" for each piece of
personalisation, and copied into Notify by hand: production maps each name to the Notify
template's id (settings.NOTIFY_TEMPLATE_IDS). Here they are the reference copy, what the
development inbox shows, and what a test can compare with what the fake Notify rendered.
"""

import re
from dataclasses import dataclass, field

SERVICE_NAME = "Manage training for early career teachers"
PLACEHOLDER = re.compile(r"\(\(([a-z_]+)\)\)")


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    body: str


@dataclass(frozen=True)
class EmailTemplate:
    name: str
    subject: str
    body: str
    # The personalisation a caller must give: exactly the placeholders in subject and body.
    personalisation: frozenset[str]
    # Personalisation that works as a credential (a sign-in or nomination link). It is removed
    # from the outbox row once the email has gone to Notify, and admin never shows it.
    secret: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self):
        used = frozenset(PLACEHOLDER.findall(self.subject + "\n" + self.body))
        if used != self.personalisation or not self.secret <= used:
            raise ValueError(
                f"The {self.name!r} email declares {sorted(self.personalisation)} but uses {sorted(used)}"
            )
        # Every link we email signs someone in or lets them act for a school: a credential.
        if links_not_secret := sorted(key for key in used if key.endswith("_url") and key not in self.secret):
            raise ValueError(f"The {self.name!r} email must declare its links {links_not_secret} secret")

    def check(self, personalisation: dict) -> None:
        """Raise ValueError unless `personalisation` gives exactly this template's keys, as strings."""
        given = set(personalisation)
        missing = sorted(self.personalisation - given)
        extra = sorted(given - self.personalisation)
        if missing or extra:
            problems = []
            if missing:
                problems.append(f"missing {', '.join(missing)}")
            if extra:
                problems.append(f"unexpected {', '.join(extra)}")
            raise ValueError(f"Personalisation for the {self.name!r} email: {'; '.join(problems)}")
        not_text = sorted(key for key, value in personalisation.items() if not isinstance(value, str))
        if not_text:
            raise ValueError(
                f"Personalisation for the {self.name!r} email must be text: {', '.join(not_text)}"
            )

    def render(self, personalisation: dict) -> RenderedEmail:
        """Fill in the placeholders, as Notify does (lines left ending in a space are trimmed)."""

        def fill(text: str) -> str:
            filled = PLACEHOLDER.sub(lambda match: personalisation.get(match[1], match[0]), text)
            return "\n".join(line.rstrip() for line in filled.splitlines())

        return RenderedEmail(subject=fill(self.subject), body=fill(self.body))


def _template(
    name: str, *, personalisation: tuple[str, ...], subject: str, body: str, secret: tuple[str, ...] = ()
) -> EmailTemplate:
    return EmailTemplate(
        name=name,
        personalisation=frozenset(personalisation),
        subject=subject,
        body=body.strip("\n"),
        secret=frozenset(secret),
    )


TEMPLATES: dict[str, EmailTemplate] = {
    template.name: template
    for template in (
        _template(
            "sign_in_link",
            personalisation=("full_name", "sign_in_url", "expires_in"),
            subject=f"Your link to sign in to {SERVICE_NAME}",
            body=f"""
Hello ((full_name))

Use this link to sign in to {SERVICE_NAME}:

((sign_in_url))

The link stops working after ((expires_in)).

If the link has stopped working, go back to the service and ask for a new one.

If you did not ask to sign in, you can ignore this email. Someone may have typed your email address by mistake.

{SERVICE_NAME}
Department for Education
""",
            secret=("sign_in_url",),
        ),
        _template(
            "nomination_link",
            personalisation=("school_name", "nomination_url", "expires_on"),
            subject="Nominate an induction tutor for ((school_name))",
            body=f"""
To the headteacher of ((school_name))

Your school needs an induction tutor to register its early career teachers (ECTs) and their mentors for induction and training.

The induction tutor should not be a mentor. You can nominate yourself.

Use this link to tell us who your induction tutor is:

((nomination_url))

The link stops working at the end of ((expires_on)).

You can also use the link to tell us that your school does not expect any ECTs this year.

If you think this email was sent to you by mistake, you can ignore it.

{SERVICE_NAME}
Department for Education
""",
            secret=("nomination_url",),
        ),
        _template(
            "induction_tutor_nominated",
            personalisation=("full_name", "school_name", "sign_in_url"),
            subject="You have been nominated as induction tutor for ((school_name))",
            body=f"""
Hello ((full_name))

You have been nominated as the induction tutor for ((school_name)).

As induction tutor you will use {SERVICE_NAME} to:

* register your school's early career teachers (ECTs) and their mentors
* choose how they will be trained
* keep their details up to date

Sign in to get started:

((sign_in_url))

The link works once, for 7 days. After that, sign in to {SERVICE_NAME} with this email address and we'll send you a new link.

If you did not expect this email, contact your headteacher.

{SERVICE_NAME}
Department for Education
""",
            secret=("sign_in_url",),
        ),
        _template(
            "induction_tutor_replaced",
            personalisation=("full_name", "school_name"),
            subject="You are no longer the induction tutor for ((school_name))",
            body=f"""
Hello ((full_name))

Someone else has been nominated as the induction tutor for ((school_name)).

You can no longer see or change the school's early career teachers and mentors in {SERVICE_NAME}.

If you think this is a mistake, contact your headteacher.

{SERVICE_NAME}
Department for Education
""",
        ),
        _template(
            "colleague_added",
            personalisation=("full_name", "school_name", "added_by", "sign_in_url"),
            subject=f"You have been given access to ((school_name)) on {SERVICE_NAME}",
            body=f"""
Hello ((full_name))

((added_by)) has given you access to ((school_name)) on {SERVICE_NAME}.

You can now register the school's early career teachers (ECTs) and mentors, and keep their details up to date.

Sign in to get started:

((sign_in_url))

The link works once, for 7 days. After that, sign in to {SERVICE_NAME} with this email address and we'll send you a new link.

If you did not expect this email, contact ((added_by)) or your headteacher.

{SERVICE_NAME}
Department for Education
""",
            secret=("sign_in_url",),
        ),
        _template(
            "appropriate_body_access_given",
            personalisation=("full_name", "appropriate_body_name", "sign_in_url"),
            subject=f"You have been given access to ((appropriate_body_name)) on {SERVICE_NAME}",
            body=f"""
Hello ((full_name))

The Department for Education has given you access to ((appropriate_body_name)) on {SERVICE_NAME}.

You can now see the early career teachers (ECTs) whose induction ((appropriate_body_name)) checks.

Sign in to get started:

((sign_in_url))

The link works once, for 7 days. After that, sign in to {SERVICE_NAME} with this email address and we'll send you a new link.

If you did not expect this email, contact the Department for Education.

{SERVICE_NAME}
Department for Education
""",
            secret=("sign_in_url",),
        ),
        _template(
            "school_left_lead_provider",
            personalisation=("lead_provider_name", "school_name", "urn", "academic_year", "now_runs"),
            subject="((school_name)) (URN ((urn))) has changed its training for ((academic_year))",
            body=f"""
To ((lead_provider_name))

((school_name)) (URN ((urn))) has told us it will no longer train its early career teachers with you in ((academic_year)). It will now ((now_runs)).

If you had agreed a partnership with the school for ((academic_year)), contact the school to confirm what happens next. Do not make declarations for its new early career teachers and mentors.

{SERVICE_NAME}
Department for Education
""",
        ),
        _template(
            "participant_transferred",
            personalisation=("lead_provider_name", "moving", "what_happens"),
            subject="An early career teacher is moving school",
            body=f"""
To ((lead_provider_name))

((moving)).

((what_happens))

You can see their new school and dates through the lead provider API.

{SERVICE_NAME}
Department for Education
""",
        ),
        _template(
            "partnership_confirmed",
            personalisation=("school_name", "lead_provider_name", "delivery_partner_name", "academic_year"),
            subject="((lead_provider_name)) has confirmed it will train your early career teachers",
            body=f"""
Hello

((lead_provider_name)) has confirmed that it will train early career teachers and mentors at ((school_name)) in ((academic_year)), with ((delivery_partner_name)) delivering the training.

Your school's page in the service now shows them. If you did not agree this with ((lead_provider_name)), contact them or us.

{SERVICE_NAME}
Department for Education
""",
        ),
        _template(
            "partnership_changed",
            personalisation=("school_name", "lead_provider_name", "delivery_partner_name", "academic_year"),
            subject="Your early career teachers' training has a new delivery partner",
            body=f"""
Hello

((lead_provider_name)) has told us that ((delivery_partner_name)) will now deliver its training at ((school_name)) in ((academic_year)).

If you did not agree this with ((lead_provider_name)), contact them or us.

{SERVICE_NAME}
Department for Education
""",
        ),
        _template(
            "ect_moved_school",
            personalisation=("school_name", "full_name", "new_school_name", "what_happens"),
            subject="((full_name)) has moved to another school",
            body=f"""
Hello

((new_school_name)) has registered ((full_name)) as an early career teacher moving to them from ((school_name)).

((what_happens)) If this is wrong, contact ((new_school_name)) or us.

{SERVICE_NAME}
Department for Education
""",
        ),
        _template(
            "ect_registered",
            personalisation=("full_name", "school_name", "start_date", "training"),
            subject="((school_name)) has registered you as an early career teacher",
            body=f"""
Hello ((full_name))

((school_name)) has registered you for induction and training as an early career teacher (ECT), starting on ((start_date)).

((training))

Your school's induction tutor will tell you what happens next. If any of this is wrong, or you did not expect this email, contact your school.

{SERVICE_NAME}
Department for Education
""",
        ),
        _template(
            "mentor_registered",
            personalisation=("full_name", "school_name", "start_date", "training", "mentoring"),
            subject="((school_name)) has registered you as a mentor",
            body=f"""
Hello ((full_name))

((school_name)) has registered you as a mentor for early career teachers (ECTs), starting on ((start_date)).

((training))

((mentoring)) Your school's induction tutor will tell you what happens next. If any of this is wrong, or you did not expect this email, contact your school.

{SERVICE_NAME}
Department for Education
""",
        ),
    )
}


def get_template(name: str) -> EmailTemplate:
    """The template called `name`; ValueError when there is none."""
    try:
        return TEMPLATES[name]
    except KeyError:
        raise ValueError(f"There is no email template called {name!r}") from None
