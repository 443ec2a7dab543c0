package pipeline

import (
	"context"
	"fmt"
	"image"
	"strings"

	"coffre"
	"coffre/classifiers"
	"coffre/intake"
	"coffre/preprocess"
)

// Messages for the agent when a page cannot be read. They say what to do.
const (
	msgBlurry = "Photo floue : reprenez la photo de plus près, à la lumière."
	msgDark   = "Photo trop sombre : reprenez la photo à la lumière du jour ou sous une lampe, sans ombre sur le document."
	msgNoText = "Texte illisible : posez le document à plat, cadrez-le en entier et reprenez la photo."
	msgBlank  = "Page blanche : aucun texte n'a été trouvé. Photographiez la face écrite du document."

	msgMRZ = "Zone MRZ non vérifiée : contrôlez à l'œil le numéro et les dates du document, ou reprenez la photo bien à plat."
)

// Readability and orientation thresholds, measured on the corpus (see
// README, "Mesures").
const (
	// A page with fewer letters and digits read with at least
	// ConfidentWordConf confidence cannot be trusted.
	minConfidentChars = 40
	// Below this mean confidence the page may be upside down: read it
	// turned too.
	orientBelowConf = 70
	// From this confidence the Orienter's "upside down" is trusted before
	// any OCR (its verdicts on corpus pages: 13–29 when right on A4, under
	// 8 on cards).
	minUpsideDownConf = 5
	// A probe (the middle third of a page, read turned) that reads with
	// this mean confidence and this many confident characters shows the
	// page upside down. On 50 photos of two corpora the probes of upright
	// pages read at 21–44, those of upside-down pages at 64–95. A middle
	// fifth was too little of a passport photocopy to tell.
	probeTurnedConf  = 55
	probeTurnedChars = 20
)

// decode opens each file of the document (a recto and a verso may come
// as two photos) and puts their pages in order.
func (p *Pipeline) decode(ctx context.Context, r *run) error {
	doc := &intake.Document{}
	budget := intake.NewBudget(p.Limits)
	for i, data := range r.files {
		d, err := budget.Open(ctx, data)
		if err != nil {
			if len(r.files) > 1 {
				return fmt.Errorf("file %d: %w", i+1, err)
			}
			return err
		}
		r.files[i] = nil // the bytes are no longer needed; let them go early
		if doc.Mime == "" {
			doc.Mime = d.Mime
		}
		doc.Pages = append(doc.Pages, d.Pages...)
	}
	r.doc = doc
	r.rec.Mime = doc.Mime
	r.rec.Pages = len(doc.Pages)
	r.pages = make([]page, len(doc.Pages))
	for i, pg := range doc.Pages {
		r.pages[i].text = pg.Text
	}
	return nil
}

func (p *Pipeline) preprocess(ctx context.Context, r *run) error {
	for i := range r.pages {
		src := r.doc.Pages[i].Image
		if src == nil {
			continue
		}
		res, err := preprocess.Prepare(ctx, src)
		if err != nil {
			return fmt.Errorf("page %d: %w", i+1, err)
		}
		r.doc.Pages[i].Image = nil // a 12 MP decode is ~50 MB: free it before OCR
		r.pages[i].img = res.Image
		r.pages[i].handheld = res.Cropped || res.Turned != 0
		switch {
		case res.Quality.Dark():
			r.pages[i].unreadable = msgDark
		case res.Quality.Blank():
			r.pages[i].unreadable = msgBlank
		case res.Quality.TooBlurry():
			r.pages[i].unreadable = msgBlurry
		}
		r.pages[i].blurry = res.Quality.Blurry()
	}
	return nil
}

func (p *Pipeline) recognize(ctx context.Context, r *run) error {
	for i := range r.pages {
		pg := &r.pages[i]
		if pg.img == nil || pg.unreadable != "" {
			continue // born-digital, or already known unreadable: OCR would only waste the agent's time
		}
		t, err := p.readUpright(ctx, pg)
		if err == nil && t.ConfidentChars < minConfidentChars {
			t, err = p.readSharpened(ctx, pg, t)
		}
		if err != nil {
			return fmt.Errorf("page %d: %w", i+1, err)
		}
		pg.text, pg.lines = t.Text, t.Lines
		if t.ConfidentChars < minConfidentChars {
			pg.unreadable = msgNoText
			if pg.blurry {
				pg.unreadable = msgBlurry
			}
		}
	}
	return nil
}

