package classifiers

import (
	"fmt"
	"strings"

	"coffre"
	"coffre/mrz"
)

// Check names of identity documents (scan-output.md).
const (
	CheckMRZDigits      = "mrz_check_digits"
	CheckMRZVisualMatch = "mrz_visual_match"
)

// mrzRead is the machine-readable zone found in a document's text.
type mrzRead struct {
	Kind string   // a piece_identite subtype, or "" when no zone was seen
	Zone *mrz.MRZ // nil when no zone could be parsed
	// Disputed is set when another reading of the zone also verifies but
	// gives another number or date: check digits are mod 10, and 3 misread
	// characters can cancel out, so neither reading proves anything.
	Disputed bool
}

// MRZ finds and reads the document's zone, once: the first whose check
// digits hold (repaired if need be), else the first that parses. The text
// may hold the zone twice: as the page's reading saw it and as the MRZ
// pass read it again.
func (d *Doc) MRZ() *mrzRead {
	if d.mrz != nil {
		return d.mrz
	}
	d.mrz = &mrzRead{}
	for _, lines := range mrz.Find(d.Raw) {
		if d.mrz.Kind == "" {
			d.mrz.Kind = kindOf(lines[0])
		}
		z, err := mrz.Read(lines)
		switch {
		// A window that starts on a zone's second line reads the first
		// line's characters as names, the second's as the number.
		case err != nil || kindOf(z.Lines[0]) == "":
		case d.mrz.Zone == nil || !d.mrz.Zone.Verified() && z.Verified():
			d.mrz = &mrzRead{Kind: kindOf(z.Lines[0]), Zone: z}
		case d.mrz.Zone.Verified() && z.Verified() && !sameProven(d.mrz.Zone, z):
			d.mrz.Disputed = true
		}
	}
	return d.mrz
}

// sameProven reports whether two zones agree on the fields their check
// digits cover.
func sameProven(a, b *mrz.MRZ) bool {
	return a.DocumentNumber == b.DocumentNumber && a.BirthDate == b.BirthDate && a.ExpiryDate == b.ExpiryDate
}

// kindOf maps a zone's first line (document code, issuing state) to a
// subtype. ICAO codes: P… passports; I, A, C identity cards, of which
// France marks residence permits IR. A leading 1 or L is a misread I.
func kindOf(first string) string {
	if len(first) < 5 || strings.Trim(first[2:5], "ABCDEFGHIJKLMNOPQRSTUVWXYZ<") != "" {
		return "" // no issuing state: not a first line
	}
	switch {
	case first[0] == 'P':
		return coffre.SubtypePasseport
	case first[1] == 'R' && strings.IndexByte("I1L", first[0]) >= 0:
		return coffre.SubtypeTitreSejour
	case strings.IndexByte("IAC1L", first[0]) >= 0:
		return coffre.SubtypeCNI
	}
	return ""
}

// oldCNI reports whether the zone is the 2×36 one of the laminated card
// rather than the TD1 of the 2021 card.
func (m *mrzRead) oldCNI() bool {
	return m.Zone != nil && m.Zone.Format == mrz.FrenchID
}

// fields returns what the zone says, in the forms of scan-output.md.
func (m *mrzRead) fields(asOf coffre.Date) coffre.Fields {
	z := m.Zone
	f := coffre.Fields{}
	put := func(k, v string) {
		if v != "" {
			f[k] = v
		}
	}
	put("document_number", z.DocumentNumber)
	put("surname", z.Surname)
	put("sex", z.Sex)
	put("nationality", z.Nationality)
	if z.GivenNames != "" {
		f["given_names"] = strings.Fields(z.GivenNames)
	}
	if d, ok := mrz.BirthDate(z.BirthDate, asOf); ok {
		f["birth_date"] = d
	}
	if d, ok := mrz.ExpiryDate(z.ExpiryDate, asOf); ok {
		f["expiry_date"] = d
	}
	if y, mo, ok := mrz.IssueMonth(z, asOf); ok {
		f["issue_date"] = coffre.NewDate(y, mo, 1)
		f["issue_month_only"] = true
	}
	return f
}

