package mrz

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

// misreads returns what OCR may read instead of c in a field of class cl:
// the characters Read would turn back into c.
func misreads(cl class, c byte) []byte {
	var out []byte
	for _, table := range []map[byte]byte{toDigit, toLetter} {
		for from, to := range table {
			if to == c && cl.allows(to) {
				out = append(out, from)
			}
		}
	}
	return out
}

// covered returns the positions of lines that some check digit covers,
// the digits included.
func covered(l *layout, lines []string) map[[2]int]bool {
	cov := map[[2]int]bool{}
	specs, _ := l.specs(lines)
	for _, s := range specs {
		for _, sp := range append(slices.Clone(s.over), s.digit) {
			for c := sp.from; c < sp.to; c++ {
				cov[[2]int{sp.line, c}] = true
			}
		}
	}
	return cov
}

// TestRepairSingleConfusions injects, in every field of random valid zones
// of every format, every confusion Read knows of, and checks that Read
// either undoes it or leaves the zone unverified. Confusions no check can
// see are the exception, and Read must then return the lines as read:
// those that stay within the field's alphabet where no check digit reaches
// (names, codes and sex of ICAO zones) or between characters of equal
// value modulo 10 (K and <, L and 1, G and 6), to which ICAO's weights are
// blind; the test makes sure no other confusion goes unseen.
func TestRepairSingleConfusions(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, f := range formats {
		l := layoutOf(f)
		var repaired, unverified, invisible int
		for range 15 {
			lines, err := Compose(randomMRZ(r, f))
			if err != nil {
				t.Fatal(err)
			}
			want, _ := Parse(lines)
			cov := covered(l, lines)
			for i, line := range lines {
				for j := range len(line) {
					cl := l.classes[i][j]
					for _, x := range misreads(cl, line[j]) {
						bad := apply(lines, []Repair{{Line: i, Col: j, To: x}})
						got, err := Read(bad)
						if err != nil {
							t.Fatal(err)
						}
						// Only what theory says checks miss may go unseen.
						seen, _ := Parse(bad)
						blind := seen.Verified()
						if blind && !(cl.allows(x) && (!cov[[2]int{i, j}] || value(x)%10 == value(line[j])%10)) {
							t.Errorf("%s: %q for %q at %d:%d verifies", f, x, line[j], i, j)
						}
						switch {
						case blind:
							invisible++
							if !got.Verified() || !slices.Equal(got.Lines, bad) {
								t.Errorf("%s %s: %q for %q at %d:%d: Read changed an invisible confusion: %q %+v",
									f, l.fieldAt(i, j), x, line[j], i, j, got.Lines, got.Checks)
							}
						case !got.Verified():
							unverified++
						case reflect.DeepEqual(parsedFields(*got), parsedFields(*want)) && slices.Equal(got.Lines, lines):
							repaired++
							if len(got.Repairs) != 1 || got.Repairs[0] != (Repair{i, j, x, line[j]}) {
								t.Errorf("%s: Repairs = %+v, want the one at %d:%d", f, got.Repairs, i, j)
							}
						default:
							t.Errorf("%s %s: %q for %q at %d:%d: Read verified a wrong zone:\n got %q\nwant %q",
								f, l.fieldAt(i, j), x, line[j], i, j, got.Lines, lines)
						}
					}
				}
			}
		}
		t.Logf("%s: %d repaired, %d left unverified, %d invisible to checks", f, repaired, unverified, invisible)
		// The bar is low on purpose (ambiguities are legitimate) but
		// catches a repair that never runs.
		if repaired < 4*unverified {
			t.Errorf("%s: only %d repaired against %d left unverified", f, repaired, unverified)
		}
	}
}

// TestRepairDouble checks that two confusions are undone together.
func TestRepairDouble(t *testing.T) {
	lines := []string{
		"P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
		"L898902C36UTO74O8122F12O4159ZE184226B<<<<<10", // 0 read as O twice
	}
	m, err := Read(lines)
	if err != nil {
		t.Fatal(err)
	}
	want := []Repair{{1, 15, 'O', '0'}, {1, 23, 'O', '0'}}
	if !m.Verified() || !reflect.DeepEqual(m.Repairs, want) || m.BirthDate != "740812" || m.ExpiryDate != "120415" {
		t.Errorf("Read = %+v, want verified with repairs %v", m, want)
	}
}

