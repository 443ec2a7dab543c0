package coffre

import (
	"errors"
	"fmt"
)

// Error codes. A Code is stable and meant for programs; Message is French
// and meant for the agent or caseworker.
const (
	EUNSUPPORTED = "unsupported" // not a type coffre reads
	ETOOLARGE    = "too_large"   // over a byte, page or pixel budget
	ECORRUPT     = "corrupt"     // the file claims a type but does not decode
	EEMPTY       = "empty"       // no bytes at all
	EINTERNAL    = "internal"    // a fault of coffre, not of the file
)

// Error is an error with a code and a message fit for the user. Err keeps
// the technical cause for logs and errors.Is.
type Error struct {
	Code    string
	Message string
	Err     error
}

// Errorf returns an *Error whose technical cause is formatted like
// fmt.Errorf (so %w wraps).
func Errorf(code, message, format string, args ...any) *Error {
	return &Error{Code: code, Message: message, Err: fmt.Errorf(format, args...)}
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %v", e.Code, e.Err)
	}
	return e.Code + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// ErrorCode returns the code of the first *Error in err's chain, or
// EINTERNAL.
func ErrorCode(err error) string {
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing French message of err, or a generic
// one that hides internal details.
func ErrorMessage(err error) string {
	if e, ok := errors.AsType[*Error](err); ok && e.Message != "" {
		return e.Message
	}
	return "Erreur interne : le document n'a pas pu être traité. Réessayez plus tard ou contactez l'administrateur."
}
