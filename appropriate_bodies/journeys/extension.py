"""Extensions to a teacher's induction, from the teacher's page: add one or change one of the
body's (number of terms, then reason, check answers), or remove one (a confirmation page)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_http_methods

from appropriate_bodies import queries
from appropriate_bodies.induction_forms import ExtensionReasonForm, ExtensionTermsForm
from appropriate_bodies.journeys.common import body_and_teacher, refused_page, teacher_page_url
from appropriate_bodies.services import extensions, outcomes
from appropriate_bodies.services.terms import terms_in_words
from core.wizard import Step, Wizard, WizardView


class ExtensionWizard(Wizard):
    """Add an extension (`extension` None) or change one of the body's."""

    check_answers_template = "appropriate_bodies/extension_check_answers.html"
    steps = [Step("terms", ExtensionTermsForm), Step("reason", ExtensionReasonForm)]

    def __init__(self, request, *, body, teacher, extension=None):
        super().__init__(request, key=f"{body.pk}:{teacher.pk}:{extension.pk if extension else 'new'}")
        self.body, self.teacher, self.extension = body, teacher, extension
        self.url_name = "appropriate_body_change_extension" if extension else "appropriate_body_add_extension"
        self.caption = f"{'Change an' if extension else 'Add an'} extension: {teacher.full_name}"
        if extension is not None and not self.answers:  # changing starts from what it is now
            self.store(self.steps[0], {"number_of_terms": terms_in_words(extension.number_of_terms)})
            self.store(self.steps[1], {"reason": extension.reason})

    def url_kwargs(self):
        ids = {"body_id": self.body.pk, "teacher_id": self.teacher.pk}
        return {**ids, "extension_id": self.extension.pk} if self.extension else ids

    def back_url_before_first_step(self):
        return teacher_page_url(self.body, self.teacher)

    def form_kwargs(self, step):
        return {"teacher_name": self.teacher.full_name} if step.name == "terms" else {}

    def summary_rows(self):
        answers = self.all_cleaned()
        return [
            self.row("Number of terms", answers["number_of_terms"], "terms"),
            self.row("Reason", answers["reason"], "reason"),
        ]

    def done(self):
        answers = self.all_cleaned()
        write = {
            "body": self.body,
            "number_of_terms": answers["number_of_terms"],
            "reason": answers["reason"],
        }
        try:
            if self.extension is None:
                extensions.add_extension(teacher=self.teacher, added_by=self.request.user, **write)
            else:
                extensions.change_extension(extension=self.extension, changed_by=self.request.user, **write)
        except extensions.CannotChangeExtension as refusal:
            return refused_page(
                self.request,
                body=self.body,
                teacher=self.teacher,
                heading="We could not save the extension",
                reason=str(refusal),
                wizard=self,
            )
        done = "changed" if self.extension else "added"
        messages.success(self.request, f"Extension {done} for {self.teacher.full_name}")
        return redirect(teacher_page_url(self.body, self.teacher))


def _no_open_period(request, body, teacher):
    return refused_page(
        request,
        body=body,
        teacher=teacher,
        heading="You cannot change their extensions",
        reason=f"{teacher.full_name} has no open induction period with {body.name}.",
    )


@method_decorator(login_required, name="dispatch")
class ExtensionView(WizardView):
    def get_wizard(self, request, *, body_id, teacher_id, extension_id=None):
        body, teacher = body_and_teacher(request, body_id, teacher_id)
        extension = queries.extension_for(body, teacher, extension_id) if extension_id else None
        if outcomes.open_period_with(body, teacher) is None:
            return _no_open_period(request, body, teacher)
        return ExtensionWizard(request, body=body, teacher=teacher, extension=extension)


@login_required
@require_http_methods(["GET", "POST"])
def remove_extension(request, body_id: int, teacher_id: int, extension_id: int):
    """Are you sure? Then the extension goes."""
    body, teacher = body_and_teacher(request, body_id, teacher_id)
    extension = queries.extension_for(body, teacher, extension_id)
    if outcomes.open_period_with(body, teacher) is None:
        return _no_open_period(request, body, teacher)
    if request.method == "POST":
        try:
            extensions.remove_extension(body=body, extension=extension, removed_by=request.user)
        except extensions.CannotChangeExtension as refusal:
            return refused_page(
                request,
                body=body,
                teacher=teacher,
                heading="We could not remove the extension",
                reason=str(refusal),
            )
        messages.success(request, f"Extension removed for {teacher.full_name}")
        return redirect(teacher_page_url(body, teacher))
    return render(
        request,
        "appropriate_bodies/remove_extension.html",
        {
            "body": body,
            "teacher": teacher,
            "extension": extension,
            "teacher_url": teacher_page_url(body, teacher),
        },
    )
