package coffre

import (
	"encoding/json"
	"testing"
	"time"
)

// FuzzParseDate: ParseDate never panics, accepts only real calendar
// days written YYYY-MM-DD, and what it accepts prints back the same and
// survives a JSON round trip. Seeds are dates as they come in requests
// (--as-of, ?expires_before=, mandates' until) and near misses.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{
		"2025-03-01", "2024-02-29", "2023-02-29", "2030-12-31", "0001-01-01", "9999-12-31", "0000-01-01",
		"2025-13-01", "2025-00-10", "2025-04-31", "2025-4-1", "25-04-01", "01/04/2025", "2025-04-01T00:00:00Z",
		" 2025-04-01", "2025-04-01\n", "", "-001-01-01", "+2025-01-01", "２０２５-０１-０１", "2025-01-01\x00",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			if !d.IsZero() || err.Error() == "" {
				t.Fatalf("ParseDate(%q) = %v, %v: an error with a date", s, d, err)
			}
			return
		}
		if d.Month < time.January || d.Month > time.December || d.Day < 1 || d.Day > 31 || d.Year < 0 || d.Year > 9999 {
			t.Fatalf("ParseDate(%q) = %+v, out of range", s, d)
		}
		if DateOf(d.Time()) != d {
			t.Fatalf("ParseDate(%q) = %+v, not a real day (normalises to %v)", s, d, DateOf(d.Time()))
		}
		if d.IsZero() {
			return // year 0000 is not printed: zero means unknown
		}
		if d.String() != s {
			t.Fatalf("ParseDate(%q) = %v: does not print back the same", s, d)
		}
		b, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		var back Date
		if err := json.Unmarshal(b, &back); err != nil || back != d {
			t.Fatalf("JSON round trip of %v: %s -> %v, %v", d, b, back, err)
		}
	})
}
