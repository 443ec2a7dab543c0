// Package policy holds every validity rule of coffre in one place: how long
// each justificatif stays valid, and when a still-valid proof should be
// flagged as expiring soon. The defaults follow the "Default validity
// policy" of the scan-output contract; a JSON file can override any of them
// so that a service can apply its own freshness rules without a rebuild.
package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"coffre"
)

// Policy holds every validity rule; the zero value is not useful, use
// Default or Load.
type Policy struct {
	// ExpiringSoonDays: a proof whose last valid day falls within this many
	// days of the reference date (inclusive) is expiring_soon.
	ExpiringSoonDays int `json:"expiring_soon_days"`
	// AvisImposition: a notice on the income of year Y is valid until
	// ExpiresDay/ExpiresMonth of Y+YearsAfterIncome.
	AvisImposition AvisRule `json:"avis_imposition"`
	// AttestationCAFMonths: an attestation is valid this many months after
	// its date_edition.
	AttestationCAFMonths int `json:"attestation_caf_months"`
	// OldCNI: the laminated identity card (1988–2021) and its extensions.
	OldCNI OldCNIRule `json:"old_cni"`
}

// AvisRule dates the end of an avis d'imposition from its income year.
type AvisRule struct {
	ExpiresMonth     int `json:"expires_month"`
	ExpiresDay       int `json:"expires_day"`
	YearsAfterIncome int `json:"years_after_income"`
}

// OldCNIRule is the validity of the old laminated CNI. Its printed end is
// issue + ValidityYears (AdultValidityYears for adults from AdultFrom)
// minus one day; cards issued to adults from ExtensionFrom to ExtensionTo
// (inclusive) are valid ExtensionYears more than printed, by decree, with
// nothing printed on the card.
type OldCNIRule struct {
	ValidityYears      int         `json:"validity_years"`
	AdultValidityYears int         `json:"adult_validity_years"`
	AdultFrom          coffre.Date `json:"adult_from"`
	ExtensionYears     int         `json:"extension_years"`
	ExtensionFrom      coffre.Date `json:"extension_from"`
	ExtensionTo        coffre.Date `json:"extension_to"`
	AdultAge           int         `json:"adult_age"`
}

// Default returns the policy of the scan-output contract.
func Default() Policy {
	return Policy{
		ExpiringSoonDays: 30,
		// The next notice is out by mid-September of Y+2 at the latest;
		// DossierFacile switches on 15 September.
		AvisImposition:       AvisRule{ExpiresMonth: 9, ExpiresDay: 14, YearsAfterIncome: 2},
		AttestationCAFMonths: 3,
		OldCNI: OldCNIRule{
			ValidityYears:      10,
			AdultValidityYears: 15,
			AdultFrom:          coffre.NewDate(2014, time.January, 1),
			ExtensionYears:     5,
			ExtensionFrom:      coffre.NewDate(2004, time.January, 2),
			ExtensionTo:        coffre.NewDate(2013, time.December, 31),
			AdultAge:           18,
		},
	}
}

// Load reads a JSON policy file over Default: keys present replace the
// default, absent keys keep it, so a file may set a single rule. Unknown
// keys are an error (a misspelt key would otherwise be silently ignored),
// and so is any invalid value.
func Load(path string) (Policy, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Policy{}, fmt.Errorf("policy: %w", err)
	}
	p, err := parse(b)
	if err != nil {
		return Policy{}, fmt.Errorf("policy: %s: %w", path, err)
	}
	return p, nil
}

// parse decodes b over the defaults and validates the result.
func parse(b []byte) (Policy, error) {
	p := Default()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return Policy{}, err
	}
	// A second value after the object is most likely a broken edit.
	if _, err := dec.Token(); err != io.EOF {
		return Policy{}, errors.New("trailing data after the policy object")
	}
	if err := p.Validate(); err != nil {
		return Policy{}, err
	}
	return p, nil
}

// Validate reports every value that would make the rules meaningless.
func (p Policy) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if p.ExpiringSoonDays < 0 || p.ExpiringSoonDays > 366 {
		bad("expiring_soon_days %d: want 0 to 366", p.ExpiringSoonDays)
	}
	if p.AttestationCAFMonths < 1 || p.AttestationCAFMonths > 120 {
		bad("attestation_caf_months %d: want 1 to 120", p.AttestationCAFMonths)
	}
	errs = append(errs, p.AvisImposition.validate()...)
	errs = append(errs, p.OldCNI.validate()...)
	return errors.Join(errs...)
}

func (a AvisRule) validate() []error {
	var errs []error
	if a.ExpiresMonth < 1 || a.ExpiresMonth > 12 {
		errs = append(errs, fmt.Errorf("avis_imposition.expires_month %d: want 1 to 12", a.ExpiresMonth))
	} else if last := daysIn(time.Month(a.ExpiresMonth)); a.ExpiresDay < 1 || a.ExpiresDay > last {
		// Measured in a common year: the day must exist every year.
		errs = append(errs, fmt.Errorf("avis_imposition.expires_day %d: want 1 to %d", a.ExpiresDay, last))
	}
	if a.YearsAfterIncome < 1 || a.YearsAfterIncome > 10 {
		errs = append(errs, fmt.Errorf("avis_imposition.years_after_income %d: want 1 to 10", a.YearsAfterIncome))
	}
	return errs
}

// daysIn returns the number of days of m in a common year.
func daysIn(m time.Month) int {
	return time.Date(2001, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func (c OldCNIRule) validate() []error {
	var errs []error
	years := func(name string, v, lo int) {
		if v < lo || v > 50 {
			errs = append(errs, fmt.Errorf("old_cni.%s %d: want %d to 50", name, v, lo))
		}
	}
	years("validity_years", c.ValidityYears, 1)
	years("adult_validity_years", c.AdultValidityYears, 1)
	years("extension_years", c.ExtensionYears, 0)
	years("adult_age", c.AdultAge, 1)
	date := func(name string, d coffre.Date) {
		if d.IsZero() {
			errs = append(errs, fmt.Errorf("old_cni.%s: a date is required", name))
		}
	}
	date("adult_from", c.AdultFrom)
	date("extension_from", c.ExtensionFrom)
	date("extension_to", c.ExtensionTo)
	if c.ExtensionTo.Before(c.ExtensionFrom) {
		errs = append(errs, fmt.Errorf("old_cni.extension_to %s is before extension_from %s", c.ExtensionTo, c.ExtensionFrom))
	}
	return errs
}

// Status says where expires stands on asOf. A zero expires (no rule, or
// missing inputs) or a zero asOf gives undetermined rather than a guess.
func (p Policy) Status(expires, asOf coffre.Date) coffre.Status {
	switch {
	case expires.IsZero() || asOf.IsZero():
		return coffre.StatusUndetermined
	case expires.Before(asOf):
		return coffre.StatusExpired
	case !expires.After(asOf.AddDays(p.ExpiringSoonDays)):
		return coffre.StatusExpiringSoon
	default:
		return coffre.StatusValid
	}
}
