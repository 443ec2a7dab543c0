package coffre

import (
	"encoding/json"
	"testing"
	"time"
)

func TestAddMonthsClamped(t *testing.T) {
	for _, tt := range []struct {
		from Date
		n    int
		want Date
	}{
		{NewDate(2026, 1, 31), 1, NewDate(2026, 2, 28)},
		{NewDate(2024, 1, 31), 1, NewDate(2024, 2, 29)},
		{NewDate(2025, 11, 30), 3, NewDate(2026, 2, 28)},
		{NewDate(2026, 3, 15), 3, NewDate(2026, 6, 15)},
		{NewDate(2026, 5, 31), -3, NewDate(2026, 2, 28)},
		{NewDate(2024, 2, 29), 12, NewDate(2025, 2, 28)},
	} {
		if got := tt.from.AddMonthsClamped(tt.n); got != tt.want {
			t.Errorf("%s + %d months = %s, want %s", tt.from, tt.n, got, tt.want)
		}
	}
	if got := NewDate(2028, 2, 29).AddYearsClamped(1); got != NewDate(2029, 2, 28) {
		t.Errorf("29 Feb 2028 + 1 year = %s, want 2029-02-28", got)
	}
}

func TestDateJSON(t *testing.T) {
	type rec struct {
		D Date `json:"d"`
	}
	for _, tt := range []struct {
		d    Date
		json string
	}{
		{NewDate(2026, 9, 14), `{"d":"2026-09-14"}`},
		{Date{}, `{"d":null}`},
	} {
		b, err := json.Marshal(rec{tt.d})
		if err != nil || string(b) != tt.json {
			t.Errorf("marshal %v = %s, %v; want %s", tt.d, b, err, tt.json)
		}
		var back rec
		if err := json.Unmarshal(b, &back); err != nil || back.D != tt.d {
			t.Errorf("unmarshal %s = %v, %v; want %v", b, back.D, err, tt.d)
		}
	}
	var bad rec
	if err := json.Unmarshal([]byte(`{"d":"14/09/2026"}`), &bad); err == nil {
		t.Error("a French-style date was accepted as YYYY-MM-DD")
	}
}

func TestDateOrder(t *testing.T) {
	a, b := NewDate(2026, 1, 1), NewDate(2026, 1, 2)
	if !a.Before(b) || a.After(b) || !b.After(a) || a.Before(a) {
		t.Error("Before/After disagree with the calendar")
	}
	if got := DateOf(time.Date(2026, 3, 1, 23, 59, 0, 0, time.UTC)).AddDays(-1); got != NewDate(2026, 2, 28) {
		t.Errorf("1 March 2026 - 1 day = %s", got)
	}
}
