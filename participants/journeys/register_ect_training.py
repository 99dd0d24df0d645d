"""Registering an ECT: where their training comes from. The contract period their start date is in;
whether they move from another school and continue with the lead provider they train with there;
the choices the school made last time, when they can be this ECT's too; or what the tutor chooses."""

from core import clock
from participants import queries
from providers import queries as provider_queries
from schools.models import TrainingProgramme


class ECTTrainingChoices:
    """The training rules of `RegisterECTWizard`, which supplies `school`, `funding_refusal`,
    `record_found()` and the wizard's `cleaned()`, `remember()` and `remember_for_journey()`."""

    def contract_period(self):
        answer = self.cleaned("start-date")
        return self.registration_for(answer["started_on"]).contract_period if answer else None

    def moving_from(self):
        """The ECT period at another school they would move from, when registered here."""
        record = self.record_found()
        if record is None:
            return None
        today = clock.today()

        def period_elsewhere():
            return queries.ongoing_ect_period_elsewhere(record["trn"], self.school, today=today)

        def elsewhere():
            return self.remember("moving_from", period_elsewhere, inputs=(record["trn"],))

        # Most have none: that is kept for the journey, and the period looked up only when there is one.
        at_another_school = self.remember_for_journey(
            "at_another_school", lambda: elsewhere() is not None, inputs=(record["trn"], today)
        )
        return elsewhere() if at_another_school else None

    def is_moving(self) -> bool:
        answer = self.cleaned("moving-school") if self.moving_from() is not None else None
        return bool(answer and answer["moving_school"] == "yes")

    def training_before(self):
        """Their training at the school they are moving from, now (None when not moving)."""
        if not self.is_moving():
            return None
        return self.remember(
            "training_before",
            lambda: queries.current_training(self.moving_from(), on=clock.today()),
            inputs=(),  # the period it reads is worked out inside
        )

    def provider_before(self):
        """The lead provider they train with at the school they are moving from, if any."""
        return queries.training_lead_provider(self.training_before())

    def continues_training(self) -> bool:
        answer = self.cleaned("continue-training") if self.provider_before() is not None else None
        return bool(answer and answer["continue_training"] == "yes")

    def previous_choices(self) -> dict | None:
        """The appropriate body, programme and lead provider the school chose last (for its last ECT,
        or when it set up a year), when they can be this ECT's too: their start date is answered
        and, for provider-led training, the school may have it and the lead provider works that year."""
        contract_period = self.contract_period()
        if contract_period is None:
            return None
        return self.remember(
            "previous_choices", lambda: self._previous_choices(contract_period), inputs=(contract_period.pk,)
        )

    def _previous_choices(self, contract_period) -> dict | None:
        school = self.school
        programme = school.last_chosen_training_programme
        if not programme or school.last_chosen_appropriate_body_id is None:
            return None
        appropriate_body = provider_queries.appropriate_body(school.last_chosen_appropriate_body_id)
        if appropriate_body is None:
            return None
        lead_provider = None
        if programme == TrainingProgramme.PROVIDER_LED:
            if self.funding_refusal or school.last_chosen_lead_provider_id is None:
                return None
            lead_provider = provider_queries.active_lead_provider(
                contract_period, school.last_chosen_lead_provider_id
            )
            if lead_provider is None:  # not working this year
                return None
        return {
            "appropriate_body": appropriate_body,
            "training_programme": programme,
            "lead_provider": lead_provider,
        }

    def uses_previous_choices(self) -> bool:
        answer = self.cleaned("use-previous-choices") if self.previous_choices() is not None else None
        return bool(answer and answer["use_previous_choices"] == "yes")

    def programme(self) -> str | None:
        answer = self.cleaned("training-programme")
        return answer["training_programme"] if answer else None

    def previous_choices_summary(self) -> str:
        choices = self.previous_choices()
        parts = [f"Appropriate body: {choices['appropriate_body']}."]
        if choices["lead_provider"] is not None:
            parts.append(f"Training provider: {choices['lead_provider']}.")
        else:
            parts.append("Your school's own programme.")
        return " ".join(parts)

    def training(self) -> dict:
        """The appropriate body, programme and lead provider: their current provider's (moving school),
        the school's previous choices, or chosen."""
        if self.continues_training():
            return {
                "appropriate_body": self.all_cleaned()["appropriate_body"],
                "training_programme": "provider_led",
                "lead_provider": self.provider_before(),
            }
        if self.uses_previous_choices():
            return self.previous_choices()
        answers = self.all_cleaned()
        return {
            "appropriate_body": answers["appropriate_body"],
            "training_programme": answers["training_programme"],
            "lead_provider": answers.get("lead_provider")
            if answers["training_programme"] == "provider_led"
            else None,
        }
