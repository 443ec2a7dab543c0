package vault

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/crypto/argon2"
)

// Role is what a user may do.
type Role string

const (
	RoleAdmin      Role = "admin"      // administers an organisation; reads like a caseworker
	RoleAgent      Role = "agent"      // uploads at the counter; never reads
	RoleCaseworker Role = "caseworker" // reads and searches, under a mandate
	RolePerson     Role = "person"     // the beneficiary, who reads their own documents
)

// Org is an organisation (a CCAS, an association) whose users act under
// the persons' mandates.
type Org struct {
	ID        string
	Name      string
	CreatedAt time.Time
}

// User is someone who logs in.
type User struct {
	ID       string
	OrgID    string // "" only for RolePerson
	Email    string // unique regardless of case, kept as given; "" only for RolePerson
	Name     string
	Role     Role
	PersonID string // for RolePerson: the person they are
	// CreatedAt is set by the store.
	CreatedAt time.Time
	Disabled  bool // a disabled user cannot log in, nor use a token or session
}

// How a person's consent to a mandate was collected.
const (
	CollectedInPerson    = "in_person"
	CollectedSignedPaper = "signed_paper"
	CollectedOnline      = "online"
)

// Mandate is a person's consent that an organisation's caseworkers read
// their documents.
type Mandate struct {
	ID        string    `json:"id"`
	PersonID  string    `json:"person_id"`
	OrgID     string    `json:"org_id"`
	GranteeID string    `json:"grantee_id"`           // the user (caseworker) authorised; "" = every caseworker of OrgID
	GrantedAt time.Time `json:"granted_at"`           // from when it holds; zero = the now of GrantMandate
	Until     time.Time `json:"until,omitzero"`       // zero = no end
	Collected string    `json:"collected"`            // CollectedInPerson, CollectedSignedPaper or CollectedOnline
	RevokedAt time.Time `json:"revoked_at,omitzero"`  // zero while in force
	RevokedBy string    `json:"revoked_by,omitempty"` // the user who revoked it
	// OrgName is filled by Mandates, for the person who reads them.
	OrgName string `json:"org_name,omitempty"`
}

// Actor is a user as the journal shows them to the person: their name,
// role and organisation, never how to reach them.
type Actor struct {
	Name    string `json:"name"`
	Role    Role   `json:"role"`
	OrgName string `json:"org_name,omitempty"`
}

// ErrUnauthorized is a bad password, token or session. It says nothing
// more on purpose: which one was wrong would help whoever guesses.
var ErrUnauthorized = errors.New("vault: unauthorized")

