package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"coffre"
	"coffre/vault"
)

// runUser adds a user: `coffre user add --org NOM --role RÔLE --email …`.
// The password is read from COFFRE_PASSWORD (never from a flag, which
// other users of the machine could see); without it the user has none.
func runUser(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "add" {
		fmt.Fprintln(stderr, "usage : coffre user add --org NOM --role admin|agent|caseworker --email ADRESSE [--name NOM]\n"+
			"        coffre user add --role person --person ID --email ADRESSE [--name NOM]")
		return exitUsage
	}
	var org, role, email, name, person string
	st, ok := openAccess(ctx, "user add", args[1:], stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&org, "org", "", "organisation (CCAS, CIAS), créée si elle n'existe pas")
		fs.StringVar(&role, "role", "", "rôle : admin, agent, caseworker, ou person (la personne elle-même)")
		fs.StringVar(&email, "email", "", "adresse électronique (identifiant de connexion)")
		fs.StringVar(&name, "name", "", "nom affiché")
		fs.StringVar(&person, "person", "", "pour le rôle person : l'identifiant de la personne")
	})
	if !ok {
		return exitUsage
	}
	defer st.Close()
	u := vault.User{Email: email, Name: name, Role: vault.Role(role), PersonID: person}
	var err error
	orgName := "compte personnel"
	if u.Role != vault.RolePerson { // a person's account belongs to no organisation
		var o vault.Org
		if o, err = orgNamed(ctx, st, org); err == nil {
			u.OrgID, orgName = o.ID, o.Name
		}
	}
	if err == nil {
		u, err = st.CreateUser(ctx, u, os.Getenv("COFFRE_PASSWORD"), time.Now())
		if err == nil {
			fmt.Fprintf(stdout, "Utilisateur créé : %s (%s, %s)\n%s\n", u.Email, u.Role, orgName, u.ID)
			return exitOK
		}
	}
	fmt.Fprintln(stderr, "coffre :", accessError(err))
	return exitFail
}

// runToken creates an API token for a new user of the organisation with
// the role (an integration's account) and prints the token alone on its
// last line: it is shown once, only its hash is kept.
func runToken(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "create" {
		fmt.Fprintln(stderr, "usage : coffre token create --org NOM --role RÔLE [--name NOM]")
		return exitUsage
	}
	var org, role, name string
	st, ok := openAccess(ctx, "token create", args[1:], stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&org, "org", "", "organisation")
		fs.StringVar(&role, "role", "", "rôle du jeton : admin, agent ou caseworker")
		fs.StringVar(&name, "name", "intégration", "nom de l'intégration")
	})
	if !ok {
		return exitUsage
	}
	defer st.Close()
	o, err := orgNamed(ctx, st, org)
	if err == nil {
		now := time.Now()
		var u vault.User
		u, err = st.CreateUser(ctx, vault.User{OrgID: o.ID, Email: "token-" + vault.NewID()[:12] + "@" + o.ID, Name: name, Role: vault.Role(role)}, "", now)
		if err == nil {
			var token string
			if token, err = st.CreateToken(ctx, u.ID, now); err == nil {
				fmt.Fprintf(stdout, "Jeton créé pour %s (%s). Conservez-le : il ne sera plus affiché.\n%s\n", o.Name, u.Role, token)
				return exitOK
			}
		}
	}
	fmt.Fprintln(stderr, "coffre :", accessError(err))
	return exitFail
}

// accessStore is the store with its accounts.
type accessStore interface {
	vault.Access
	Close() error
}

// openAccess parses the command's own flags (added by extra) and the
// service configuration, and opens the store.
func openAccess(ctx context.Context, name string, args []string, stderr io.Writer, extra func(*flag.FlagSet)) (accessStore, bool) {
	var cfg Config
	var sc serviceConfig
	fl, complete := newFlags(name, "", &cfg, stderr)
	sc.flags(fl)
	extra(fl)
	if !parseArgs(fl, args, stderr, complete, func(n int) bool { return n == 0 }) {
		return nil, false
	}
	st, err := openStore(ctx, sc)
	if err != nil {
		fmt.Fprintln(stderr, "coffre :", err)
		return nil, false
	}
	return st.(accessStore), true
}

// orgNamed returns the organisation, creating it the first time.
func orgNamed(ctx context.Context, st vault.Access, name string) (vault.Org, error) {
	o, err := st.OrgByName(ctx, name)
	if errors.Is(err, vault.ErrNotFound) {
		return st.CreateOrg(ctx, name, time.Now())
	}
	return o, err
}

// accessError says in French what went wrong.
func accessError(err error) string {
	switch {
	case errors.Is(err, vault.ErrConflict):
		return "cette adresse ou ce nom est déjà pris"
	case errors.Is(err, vault.ErrNotFound):
		return "organisation ou utilisateur introuvable"
	}
	return "impossible d'enregistrer : vérifiez l'organisation (--org), le rôle (--role) et l'adresse (--email) ; " + err.Error()
}

// runMandate records the mandate a person gave an organisation's
// caseworkers to read their documents:
// `coffre mandate grant --person ID --org NOM --collected in_person|signed_paper|online [--until AAAA-MM-JJ]`.
func runMandate(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "grant" {
		fmt.Fprintln(stderr, "usage : coffre mandate grant --person ID --org NOM --collected in_person|signed_paper|online [--until AAAA-MM-JJ]")
		return exitUsage
	}
	var person, org, collected, until string
	st, ok := openAccess(ctx, "mandate grant", args[1:], stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&person, "person", "", "la personne qui donne mandat")
		fs.StringVar(&org, "org", "", "l'organisation mandatée")
		fs.StringVar(&collected, "collected", "", "comment le consentement a été recueilli : in_person, signed_paper ou online")
		fs.StringVar(&until, "until", "", "fin du mandat AAAA-MM-JJ (par défaut : jusqu'à révocation)")
	})
	if !ok {
		return exitUsage
	}
	defer st.Close()
	m := vault.Mandate{PersonID: person, Collected: collected}
	o, err := st.OrgByName(ctx, org)
	if err == nil {
		m.OrgID = o.ID
	}
	if err == nil && until != "" {
		var d coffre.Date
		if d, err = coffre.ParseDate(until); err == nil {
			m.Until = d.Time()
		}
	}
	if err == nil {
		if m, err = st.GrantMandate(ctx, m, time.Now()); err == nil {
			fmt.Fprintf(stdout, "Mandat enregistré : %s\n", m.ID)
			return exitOK
		}
	}
	fmt.Fprintln(stderr, "coffre :", accessError(err))
	return exitFail
}