// readUpright reads a page the right way up. Preprocessing settles
// quarter turns but cannot tell upright from upside down, and a large
// share of phone photos are upside down. Leptonica's ascender/descender
// count (the Orienter) is right on A4 pages with confidence 13–29 in a
// few milliseconds; when it is sure, the page is turned accordingly and
// read once. Tesseract's own orientation detection answered "upright"
// with confidence 3–4 for upside-down card photocopies of the corpus.
//
// When the Orienter is unsure, a photo's middle third is read turned
// first (a probe): upright text read upside down is garbage of low
// confidence, so a probe that reads well means the page is upside down,
// and the page is read once, turned. Otherwise the page is read as it is
// and, if that reading is poor, the probe decides whether reading it
// turned is worth it. Reading the whole page both ways instead doubled
// the OCR time of upside-down and of blurred photos. A flat scan is
// almost always upright: it is not asked, which saves ~0.1 s a page, and
// only a poor reading gets the probe.
func (p *Pipeline) readUpright(ctx context.Context, pg *page) (Text, error) {
	var probe *Text
	if p.Orienter != nil && pg.handheld {
		ud, conf, ok := p.Orienter.UpsideDown(pg.img)
		if ok && conf >= minUpsideDownConf {
			if ud {
				pg.img = preprocess.Turn(pg.img, 180)
			}
			return p.Recognizer.Recognize(ctx, pg.img)
		}
		pr, err := p.readProbe(ctx, pg.img)
		if err != nil {
			return Text{}, err
		}
		if pr.MeanConfidence >= probeTurnedConf && pr.ConfidentChars >= probeTurnedChars {
			pg.img = preprocess.Turn(pg.img, 180)
			return p.Recognizer.Recognize(ctx, pg.img)
		}
		probe = &pr
	}
	t, err := p.Recognizer.Recognize(ctx, pg.img)
	if err != nil || t.MeanConfidence >= orientBelowConf {
		return t, err
	}
	if probe == nil {
		pr, err := p.readProbe(ctx, pg.img)
		if err != nil {
			return Text{}, err
		}
		probe = &pr
	}
	if probe.ConfidentChars <= t.confidentCharsIn(middleThird(pg.img.Rect)) {
		return t, nil
	}
	img := preprocess.Turn(pg.img, 180)
	turned, err := p.Recognizer.Recognize(ctx, img)
	if err != nil {
		return Text{}, err
	}
	if turned.ConfidentChars > t.ConfidentChars {
		pg.img = img // the lines' boxes are on the turned page
		return turned, nil
	}
	return t, nil
}

// readSharpened reads pg again through an unsharp mask, for a page whose
// reading t found almost no text, and keeps the better of the two
// readings. A photo of a photocopied card taken from a step back is
// blurred and pale once brought to Tesseract's text size: on the corpus,
// three such photos gave 2 to 22 confident characters, and 27 to 75
// sharpened, enough to tell their type. Pages that read well are read
// once, as before: only a poor reading pays for a second one.
func (p *Pipeline) readSharpened(ctx context.Context, pg *page, t Text) (Text, error) {
	sharp := &page{img: preprocess.Sharpen(pg.img), handheld: pg.handheld}
	st, err := p.readUpright(ctx, sharp)
	if err != nil || st.ConfidentChars <= t.ConfidentChars {
		return t, err
	}
	pg.img = sharp.img // the lines' boxes are on it
	return st, nil
}

// readProbe reads the middle third of img turned upside down.
func (p *Pipeline) readProbe(ctx context.Context, img *image.Gray) (Text, error) {
	third := img.SubImage(middleThird(img.Rect)).(*image.Gray)
	return p.Recognizer.Recognize(ctx, preprocess.Turn(third, 180))
}

func middleThird(r image.Rectangle) image.Rectangle {
	return image.Rect(r.Min.X, r.Min.Y+r.Dy()/3, r.Max.X, r.Min.Y+2*r.Dy()/3)
}

func (p *Pipeline) classify(_ context.Context, r *run) error {
	texts := make([]string, 0, len(r.pages))
	for _, pg := range r.pages {
		texts = append(texts, pg.text)
	}
	r.rec.Text = strings.Join(texts, "\n\f\n")
	res := classifiers.Classify(r.rec.Text, r.asOf)
	r.result = res
	r.rec.Type, r.rec.Subtype = res.Type, res.Subtype
	r.rec.Confidence = res.Confidence
	if res.Fields != nil {
		r.rec.Fields = res.Fields
	}
	r.rec.IssuedOn = res.IssuedOn
	r.rec.Checks = append(r.rec.Checks, res.Checks...)
	if c, ok := r.rec.Check(classifiers.CheckMRZDigits); ok && !c.OK {
		r.rec.Messages = append(r.rec.Messages, msgMRZ)
	}
	if label, ok := lookalikeLabels[res.Lookalike]; ok && r.readable() {
		r.rec.Messages = append(r.rec.Messages, "Ce document semble être "+label+" : ce n'est pas un justificatif pris en charge (avis d'impôt sur le revenu, pièce d'identité, attestation CAF).")
	}
	return nil
}

// lookalikeLabels name, for the agent, the documents recognised but not
// accepted.
var lookalikeLabels = map[string]string{
	"taxe_fonciere":               "un avis de taxe foncière",
	"taxe_habitation":             "un avis de taxe d'habitation",
	"bulletin_paie":               "un bulletin de paie",
	"facture":                     "une facture",
	"courrier":                    "un courrier",
	"attestation_autre_organisme": "une attestation d'un autre organisme que la CAF",
	"attestation_tiers":           "une attestation d'un particulier ou d'un employeur",
	"autre_titre":                 "un autre titre (permis, carte grise, carte Vitale…)",
	"declaration_revenus":         "une déclaration de revenus, pas l'avis d'impôt",
}

func (p *Pipeline) applyPolicy(_ context.Context, r *run) error {
	readable := r.readable()
	r.rec.Checks = append([]coffre.Check{{Name: coffre.CheckReadable, OK: readable}}, r.rec.Checks...)
	for i, pg := range r.pages {
		if pg.unreadable == "" {
			continue
		}
		msg := pg.unreadable
		if len(r.pages) > 1 {
			msg = fmt.Sprintf("Page %d : %s", i+1, msg)
		}
		r.rec.Messages = append(r.rec.Messages, msg)
	}
	if r.rec.Type == coffre.TypeUnknown {
		return nil
	}
	expires, checks := p.Policy.ExpiresOn(r.rec.Type, r.rec.Subtype, r.rec.Fields, r.rec.IssuedOn)
	r.rec.ExpiresOn = expires
	r.rec.Checks = append(r.rec.Checks, checks...)
	if readable {
		r.rec.Status = p.Policy.Status(expires, r.asOf)
	}
	return nil
}