// Access is the identity and consent data of the vault: who the users
// are, how they prove it, and whose documents they may read. Like Store,
// every time comes from the caller.
type Access interface {
	// CreateOrg creates an organisation; a name already taken is
	// ErrConflict.
	CreateOrg(ctx context.Context, name string, now time.Time) (Org, error)
	// OrgByName returns the organisation named name, or ErrNotFound.
	OrgByName(ctx context.Context, name string) (Org, error)
	// CreateUser creates u (its ID and CreatedAt are set) with password
	// hashed by HashPassword; an empty password is no password (the user
	// cannot log in with one). An email already taken, in any case, is
	// ErrConflict; an unknown OrgID is ErrNotFound.
	CreateUser(ctx context.Context, u User, password string, now time.Time) (User, error)
	// Users returns the users of organisation orgID, disabled included,
	// ordered by EmailKey; none (not an error) for an unknown orgID.
	Users(ctx context.Context, orgID string) ([]User, error)
	// SetPassword replaces the password of user userID (hashed by
	// HashPassword; "" removes it) and ends the user's sessions, so that
	// whoever knew the old one is logged out everywhere. ErrNotFound if
	// there is no such user.
	SetPassword(ctx context.Context, userID, password string) error
	// Actors describes the users of ids (unknown ids are left out), so
	// that a person's journal says who acted, not only an id.
	Actors(ctx context.Context, ids []string) (map[string]Actor, error)
	// SetUserDisabled disables or enables user userID (ErrNotFound if
	// there is none). Disabling also deletes the user's API tokens,
	// sessions and access links, in the same transaction: access stops at
	// once, even for a session id someone still holds, and enabling the
	// user again revives none of them.
	SetUserDisabled(ctx context.Context, userID string, disabled bool) error
	// Authenticate returns the enabled user with email (any case) and
	// password; any other case is ErrUnauthorized, after the same work.
	Authenticate(ctx context.Context, email, password string) (User, error)
	// CreateToken returns a new API token of user userID (ErrNotFound if
	// there is none). Only its TokenHash is stored.
	CreateToken(ctx context.Context, userID string, now time.Time) (token string, err error)
	// UserByToken returns the enabled user of token, or ErrUnauthorized.
	UserByToken(ctx context.Context, token string) (User, error)
	// CreateSession returns the id of a new session of user userID, which
	// lasts until now+ttl. Only its TokenHash is stored.
	CreateSession(ctx context.Context, userID string, ttl time.Duration, now time.Time) (id string, err error)
	// UserBySession returns the enabled user of session id at now, or
	// ErrUnauthorized when it is unknown, deleted or expired.
	UserBySession(ctx context.Context, id string, now time.Time) (User, error)
	// DeleteSession ends session id; ending an unknown one is not an
	// error, so that logging out twice is harmless.
	DeleteSession(ctx context.Context, id string) error
	// GrantMandate records m (its ID set, GrantedAt now if zero, the
	// revocation cleared) and returns it as stored. Unknown OrgID or
	// GranteeID is ErrNotFound.
	GrantMandate(ctx context.Context, m Mandate, now time.Time) (Mandate, error)
	// RevokeMandate revokes mandate id, by user by, at now: ErrNotFound
	// if there is none, ErrConflict if it was already revoked.
	RevokeMandate(ctx context.Context, id, by string, now time.Time) error
	// Mandates returns all the mandates of personID, revoked included,
	// newest (GrantedAt) first.
	Mandates(ctx context.Context, personID string) ([]Mandate, error)
	// MayRead reports whether u may read personID's documents at now:
	// see MandateAllows.
	MayRead(ctx context.Context, u User, personID string, now time.Time) (bool, error)

	// CreatePerson registers p (see NewPerson: its ID is set when empty,
	// and CreatedAt) and returns it as stored. An ID already taken is
	// ErrConflict; an unknown OrgID is ErrNotFound.
	CreatePerson(ctx context.Context, p Person, now time.Time) (Person, error)
	// GetPerson returns person id, or ErrNotFound.
	GetPerson(ctx context.Context, id string) (Person, error)
	// FindPersons returns the persons visible to orgID (see
	// PersonVisible; only the registered ones have a name) whose NameKey
	// contains text's, ordered by NameKey, at most limit
	// (DefaultPersonsLimit when not positive).
	FindPersons(ctx context.Context, orgID, text string, limit int) ([]Person, error)
	// PersonVisible reports whether orgID knows personID: it registered
	// the person, or the person ever gave it a mandate (revoked or
	// expired included). The API answers 404 for a person invisible to
	// the caller's organisation, 403 for one visible without a mandate.
	PersonVisible(ctx context.Context, orgID, personID string) (bool, error)
	// UserByPerson returns the account (RolePerson) of personID, or
	// ErrNotFound. A person has at most one: CreateUser of a second is
	// ErrConflict.
	UserByPerson(ctx context.Context, personID string) (User, error)
	// CreateAccessLink returns the token of a new access link of user
	// userID, usable once until now+ttl (ErrNotFound if there is no such
	// user). Only its TokenHash is stored. It lets a person without an
	// email, or a password, log in.
	CreateAccessLink(ctx context.Context, userID string, ttl time.Duration, now time.Time) (token string, err error)
	// UseAccessLink deletes the link of token and returns its enabled
	// user; a link unknown, already used, expired at now, or of a
	// disabled user is ErrUnauthorized. Of two uses at once, one wins.
	UseAccessLink(ctx context.Context, token string, now time.Time) (User, error)
}

// MayReadSelf reports whether u's role alone decides whether u may read
// personID's documents, and if so, the answer: a disabled user and an
// agent never read, a person reads their own documents only. Caseworkers
// and admins depend on the mandates (decided is false).
func MayReadSelf(u User, personID string) (allowed, decided bool) {
	switch {
	case u.Disabled || personID == "":
		return false, true
	case u.Role == RolePerson:
		return u.PersonID == personID, true
	case u.Role == RoleCaseworker || u.Role == RoleAdmin:
		return false, false
	}
	return false, true // agents, and any role unknown
}

// MandateAllows reports whether m lets u (a caseworker or admin) read the
// person's documents at now: m is of u's organisation, names u or no one,
// has started, has not ended, and was not revoked. A revoked mandate
// allows nothing, whatever now: revocation must stop access at once, even
// for a process whose clock lags the one that revoked it.
func MandateAllows(m Mandate, u User, now time.Time) bool {
	return (u.Role == RoleCaseworker || u.Role == RoleAdmin) && !u.Disabled &&
		u.OrgID != "" && m.OrgID == u.OrgID &&
		(m.GranteeID == "" || m.GranteeID == u.ID) &&
		!now.Before(m.GrantedAt) &&
		(m.Until.IsZero() || now.Before(m.Until)) &&
		m.RevokedAt.IsZero()
}

