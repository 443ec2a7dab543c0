package policy

import (
	"fmt"
	"testing"

	"coffre"

	"github.com/google/go-cmp/cmp"
)

// day parses a YYYY-MM-DD test date; "" is the zero Date.
func day(t *testing.T, s string) coffre.Date {
	t.Helper()
	if s == "" {
		return coffre.Date{}
	}
	d, err := coffre.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// mustDay is day for table literals, built before any *testing.T exists.
func mustDay(s string) coffre.Date {
	d, err := coffre.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// checkSummary reduces checks to "name:ok" so that tests pin which checks
// are made and their outcome, not the wording of their details.
func checkSummary(cs []coffre.Check) []string {
	var out []string
	for _, c := range cs {
		out = append(out, fmt.Sprintf("%s:%t", c.Name, c.OK))
	}
	return out
}

type expiresCase struct {
	name    string
	typ     coffre.DocType
	subtype string
	fields  coffre.Fields
	issued  string
	want    string   // YYYY-MM-DD, "" for none
	checks  []string // "name:ok", in order
}

func runExpires(t *testing.T, p Policy, cases []expiresCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, checks := p.ExpiresOn(tc.typ, tc.subtype, tc.fields, day(t, tc.issued))
			if want := day(t, tc.want); got != want {
				t.Errorf("ExpiresOn = %q, want %q (checks %+v)", got, want, checks)
			}
			if diff := cmp.Diff(tc.checks, checkSummary(checks)); diff != "" {
				t.Errorf("checks (-want +got):\n%s\n%+v", diff, checks)
			}
		})
	}
}

func TestAvisImposition(t *testing.T) {
	avis := func(y any) coffre.Fields { return coffre.Fields{"annee_revenus": y} }
	runExpires(t, Default(), []expiresCase{
		{name: "income 2023", typ: coffre.TypeAvisImposition, fields: avis(2023), want: "2025-09-14"},
		{name: "income 2024 leap-free", typ: coffre.TypeAvisImposition, fields: avis(2024), want: "2026-09-14"},
		{name: "float64 from JSON", typ: coffre.TypeAvisImposition, fields: avis(2023.0), want: "2025-09-14"},
		{name: "digits string", typ: coffre.TypeAvisImposition, fields: avis("2023"), want: "2025-09-14"},
		{name: "issued date is not used", typ: coffre.TypeAvisImposition, fields: avis(2023), issued: "2030-01-01", want: "2025-09-14"},
		{name: "missing", typ: coffre.TypeAvisImposition, fields: coffre.Fields{}, checks: []string{"expiry_inputs:false"}},
		{name: "nil fields", typ: coffre.TypeAvisImposition, checks: []string{"expiry_inputs:false"}},
		{name: "fractional", typ: coffre.TypeAvisImposition, fields: avis(2023.5), checks: []string{"expiry_inputs:false"}},
		{name: "zero year", typ: coffre.TypeAvisImposition, fields: avis(0), checks: []string{"expiry_inputs:false"}},
		{name: "not a number", typ: coffre.TypeAvisImposition, fields: avis("deux mille"), checks: []string{"expiry_inputs:false"}},
	})
}

// The switch to the next notice, seen through Status: the 2023 notice is
// good through 14 September 2025 and expired on the 15th.
func TestAvisImpositionStatusAroundSeptember(t *testing.T) {
	p := Default()
	exp, _ := p.ExpiresOn(coffre.TypeAvisImposition, "", coffre.Fields{"annee_revenus": 2023}, coffre.Date{})
	for _, tc := range []struct {
		asOf string
		want coffre.Status
	}{
		{"2025-08-14", coffre.StatusValid},
		{"2025-08-15", coffre.StatusExpiringSoon},
		{"2025-09-13", coffre.StatusExpiringSoon},
		{"2025-09-14", coffre.StatusExpiringSoon},
		{"2025-09-15", coffre.StatusExpired},
	} {
		if got := p.Status(exp, day(t, tc.asOf)); got != tc.want {
			t.Errorf("Status(%s, %s) = %s, want %s", exp, tc.asOf, got, tc.want)
		}
	}
}

