"""`{% once %}…{% endonce %}`: what is inside is rendered the first time, and that HTML is used again
for every page after, for as long as the process keeps the template (its lifetime, with Django's
cached template loader; one render with the loader that reads templates afresh in development).

For the parts of the layout that are the same on every page: links to static files, the
header's logo and the footer, with their URLs worked out and their images included. Drawing them
was most of the layout's time, and the layout is drawn on every page, the cached ones too (issue
19). Only what depends on nothing but the code and the settings may go inside: not the user,
the request, a CSRF token, a message or a form."""

import weakref

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver

register = template.Library()


class OnceNode(template.Node):
    # Every one made, so that a setting changed (in a test) clears what they keep.
    made: "weakref.WeakSet[OnceNode]" = weakref.WeakSet()

    def __init__(self, nodelist: template.NodeList):
        self.nodelist = nodelist
        # Two threads rendering it at once both store the same HTML: no lock is needed.
        self.rendered: str | None = None
        OnceNode.made.add(self)

    def render(self, context) -> str:
        if self.rendered is not None:
            return self.rendered
        rendered = self.nodelist.render(context)
        # Kept only when drawn for a request: without one, the context processors (the service's
        # name, the support address) have not run, and what was drawn lacks them.
        if getattr(context, "request", None) is not None:
            self.rendered = rendered
        return rendered


@receiver(setting_changed)
def _forget_what_was_drawn(**kwargs) -> None:
    for node in list(OnceNode.made):
        node.rendered = None


@register.tag
def once(parser, token):
    nodelist = parser.parse(("endonce",))
    parser.delete_first_token()
    return OnceNode(nodelist)
