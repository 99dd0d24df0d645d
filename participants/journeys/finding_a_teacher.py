"""What registering an ECT and registering a mentor share: finding the teacher's record in TRS (by
TRN and date of birth, else National Insurance number), the stop page saying why they cannot be
registered, and whether a start date is in a year open for registration."""

from core import clock
from core.wizard import CHECK_ANSWERS, Step, Wizard, WizardView
from participants import queries, services
from participants.forms import CHECKED, CannotContinueForm, FindTeacherForm, NationalInsuranceNumberForm
from providers import queries as provider_queries

# Why a teacher cannot be registered, in the order they are checked.
STOP_REASONS = {
    "not_found": "We cannot find their teacher record",
    "already_registered": "is already registered at your school",
    "induction_passed": "has already passed their induction",
    "induction_failed": "has failed their induction",
    "induction_exempt": "is exempt from induction",
    "prohibited": "cannot be registered",
    "registered_elsewhere": "is registered at another school",
}


def registration_problem(started_on, registration: provider_queries.RegistrationForStart) -> str | None:
    """Why a teacher starting on this date cannot be registered now, in words (given the date's
    `registration_for_start`); None when they can."""
    if registration.is_open:
        return None
    if registration.contract_period is not None:
        return str(services.ContractPeriodNotOpen(registration.contract_period, registration.opens_on))
    return str(services.NoContractPeriod(started_on))


def checked(wizard: Wizard, step_name: str) -> dict | None:
    answer = wizard.cleaned(step_name)
    return answer[CHECKED] if answer else None


def finding_the_record(
    find_step: str,
    *,
    then_ask: tuple[Step, ...] = (),
    stop_step: str = "cannot-register",
    stop_template: str = "participants/register/cannot_register.html",
) -> list[Step]:
    """The first steps of registering a teacher (or of another journey about a teacher's record,
    with its own stop page): find their record (then ask `then_ask`, questions whose answer may
    stop the journey), or stop and say why."""
    return [
        Step(find_step, FindTeacherForm, starts_over=True),
        Step(
            "national-insurance-number",
            NationalInsuranceNumberForm,
            applies=lambda wizard: wizard.asks_national_insurance_number(),
        ),
        *then_ask,
        Step(
            stop_step,
            CannotContinueForm,
            applies=lambda wizard: wizard.stop_reason() is not None,
            template_name=stop_template,
        ),
    ]


class FindsTeacherRecord(Wizard):
    """A registration that starts by finding the teacher's record in TRS: by TRN and date of birth,
    else by National Insurance number. Subclasses name their first step in `find_step`."""

    find_step: str

    def asks_national_insurance_number(self) -> bool:
        found = checked(self, self.find_step)
        return bool(found and found["found"] and not found["date_of_birth_matches"])

    def record_found(self) -> dict | None:
        """The kept teacher record, once found by date of birth or by NI number; else None."""
        found = checked(self, self.find_step)
        if found and found["found"] and found["date_of_birth_matches"]:
            return found["record"]
        by_number = (
            checked(self, "national-insurance-number") if self.asks_national_insurance_number() else None
        )
        return by_number["record"] if by_number and by_number["found"] else None

    def not_found(self) -> bool | None:
        """True when the record was looked for and not found; None while it is still being looked for."""
        found = checked(self, self.find_step)
        if found is None:
            return None
        if not found["found"]:
            return True
        if self.asks_national_insurance_number():
            by_number = checked(self, "national-insurance-number")
            if by_number is None:
                return None
            return not by_number["found"]
        return False

    def trs_name(self) -> str:
        record = self.record_found()
        return " ".join(
            part for part in (record["first_name"], record["middle_name"], record["last_name"]) if part
        )

    def registration_for(self, started_on):
        """Whether someone starting on this date can be registered now, and in which contract period
        (asked by the start date's question, then by the steps after it)."""
        return self.remember(
            "registration",
            lambda: provider_queries.registration_for_start(started_on),
            inputs=(started_on,),
        )

    def name_to_use(self) -> str:
        answer = self.cleaned("confirm-name")
        return (answer or {}).get("corrected_name") or self.trs_name()

    def form_kwargs(self, step):
        if step.name == "national-insurance-number":
            return {"trn": checked(self, self.find_step)["record"]["trn"]}
        if step.name == "email":
            trn = (self.record_found() or {}).get("trn")
            today = clock.today()
            return {
                "email_in_use": lambda email: self.remember_for_journey(
                    "email_in_use",
                    lambda: queries.email_in_use(email, today=today, except_trn=trn),
                    inputs=(email.strip().lower(), trn, today),
                )
            }
        return {}


class RegistersTeacherView(WizardView):
    """Serves a registration wizard: its stop pages and name check show what TRS told us."""

    def context(self, **extra):
        context = super().context(**extra)
        if self.step_name != CHECK_ANSWERS and self.wizard.stop_reason():
            context["stop_reason"] = self.wizard.stop_reason()
            context["teacher_name"] = self.wizard.trs_name() if self.wizard.record_found() else ""
            # Where the details that found nobody were typed: the NI number, or the TRN and date of birth.
            context["change_details_url"] = self.wizard.url(
                "moving-school"
                if self.wizard.stop_reason() == "registered_elsewhere"
                else "national-insurance-number"
                if self.wizard.asks_national_insurance_number()
                else self.wizard.find_step
            )
        if self.step_name == "confirm-name":
            context["trs_name"] = self.wizard.trs_name()
        return context
