// Read an .ics file with ical.js, expand every event in a window, report floating times.
// Usage: node parse_feed.mjs FILE START END   (dates as YYYY-MM-DD, END inclusive)
// Prints JSON: {"events": [{"uid", "start", "end"}], "problems": ["..."]}
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const [file, startText, endText] = process.argv.slice(2);
const calendar = new ICAL.Component(ICAL.parse(readFileSync(file, "utf8")));
const windowStart = ICAL.Time.fromDateString(startText);
const windowEnd = ICAL.Time.fromDateString(endText);
const problems = [];
const events = [];

for (const component of calendar.getAllSubcomponents("vevent")) {
  for (const name of ["dtstart", "dtend", "dtstamp", "last-modified"]) {
    for (const property of component.getAllProperties(name)) {
      const time = property.getFirstValue();
      if (!time.isDate && time.zone === ICAL.Timezone.localTimezone) {
        problems.push(`${component.getFirstPropertyValue("uid")}: floating ${name} ${time}`);
      }
    }
  }
  const event = new ICAL.Event(component);
  const iterator = event.iterator();
  for (let next = iterator.next(); next; next = iterator.next()) {
    if (next.compare(windowEnd) > 0) break;
    const details = event.getOccurrenceDetails(next);
    if (details.endDate.compare(windowStart) <= 0) continue;
    const last = details.endDate.clone();
    last.adjust(-1, 0, 0, 0);  // DTEND is exclusive: the last day is the day before
    events.push({ uid: event.uid, start: details.startDate.toString(), end: last.toString() });
  }
}
console.log(JSON.stringify({ events, problems }));