// EmailKey is what makes emails unique: the email in lower case, without
// surrounding spaces. The stores compute it here rather than in SQL,
// whose lower() folds only ASCII in SQLite.
func EmailKey(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// CheckUser validates u before CreateUser. A person may have no email:
// they log in through access links (CreateAccessLink).
func CheckUser(u User) error {
	switch {
	case EmailKey(u.Email) == "" && u.Role != RolePerson:
		return errors.New("user without an email")
	case u.Role != RoleAdmin && u.Role != RoleAgent && u.Role != RoleCaseworker && u.Role != RolePerson:
		return fmt.Errorf("user with unknown role %q", u.Role)
	case u.Role == RolePerson && u.PersonID == "":
		return errors.New("person user without a person id")
	case u.Role != RolePerson && u.OrgID == "":
		return fmt.Errorf("%s without an organisation", u.Role)
	}
	return nil
}

// NewMandate prepares m for GrantMandate: a new id, no revocation,
// GrantedAt now when zero, times in UTC to the microsecond (what both
// stores keep); then checks it.
func NewMandate(m Mandate, now time.Time) (Mandate, error) {
	m.ID, m.RevokedAt, m.RevokedBy = NewID(), time.Time{}, ""
	if m.GrantedAt.IsZero() {
		m.GrantedAt = now
	}
	m.GrantedAt = m.GrantedAt.UTC().Truncate(time.Microsecond)
	if !m.Until.IsZero() {
		m.Until = m.Until.UTC().Truncate(time.Microsecond)
	}
	return m, CheckMandate(m)
}

// CheckMandate validates m before GrantMandate, once GrantedAt is set.
func CheckMandate(m Mandate) error {
	switch {
	case m.PersonID == "":
		return errors.New("mandate without a person")
	case m.OrgID == "":
		return errors.New("mandate without an organisation")
	case m.Collected != CollectedInPerson && m.Collected != CollectedSignedPaper && m.Collected != CollectedOnline:
		return fmt.Errorf("mandate collected %q: want in_person, signed_paper or online", m.Collected)
	case !m.Until.IsZero() && !m.Until.After(m.GrantedAt):
		return errors.New("mandate ending before it starts")
	}
	return nil
}

// MinPasswordLength is the shortest password a user may choose: long
// enough to resist guessing at the login's rate limit, short enough to
// be typed on a phone (ANSSI recommends 12 or more for such use).
const MinPasswordLength = 12

// Argon2id parameters of new password hashes: the second recommended
// option of RFC 9106 (section 4), for machines without much memory to
// spare: 3 passes over 64 MiB, 4 lanes, a 16-byte salt, a 32-byte key.
// A login costs about a tenth of a second. CheckPassword reads the
// parameters from each hash, so they can be raised without invalidating
// the hashes stored.
const (
	argonTime    = 3
	argonMemory  = 64 * 1024 // KiB
	argonThreads = 4
	argonSaltLen = 16
	argonKeyLen  = 32
)

// HashPassword returns password hashed with argon2id in the PHC string
// format: "$argon2id$v=19$m=65536,t=3,p=4$salt$hash" (unpadded standard
// base64). An empty password gives "", which no password matches.
func HashPassword(password string) string {
	if password == "" {
		return ""
	}
	salt := make([]byte, argonSaltLen)
	rand.Read(salt)
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

// CheckPassword reports whether password matches encoded, a hash from
// HashPassword, comparing in constant time. With no hash (an unknown
// user, or one without a password) it still derives a key with the
// current parameters, so that the time taken does not tell whether the
// email exists.
func CheckPassword(encoded, password string) bool {
	var (
		version, memory uint32
		passes          uint32
		threads         uint8
		salt64, key64   string
	)
	parts := strings.Split(encoded, "$")
	ok := len(parts) == 6 && parts[0] == "" && parts[1] == "argon2id"
	if ok {
		_, err1 := fmt.Sscanf(parts[2], "v=%d", &version)
		_, err2 := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &memory, &passes, &threads)
		salt64, key64 = parts[4], parts[5]
		ok = err1 == nil && err2 == nil && version == argon2.Version && memory > 0 && passes > 0 && threads > 0
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(salt64)
	key, err2 := base64.RawStdEncoding.DecodeString(key64)
	ok = ok && err1 == nil && err2 == nil && len(key) > 0
	if !ok {
		argon2.IDKey([]byte(password), make([]byte, argonSaltLen), argonTime, argonMemory, argonThreads, argonKeyLen)
		return false
	}
	got := argon2.IDKey([]byte(password), salt, passes, memory, threads, uint32(len(key)))
	return password != "" && subtle.ConstantTimeCompare(got, key) == 1
}

// Prefixes of the secrets NewToken makes, so that a leaked one is
// recognised for what it is (by secret scanners too).
const (
	TokenPrefix   = "cft_" // API tokens
	SessionPrefix = "cfs_" // session ids
	LinkPrefix    = "cfl_" // access links' tokens
)

// NewToken returns a new secret: prefix then 32 random bytes in
// unpadded base64url.
func NewToken(prefix string) string {
	var b [32]byte
	rand.Read(b[:])
	return prefix + base64.RawURLEncoding.EncodeToString(b[:])
}

// TokenHash is what the stores keep of a token or session id: its hex
// SHA-256. A copy of the database gives no usable secret, and, the
// secret being random and long, a fast hash is enough.
func TokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// MayRead decides the stores' MayRead from the person's mandates, which
// mandates lists: the person themself, or a mandate that allows u at now.
func MayRead(ctx context.Context, u User, personID string, now time.Time, mandates func(ctx context.Context, personID string) ([]Mandate, error)) (bool, error) {
	if allowed, decided := MayReadSelf(u, personID); decided {
		return allowed, nil
	}
	ms, err := mandates(ctx, personID)
	if err != nil {
		return false, err
	}
	for _, m := range ms {
		if MandateAllows(m, u, now) {
			return true, nil
		}
	}
	return false, nil
}