func TestAttestationCAF(t *testing.T) {
	caf := func(d any) coffre.Fields { return coffre.Fields{"date_edition": d} }
	c := coffre.TypeAttestationCAF
	runExpires(t, Default(), []expiresCase{
		{name: "mid month", typ: c, fields: caf(mustDay("2025-03-15")), want: "2025-06-15"},
		{name: "31 Jan clamps to 30 Apr", typ: c, fields: caf(mustDay("2025-01-31")), want: "2025-04-30"},
		{name: "30 Nov to 28 Feb, common year", typ: c, fields: caf(mustDay("2024-11-30")), want: "2025-02-28"},
		{name: "30 Nov to 29 Feb, leap year", typ: c, fields: caf(mustDay("2023-11-30")), want: "2024-02-29"},
		{name: "29 Nov to 29 Feb, leap year", typ: c, fields: caf(mustDay("2023-11-29")), want: "2024-02-29"},
		{name: "28 Nov to 28 Feb, leap year", typ: c, fields: caf(mustDay("2023-11-28")), want: "2024-02-28"},
		{name: "29 Feb to 29 May", typ: c, fields: caf(mustDay("2024-02-29")), want: "2024-05-29"},
		{name: "31 Oct over the new year", typ: c, fields: caf(mustDay("2025-10-31")), want: "2026-01-31"},
		{name: "string date from JSON", typ: c, fields: caf("2025-01-31"), want: "2025-04-30"},
		{name: "field wins over record issue date", typ: c, fields: caf(mustDay("2025-01-31")), issued: "2025-02-10", want: "2025-04-30"},
		{name: "record issue date stands in", typ: c, fields: coffre.Fields{}, issued: "2025-01-31", want: "2025-04-30"},
		{name: "missing", typ: c, fields: coffre.Fields{}, checks: []string{"expiry_inputs:false"}},
		{name: "zero Date is missing", typ: c, fields: caf(coffre.Date{}), checks: []string{"expiry_inputs:false"}},
		{name: "malformed, reported then missing", typ: c, fields: caf("31/01/2025"),
			checks: []string{"expiry_inputs:false", "expiry_inputs:false"}},
		{name: "malformed, record issue date stands in", typ: c, fields: caf(42), issued: "2025-01-31", want: "2025-04-30",
			checks: []string{"expiry_inputs:false"}},
	})
}

func TestPrintedExpiry(t *testing.T) {
	pi := coffre.TypePieceIdentite
	exp := coffre.Fields{"expiry_date": mustDay("2030-05-01")}
	runExpires(t, Default(), []expiresCase{
		{name: "passeport", typ: pi, subtype: coffre.SubtypePasseport, fields: exp, want: "2030-05-01"},
		{name: "titre de sejour", typ: pi, subtype: coffre.SubtypeTitreSejour, fields: exp, want: "2030-05-01"},
		{name: "new CNI", typ: pi, subtype: coffre.SubtypeCNI,
			fields: coffre.Fields{"expiry_date": mustDay("2031-08-01"), "card_format": "new"}, want: "2031-08-01"},
		// A new CNI gets no extension even when issued in the window.
		{name: "new CNI ignores issue and birth", typ: pi, subtype: coffre.SubtypeCNI,
			fields: coffre.Fields{"expiry_date": mustDay("2031-08-01"), "card_format": "new",
				"issue_date": mustDay("2021-08-02"), "birth_date": mustDay("1970-01-01")}, want: "2031-08-01"},
		{name: "passeport without expiry", typ: pi, subtype: coffre.SubtypePasseport,
			fields: coffre.Fields{"issue_date": mustDay("2020-05-02")}, checks: []string{"expiry_inputs:false"}},
		{name: "titre de sejour malformed expiry", typ: pi, subtype: coffre.SubtypeTitreSejour,
			fields: coffre.Fields{"expiry_date": "bientôt"}, checks: []string{"expiry_inputs:false"}},
		{name: "new CNI without expiry", typ: pi, subtype: coffre.SubtypeCNI,
			fields: coffre.Fields{"card_format": "new"}, checks: []string{"expiry_inputs:false"}},
		{name: "CNI of unknown format keeps printed date", typ: pi, subtype: coffre.SubtypeCNI, fields: exp,
			want: "2030-05-01", checks: []string{"cni_format:false"}},
		{name: "CNI of odd format without expiry", typ: pi, subtype: coffre.SubtypeCNI,
			fields: coffre.Fields{"card_format": "round"}, checks: []string{"cni_format:false", "expiry_inputs:false"}},
		{name: "unknown piece subtype", typ: pi, subtype: "permis", fields: exp, checks: []string{"expiry_rule:false"}},
		{name: "unknown type", typ: coffre.TypeUnknown, fields: exp, checks: []string{"expiry_rule:false"}},
		{name: "future type", typ: "bulletin_salaire", fields: exp, checks: []string{"expiry_rule:false"}},
	})
}

