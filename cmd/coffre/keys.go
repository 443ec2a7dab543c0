package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"coffre/vault/seal"
)

// keyRotateHelp is the help of `coffre key rotate`.
const keyRotateHelp = `usage : coffre key rotate --new-key-file CHEMIN

Change la clé maîtresse : la clé de chaque document est rechiffrée sous la
nouvelle clé, lue dans CHEMIN, ou créée là (mode 0600) si le fichier
n'existe pas. Les originaux ne sont pas réécrits. La clé actuelle et la
base sont celles de serve (COFFRE_MASTER_KEY ou DATA_DIR/master.key,
COFFRE_DATABASE_URL…).

Arrêtez d'abord serve et les workers : un processus qui garde l'ancienne
clé ne lirait plus les documents rechiffrés. Une rotation interrompue se
relance telle quelle : les clés déjà rechiffrées sont reconnues.

Avec la clé par défaut (DATA_DIR/master.key, COFFRE_MASTER_KEY vide), la
commande installe elle-même la nouvelle clé à sa place une fois tout
rechiffré : l'ancienne est gardée dans DATA_DIR/master.key.old (0600), à
détruire une fois les sauvegardes de la base renouvelées, et la commande
refuse de démarrer tant que ce fichier existe. Avec COFFRE_MASTER_KEY, elle
dit quoi changer.

options :
`

// runKey rotates the master key: `coffre key rotate --new-key-file CHEMIN`.
func runKey(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "rotate" {
		fmt.Fprint(stderr, keyRotateHelp)
		return exitUsage
	}
	var (
		cfg        Config
		sc         serviceConfig
		newKeyFile string
	)
	fl, complete := newFlags("key rotate", "", &cfg, stderr)
	fl.Usage = func() {
		fmt.Fprint(stderr, keyRotateHelp)
		fl.PrintDefaults()
	}
	sc.flags(fl)
	fl.StringVar(&newKeyFile, "new-key-file", "", "fichier de la nouvelle clé maîtresse (créé en 0600 s'il n'existe pas)")
	if !parseArgs(fl, args[1:], stderr, complete, func(n int) bool { return n == 0 }) {
		return exitUsage
	}
	if newKeyFile == "" {
		fl.Usage()
		return exitUsage
	}
	// With the embedded default, the command installs the new key file
	// itself; it checks first what would stop it, before changing anything.
	keyFile := filepath.Join(sc.DataDir, "master.key")
	oldKeyFile := keyFile + ".old"
	installKey := sc.MasterKey == ""
	if installKey {
		if absPath(newKeyFile) == absPath(keyFile) {
			fmt.Fprintf(stderr, "coffre : --new-key-file %s est la clé actuelle : donnez un autre fichier\n", newKeyFile)
			return exitUsage
		}
		if _, err := os.Lstat(oldKeyFile); err == nil {
			fmt.Fprintf(stderr, "coffre : %s existe déjà (rotation précédente) : détruisez-le, une fois les sauvegardes renouvelées, avant une nouvelle rotation\n", oldKeyFile)
			return exitFail
		}
	}

	st, err := openStore(ctx, sc)
	if err != nil {
		fmt.Fprintln(stderr, "coffre :", err)
		return exitFail
	}
	defer st.Close()
	current, err := openOriginals(sc, slog.New(slog.NewJSONHandler(stderr, nil)))
	if err != nil {
		fmt.Fprintln(stderr, "coffre :", err)
		return exitFail
	}
	newKey, created, err := seal.LoadOrCreateMasterKeyFile(newKeyFile)
	if err != nil {
		fmt.Fprintln(stderr, "coffre : nouvelle clé :", err)
		return exitFail
	}
	if created {
		fmt.Fprintf(stdout, "Nouvelle clé maîtresse créée dans %s (0600) : sauvegardez-la en lieu sûr.\n", newKeyFile)
	}
	n, err := st.Rewrap(ctx, func(docID string, wrapped []byte) ([]byte, error) {
		return seal.Rewrap(current.Master, newKey, wrapped, docID)
	})
	if err != nil {
		fmt.Fprintf(stderr, "coffre : rotation interrompue après %d document(s) rechiffré(s) : %v\n"+
			"Relancez la même commande : les clés déjà rechiffrées sont reconnues.\n", n, err)
		return exitFail
	}
	fmt.Fprintf(stdout, "%d document(s) rechiffré(s) sous la nouvelle clé maîtresse.\n", n)

	if !installKey {
		fmt.Fprintf(stdout, "À faire maintenant :\n"+
			"  1. donnez à COFFRE_MASTER_KEY le contenu de %s, pour chaque processus coffre (serve, worker) ;\n"+
			"  2. redémarrez-les tous ;\n"+
			"  3. détruisez l'ancienne clé une fois les sauvegardes de la base renouvelées (les anciennes ne s'ouvrent qu'avec elle).\n",
			newKeyFile)
		return exitOK
	}
	if err := seal.ReplaceKeyFile(keyFile, newKeyFile, oldKeyFile); err != nil {
		fmt.Fprintf(stderr, "coffre : %v\nLes documents sont rechiffrés : remplacez vous-même %s par %s (mode 0600), "+
			"en gardant l'ancienne clé jusqu'au renouvellement des sauvegardes, puis redémarrez coffre.\n", err, keyFile, newKeyFile)
		return exitFail
	}
	fmt.Fprintf(stdout, "La nouvelle clé est installée dans %s ; l'ancienne est gardée dans %s.\n"+
		"À faire maintenant :\n"+
		"  1. redémarrez chaque processus coffre (serve, worker) ;\n"+
		"  2. détruisez %s (shred -u) une fois les sauvegardes de la base renouvelées (les anciennes ne s'ouvrent qu'avec elle).\n",
		keyFile, oldKeyFile, oldKeyFile)
	return exitOK
}

// absPath returns path made absolute, or as it is when it cannot be.
func absPath(path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		return abs
	}
	return path
}
