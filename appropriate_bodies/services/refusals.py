"""Why an appropriate body's write cannot be made: a sentence for the person, which answer it is
about, and a code for a caller that acts on the case (bulk upload's "already claimed by you")."""

from dataclasses import dataclass

from participants.services import Refused


@dataclass(frozen=True)
class Problem:
    """`message` in words; `about` names the answer it is about, as the service's keyword argument
    does ("started_on", "finished_on", "number_of_terms"), None for the teacher as a whole; `reason`
    names the case where a caller needs it ("claimed_by_you", "no_open_period")."""

    message: str
    about: str | None = None
    reason: str = ""


class Refusal(Refused):
    """A write refused for a `Problem`. Nothing was saved; str() is its message."""

    def __init__(self, message: str, *, about: str | None = None, reason: str = ""):
        super().__init__(message)
        self.problem = Problem(message, about=about, reason=reason)

    @classmethod
    def of(cls, problem: Problem) -> "Refusal":
        return cls(problem.message, about=problem.about, reason=problem.reason)

    @property
    def reason(self) -> str:
        return self.problem.reason