// oldCNI builds old-format CNI fields; "" leaves a date out.
func oldCNI(issue, birth, printed string) coffre.Fields {
	f := coffre.Fields{"card_format": "old"}
	for k, v := range map[string]string{"issue_date": issue, "birth_date": birth, "expiry_date": printed} {
		if v != "" {
			f[k] = mustDay(v)
		}
	}
	return f
}

// with sets one more field.
func with(f coffre.Fields, key string, v any) coffre.Fields {
	f[key] = v
	return f
}

// monthOnly marks the issue date as known only to the month.
func monthOnly(f coffre.Fields) coffre.Fields { return with(f, "issue_month_only", true) }

const adultBirth = "1970-01-01"

func TestOldCNI(t *testing.T) {
	const (
		computed = "cni_expiry_computed:true"
		extended = "cni_extension:true"
		undecide = "cni_extension:false"
		duration = "cni_duration:false"
		month    = "issue_date_precision:false"
		inputs   = "expiry_inputs:false"
	)
	cases := []expiresCase{
		// The extension window, computed from the issue date.
		{name: "issued 2003-06-10, before the window", fields: oldCNI("2003-06-10", adultBirth, ""), want: "2013-06-09", checks: []string{computed}},
		{name: "issued 2004-01-01, day before the window", fields: oldCNI("2004-01-01", adultBirth, ""), want: "2013-12-31", checks: []string{computed}},
		{name: "issued 2004-01-02, first day of the window", fields: oldCNI("2004-01-02", adultBirth, ""), want: "2019-01-01", checks: []string{computed, extended}},
		{name: "issued 2013-12-31, last day of the window", fields: oldCNI("2013-12-31", adultBirth, ""), want: "2028-12-30", checks: []string{computed, extended}},
		{name: "issued 2014-01-01, 15 years for adults", fields: oldCNI("2014-01-01", adultBirth, ""), want: "2028-12-31", checks: []string{computed}},

		// The printed date is the base, and wins over the computed one.
		{name: "printed, extended", fields: oldCNI("2009-06-15", adultBirth, "2019-06-14"), want: "2024-06-14", checks: []string{extended}},
		{name: "printed differs from computed", fields: oldCNI("2009-06-15", adultBirth, "2019-06-20"), want: "2024-06-20", checks: []string{extended}},
		{name: "printed, issued day before the window", fields: oldCNI("2004-01-01", adultBirth, "2013-12-31"), want: "2013-12-31"},
		{name: "printed, 15-year card", fields: oldCNI("2016-03-01", adultBirth, "2031-02-28"), want: "2031-02-28"},

		// Adult on the issue date: 17 years 364 days vs the 18th birthday.
		{name: "17y364d at issue, not extended", fields: oldCNI("2010-06-14", "1992-06-15", ""), want: "2020-06-13", checks: []string{computed}},
		{name: "18th birthday at issue, extended", fields: oldCNI("2010-06-15", "1992-06-15", ""), want: "2025-06-14", checks: []string{computed, extended}},
		{name: "17y364d at issue from 2014, 10 years", fields: oldCNI("2016-03-09", "1998-03-10", ""), want: "2026-03-08", checks: []string{computed}},
		{name: "18th birthday at issue from 2014, 15 years", fields: oldCNI("2016-03-10", "1998-03-10", ""), want: "2031-03-09", checks: []string{computed}},

		// 29 February: the birthday is reached on 1 March in common years.
		{name: "born 29 Feb, issued 28 Feb of 18th year: minor", fields: oldCNI("2010-02-28", "1992-02-29", ""), want: "2020-02-27", checks: []string{computed}},
		{name: "born 29 Feb, issued 1 Mar of 18th year: adult", fields: oldCNI("2010-03-01", "1992-02-29", ""), want: "2025-02-28", checks: []string{computed, extended}},
		{name: "born 28 Feb, issued the day after the 18th birthday", fields: oldCNI("2008-02-29", "1990-02-28", ""), want: "2023-02-28", checks: []string{computed, extended}},
		{name: "born 29 Feb, minor on 28 Feb 2014", fields: oldCNI("2014-02-28", "1996-02-29", ""), want: "2024-02-27", checks: []string{computed}},
		{name: "born 29 Feb, adult on 1 Mar 2014", fields: oldCNI("2014-03-01", "1996-02-29", ""), want: "2029-02-28", checks: []string{computed}},
		// Issued on 29 February: + 10 years - 1 day is 28 February.
		{name: "issued 29 Feb 2008", fields: oldCNI("2008-02-29", adultBirth, ""), want: "2023-02-28", checks: []string{computed, extended}},
		// The extension adds 5 years to the printed end, which is not always
		// issue + 15 years - 1 day (that would be 2024-02-29).
		{name: "issued 1 Mar 2009, printed end + 5 years", fields: oldCNI("2009-03-01", adultBirth, ""), want: "2024-02-28", checks: []string{computed, extended}},

		// Minors are never extended.
		{name: "minor in the window", fields: oldCNI("2005-01-01", "1995-01-01", ""), want: "2014-12-31", checks: []string{computed}},
		{name: "minor in the window, printed", fields: oldCNI("2005-05-06", "1995-01-01", "2015-05-05"), want: "2015-05-05"},
		{name: "minor from 2014, 10 years", fields: oldCNI("2015-03-01", "2000-01-01", ""), want: "2025-02-28", checks: []string{computed}},

		// Unknown birth date: conservative, and said so when it matters.
		{name: "no birth date, in the window", fields: oldCNI("2010-05-05", "", ""), want: "2020-05-04", checks: []string{computed, undecide}},
		{name: "no birth date, in the window, printed", fields: oldCNI("2010-05-05", "", "2020-05-04"), want: "2020-05-04", checks: []string{undecide}},
		{name: "no birth date, from 2014", fields: oldCNI("2016-05-05", "", ""), want: "2026-05-04", checks: []string{duration, computed}},
		{name: "no birth date, from 2014, printed", fields: oldCNI("2016-05-05", "", "2031-05-04"), want: "2031-05-04"},
		{name: "no birth date, before the window", fields: oldCNI("2000-05-05", "", ""), want: "2010-05-04", checks: []string{computed}},
		{name: "birth after issue", fields: oldCNI("2010-05-05", "2012-01-01", ""), want: "2020-05-04", checks: []string{computed, undecide}},
		{name: "malformed birth date", fields: with(oldCNI("2010-05-05", "", ""), "birth_date", "hier"), want: "2020-05-04", checks: []string{inputs, computed, undecide}},

		// Unknown issue date: only the printed date, and the extension is
		// undecided only for printed ends a window card could carry.
		{name: "no issue date, printed end of a window card", fields: oldCNI("", adultBirth, "2019-06-14"), want: "2019-06-14", checks: []string{undecide}},
		{name: "no issue date, printed 2013-12-31", fields: oldCNI("", adultBirth, "2013-12-31"), want: "2013-12-31"},
		{name: "no issue date, printed 2014-01-01", fields: oldCNI("", adultBirth, "2014-01-01"), want: "2014-01-01", checks: []string{undecide}},
		{name: "no issue date, printed 2023-12-30", fields: oldCNI("", adultBirth, "2023-12-30"), want: "2023-12-30", checks: []string{undecide}},
		{name: "no issue date, printed 2023-12-31", fields: oldCNI("", adultBirth, "2023-12-31"), want: "2023-12-31"},
		{name: "no issue date, printed 2030", fields: oldCNI("", adultBirth, "2030-01-01"), want: "2030-01-01"},
		{name: "no issue nor printed date", fields: oldCNI("", adultBirth, ""), checks: []string{inputs}},
		{name: "record issue date stands in", fields: oldCNI("", adultBirth, ""), issued: "2010-06-15", want: "2025-06-14", checks: []string{computed, extended}},
		{name: "field wins over record issue date", fields: oldCNI("2004-01-01", adultBirth, ""), issued: "2010-06-15", want: "2013-12-31", checks: []string{computed}},
		{name: "malformed printed date, computed instead", fields: with(oldCNI("2009-06-15", adultBirth, ""), "expiry_date", "2019-13-45"), want: "2024-06-14", checks: []string{inputs, computed, extended}},

		// Issue date known only to the month (YYMM of the card number):
		// the 1st is the earliest end; a decision must hold all month.
		{name: "month only, in the window", fields: monthOnly(oldCNI("2010-05-17", adultBirth, "")), want: "2025-04-30", checks: []string{month, computed, extended}},
		{name: "month only, January 2004 straddles the window", fields: monthOnly(oldCNI("2004-01-15", adultBirth, "")), want: "2013-12-31", checks: []string{month, computed, undecide}},
		{name: "month only, December 2013", fields: monthOnly(oldCNI("2013-12-01", adultBirth, "")), want: "2028-11-30", checks: []string{month, computed, extended}},
		{name: "month only, January 2014", fields: monthOnly(oldCNI("2014-01-01", adultBirth, "")), want: "2028-12-31", checks: []string{month, computed}},
		{name: "month only, 18 during the month", fields: monthOnly(oldCNI("2010-06-01", "1992-06-15", "")), want: "2020-05-31", checks: []string{month, computed, undecide}},
		{name: "month only, 18 during the month from 2014", fields: monthOnly(oldCNI("2016-06-01", "1998-06-15", "")), want: "2026-05-31", checks: []string{month, duration, computed}},
		{name: "month only, printed date kept", fields: monthOnly(oldCNI("2010-05-01", adultBirth, "2020-05-09")), want: "2025-05-09", checks: []string{month, extended}},
		{name: "month only flag false", fields: with(oldCNI("2010-05-17", adultBirth, ""), "issue_month_only", false), want: "2025-05-16", checks: []string{computed, extended}},
	}
	for i := range cases {
		cases[i].typ, cases[i].subtype = coffre.TypePieceIdentite, coffre.SubtypeCNI
	}
	runExpires(t, Default(), cases)
}

