"""E-mail the catalogue sends: the editors hear of each suggested case, and a staff member of
the end of the bulk work they asked for (bulk.py).

Mail is a courtesy, never a condition: a suggestion is kept and the visitor thanked whatever
the mail server does; a failure is logged for the operators and never shown to the visitor.
"""

import logging

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext

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
    """In the catalogue's own language (LANGUAGE_CODE), whatever page the suggestion came
    from: it is for the editors."""
    with translation.override(settings.LANGUAGE_CODE):
        subject, body = _message(case, link)
    recipients = editors_addresses()
    if recipients:
        try:
            send_mail(subject, body, None, recipients)
        except Exception:
            logger.exception("The editors could not be told of suggested case %s.", case.pk)
            return []
    return recipients


def thank_the_sender(suggestion):
    """In the page's language, to the address the sender gave. It says nothing the sender
    typed (the title, the name): the form must not carry a stranger's words to any address."""
    subject = one_line(
        gettext("Your suggestion to the case catalogue: reference %(reference)s")
        % {"reference": suggestion.reference}
    )
    body = gettext(
        "Thank you for suggesting a case to the ISSA Collaborative Innovation Hub case "
        "catalogue. Its reference is %(reference)s.\n\n"
        "The editors will read it, may write to you with questions, and will publish it when "
        "it is ready; nothing you sent is public until then.\n\n"
        "If you did not send it, you can ignore this message.\n"
    ) % {"reference": suggestion.reference}
    try:
        send_mail(subject, body, None, [suggestion.email])
    except Exception:
        logger.exception("The sender of suggestion %s could not be thanked.", suggestion.pk)


def tell_user(user, news):
    """A line of news for one staff member (a bulk step done), in the catalogue's language;
    nothing when they have no address."""
    if user is None or not user.email:
        return
    with translation.override(settings.LANGUAGE_CODE):
        subject = one_line(gettext("Catalogue: %(news)s") % {"news": news})
    try:
        send_mail(subject, f"{news}\n", None, [user.email])
    except Exception:
        logger.exception("%s could not be told: %s", user, news)


def _message(case, link):
    suggestion = case.suggestion
    impacts = "; ".join(impact.statement for impact in case.impacts.all())
    if case.institution:
        institution = case.institution.name
    else:
        institution = gettext(
            "%(name)s (%(country)s), an institution not yet in the catalogue: match it to one "
            "or create it"
        ) % {"name": suggestion.institution_name, "country": suggestion.institution_country.name}
    body = gettext(
        "%(name)s <%(email)s> of %(institution)s suggested a case for the catalogue. It waits "
        "for review and is not public.\n\n"
        "Name of the case: %(title)s\n\n"
        "What the institution did:\n%(summary)s\n\n"
        "What it achieved:\n%(impacts)s\n\n"
        "Review it, add its themes and publish it here:\n%(link)s\n"
    ) % {
        "name": suggestion.name,
        "email": suggestion.email,
        "institution": institution,
        "title": case.title,
        "summary": case.summary,
        "impacts": impacts,
        "link": link,
    }
    subject = one_line(gettext("Case suggested: %(title)s") % {"title": case.title})
    return subject, body
