"""E-mail the catalogue sends: the editors hear of each suggested case.

Mail is a courtesy, never a condition: a suggestion is kept and the visitor thanked whatever
the mail server does; a failure is logged for the operators and never shown to the visitor.
"""

import logging

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import send_mail

logger = logging.getLogger(__name__)

EDITORS_GROUP = "Editors"


def one_line(text, limit=150):
    """A subject line: no line breaks (they would forge headers), not too long."""
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def editors_addresses():
    """Active editors with an address, and the MANAGERS of the settings."""
    editors = User.objects.filter(is_active=True, groups__name=EDITORS_GROUP).exclude(email="")
    addresses = list(editors.values_list("email", flat=True))
    addresses += [address for _, address in settings.MANAGERS]
    return list(dict.fromkeys(addresses))


def tell_editors_of_suggestion(case, link):
    suggestion = case.suggestion
    impacts = "; ".join(impact.statement for impact in case.impacts.all())
    if case.institution:
        institution = case.institution.name
    else:
        institution = (
            f"{suggestion.institution_name} ({suggestion.institution_country.name}), "
            "an institution not yet in the catalogue: match it to one or create it"
        )
    body = (
        f"{suggestion.name} <{suggestion.email}> of {institution} suggested a case "
        "for the catalogue. It waits for review and is not public.\n\n"
        f"Name of the case: {case.title}\n\n"
        f"What the institution did:\n{case.summary}\n\n"
        f"What it achieved:\n{impacts}\n\n"
        f"Review it, add its themes and publish it here:\n{link}\n"
    )
    recipients = editors_addresses()
    if recipients:
        try:
            send_mail(one_line(f"Case suggested: {case.title}"), body, None, recipients)
        except Exception:
            logger.exception("The editors could not be told of suggested case %s.", case.pk)
            return []
    return recipients
