package intake

import (
	"errors"
	"testing"

	"coffre"
)

func TestAccepts(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		ok   bool
	}{
		{"png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), true},
		{"pdf", []byte("%PDF-1.7\n"), true},
		{"jpeg", []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00"), true},
		{"html", []byte("<!DOCTYPE html><html><script>alert(1)</script>"), false},
		{"zip", []byte("PK\x03\x04\x14\x00\x00\x00"), false},
		{"elf", []byte("\x7fELF\x02\x01\x01\x00"), false},
	}
	for _, tt := range tests {
		err := Accepts(tt.data)
		if (err == nil) != tt.ok {
			t.Errorf("%s: Accepts = %v, want ok=%v", tt.name, err, tt.ok)
		}
		if ce, isCoded := errors.AsType[*coffre.Error](err); err != nil && (!isCoded || ce.Code != coffre.EUNSUPPORTED) {
			t.Errorf("%s: error %v is not coded %s", tt.name, err, coffre.EUNSUPPORTED)
		}
	}
}
