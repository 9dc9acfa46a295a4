# "27 November 2026", as the ISSA writes dates in English (Django's default: "Nov. 27, 2026").
DATE_FORMAT = "j F Y"
