package corpus

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"text/tabwriter"
	"time"

	"coffre"
)

// Tally counts right answers out of all.
type Tally struct{ Right, All int }

func (t *Tally) add(ok bool) {
	t.All++
	if ok {
		t.Right++
	}
}

// Rate is the share of right answers, 1 when there was nothing to answer.
func (t Tally) Rate() float64 {
	if t.All == 0 {
		return 1
	}
	return float64(t.Right) / float64(t.All)
}

func (t Tally) String() string { return fmt.Sprintf("%5.1f %% (%d/%d)", 100*t.Rate(), t.Right, t.All) }

// Report is the score of a scan of a corpus.
type Report struct {
	Type            Tally            // type and subtype, readable documents
	TypeBy          map[string]Tally // key "type:<type>" or "rendering:<rendering>"
	Status          Tally
	ExpiresOn       Tally
	Fields          map[string]Tally // "<type>.<field>"
	Unreadable      Tally            // unreadable documents flagged as such
	FalseUnreadable int              // readable documents flagged unreadable
	LookalikesTaken []string         // look-alikes classified as a target type
	MRZVerified     Tally            // identity documents whose MRZ check digits hold
	VerifiedWrong   []string         // a field the MRZ proved, yet wrong
	Errors          []string         // files that failed to scan
	Wrong           []string         // misclassified files, for the eye
	FieldMisses     []string         // wrong field values: file, field, want, got
	ConfRight       []float64        // confidence of right type answers
	ConfWrong       []float64        // confidence of wrong type answers
	Timings         map[string][]time.Duration
}

// Score compares records (by file) with their truths; status is expected
// from the truth's expiry against asOf with the given status function.
func Score(truths []Truth, records map[string]coffre.Record, status func(expires coffre.Date) coffre.Status) Report {
	r := Report{TypeBy: map[string]Tally{}, Fields: map[string]Tally{}, Timings: map[string][]time.Duration{}}
	for _, t := range truths {
		rec, ok := records[t.File]
		if !ok || rec.Error != "" {
			r.Errors = append(r.Errors, fmt.Sprintf("%s: %s", t.File, rec.Error))
			continue
		}
		r.timings(rec)
		r.score(t, rec, status)
	}
	return r
}

func (r *Report) score(t Truth, rec coffre.Record, status func(coffre.Date) coffre.Status) {
	readCheck, _ := rec.Check(coffre.CheckReadable)
	if !t.IsReadable() {
		r.Unreadable.add(!readCheck.OK && rec.Status == coffre.StatusUndetermined)
		return
	}
	if !readCheck.OK {
		r.FalseUnreadable++
	}
	typeOK := rec.Type == t.Type && rec.Subtype == t.Subtype
	r.Type.add(typeOK)
	r.tallyBy("type:"+string(t.Type), typeOK)
	r.tallyBy("rendering:"+t.Rendering, typeOK)
	if typeOK {
		r.ConfRight = append(r.ConfRight, rec.Confidence)
	} else {
		r.ConfWrong = append(r.ConfWrong, rec.Confidence)
		r.Wrong = append(r.Wrong, fmt.Sprintf("%s: want %s/%s, got %s/%s (%.2f)", t.File, t.Type, t.Subtype, rec.Type, rec.Subtype, rec.Confidence))
	}
	if t.Type == coffre.TypeUnknown && rec.Type != coffre.TypeUnknown {
		r.LookalikesTaken = append(r.LookalikesTaken, fmt.Sprintf("%s (%s) → %s", t.File, t.Lookalike, rec.Type))
	}
	want := coffre.StatusUndetermined
	if t.Type != coffre.TypeUnknown {
		want = status(t.ExpiresOn)
	}
	if t.Type == coffre.TypePieceIdentite {
		r.scoreMRZ(t, rec)
	}
	r.Status.add(rec.Status == want)
	r.ExpiresOn.add(rec.ExpiresOn == t.ExpiresOn)
	for _, f := range ScoredFields[t.Type] {
		want, known := t.Fields[f]
		if !known {
			continue
		}
		ok := normal(rec.Fields[f]) == normal(want)
		tally := r.Fields[string(t.Type)+"."+f]
		tally.add(ok)
		r.Fields[string(t.Type)+"."+f] = tally
		if !ok && typeOK {
			r.FieldMisses = append(r.FieldMisses, fmt.Sprintf("%s: %s want %s got %s", t.File, f, normal(want), normal(rec.Fields[f])))
		}
	}
}