// digitsCheck reports the zone's check digits; verified is false when
// they hold but the zone is contradicted (see Extract).
func (m *mrzRead) digitsCheck(verified bool) coffre.Check {
	z := m.Zone
	c := coffre.Check{Name: CheckMRZDigits, OK: verified}
	var failed []string
	for _, ch := range z.Checks {
		if !ch.OK {
			failed = append(failed, ch.Name)
		}
	}
	n := len(z.Checks)
	switch {
	case len(failed) > 0:
		c.Detail = fmt.Sprintf("%s: failed %s; the fields read from the zone are unverified", z.Format, strings.Join(failed, ", "))
	case !verified:
		c.Detail = fmt.Sprintf("%s: the check digits hold, but the visual zone or another reading of the zone contradicts the zone's number or dates, or the number has not the form of its document; the fields read from the zone are unverified", z.Format)
	case len(z.Repairs) > 0:
		c.Detail = fmt.Sprintf("%s: %d of %d check digits hold after repairing %d misread characters", z.Format, n, n, len(z.Repairs))
	default:
		c.Detail = fmt.Sprintf("%s: %d of %d check digits hold", z.Format, n, n)
	}
	return c
}

// visualMatch compares what the visual zone prints with what the MRZ says:
// the dates and number where both were read, and the surname, which must
// appear in the text outside the zone. It returns the check (no Name when
// nothing could be compared) and the fields that differ. Details name
// fields, never values.
func visualMatch(printed, zone coffre.Fields, d *Doc) (coffre.Check, []string) {
	var compared, differ []string
	for _, k := range []string{"document_number", "birth_date", "expiry_date"} {
		p, okP := printed[k]
		z, okZ := zone[k]
		if !okP || !okZ {
			continue
		}
		compared = append(compared, k)
		if p != z {
			differ = append(differ, k)
		}
	}
	if s, ok := zone["surname"].(string); ok {
		compared = append(compared, "surname")
		if !strings.Contains(visualText(d), squashWord(s)) {
			differ = append(differ, "surname")
		}
	}
	if len(compared) == 0 {
		return coffre.Check{}, nil
	}
	c := coffre.Check{Name: CheckMRZVisualMatch, OK: len(differ) == 0}
	if c.OK {
		c.Detail = "the printed " + strings.Join(compared, ", ") + " match the MRZ"
	} else {
		c.Detail = "the printed " + strings.Join(differ, ", ") + " differ from the MRZ"
	}
	return c, differ
}

// fillerKs undoes fillers read as K inside the zone's names ("DAKSILVA"
// for DA<SILVA): K and '<' weigh the same in check digits, so only the
// names printed in the visual zone can tell.
func fillerKs(zone coffre.Fields, visual string) {
	fix := func(name string) string {
		if strings.Contains(visual, squashWord(name)) {
			return name
		}
		for i := range len(name) {
			if name[i] != 'K' {
				continue
			}
			parts := strings.Fields(name[:i] + " " + name[i+1:])
			if strings.Contains(visual, squashWord(strings.Join(parts, ""))) {
				return strings.Join(parts, " ")
			}
		}
		return name
	}
	if s, ok := zone["surname"].(string); ok {
		zone["surname"] = fix(s)
	}
	if given, ok := zone["given_names"].([]string); ok {
		var out []string
		for _, g := range given {
			out = append(out, strings.Fields(fix(g))...)
		}
		zone["given_names"] = out
	}
}

// visualText is the squashed text of the lines outside the MRZ.
func visualText(d *Doc) string {
	var b strings.Builder
	for i, l := range d.Lines {
		if strings.ContainsAny(l, "<«‹") || (!strings.Contains(l, " ") && len(l) >= 25) {
			continue
		}
		b.WriteString(d.sq[i])
	}
	return b.String()
}
