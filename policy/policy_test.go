package policy

import (
	"encoding/json"
	"errors"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"coffre"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite testdata/policy.json from Default")

// testdata/policy.json is the default policy spelt out: an example for
// whoever writes an override, kept equal to Default by this test.
func TestGoldenDefaultFile(t *testing.T) {
	const golden = "testdata/policy.json"
	b, err := json.MarshalIndent(Default(), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	b = append(b, '\n')
	if *update {
		if err := os.WriteFile(golden, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), string(b)); diff != "" {
		t.Errorf("%s is out of date (go test -update) (-file +Default):\n%s", golden, diff)
	}
	p, err := Load(golden)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(Default(), p); diff != "" {
		t.Errorf("Load(%s) (-Default +loaded):\n%s", golden, diff)
	}
}

func TestDefaultIsValid(t *testing.T) {
	if err := Default().Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestLoadOverrides(t *testing.T) {
	cases := []struct {
		name string
		json string
		edit func(*Policy) // applied to Default to get the expected policy
	}{
		{"empty object keeps defaults", `{}`, func(*Policy) {}},
		{"top-level key", `{"expiring_soon_days": 0}`, func(p *Policy) { p.ExpiringSoonDays = 0 }},
		{"one nested key keeps its siblings", `{"avis_imposition": {"expires_day": 15}}`,
			func(p *Policy) { p.AvisImposition.ExpiresDay = 15 }},
		{"old CNI extension switched off", `{"old_cni": {"extension_years": 0}}`,
			func(p *Policy) { p.OldCNI.ExtensionYears = 0 }},
		{"dates", `{"old_cni": {"extension_from": "2004-01-01", "adult_from": "2014-02-01"}}`, func(p *Policy) {
			p.OldCNI.ExtensionFrom = mustDay("2004-01-01")
			p.OldCNI.AdultFrom = mustDay("2014-02-01")
		}},
		{"29 February does not exist every year, 28 does", `{"avis_imposition": {"expires_month": 2, "expires_day": 28}}`, func(p *Policy) {
			p.AvisImposition.ExpiresMonth, p.AvisImposition.ExpiresDay = 2, 28
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			want := Default()
			tc.edit(&want)
			got, err := Load(writeFile(t, tc.json))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadExampleFile(t *testing.T) {
	got, err := Load("testdata/cantine.json")
	if err != nil {
		t.Fatal(err)
	}
	want := Default()
	want.ExpiringSoonDays = 15
	want.AttestationCAFMonths = 2
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestLoadErrors(t *testing.T) {
	cases := []struct {
		name, json string
		wantErr    []string // substrings of the error
	}{
		{"unknown top-level key", `{"expiring_soon": 30}`, []string{"unknown field", "expiring_soon"}},
		{"unknown nested key", `{"old_cni": {"validity": 10}}`, []string{"unknown field", "validity"}},
		{"wrong type", `{"attestation_caf_months": "3"}`, []string{"attestation_caf_months"}},
		{"bad date", `{"old_cni": {"extension_to": "31/12/2013"}}`, []string{"YYYY-MM-DD"}},
		{"not JSON", `expiring_soon_days = 30`, []string{"invalid character"}},
		{"empty file", ``, []string{"EOF"}},
		{"trailing data", `{} {}`, []string{"trailing data"}},
		{"negative expiring soon", `{"expiring_soon_days": -1}`, []string{"expiring_soon_days -1"}},
		{"expiring soon too long", `{"expiring_soon_days": 367}`, []string{"expiring_soon_days 367"}},
		{"zero CAF months", `{"attestation_caf_months": 0}`, []string{"attestation_caf_months 0"}},
		{"month 13", `{"avis_imposition": {"expires_month": 13}}`, []string{"expires_month 13"}},
		{"month 0", `{"avis_imposition": {"expires_month": 0}}`, []string{"expires_month 0"}},
		{"31 September", `{"avis_imposition": {"expires_day": 31}}`, []string{"expires_day 31: want 1 to 30"}},
		{"29 February", `{"avis_imposition": {"expires_month": 2, "expires_day": 29}}`, []string{"expires_day 29: want 1 to 28"}},
		{"day 0", `{"avis_imposition": {"expires_day": 0}}`, []string{"expires_day 0"}},
		{"notice valid before it is issued", `{"avis_imposition": {"years_after_income": 0}}`, []string{"years_after_income 0"}},
		{"no validity", `{"old_cni": {"validity_years": 0}}`, []string{"validity_years 0"}},
		{"negative extension", `{"old_cni": {"extension_years": -5}}`, []string{"extension_years -5"}},
		{"null date", `{"old_cni": {"adult_from": null}}`, []string{"adult_from: a date is required"}},
		{"window upside down", `{"old_cni": {"extension_from": "2014-01-01", "extension_to": "2013-12-31"}}`,
			[]string{"extension_to 2013-12-31 is before extension_from 2014-01-01"}},
		{"every error reported", `{"expiring_soon_days": -1, "attestation_caf_months": 0, "old_cni": {"adult_age": 0}}`,
			[]string{"expiring_soon_days -1", "attestation_caf_months 0", "adult_age 0"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := writeFile(t, tc.json)
			p, err := Load(path)
			if err == nil {
				t.Fatalf("Load succeeded: %+v", p)
			}
			if p != (Policy{}) {
				t.Errorf("Load returned a policy with its error: %+v", p)
			}
			for _, want := range append(tc.wantErr, path) {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not mention %q", err, want)
				}
			}
		})
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "absent.json"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("err = %v, want a not-exist error", err)
	}
}

func TestStatus(t *testing.T) {
	const expires = "2025-06-30"
	soon0 := Default()
	soon0.ExpiringSoonDays = 0
	cases := []struct {
		name          string
		p             Policy
		expires, asOf string
		want          coffre.Status
	}{
		{"on the expiry day", Default(), expires, "2025-06-30", coffre.StatusExpiringSoon},
		{"the day after", Default(), expires, "2025-07-01", coffre.StatusExpired},
		{"long after", Default(), expires, "2030-01-01", coffre.StatusExpired},
		{"expires asOf+29", Default(), expires, "2025-06-01", coffre.StatusExpiringSoon},
		{"expires asOf+30", Default(), expires, "2025-05-31", coffre.StatusExpiringSoon},
		{"expires asOf+31", Default(), expires, "2025-05-30", coffre.StatusValid},
		{"asOf+30 across 29 Feb", Default(), "2024-03-01", "2024-01-31", coffre.StatusExpiringSoon},
		{"asOf+31 across 29 Feb", Default(), "2024-03-01", "2024-01-30", coffre.StatusValid},
		{"no window: on the expiry day", soon0, expires, "2025-06-30", coffre.StatusExpiringSoon},
		{"no window: the day before", soon0, expires, "2025-06-29", coffre.StatusValid},
		{"no window: the day after", soon0, expires, "2025-07-01", coffre.StatusExpired},
		{"no expiry", Default(), "", "2025-06-30", coffre.StatusUndetermined},
		{"no reference date", Default(), expires, "", coffre.StatusUndetermined},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.p.Status(day(t, tc.expires), day(t, tc.asOf)); got != tc.want {
				t.Errorf("Status(%s, %s) = %s, want %s", tc.expires, tc.asOf, got, tc.want)
			}
		})
	}
}

// writeFile writes s to a fresh policy file and returns its path.
func writeFile(t *testing.T, s string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "policy.json")
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