// TestRepairAmbiguous checks that Read does not choose between repairs
// that both satisfy the checks.
func TestRepairAmbiguous(t *testing.T) {
	lines, err := Compose(MRZ{Format: TD1, DocumentCode: "I", IssuingState: "UTO", DocumentNumber: "D23145890",
		BirthDate: "740812", Sex: "F", ExpiryDate: "120415", Nationality: "UTO", Optional2: "00", Surname: "ERIKSSON"})
	if err != nil {
		t.Fatal(err)
	}
	// Only the composite covers the optional data. Reading its first 0 as
	// O adds 24×7 to the composite sum; turning either O back into 0
	// (-24×7) or the second 0 into O (+24×3) both bring the sum to the
	// composite digit modulo 10.
	bad := apply(lines, []Repair{{Line: 1, Col: 18, To: 'O'}})
	m, err := Read(bad)
	if err != nil {
		t.Fatal(err)
	}
	if m.Verified() || m.Repairs != nil || !slices.Equal(m.Lines, bad) {
		t.Errorf("Read(%q) = %+v, want it unrepaired", bad, m)
	}
	if _, n := layoutOf(TD1).search(bad, layoutOf(TD1).candidates(bad), 1); n != 2 {
		t.Errorf("%d single repairs found, want 2", n)
	}
}

// TestRepairChangesFormat checks the old French card whose leading I was
// read as 1, which Parse takes for a TD2.
func TestRepairChangesFormat(t *testing.T) {
	lines := []string{"1DFRABERTHIER<<<<<<<<<<<<<<<<<92C001", "8806923102858CORINNE<<<<<<<6512068F8"}
	if m, _ := Parse(lines); m.Format != TD2 || m.Verified() {
		t.Fatalf("Parse = %s, verified %v; want an unverified TD2", m.Format, m.Verified())
	}
	m, err := Read(lines)
	if err != nil || m.Format != FrenchID || !m.Verified() || !reflect.DeepEqual(m.Repairs, []Repair{{0, 0, '1', 'I'}}) {
		t.Errorf("Read = %+v, %v; want the old card with 1 repaired to I", m, err)
	}
}

func TestReadLongLine(t *testing.T) {
	for _, tc := range []struct {
		name  string
		lines []string
		want  []string // nil: not verified
	}{
		{"old CNI, a 1 added in the given names",
			[]string{"IDFRAANDRE<<<<<<<<<<<<<<<<<<<<092153", "1409092172892THEO<<FRANCO1IS6405146M5"},
			[]string{"IDFRAANDRE<<<<<<<<<<<<<<<<<<<<092153", "1409092172892THEO<<FRANCOIS6405146M5"}},
		{"TD1, a 1 added in the expiry date",
			[]string{"IRFRAEI80125907<<<<<<<<<<<<<<<", "6208185M26041147MAR<<<<<<<<<<<6", "DA<SILVA<<JEAN<<<<<<<<<<<<<<<<"},
			[]string{"IRFRAEI80125907<<<<<<<<<<<<<<<", "6208185M2604147MAR<<<<<<<<<<<6", "DA<SILVA<<JEAN<<<<<<<<<<<<<<<<"}},
		// K and < weigh the same modulo 10: deleting the K or any filler
		// verifies, and the outcomes differ in the optional data.
		{"TD1, a K added before the fillers: ambiguous",
			[]string{"IRFRAEI80125907<<<<<<<<<<<<<<<", "6208185M2604147MARK<<<<<<<<<<<6", "DA<SILVA<<JEAN<<<<<<<<<<<<<<<<"},
			nil},
		{"TD3 specimen, a digit doubled in the birth date",
			[]string{"P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO74408122F1204159ZE184226B<<<<<10"},
			[]string{"P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10"}},
		// A letter in a check digit's place can only be the digit it
		// looks like: that substitution needs no search.
		{"TD1, a B added before the expiry's check digit, the composite read G",
			[]string{"IRFRAEI80125907<<<<<<<<<<<<<<<", "6208185M260414B7MAR<<<<<<<<<<<G", "DA<SILVA<<JEAN<<<<<<<<<<<<<<<<"},
			[]string{"IRFRAEI80125907<<<<<<<<<<<<<<<", "6208185M2604147MAR<<<<<<<<<<<6", "DA<SILVA<<JEAN<<<<<<<<<<<<<<<<"}},
		{"TD3 specimen, a digit added and one changed: no single deletion verifies",
			[]string{"P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO74408122F1204158ZE184226B<<<<<10"},
			nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Read(tc.lines)
			if tc.want == nil {
				if err == nil && m.Verified() {
					t.Fatalf("Read verified %q", m.Lines)
				}
				return
			}
			if err != nil || !m.Verified() || !slices.Equal(m.Lines, tc.want) {
				t.Fatalf("Read = %+v, %v; want verified %q", m, err, tc.want)
			}
			if len(m.Repairs) == 0 || m.Repairs[0].To != 0 {
				t.Errorf("repairs %+v, want the deletion recorded", m.Repairs)
			}
		})
	}
}
