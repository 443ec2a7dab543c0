package coffre

import (
	"encoding/json"
	"fmt"
	"time"
)

// Date is a calendar day with no time zone. The zero Date means "unknown"
// and is encoded as JSON null.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// NewDate returns the date y-m-d, normalised as time.Date does (so
// NewDate(2025, 2, 30) is 2 March 2025).
func NewDate(y int, m time.Month, d int) Date {
	return DateOf(time.Date(y, m, d, 0, 0, 0, 0, time.UTC))
}

// DateOf returns the calendar day of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// ParseDate parses a YYYY-MM-DD date.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("coffre: date %q: want YYYY-MM-DD", s)
	}
	return DateOf(t), nil
}

// IsZero reports whether d is the unknown date.
func (d Date) IsZero() bool { return d == Date{} }

// Time returns midnight UTC at the start of d.
func (d Date) Time() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// String returns d as YYYY-MM-DD, or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// Before reports whether d is strictly before e.
func (d Date) Before(e Date) bool { return d.Time().Before(e.Time()) }

// After reports whether d is strictly after e.
func (d Date) After(e Date) bool { return d.Time().After(e.Time()) }

// AddDays returns d moved by n days.
func (d Date) AddDays(n int) Date { return DateOf(d.Time().AddDate(0, 0, n)) }

// AddMonthsClamped returns d moved by n months, keeping the day of month or,
// where that day does not exist, the last day of the target month
// (31 January + 1 month = 28 or 29 February).
func (d Date) AddMonthsClamped(n int) Date {
	first := time.Date(d.Year, d.Month, 1, 0, 0, 0, 0, time.UTC).AddDate(0, n, 0)
	last := first.AddDate(0, 1, -1).Day()
	return NewDate(first.Year(), first.Month(), min(d.Day, last))
}

// AddYearsClamped returns d moved by n years; 29 February becomes
// 28 February in a year that has none.
func (d Date) AddYearsClamped(n int) Date { return d.AddMonthsClamped(12 * n) }

// MarshalJSON encodes d as "YYYY-MM-DD", or null when d is zero.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(d.String())
}

// UnmarshalJSON decodes "YYYY-MM-DD" or null.
func (d *Date) UnmarshalJSON(b []byte) error {
	var s *string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	if s == nil || *s == "" {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(*s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}
