import datetime

from providers.models import ContractPeriod


def contract_period_for_registration(today: datetime.date) -> ContractPeriod | None:
    """The contract period schools are registering for now: the open one that contains today,
    else the newest open one (a period opens for registration before its academic year)."""
    open_periods = ContractPeriod.objects.filter(enabled=True)
    return (
        open_periods.filter(started_on__lte=today, finished_on__gte=today).first()
        or open_periods.order_by("-year").first()
    )
