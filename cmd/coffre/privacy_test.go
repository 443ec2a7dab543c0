package main

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"

	"coffre/corpus"
)

// personalFields are the ground-truth fields that identify someone: what
// must never reach a log.
var personalFields = map[string]bool{
	"surname": true, "given_names": true, "document_number": true,
	"numero_fiscal": true, "reference_avis": true, "numero_allocataire": true,
}

// personalData returns every personal value in the test corpus (loaded
// once): names, document numbers, numéros fiscaux…
var personalData = sync.OnceValues(func() ([]string, error) {
	truths, err := corpus.Load(corpusDir)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var values []string
	add := func(v any) {
		s := fmt.Sprint(v)
		// Short values (a sex, "FRA") are not identifying and would match
		// anywhere.
		if len(s) >= 4 && !seen[s] {
			seen[s] = true
			values = append(values, s)
		}
	}
	for _, t := range truths {
		for k, v := range t.Fields {
			if !personalFields[k] {
				continue
			}
			if list, ok := v.([]any); ok {
				for _, item := range list {
					add(item)
				}
			} else {
				add(v)
			}
		}
	}
	return values, nil
})

// leaks returns the personal values of the corpus that logs contain, in
// any case.
func leaks(t testing.TB, logs []byte) []string {
	t.Helper()
	values, err := personalData()
	if err != nil {
		t.Fatal(err)
	}
	if len(values) == 0 {
		t.Fatal("no personal value in the corpus: the log check would check nothing")
	}
	lower := bytes.ToLower(logs)
	var found []string
	for _, v := range values {
		if bytes.Contains(lower, []byte(strings.ToLower(v))) {
			found = append(found, v)
		}
	}
	return found
}

// checkLogs fails t if the logs of process args hold personal data. Every
// process the end-to-end tests start is checked when it ends, so the
// whole end-to-end suite is the test of the logs.
func checkLogs(t testing.TB, args []string, logs []byte) {
	t.Helper()
	if found := leaks(t, logs); len(found) > 0 {
		t.Errorf("coffre %v logged %d personal value(s) of the corpus (first: %q)", args, len(found), found[0])
	}
}

// TestLeaksFound: the check finds a name and a numéro fiscal planted in a
// log line, and passes clean logs, so that its silence means something.
func TestLeaksFound(t *testing.T) {
	values, err := personalData()
	if err != nil {
		t.Fatal(err)
	}
	clean := []byte(`{"level":"INFO","msg":"document done","document_id":"3f2a","type":"avis_imposition"}`)
	if found := leaks(t, clean); len(found) > 0 {
		t.Errorf("clean log flagged: %v", found)
	}
	for _, v := range []string{values[0], values[len(values)-1]} {
		planted := append(append([]byte{}, clean...), []byte(`{"msg":"x","value":"`+strings.ToUpper(v)+`"}`)...)
		if found := leaks(t, planted); len(found) == 0 {
			t.Errorf("planted %q not found", v)
		}
	}
}
