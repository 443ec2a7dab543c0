package mrz

import (
	"time"

	"coffre"
)

// BirthDate returns the date a YYMMDD birth date stands for: the latest
// one not after asOf, since nobody is born in the future. It reports false
// for a malformed or impossible date (fillers for an unknown day included).
func BirthDate(yymmdd string, asOf coffre.Date) (coffre.Date, bool) {
	return latest(yymmdd, asOf)
}

// ExpiryDate returns the date a YYMMDD expiry date stands for: the latest
// one no later than asOf plus 20 years, since no document is valid longer
// and expired ones are read too.
func ExpiryDate(yymmdd string, asOf coffre.Date) (coffre.Date, bool) {
	return latest(yymmdd, asOf.AddYearsClamped(20))
}

// latest returns the latest date with the given YYMMDD not after limit.
func latest(yymmdd string, limit coffre.Date) (coffre.Date, bool) {
	n, ok := number(yymmdd, 6)
	if !ok {
		return coffre.Date{}, false
	}
	want := coffre.Date{Year: limit.Year - limit.Year%100 + n/10000, Month: time.Month(n / 100 % 100), Day: n % 100}
	if ymd(want) > ymd(limit) {
		want.Year -= 100
	}
	if coffre.NewDate(want.Year, want.Month, want.Day) != want {
		return coffre.Date{}, false // 31 April, 29 February 1900 …
	}
	return want, true
}

// ymd orders dates, even invalid ones, as YYYYMMDD does.
func ymd(d coffre.Date) int { return d.Year*10000 + int(d.Month)*100 + d.Day }

// IssueMonth returns the month an old French identity card (FrenchID) was
// issued in, which its document number starts with as YYMM. Those cards
// were issued from 1988, so YY is read in 1988 to 2087, and the month must
// not be after asOf. It reports false for other formats and impossible
// months.
func IssueMonth(m *MRZ, asOf coffre.Date) (year int, month time.Month, ok bool) {
	if m.Format != FrenchID || len(m.DocumentNumber) < 4 {
		return 0, 0, false
	}
	n, ok := number(m.DocumentNumber[:4], 4)
	if !ok || n%100 < 1 || n%100 > 12 {
		return 0, 0, false
	}
	year, month = 1900+n/100, time.Month(n%100)
	if year < 1988 {
		year += 100
	}
	if year*12+int(month) > asOf.Year*12+int(asOf.Month) {
		return 0, 0, false
	}
	return year, month, true
}

// number returns s, made of exactly width digits, as a number.
func number(s string, width int) (int, bool) {
	if len(s) != width {
		return 0, false
	}
	n := 0
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}
