"""Refusals that name each problem with the request attribute it is about, so the API can answer
with all of them at once (a 422 listing each title and detail)."""


class AttributeProblems(Exception):
    """`problems`: (attribute, sentence) pairs, every one found."""

    def __init__(self, *problems: tuple[str, str]):
        super().__init__("; ".join(detail for _, detail in problems))
        self.problems = list(problems)