// A configured policy changes the results, not just the defaults.
func TestExpiresOnCustomPolicy(t *testing.T) {
	p := Default()
	p.AvisImposition = AvisRule{ExpiresMonth: 12, ExpiresDay: 31, YearsAfterIncome: 1}
	p.AttestationCAFMonths = 2
	p.OldCNI.ExtensionYears = 0
	runExpires(t, p, []expiresCase{
		{name: "avis end of Y+1", typ: coffre.TypeAvisImposition, fields: coffre.Fields{"annee_revenus": 2023}, want: "2024-12-31"},
		{name: "CAF 2 months, 31 Dec to 28 Feb", typ: coffre.TypeAttestationCAF, fields: coffre.Fields{"date_edition": mustDay("2024-12-31")}, want: "2025-02-28"},
		{name: "extension switched off", typ: coffre.TypePieceIdentite, subtype: coffre.SubtypeCNI,
			fields: oldCNI("2009-06-15", adultBirth, "2019-06-14"), want: "2019-06-14"},
		{name: "extension switched off, no birth date", typ: coffre.TypePieceIdentite, subtype: coffre.SubtypeCNI,
			fields: oldCNI("2009-06-15", "", "2019-06-14"), want: "2019-06-14"},
	})
}

// Checks carry a detail so that a caseworker can see why.
func TestChecksHaveDetails(t *testing.T) {
	_, checks := Default().ExpiresOn(coffre.TypePieceIdentite, coffre.SubtypeCNI,
		monthOnly(oldCNI("2010-05-17", "", "")), coffre.Date{})
	if len(checks) == 0 {
		t.Fatal("no checks")
	}
	for _, c := range checks {
		if c.Detail == "" {
			t.Errorf("check %s has no detail", c.Name)
		}
	}
}
