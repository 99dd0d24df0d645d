"""The lead provider API, version 3: JSON, each resource as {"id", "type", "attributes"}."""

from django.http import JsonResponse

from api import queries
from api.http import lead_provider_api, problems
from api.pages import BadQuery, cohorts_asked_for, page_asked_for


def delivery_partner_json(partner) -> dict:
    return {
        "id": str(partner.api_id),
        "type": "delivery-partner",
        "attributes": {"name": partner.name, "cohort": [str(year) for year in partner.cohorts]},
    }


@lead_provider_api()
def delivery_partners(request):
    """The delivery partners you work with, by name; filter[cohort] for some years only."""
    try:
        page = page_asked_for(request.GET)
        cohorts = cohorts_asked_for(request.GET)
    except BadQuery as bad:
        return problems(422, *bad.problems)
    partners = queries.delivery_partners(request.lead_provider, cohorts=cohorts)[
        page.offset : page.offset + page.per_page
    ]
    return JsonResponse({"data": [delivery_partner_json(partner) for partner in partners]})


@lead_provider_api()
def delivery_partner(request, api_id):
    partner = queries.delivery_partners(request.lead_provider).filter(api_id=api_id).first()
    if partner is None:
        return problems(404, ("Not found", "No delivery partner of yours has that id."))
    return JsonResponse({"data": delivery_partner_json(partner)})
