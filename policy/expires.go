package policy

import (
	"errors"
	"fmt"
	"time"

	"coffre"
)

// Names of the checks ExpiresOn adds to explain an expiry date, or the lack
// of one. OK is false when the result is conservative or missing.
const (
	// CheckExpiryRule: no validity rule exists for the type/subtype (OK false).
	CheckExpiryRule = "expiry_rule"
	// CheckExpiryInputs: a field the rule needs is missing, or a field is
	// malformed and was ignored (OK false).
	CheckExpiryInputs = "expiry_inputs"
	// CheckIssueDatePrecision: the issue date is known only to the month;
	// the earliest day was used (OK false).
	CheckIssueDatePrecision = "issue_date_precision"
	// CheckCNIFormat: a CNI of unknown card format; the printed expiry date
	// is used without any extension (OK false).
	CheckCNIFormat = "cni_format"
	// CheckCNIExpiryComputed: an old CNI without a printed expiry date,
	// dated from its issue date (OK true).
	CheckCNIExpiryComputed = "cni_expiry_computed"
	// CheckCNIDuration: the 15-year adult validity could not be decided;
	// 10 years were used (OK false).
	CheckCNIDuration = "cni_duration"
	// CheckCNIExtension: OK true when the unprinted 5-year extension was
	// added; OK false when it could not be decided and was not added.
	CheckCNIExtension = "cni_extension"
)

// Field names of the scan-output contract that the rules read.
const (
	fieldAnneeRevenus   = "annee_revenus"
	fieldDateEdition    = "date_edition"
	fieldExpiryDate     = "expiry_date"
	fieldIssueDate      = "issue_date"
	fieldBirthDate      = "birth_date"
	fieldCardFormat     = "card_format"
	fieldIssueMonthOnly = "issue_month_only"
)

// ExpiresOn returns the last valid day of a document, or the zero Date when
// none can be established, with the checks that explain it. issued is the
// record's issue date; it stands in for date_edition or issue_date when the
// field itself is absent.
func (p Policy) ExpiresOn(typ coffre.DocType, subtype string, f coffre.Fields, issued coffre.Date) (coffre.Date, []coffre.Check) {
	r := &reader{f: f}
	var d coffre.Date
	switch typ {
	case coffre.TypeAvisImposition:
		d = p.AvisImposition.expires(r)
	case coffre.TypeAttestationCAF:
		d = p.attestationCAF(r, issued)
	case coffre.TypePieceIdentite:
		d = p.pieceIdentite(r, subtype, issued)
	default:
		r.add(CheckExpiryRule, false, fmt.Sprintf("no validity rule for type %q", typ))
	}
	return d, r.checks
}

// expires dates a notice from its income year: the next notice replaces it.
func (a AvisRule) expires(r *reader) coffre.Date {
	y, ok := r.year(fieldAnneeRevenus)
	if !ok {
		return coffre.Date{}
	}
	return coffre.NewDate(y+a.YearsAfterIncome, time.Month(a.ExpiresMonth), a.ExpiresDay)
}

// attestationCAF is a freshness rule: valid a fixed number of months after
// it was printed, clamped to the end of a shorter month.
func (p Policy) attestationCAF(r *reader, issued coffre.Date) coffre.Date {
	d := r.date(fieldDateEdition)
	if d.IsZero() {
		d = issued
	}
	if d.IsZero() {
		r.missing(fieldDateEdition)
		return coffre.Date{}
	}
	return d.AddMonthsClamped(p.AttestationCAFMonths)
}

// pieceIdentite: every identity document carries its end date, except the
// old CNI whose real end may differ from the printed one.
func (p Policy) pieceIdentite(r *reader, subtype string, issued coffre.Date) coffre.Date {
	switch subtype {
	case coffre.SubtypePasseport, coffre.SubtypeTitreSejour:
		return r.required(fieldExpiryDate)
	case coffre.SubtypeCNI:
		return p.cni(r, issued)
	default:
		r.add(CheckExpiryRule, false, fmt.Sprintf("no validity rule for piece_identite subtype %q", subtype))
		return coffre.Date{}
	}
}

func (p Policy) cni(r *reader, issued coffre.Date) coffre.Date {
	switch format := stringField(r.f, fieldCardFormat); format {
	case "new":
		return r.required(fieldExpiryDate)
	case "old":
		return p.OldCNI.expires(r, issued)
	default:
		// Either format is valid at least until its printed date, so
		// that date is a safe lower bound.
		r.add(CheckCNIFormat, false, fmt.Sprintf("card_format %q is neither old nor new: printed expiry date used, no extension", format))
		return r.required(fieldExpiryDate)
	}
}

// reader reads fields and records, as checks, why a value could not be used.
type reader struct {
	f      coffre.Fields
	checks []coffre.Check
}

func (r *reader) add(name string, ok bool, detail string) {
	r.checks = append(r.checks, coffre.Check{Name: name, OK: ok, Detail: detail})
}

// missing records that a needed field is absent.
func (r *reader) missing(key string) {
	r.add(CheckExpiryInputs, false, key+" missing: no expiry date")
}

// date returns the date in key, or the zero Date when absent or malformed;
// a malformed value is reported, not guessed at.
func (r *reader) date(key string) coffre.Date {
	d, err := dateField(r.f, key)
	if err != nil {
		if !errors.Is(err, errAbsent) {
			r.add(CheckExpiryInputs, false, err.Error()+"; ignored")
		}
		return coffre.Date{}
	}
	return d
}

// required returns the date in key, reporting it when unusable.
func (r *reader) required(key string) coffre.Date {
	d, err := dateField(r.f, key)
	switch {
	case errors.Is(err, errAbsent):
		r.missing(key)
	case err != nil:
		r.add(CheckExpiryInputs, false, err.Error()+": no expiry date")
	}
	return d
}

// year returns the positive year in key, reporting it when unusable.
func (r *reader) year(key string) (int, bool) {
	y, err := intField(r.f, key)
	switch {
	case errors.Is(err, errAbsent):
		r.missing(key)
		return 0, false
	case err != nil:
		r.add(CheckExpiryInputs, false, err.Error()+": no expiry date")
		return 0, false
	case y < 1:
		r.add(CheckExpiryInputs, false, fmt.Sprintf("%s: %d is not a year: no expiry date", key, y))
		return 0, false
	}
	return y, true
}
