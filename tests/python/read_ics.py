"""Reads an iCalendar file (RFC 5545) with the `icalendar` package, an independent parser, and
prints its events as JSON: what Buurt's calendar feeds say, as calendar apps will read it."""

import json
import sys

from icalendar import Calendar

calendar = Calendar.from_ical(open(sys.argv[1], "rb").read())
events = []
for component in calendar.walk("VEVENT"):
    start = component.decoded("DTSTART")
    end = component.decoded("DTEND") if "DTEND" in component else None
    events.append({
        "uid": str(component.get("UID")),
        "summary": str(component.get("SUMMARY")),
        "start": start.isoformat(),
        "end": end.isoformat() if end is not None else None,
        "location": str(component.get("LOCATION", "")),
        "url": str(component.get("URL", "")),
        "status": str(component.get("STATUS", "")),
        "description": str(component.get("DESCRIPTION", "")),
    })
print(json.dumps({"name": str(calendar.get("X-WR-CALNAME", "")), "events": events}))
