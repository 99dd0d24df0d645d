"""Finance staff's actions, each a journey with a check-answers page before anything is saved
(core/wizard.py): adding and removing a statement's adjustments, authorising a statement for
payment, and voiding a declaration."""
