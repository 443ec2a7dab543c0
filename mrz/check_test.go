package mrz

import "testing"

func TestCheckDigit(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want byte
	}{
		{"", '0'},
		{"<<<<<<", '0'},
		{"L898902C3", '6'},
		{"L898902C<", '3'},
		{"740812", '2'},
		{"120415", '9'},
		{"ZE184226B<<<<<", '1'},
		{"D23145890", '7'},
		{"D23145890734", '9'},
		{"940992310285", '4'},
		{"970675K00277", '4'},
		{"A", '0'}, // 10 × 7
		{"Z", '5'}, // 35 × 7
		{"1", '7'},
		{"01", '3'},
		{"001", '1'},
		{"0001", '7'}, // the weights repeat
		{"L898902C3" + "6" + "7408122" + "1204159" + "ZE184226B<<<<<1", '0'}, // ICAO TD3 composite
	} {
		got, err := CheckDigit(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("CheckDigit(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"l898902C3", "7408-12", "ÉRIK", " ", "«"} {
		if got, err := CheckDigit(bad); err == nil {
			t.Errorf("CheckDigit(%q) = %q, want an error", bad, got)
		}
	}
}
