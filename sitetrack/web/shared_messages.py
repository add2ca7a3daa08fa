"""Messages of shared templates in other apps whose French the web app provides while
their owners update their catalogues (Django merges every app's catalogue at run time).

The "Open" link of the round board and the "Open" status of a site or a round are one
word in English and two in French ("Ouvrir" / "Ouvert"): the link's message has its
own context so the two never share a translation.
"""

from django.utils.translation import pgettext_lazy

SHARED = [
    pgettext_lazy("verb: open a page", "Open"),
]
