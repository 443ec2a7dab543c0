package coffre

import (
	"errors"
	"testing"
)

// errTechnical stands for a technical error whose text must not reach users.
var errTechnical = errors.New("open /secret/path: permission denied")

func TestErrorMessage(t *testing.T) {
	err := Errorf(ETOOLARGE, "Fichier trop lourd.", "size %d: %w", 10, errTechnical)
	if ErrorCode(err) != ETOOLARGE || ErrorMessage(err) != "Fichier trop lourd." {
		t.Errorf("code %q message %q", ErrorCode(err), ErrorMessage(err))
	}
	if ErrorCode(errTechnical) != EINTERNAL || ErrorMessage(errTechnical) == errTechnical.Error() {
		t.Error("an internal error must get the internal code and a generic message, not its own text")
	}
}
