// Package coffre holds the nouns every part of the vault shares: the scan
// Record of ../shared/specs/scan-output.md, document types, statuses, checks,
// calendar dates and the coded Error shown to users. It does no I/O.
package coffre

// DocType is the kind of justificatif a document is.
type DocType string

// The document types; their names are part of the scan-output contract.
const (
	TypeAvisImposition DocType = "avis_imposition"
	TypePieceIdentite  DocType = "piece_identite"
	TypeAttestationCAF DocType = "attestation_caf"
	TypeUnknown        DocType = "unknown"
)

// Known reports whether t is one of the document types above.
func (t DocType) Known() bool {
	switch t {
	case TypeAvisImposition, TypePieceIdentite, TypeAttestationCAF, TypeUnknown:
		return true
	}
	return false
}

// Subtypes of TypePieceIdentite.
const (
	SubtypeCNI         = "cni"
	SubtypePasseport   = "passeport"
	SubtypeTitreSejour = "titre_sejour"
)

// Status says whether a proof is still valid on a reference date.
type Status string

// The statuses of the scan-output contract.
const (
	StatusValid        Status = "valid"
	StatusExpiringSoon Status = "expiring_soon"
	StatusExpired      Status = "expired"
	StatusUndetermined Status = "undetermined"
)

// Check is one verification made on a document, such as "readable" or
// "mrz_check_digits".
type Check struct {
	Name   string `json:"name"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail,omitempty"`
}

// Check names used across packages.
const (
	CheckReadable = "readable"
)

// Fields are the values extracted from a document, keyed by the names of
// the scan-output contract. Values are string, int, float64, Date or
// []string.
type Fields map[string]any

// Record is the result of scanning one document: the JSON object that
// `coffre scan --json` prints and the API returns.
type Record struct {
	File       string           `json:"file"`
	Mime       string           `json:"mime"`
	Pages      int              `json:"pages"`
	Type       DocType          `json:"type"`
	Subtype    string           `json:"subtype"`
	Confidence float64          `json:"confidence"`
	Fields     Fields           `json:"fields"`
	IssuedOn   Date             `json:"issued_on"`
	ExpiresOn  Date             `json:"expires_on"`
	Status     Status           `json:"status"`
	Checks     []Check          `json:"checks"`
	Messages   []string         `json:"messages"`
	TimingsMS  map[string]int64 `json:"timings_ms"`
	Error      string           `json:"error"`
	// Text is what was read, for the vault's search. It is personal data:
	// never in the scan output, never logged.
	Text string `json:"-"`
}

// NewRecord returns the record of a document not yet read: type unknown,
// status undetermined, and empty (not null) collections so that the JSON
// contract holds whatever stage stops it.
func NewRecord(file string) Record {
	return Record{
		File:      file,
		Type:      TypeUnknown,
		Fields:    Fields{},
		Status:    StatusUndetermined,
		Checks:    []Check{},
		Messages:  []string{},
		TimingsMS: map[string]int64{},
	}
}

// Check returns the check with the given name and whether it was made.
func (r *Record) Check(name string) (Check, bool) {
	for _, c := range r.Checks {
		if c.Name == name {
			return c, true
		}
	}
	return Check{}, false
}
