"""Lists shown a page at a time: the numbered links of GOV.UK pagination (templates/includes/pagination.html)."""


def page_links(request, page) -> list[dict]:
    """The numbered links of GOV.UK pagination: first, last, and the pages either side of this one,
    with gaps between (None). Each keeps the request's other parameters (search, filters)."""
    paginator = page.paginator
    if paginator.num_pages <= 1:
        return []
    wanted = {1, paginator.num_pages, page.number - 1, page.number, page.number + 1}
    links, previous = [], 0
    for number in sorted(n for n in wanted if 1 <= n <= paginator.num_pages):
        if number - previous > 1:
            links.append(None)
        query = request.GET.copy()
        query["page"] = number
        links.append({"number": number, "url": f"?{query.urlencode()}", "current": number == page.number})
        previous = number
    return links
