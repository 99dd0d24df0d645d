"""`{% once %}…{% endonce %}`: what is inside is rendered the first time, and that HTML is used again
for every page after, for as long as the process keeps the template (its lifetime, with Django's
cached template loader; one render with the loader that reads templates afresh in development).

For the parts of the layout that are the same on every page: links to static files, the
header's logo and the footer, with their URLs worked out and their images included. Drawing them
was most of the layout's time, and the layout is drawn on every page, the cached ones too (issue
19). Only what depends on nothing but the code and the settings may go inside: not the user,
the request, a CSRF token, a message or a form."""

from django import template

register = template.Library()


class OnceNode(template.Node):
    def __init__(self, nodelist: template.NodeList):
        self.nodelist = nodelist
        # Two threads rendering it at once both store the same HTML: no lock is needed.
        self.rendered: str | None = None

    def render(self, context) -> str:
        if self.rendered is None:
            self.rendered = self.nodelist.render(context)
        return self.rendered


@register.tag
def once(parser, token):
    nodelist = parser.parse(("endonce",))
    parser.delete_first_token()
    return OnceNode(nodelist)
