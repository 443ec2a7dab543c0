package policy

import (
	"fmt"

	"coffre"
)

// tri is a decision that may be undecidable from the fields at hand.
type tri int

const (
	no tri = iota
	yes
	unknown
)

// both is the decision that holds whichever of a and b is the truth.
func both(a, b tri) tri {
	if a == b {
		return a
	}
	return unknown
}

// issueSpan is the range of days the card may have been issued on: one day
// when the issue date is exact, a whole month when only YYMM is known.
type issueSpan struct {
	first, last coffre.Date
}

func (s issueSpan) known() bool { return !s.first.IsZero() }

// issueDates finds the issue date in the fields, or falls back on the
// record's. A month-only date is widened to its whole month so that every
// decision below can check that it holds on each possible day.
func (r *reader) issueDates(issued coffre.Date) issueSpan {
	d := r.date(fieldIssueDate)
	if d.IsZero() {
		d = issued
	}
	if d.IsZero() {
		return issueSpan{}
	}
	if !boolField(r.f, fieldIssueMonthOnly) {
		return issueSpan{d, d}
	}
	first := coffre.NewDate(d.Year, d.Month, 1)
	r.add(CheckIssueDatePrecision, false, fmt.Sprintf("issue date known only to the month (%04d-%02d): the earliest expiry is used", d.Year, d.Month))
	return issueSpan{first, first.AddMonthsClamped(1).AddDays(-1)}
}

// expires is the last valid day of an old CNI: the printed "valable
// jusqu'au" date or, failing that, the one computed from the issue date,
// plus the unprinted extension when it applies.
func (c OldCNIRule) expires(r *reader, issued coffre.Date) coffre.Date {
	printed := r.date(fieldExpiryDate)
	span := r.issueDates(issued)
	birth := r.date(fieldBirthDate)
	end := printed
	if end.IsZero() {
		if !span.known() {
			r.missing(fieldExpiryDate + " and " + fieldIssueDate)
			return coffre.Date{}
		}
		end = c.computed(r, span, birth)
	}
	if c.extended(r, span, birth, printed) {
		end = end.AddYearsClamped(c.ExtensionYears)
	}
	return end
}

// computed is what the card would print: issue + 10 or 15 years - 1 day,
// from the earliest possible issue day (the conservative end).
func (c OldCNIRule) computed(r *reader, span issueSpan, birth coffre.Date) coffre.Date {
	years := c.ValidityYears
	switch both(c.longValidity(span.first, birth), c.longValidity(span.last, birth)) {
	case yes:
		years = c.AdultValidityYears
	case unknown:
		r.add(CheckCNIDuration, false, fmt.Sprintf("adult at issue unknown: %d years used instead of %d", c.ValidityYears, c.AdultValidityYears))
	}
	end := anniversary(span.first, years).AddDays(-1)
	r.add(CheckCNIExpiryComputed, true, fmt.Sprintf("no printed expiry date: issued %s + %d years - 1 day", span.first, years))
	return end
}

// longValidity: adults get the longer validity on cards issued from AdultFrom.
func (c OldCNIRule) longValidity(issue, birth coffre.Date) tri {
	if issue.Before(c.AdultFrom) {
		return no
	}
	return c.adult(birth, issue)
}

// extended decides the unprinted extension. It is added only when it holds
// on every possible issue day; when it cannot be decided it is left out and
// a check says so, since a wrong extension would accept an expired card.
func (c OldCNIRule) extended(r *reader, span issueSpan, birth, printed coffre.Date) bool {
	if c.ExtensionYears == 0 {
		return false // switched off by configuration
	}
	if !span.known() {
		if c.printedInWindow(printed) {
			r.add(CheckCNIExtension, false, "issue date unknown: extension not decided, printed date kept")
		}
		return false
	}
	switch both(c.eligible(span.first, birth), c.eligible(span.last, birth)) {
	case yes:
		r.add(CheckCNIExtension, true, fmt.Sprintf("issued %s to an adult: +%d years, not printed on the card", span.first, c.ExtensionYears))
		return true
	case unknown:
		r.add(CheckCNIExtension, false, c.undecided(span, birth))
	}
	return false
}

// eligible: issued within the extension window to an adult.
func (c OldCNIRule) eligible(issue, birth coffre.Date) tri {
	if issue.Before(c.ExtensionFrom) || issue.After(c.ExtensionTo) {
		return no
	}
	return c.adult(birth, issue)
}

// undecided explains why the extension could not be decided.
func (c OldCNIRule) undecided(span issueSpan, birth coffre.Date) string {
	if birth.IsZero() {
		return "birth date unknown: adult at issue not decided, extension not added"
	}
	if birth.After(span.first) {
		return "birth date after issue date: extension not added"
	}
	return "issue day unknown within the month: extension not added"
}

// printedInWindow reports whether a printed end date could belong to a
// card issued within the extension window (10-year cards, the only ones
// issued then); outside that range the extension cannot apply.
func (c OldCNIRule) printedInWindow(printed coffre.Date) bool {
	if printed.IsZero() {
		return false
	}
	lo := anniversary(c.ExtensionFrom, c.ValidityYears).AddDays(-1)
	hi := anniversary(c.ExtensionTo, c.ValidityYears).AddDays(-1)
	return !printed.Before(lo) && !printed.After(hi)
}

// adult reports whether someone born on birth had AdultAge full years on
// day. A 29 February birthday is reached on 1 March in common years, the
// later (conservative) reading. An unknown or impossible birth date decides
// nothing.
func (c OldCNIRule) adult(birth, day coffre.Date) tri {
	if birth.IsZero() || birth.After(day) {
		return unknown
	}
	if fullYears(birth, day) >= c.AdultAge {
		return yes
	}
	return no
}

// fullYears is the age in completed years on day.
func fullYears(birth, day coffre.Date) int {
	n := day.Year - birth.Year
	if day.Month < birth.Month || (day.Month == birth.Month && day.Day < birth.Day) {
		n--
	}
	return n
}

// anniversary is d moved by n years, with 29 February landing on 1 March
// in common years, so that "+ n years - 1 day" ends on 28 February.
func anniversary(d coffre.Date, n int) coffre.Date {
	return coffre.NewDate(d.Year+n, d.Month, d.Day)
}
