package intake

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"coffre"

	"github.com/gabriel-vasile/mimetype"
)

// User-facing messages. They say what to do, not what went wrong inside.
const (
	msgEmpty     = "Le fichier est vide : vérifiez qu'il s'est bien enregistré, puis renvoyez-le."
	msgCorrupt   = "Le fichier est illisible ou abîmé : reprenez la photo ou renvoyez le fichier."
	msgEncrypted = "Le PDF est protégé par un mot de passe : renvoyez une version sans mot de passe, ou une photo du document."
	msgCancelled = "Le traitement du document a été interrompu : réessayez dans quelques instants."
	msgPDFImage  = "Ce PDF contient des images dans un format non pris en charge (JPEG 2000 ou JBIG2) : numérisez le document en JPEG ou envoyez une photo."
	msgTooLarge  = "Le fichier est trop volumineux pour être traité : réduisez la résolution ou envoyez moins de pages."
)

var errEmpty = errors.New("0 bytes")

// corrupt wraps a decoding failure.
func corrupt(cause error) *coffre.Error {
	return &coffre.Error{Code: coffre.ECORRUPT, Message: msgCorrupt, Err: cause}
}

// tooLarge wraps a budget refusal with a message that names the budget.
func tooLarge(message string, cause error) *coffre.Error {
	return &coffre.Error{Code: coffre.ETOOLARGE, Message: message, Err: cause}
}

// tooManyPages refuses a document of count pages ("1000", "more than 20").
func tooManyPages(count string, maxPages int) *coffre.Error {
	return tooLarge(fmt.Sprintf("Le document dépasse la limite de %d pages : envoyez seulement les pages utiles.", maxPages),
		fmt.Errorf("%s pages over the %d-page budget", count, maxPages))
}

// checkPixels refuses a page whose header announces more than MaxPixels,
// before any pixel is allocated. Dimensions are int64 products so that a
// header claiming 2^31×2^31 cannot overflow into a small number.
func checkPixels(page, w, h int, lim Limits) error {
	if w <= 0 || h <= 0 {
		return corrupt(fmt.Errorf("page %d: invalid dimensions %d×%d", page, w, h))
	}
	if int64(w)*int64(h) > int64(lim.MaxPixels) {
		return tooLarge(fmt.Sprintf("L'image de la page %d est trop grande (%d × %d pixels) : réduisez la résolution à moins de %d mégapixels.",
			page, w, h, lim.MaxPixels/1_000_000),
			fmt.Errorf("page %d: %d×%d over the %d-pixel budget", page, w, h, lim.MaxPixels))
	}
	if total := lim.usedPixels + w*h; total > lim.MaxDocPixels {
		return tooHeavy(lim, fmt.Errorf("page %d: %d pixels with the files before over the %d-pixel document budget", page, total, lim.MaxDocPixels))
	}
	return nil
}

// addPage appends p to pages unless the pages' pixels together would pass
// MaxDocPixels: memory then holds at most the budget and one page.
func addPage(pages []Page, p Page, lim Limits) ([]Page, error) {
	pages = append(pages, p)
	if total := lim.usedPixels + pixels(pages); total > lim.MaxDocPixels {
		return nil, tooHeavy(lim, fmt.Errorf("%d pixels on %d pages over the %d-pixel document budget", total, len(pages), lim.MaxDocPixels))
	}
	return pages, nil
}

// tooHeavy refuses a document whose pages pass MaxDocPixels together.
func tooHeavy(lim Limits, cause error) *coffre.Error {
	return tooLarge(fmt.Sprintf("Le document est trop lourd (plus de %d mégapixels en tout) : envoyez moins de pages ou des photos moins grandes.", lim.MaxDocPixels/1_000_000), cause)
}

// unsupported names the detected type in the user's terms (an extension
// such as "zip" or "txt") and lists what is accepted.
func unsupported(data []byte) *coffre.Error {
	m := mimetype.Detect(data)
	name := strings.TrimPrefix(m.Extension(), ".")
	if name == "" || name == "bin" {
		name = "format inconnu"
	}
	return &coffre.Error{
		Code:    coffre.EUNSUPPORTED,
		Message: fmt.Sprintf("Type de fichier non pris en charge (%s) : envoyez une photo (JPEG, PNG, WebP, HEIC, TIFF) ou un PDF.", name),
		Err:     fmt.Errorf("detected type %s is not accepted", m.String()),
	}
}

// asCoded keeps the code and message of an error that already carries
// them and classifies any other decoder error as corruption; either way the
// technical cause gains the context given by format.
func asCoded(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	if ce, ok := errors.AsType[*coffre.Error](err); ok {
		return &coffre.Error{Code: ce.Code, Message: ce.Message, Err: fmt.Errorf(format+": %w", append(args, ce.Err)...)}
	}
	return corrupt(fmt.Errorf(format+": %w", append(args, err)...))
}

// megabytes formats n bytes for a French message ("12,5 Mo", "50 Mo").
func megabytes(n int64) string {
	s := strings.TrimSuffix(strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64), ".0")
	return strings.Replace(s, ".", ",", 1) + " Mo"
}
