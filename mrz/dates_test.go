package mrz

import (
	"testing"
	"time"

	"coffre"
)

func TestBirthDate(t *testing.T) {
	d := coffre.NewDate
	for _, tc := range []struct {
		in   string
		asOf coffre.Date
		want coffre.Date // zero: not a date
	}{
		{"740812", d(2025, 6, 1), d(1974, 8, 12)},
		{"250601", d(2025, 6, 1), d(2025, 6, 1)}, // born today
		{"250602", d(2025, 6, 1), d(1925, 6, 2)}, // tomorrow is a century ago
		{"000101", d(2025, 6, 1), d(2000, 1, 1)},
		{"991231", d(2025, 6, 1), d(1999, 12, 31)},
		{"991231", d(2099, 12, 31), d(2099, 12, 31)},
		{"000229", d(2025, 6, 1), d(2000, 2, 29)},
		{"000229", d(1999, 12, 31), coffre.Date{}}, // 1900 was not a leap year
		{"040229", d(2025, 6, 1), d(2004, 2, 29)},
		{"050229", d(2025, 6, 1), coffre.Date{}},
		{"740431", d(2025, 6, 1), coffre.Date{}},
		{"741301", d(2025, 6, 1), coffre.Date{}},
		{"740800", d(2025, 6, 1), coffre.Date{}},
		{"74081", d(2025, 6, 1), coffre.Date{}},
		{"7408122", d(2025, 6, 1), coffre.Date{}},
		{"74O812", d(2025, 6, 1), coffre.Date{}},
		{"<<<<<<", d(2025, 6, 1), coffre.Date{}},
		{"+40812", d(2025, 6, 1), coffre.Date{}},
	} {
		got, ok := BirthDate(tc.in, tc.asOf)
		if got != tc.want || ok == tc.want.IsZero() {
			t.Errorf("BirthDate(%q, %v) = %v, %v; want %v", tc.in, tc.asOf, got, ok, tc.want)
		}
	}
}

func TestExpiryDate(t *testing.T) {
	d := coffre.NewDate
	for _, tc := range []struct {
		in   string
		asOf coffre.Date
		want coffre.Date
	}{
		{"300211", d(2025, 6, 1), d(2030, 2, 11)},
		{"120415", d(2025, 6, 1), d(2012, 4, 15)}, // expired long ago
		{"450601", d(2025, 6, 1), d(2045, 6, 1)},  // exactly asOf + 20 years
		{"450602", d(2025, 6, 1), d(1945, 6, 2)},  // a day beyond
		{"990101", d(2085, 1, 1), d(2099, 1, 1)},
		{"050101", d(2090, 1, 1), d(2105, 1, 1)},
		{"350229", d(2025, 6, 1), coffre.Date{}},
		{"", d(2025, 6, 1), coffre.Date{}},
	} {
		got, ok := ExpiryDate(tc.in, tc.asOf)
		if got != tc.want || ok == tc.want.IsZero() {
			t.Errorf("ExpiryDate(%q, %v) = %v, %v; want %v", tc.in, tc.asOf, got, ok, tc.want)
		}
	}
	// From 29 February 2080 the limit is 28 February 2100, 2100 being no
	// leap year, so 29 February 00 is 2000's.
	if got, ok := ExpiryDate("000229", coffre.NewDate(2080, 2, 29)); !ok || got != coffre.NewDate(2000, 2, 29) {
		t.Errorf("ExpiryDate(000229, 2080-02-29) = %v, %v; want 2000-02-29", got, ok)
	}
}

func TestIssueMonth(t *testing.T) {
	asOf := coffre.NewDate(2025, time.June, 15)
	for _, tc := range []struct {
		f      Format
		number string
		asOf   coffre.Date
		year   int
		month  time.Month
	}{
		{FrenchID, "880692310285", asOf, 1988, time.June},
		{FrenchID, "940992310285", asOf, 1994, time.September},
		{FrenchID, "1710GVA12345", asOf, 2017, time.October},
		{FrenchID, "0001ABC12345", asOf, 2000, time.January},
		{FrenchID, "2506ABC12345", asOf, 2025, time.June},
		{FrenchID, "2507ABC12345", asOf, 0, 0}, // after asOf
		{FrenchID, "8712ABC12345", asOf, 0, 0}, // neither 1987 nor 2087
		{FrenchID, "175775H55790", asOf, 0, 0}, // month 57
		{FrenchID, "9400ABC12345", asOf, 0, 0}, // month 0
		{FrenchID, "94O9ABC12345", asOf, 0, 0}, // not digits
		{FrenchID, "940", asOf, 0, 0},          // too short
		{TD1, "940992310", asOf, 0, 0},         // not an old card
		{FrenchID, "2506ABC12345", coffre.NewDate(2025, time.May, 31), 0, 0},
	} {
		y, mo, ok := IssueMonth(&MRZ{Format: tc.f, DocumentNumber: tc.number}, tc.asOf)
		if y != tc.year || mo != tc.month || ok != (tc.year != 0) {
			t.Errorf("IssueMonth(%s %s, %v) = %d, %v, %v; want %d, %v", tc.f, tc.number, tc.asOf, y, mo, ok, tc.year, tc.month)
		}
	}
}
