"""The schools app's multi-step journeys, one module each (core.wizard.Wizard: steps, the rules for
which step applies, check answers, and done() calling one service):

    set_up_training           a school sets up its training for a year, or changes it
    change_induction_tutor    a school names a new induction tutor
    nominate_induction_tutor  a headteacher, through the emailed link, nominates the induction tutor
    add_colleague             a school gives a colleague access to manage it
"""