// scoreMRZ counts verified zones and the fields they got wrong all the
// same, which must never happen: a proven MRZ is trusted over the rest.
func (r *Report) scoreMRZ(t Truth, rec coffre.Record) {
	c, _ := rec.Check("mrz_check_digits")
	r.MRZVerified.add(c.OK)
	if !c.OK {
		return
	}
	for _, f := range []string{"document_number", "birth_date", "expiry_date"} {
		if f == "expiry_date" && rec.Fields["card_format"] == "old" {
			continue // the old card's zone has no expiry
		}
		if want, got := normal(t.Fields[f]), normal(rec.Fields[f]); want != got {
			r.VerifiedWrong = append(r.VerifiedWrong, fmt.Sprintf("%s: verified MRZ, yet %s want %s got %s", t.File, f, want, got))
		}
	}
}

func (r *Report) tallyBy(key string, ok bool) {
	t := r.TypeBy[key]
	t.add(ok)
	r.TypeBy[key] = t
}

func (r *Report) timings(rec coffre.Record) {
	var total int64
	for stage, ms := range rec.TimingsMS {
		r.Timings[stage] = append(r.Timings[stage], time.Duration(ms)*time.Millisecond)
		total += ms
	}
	r.Timings["total"] = append(r.Timings["total"], time.Duration(total)*time.Millisecond)
}

// Percentile returns the p-th percentile (0–100, nearest rank) of ds.
func Percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(ds))
	i := int(p/100*float64(len(s))+0.5) - 1
	return s[min(max(i, 0), len(s)-1)]
}

func mean(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	var s float64
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// Print writes the report as aligned text.
func (r Report) Print(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "type (readable documents)\t%s\n", r.Type)
	for _, k := range sortedKeys(r.TypeBy) {
		fmt.Fprintf(tw, "  %s\t%s\n", k, r.TypeBy[k])
	}
	fmt.Fprintf(tw, "expires_on\t%s\n", r.ExpiresOn)
	fmt.Fprintf(tw, "status\t%s\n", r.Status)
	for _, k := range sortedKeys(r.Fields) {
		fmt.Fprintf(tw, "  %s\t%s\n", k, r.Fields[k])
	}
	fmt.Fprintf(tw, "unreadable flagged\t%s\n", r.Unreadable)
	fmt.Fprintf(tw, "readable flagged unreadable\t%d\n", r.FalseUnreadable)
	fmt.Fprintf(tw, "look-alikes taken as a target type\t%d\n", len(r.LookalikesTaken))
	fmt.Fprintf(tw, "identity MRZ check digits hold\t%s\n", r.MRZVerified)
	fmt.Fprintf(tw, "verified MRZ with a wrong field\t%d\n", len(r.VerifiedWrong))
	fmt.Fprintf(tw, "mean confidence right / wrong\t%.2f / %.2f\n", mean(r.ConfRight), mean(r.ConfWrong))
	fmt.Fprintf(tw, "errors\t%d\n", len(r.Errors))
	fmt.Fprintf(tw, "\nstage\tmedian\tp95\n")
	for _, k := range sortedKeys(r.Timings) {
		fmt.Fprintf(tw, "%s\t%v\t%v\n", k, Percentile(r.Timings[k], 50), Percentile(r.Timings[k], 95))
	}
	tw.Flush()
	for _, l := range [][]string{r.LookalikesTaken, r.VerifiedWrong, r.Wrong, r.FieldMisses, r.Errors} {
		for _, s := range l {
			fmt.Fprintln(w, "  ", s)
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
