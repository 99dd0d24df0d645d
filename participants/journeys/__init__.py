"""Participants' journeys, one module each (every one a `core.wizard.Wizard` ending in one service call):

- `register_ect`: register an ECT (`register_ect_training`: where their training comes from)
- `register_mentor`: register a mentor, on their own, as the tutor themself, or for an ECT
- `finding_a_teacher`: what the two registrations share: finding the teacher's record, the stops
- `assign_mentor`: give an ECT a mentor, or change their mentor
- `leaving`: an ECT or mentor is leaving the school
- `change_name`, `change_email`, `change_working_pattern`, `change_appropriate_body`,
  `change_training`: the changes made from a person's page (`changing_a_person`: what they share;
  `changes`: each by its slug, and the view serving them)
- `refused`: the page a journey ends on when its write is refused
"""
